// sync.mjs: team sync measured against a real CouchDB-compatible server (pouchdb-server on
// 127.0.0.1, behind the app's own origin as scripts/serve --sync runs it), in headless Chromium:
// the first push and the initial pull of 1k and 10k cases (time and requests), an edit in one
// profile until the other shows it, the bytes an edit and an idle second cost, and how long the
// page's thread was blocked (Long Tasks API) during the first push and the initial pull. Writes
// tests/bench/sync-results.json. Run by scripts/bench; timings are reported, never asserted.
import { chromium } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, stopServer } from '../../scripts/static-server.mjs';
import { startCouch } from '../e2e/couch.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const DIST = resolve(HERE, '../../dist');
const option = (name, fallback) => {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? arg.slice(name.length + 3) : fallback;
};
const SIZES = option('sizes', '1000,10000').split(',').map(Number);
const EDITS = Number(option('edits', '10'));
const OUT = resolve(option('out', join(HERE, 'sync-results.json')));
const LONG = 20 * 60_000;
const TEAM = 'team-bench';
const ALICE = { name: 'alice', password: 'alice-pw' };
const BOB = { name: 'bob', password: 'bob-pw' };
const CAROL = { name: 'carol', password: 'carol-pw' };
const log = (...parts) => console.log(`[sync bench ${new Date().toISOString().slice(11, 19)}]`, ...parts);

function summary(values) {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return { n: 0, median: null, p95: null };
  const rank = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  const mid = sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  return { n: sorted.length, median: Math.round(mid), p95: Math.round(rank(0.95)), max: Math.round(sorted.at(-1)) };
}

/** A person's own profile, with every request to the team server counted (and its bytes). */
async function person(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  // Every task of 50 ms or more on the page's thread (the Long Tasks API), with its wall-clock
  // start, so the time a sync round keeps a person's keystrokes waiting can be read afterwards.
  await context.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push({ at: performance.timeOrigin + e.startTime, ms: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
  const page = await context.newPage();
  page.setDefaultTimeout(LONG);
  const traffic = [];
  page.on('requestfinished', async (request) => {
    if (!request.url().includes('/couch/')) return;
    const sizes = await request.sizes().catch(() => null);
    if (!sizes) return;
    traffic.push({
      at: Date.now(),
      method: request.method(),
      path: new URL(request.url()).pathname.replace(/^\/couch\/[^/]+\//, ''),
      sent: sizes.requestHeadersSize + sizes.requestBodySize,
      received: sizes.responseHeadersSize + sizes.responseBodySize,
    });
  });
  return { page, context, traffic };
}

async function signIn(page, base, user) {
  await page.goto(`${base}/settings`);
  const panel = page.getByRole('region', { name: 'Team sync' });
  await panel.getByLabel('Team database').fill(TEAM);
  await panel.getByLabel('User name').fill(user.name);
  await panel.getByLabel('Password').fill(user.password);
  await panel.getByRole('button', { name: 'Sign in and turn on sync' }).click();
}

/** Resolves when the server holds at least `count` case records (each pushed after its events). */
async function serverHolds(couch, count) {
  const start = encodeURIComponent('"case:"');
  const end = encodeURIComponent('"case:\ufff0"');
  for (;;) {
    const page = await couch.get(`_all_docs?startkey=${start}&endkey=${end}&skip=${count - 1}&limit=1`);
    if ((page.rows || []).length === 1) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The page thread's long tasks that started between `from` and `to` (wall-clock ms): the longest,
 * and the total blocking time (each task's part beyond 50 ms, as Lighthouse counts it). */
async function blocking(page, from, to) {
  const tasks = (await page.evaluate(() => window.__longTasks)).filter((t) => t.at >= from && t.at <= to);
  return {
    long_tasks: tasks.length,
    longest_ms: Math.round(Math.max(0, ...tasks.map((t) => t.ms))),
    total_blocking_ms: Math.round(tasks.reduce((sum, t) => sum + t.ms - 50, 0)),
  };
}

const sent = (traffic, from, to = Infinity) => traffic.filter((t) => t.at >= from && t.at <= to);
const total = (list, field) => list.reduce((sum, t) => sum + t[field], 0);

async function benchSize(browser, base, couch, size) {
  const result = { size };
  const alice = await person(browser);
  await alice.page.goto(`${base}/settings`);
  await alice.page.getByRole('button', { name: `Add ${size} sample cases` }).click();
  await alice.page.getByText(new RegExp(`^Added ${size} sample cases`)).waitFor();
  const caseCount = size;

  log(`${size}: first push of every case from the profile that holds them`);
  let started = Date.now();
  await signIn(alice.page, base, ALICE);
  await serverHolds(couch, caseCount);
  result.first_push_ms = Date.now() - started;
  result.first_push_page_thread = await blocking(alice.page, started, Date.now());
  result.first_push_requests = sent(alice.traffic, started).length;
  result.first_push_mb_sent = Math.round(total(sent(alice.traffic, started), 'sent') / 1e4) / 100;
  // What came back meanwhile: mostly the pushed documents returning through _changes.
  result.first_push_mb_received = Math.round(total(sent(alice.traffic, started), 'received') / 1e4) / 100;

  log(`${size}: initial pull into a fresh profile, sign-in click → the queue lists every case`);
  const bob = await person(browser);
  await bob.page.goto(`${base}/`);
  await bob.page.getByRole('heading', { level: 1 }).first().waitFor();
  started = Date.now();
  await signIn(bob.page, base, BOB);
  await bob.page.locator('.sync-note').getByText(/Synced/).waitFor();
  // Read before the reload below, which starts a new page: the pull's own tasks, not start-up's.
  result.initial_pull_page_thread = await blocking(bob.page, started, Date.now());
  await bob.page.goto(`${base}/`);
  await bob.page.getByRole('navigation', { name: 'Saved views' }).getByRole('button', { name: /^Everything/ }).click();
  await bob.page.locator('p.count').getByText(new RegExp(`^${caseCount} cases`)).waitFor();
  result.initial_pull_ms = Date.now() - started;
  const pulled = sent(bob.traffic, started);
  result.initial_pull_requests = pulled.length;
  result.initial_pull_mb_received = Math.round(total(pulled, 'received') / 1e4) / 100;

  log(`${size}: initial pull while the person works: sign-in click, back to the queue at once (no reload) → every case listed`);
  const carol = await person(browser);
  await carol.page.goto(`${base}/`);
  await carol.page.getByRole('heading', { level: 1 }).first().waitFor();
  started = Date.now();
  await signIn(carol.page, base, CAROL);
  await carol.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Queue' }).click();
  await carol.page.getByRole('navigation', { name: 'Saved views' }).getByRole('button', { name: /^Everything/ }).click();
  await carol.page.locator('p.count').getByText(new RegExp(`^${caseCount} cases`)).waitFor();
  result.initial_pull_in_queue_ms = Date.now() - started;
  result.initial_pull_in_queue_page_thread = await blocking(carol.page, started, Date.now());
  await carol.context.close();

  log(`${size}: the raw floor: the same changes pages with their documents, fetched and parsed by Node straight from the server`);
  started = Date.now();
  let since = '0';
  let floorRequests = 0;
  for (;;) {
    const page = await couch.get(`_changes?since=${encodeURIComponent(since)}&limit=1000&include_docs=true`);
    floorRequests += 1;
    since = typeof page.last_seq === 'string' ? page.last_seq : JSON.stringify(page.last_seq);
    if ((page.results || []).length < 1000) break;
  }
  result.initial_pull_floor_ms = Date.now() - started;
  result.initial_pull_floor_requests = floorRequests;
  result.initial_pull_ratio = Math.round((result.initial_pull_ms / result.initial_pull_floor_ms) * 10) / 10;

  log(`${size}: idle rounds (nothing changes anywhere for 10 s)`);
  await new Promise((r) => setTimeout(r, 2000));
  const idleFrom = Date.now();
  await new Promise((r) => setTimeout(r, 10_000));
  const idle = sent(alice.traffic, idleFrom, Date.now());
  result.idle_requests_per_s = Math.round((idle.length / 10) * 10) / 10;
  result.idle_bytes_per_s = Math.round(total(idle, 'sent') / 10 + total(idle, 'received') / 10);

  log(`${size}: an edit in one profile until the other shows it (${EDITS} edits)`);
  await alice.page.goto(`${base}/`);
  const href = await alice.page.locator('a[href^="/cases/"]').first().getAttribute('href');
  await alice.page.goto(`${base}${href}`);
  await bob.page.goto(`${base}${href}`);
  const latencies = [];
  const editBytes = [];
  for (let i = 0; i < EDITS; i++) {
    const title = `Bench edit ${i} ${Date.now()}`;
    await alice.page.getByRole('button', { name: 'Edit title' }).click();
    await alice.page.getByLabel('Title', { exact: true }).fill(title);
    const clicked = Date.now();
    await alice.page.getByRole('button', { name: 'Save title' }).click();
    await bob.page.waitForFunction((t) => document.querySelector('h1')?.textContent === t, title, { polling: 'raf', timeout: 60_000 });
    const seen = Date.now();
    latencies.push(seen - clicked);
    // What the edit's push sent: the requests that carried it (revs_diff and bulk_docs).
    const pushed = sent(alice.traffic, clicked, seen).filter((t) => t.method === 'POST');
    editBytes.push(total(pushed, 'sent'));
  }
  result.edit_visible_ms = summary(latencies);
  result.edit_bytes_sent = summary(editBytes);

  log(`${size}: a whole record (an email template) edited in one profile until the other's open, untouched editor shows it (${EDITS} edits)`);
  await alice.page.goto(`${base}/templates`);
  await bob.page.goto(`${base}/templates`);
  await bob.page.getByLabel('Subject').waitFor();
  const recordLatencies = [];
  const recordBytes = [];
  for (let i = 0; i < EDITS; i++) {
    const subject = `Bench subject ${i} ${Date.now()}`;
    await alice.page.getByLabel('Subject').fill(subject);
    const clicked = Date.now();
    await alice.page.getByRole('button', { name: 'Save templates' }).click();
    await bob.page.waitForFunction((s) => [...document.querySelectorAll('input')].some((input) => input.value === s), subject, { polling: 'raf', timeout: 60_000 });
    const seen = Date.now();
    recordLatencies.push(seen - clicked);
    recordBytes.push(total(sent(alice.traffic, clicked, seen).filter((t) => t.method === 'POST'), 'sent'));
  }
  result.record_edit_visible_ms = summary(recordLatencies);
  result.record_edit_bytes_sent = summary(recordBytes);
  await alice.context.close();
  await bob.context.close();
  return result;
}

async function main() {
  const results = [];
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true });
  try {
    for (const size of SIZES) {
      const couch = await startCouch({ database: TEAM, users: [ALICE, BOB, CAROL] });
      const server = await startServer({ root: DIST, port: 0, couch: couch.url });
      const base = `http://127.0.0.1:${server.address().port}`;
      try {
        const r = await benchSize(browser, base, couch, size);
        log(JSON.stringify(r));
        results.push(r);
      } finally {
        await stopServer(server);
        await couch.stop();
      }
    }
  } finally {
    await browser.close();
  }
  const out = { measured: new Date().toISOString(), machine: { cpus: cpus().length, model: cpus()[0]?.model }, server: 'pouchdb-server 4.2.0 (LevelDB) on 127.0.0.1', results };
  writeFileSync(OUT, JSON.stringify(out, null, 2) + '\n');
  log(`wrote ${OUT}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
