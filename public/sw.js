// sw.js: offline support for Escalation Desk.
// Navigations are network-first with the cached app shell as fallback, so a new build is used as
// soon as it is reachable. Hashed assets are cache-first: their names change with their content,
// so a cached copy can never be stale. A shell is only promoted once every asset it names is cached,
// so an offline start never mixes an old shell with missing new files.
'use strict';

const CACHE = 'escalation-desk-v1';
const SHELL = '/index.html';
const HASHED = /-[0-9a-f]{8,16}(_bg)?\.(js|wasm|css)$/;
const STATIC = ['/manifest.webmanifest', '/icon.svg', '/icon-192.png', '/icon-512.png'];

function referencedAssets(html) {
  const found = new Set();
  for (const match of html.matchAll(/(?:href|src|from|import)\s*=?\s*\(?\s*["']([^"']+)["']/g)) {
    const url = new URL(match[1], self.location.origin);
    if (url.origin === self.location.origin && HASHED.test(url.pathname)) found.add(url.pathname);
  }
  return [...found];
}

// Files the page fetches only on demand (the SQL console's worker), listed in a data-lazy attribute.
function lazyAssets(html) {
  const match = html.match(/data-lazy=["']([^"']+)["']/);
  return match ? match[1].split(/\s+/).filter((path) => HASHED.test(path)) : [];
}

// The app's on-demand parts (src/ui/on_demand.rs), listed in a data-precache attribute: the page
// fetches one only when its route first opens, but every page must open offline after one visit,
// so the worker caches them all once it is active (and after each new shell).
function precachedParts(html) {
  const match = html.match(/data-precache=["']([^"']+)["']/);
  return match ? match[1].split(/\s+/).filter((path) => HASHED.test(path)) : [];
}

// Not part of install: a long install (seventy-odd files) overlapping the page's start-up left
// WebKit's IndexedDB requests unanswered for good in about half the runs (the queue never got its
// clocks); cached after activation, the same files never did. A part not cached yet is only
// fetched when its page opens, and a page that cannot get it offline says so.
async function cacheParts(cache, html) {
  for (const path of precachedParts(html)) {
    if (await cache.match(path)) continue;
    const response = await fetch(path, { cache: 'no-cache' }).catch(() => null);
    if (response && response.ok) await cache.put(path, response);
  }
}

async function promoteShell(cache, html) {
  const assets = referencedAssets(html);
  const previous = await cache.match(SHELL);
  const previousHtml = previous ? await previous.text() : '';
  // Lazy files stay lazy until first used; once someone has used them, a new build's copies are
  // fetched with the new shell, so the console keeps working offline after an update.
  const usedBefore = (await Promise.all(lazyAssets(previousHtml).map((path) => cache.match(path)))).some(Boolean);
  const wanted = usedBefore ? [...assets, ...lazyAssets(html)] : assets;
  for (const path of wanted) {
    if (!(await cache.match(path))) {
      const response = await fetch(path, { cache: 'no-cache' });
      if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
      await cache.put(path, response);
    }
  }
  const keep = new Set([...assets, ...precachedParts(html), ...lazyAssets(html)]);
  for (const path of [...referencedAssets(previousHtml), ...precachedParts(previousHtml), ...lazyAssets(previousHtml)]) keep.add(path);
  await cache.put(SHELL, new Response(html, { headers: { 'Content-Type': 'text/html; charset=utf-8' } }));
  // Keep the current and the previous generation, so a tab still running the old build can finish loading.
  for (const request of await cache.keys()) {
    const path = new URL(request.url).pathname;
    if (HASHED.test(path) && !keep.has(path)) await cache.delete(request);
  }
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      const response = await fetch('/', { cache: 'no-cache' });
      if (response.ok) await promoteShell(cache, await response.text());
      await Promise.all(
        STATIC.map((path) => fetch(path).then((r) => (r.ok ? cache.put(path, r) : undefined)).catch(() => undefined)),
      );
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
      await self.clients.claim();
      const cache = await caches.open(CACHE);
      const shell = await cache.match(SHELL);
      if (shell) await cacheParts(cache, await shell.text());
    })(),
  );
});

async function networkFirst(event) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(event.request);
    const type = response.headers.get('Content-Type') || '';
    if (response.ok && type.includes('text/html')) {
      const html = await response.clone().text();
      event.waitUntil(promoteShell(cache, html).then(() => cacheParts(cache, html)).catch(() => undefined));
    }
    return response;
  } catch (error) {
    const cached = await cache.match(SHELL);
    if (cached) return cached;
    throw error;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request, { ignoreSearch: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

async function staleWhileRevalidate(event) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(event.request, { ignoreSearch: true });
  const refresh = fetch(event.request)
    .then((response) => {
      if (response.ok) return cache.put(event.request, response.clone()).then(() => response);
      return response;
    });
  if (cached) {
    event.waitUntil(refresh.catch(() => undefined));
    return cached;
  }
  return refresh;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') event.respondWith(networkFirst(event));
  else if (HASHED.test(url.pathname)) event.respondWith(cacheFirst(request));
  else if (STATIC.includes(url.pathname)) event.respondWith(staleWhileRevalidate(event));
});
