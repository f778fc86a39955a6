// fixtures.mjs: each test gets its own static server on a free loopback port, which it can stop to go offline.
import { test as base, expect } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { startServer, stopServer } from '../../scripts/static-server.mjs';

export const DIST = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist');

export const test = base.extend({
  // Page errors a test provokes on purpose (a test-only panic), as one regular expression; any other error still fails it.
  expectedError: [null, { option: true }],
  app: async ({ context }, use) => {
    let server = await startServer({ root: DIST, port: 0 });
    const port = server.address().port;
    const app = {
      url: (path = '/') => `http://127.0.0.1:${port}${path}`,
      async goOffline() {
        await stopServer(server);
        server = null;
        await context.setOffline(true);
      },
      async goOnline(root = DIST) {
        await context.setOffline(false);
        server = await startServer({ root, port });
      },
    };
    await use(app);
    if (server) await stopServer(server);
  },
  page: async ({ page, expectedError }, use) => {
    // A page error is a bug even when the assertions pass.
    const errors = [];
    const expected = (text) => expectedError?.test(text) ?? false;
    page.on('pageerror', (e) => { if (!expected(e.message)) errors.push(e.message); });
    // A Rust panic reaches pageerror only as "unreachable"; its message and place are logged to the console first.
    page.on('console', (m) => { if (m.type() === 'error' && m.text().includes('panicked') && !expected(m.text())) errors.push(m.text()); });
    await use(page);
    expect(errors, 'uncaught errors in the page').toEqual([]);
  },
});

/** Waits until the service worker controls the page and has cached the shell, i.e. the app would load offline. */
export async function waitForOfflineReady(page) {
  // expect.poll awaits the async check; page.waitForFunction would take the returned Promise as truthy.
  await expect.poll(() => page.evaluate(async () => {
    if (!navigator.serviceWorker.controller) return false;
    const shell = await caches.match('/index.html');
    if (!shell) return false;
    const html = await shell.text();
        // What the shell loads (src/href), not the lazy SQL engine it only names in a <meta>.
    const assets = [...html.matchAll(/(?:src|href)=["'](\/[^"']+-[0-9a-f]{8,16}(?:_bg)?\.(?:js|wasm|css))["']/g)].map((m) => m[1]);
    // And the on-demand pages' parts, which the worker precaches so every page opens offline.
    const parts = (html.match(/data-precache=["']([^"']+)["']/) || [null, ''])[1].split(' ').filter(Boolean);
    assets.push(...parts);
    const cached = await Promise.all(assets.map((a) => caches.match(a)));
    return assets.length >= 3 && cached.every(Boolean);
  }), { timeout: 15_000 }).toBe(true);
}

/** Waits until the cached app shell names `asset`, i.e. the service worker promoted that build. */
export async function waitForCachedShellNaming(page, asset) {
  await expect
    .poll(() => page.evaluate(async (name) => (await (await caches.match('/index.html'))?.text())?.includes(name) ?? false, asset))
    .toBe(true);
}

/** Loads the first-run sample and waits until all 200 cases are counted in the "Everything" view. */
export async function loadSample(page) {
  await page.getByRole('button', { name: 'Load sample data' }).click();
  await expect(page.getByRole('button', { name: /^Everything/ })).toContainText('200');
}

export async function createCase(page, { title, account = 'Kopi Collective', email = 'ops@kopi.example', severity = 'S2' }) {
  await page.getByRole('button', { name: 'New case' }).click();
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Account').fill(account);
  await page.getByLabel('Contact email').fill(email);
  await page.getByLabel('Severity').selectOption(severity);
  await page.getByRole('button', { name: 'Create case' }).click();
  // Creating navigates to the new case once it is stored; a click before that would be overtaken.
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
}

/** Stops the page's clock at `when`. Installed a minute earlier, because pausing can only move forward. */
export async function freezeAt(page, when) {
  const at = new Date(when);
  await page.clock.install({ time: new Date(at.getTime() - 60_000) });
  await page.clock.pauseAt(at);
}

/** Moves the open case to `label` through the status panel and waits until the header shows it. */
export async function moveTo(page, label) {
  await page.getByLabel('Move to').selectOption({ label });
  await page.getByRole('button', { name: 'Change status' }).click();
  await expect(page.locator('.case-key')).toContainText(label);
}

/** Fills the scoping the default triage rules require, then marks the open case Triaged. */
export async function triage(page) {
  await page.getByLabel('What is affected').fill('Payouts to the settlement account');
  await page.getByLabel('Since when').fill('2026-11-27T18:00');
  await page.getByLabel('Currency').fill('SGD');
  await page.getByLabel('Money at risk').fill('84,000');
  await page.getByRole('button', { name: 'Save scoping' }).click();
  await expect(page.getByText('Scoping saved.')).toBeVisible();
  await moveTo(page, 'Triaged');
}

export { expect };

/** Waits until every draft typed so far is stored, as the header says ("Draft saved"). */
export async function draftSaved(page) {
  await expect(page.locator('.draft-indicator')).toHaveText('Draft saved');
}

/**
 * Holds a read-write transaction on the app's `store` for `ms` (without one, until `releaseStore`), as a slow or busy disk would:
 * every read and write of that store by the app waits behind it. Resolves once the hold is in place.
 */
export async function holdStore(page, store, ms = Infinity) {
  await page.evaluate(({ store, ms }) => new Promise((held, fail) => {
    const open = indexedDB.open('escalation-desk');
    open.onerror = () => fail(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction(store, 'readwrite');
      const objects = tx.objectStore(store);
      const until = performance.now() + (ms ?? Infinity);
      window.__storeHeld = true;
      // A transaction stays open while it has a request pending; chained reads keep one pending.
      const keepOpen = () => { if (window.__storeHeld && performance.now() < until) objects.count().onsuccess = keepOpen; };
      keepOpen();
      tx.oncomplete = () => db.close();
      held();
    };
  }), { store, ms: Number.isFinite(ms) ? ms : null });
}

/** Ends a `holdStore` hold in `page` now (one taken without a time lasts until this). */
export async function releaseStore(page) {
  await page.evaluate(() => { window.__storeHeld = false; });
}

/**
 * Waits until every request the app queued on `store` has been answered: a transaction opened
 * now on the same store runs only after the ones before it (a `holdStore` hold included), so
 * when it completes the app has had its answers. What a slow disk's user waits for, not a time.
 */
export async function storageAnswered(page, store) {
  await page.evaluate((store) => new Promise((done, fail) => {
    const open = indexedDB.open('escalation-desk');
    open.onerror = () => fail(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction(store, 'readwrite');
      tx.objectStore(store).count();
      tx.oncomplete = () => { db.close(); done(); };
      tx.onerror = () => fail(tx.error);
    };
  }), store);
}
