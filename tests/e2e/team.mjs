// team.mjs: what the team-sync specs share: each test's own CouchDB-compatible server (pouchdb-server on 127.0.0.1) behind the app's origin, people in profiles of their own, and signing in.
import { readFile } from 'node:fs/promises';
import { test, expect, DIST, createCase } from './fixtures.mjs';
import { startServer, stopServer } from '../../scripts/static-server.mjs';
import { startCouch } from './couch.mjs';

export const ALICE = { name: 'alice', password: 'alice-pw' };
export const BOB = { name: 'bob', password: 'bob-pw' };
export const MALLORY = { name: 'mallory', password: 'mallory-pw' };
export const TEAM = 'team-payouts';

/** The app served with `/couch/` passed to the server, and a way to open a person's own profile. */
export async function desk(browser, couch) {
  const server = await startServer({ root: DIST, port: 0, couch: couch.url });
  const base = `http://127.0.0.1:${server.address().port}`;
  const contexts = [];
  return {
    url: (path = '/') => `${base}${path}`,
    async person(options = {}) {
      const context = await browser.newContext(options);
      contexts.push(context);
      const page = await context.newPage();
      page.errors = [];
      page.on('pageerror', (e) => page.errors.push(e.message));
      return page;
    },
    async close() {
      for (const c of contexts) await c.close();
      await stopServer(server);
    },
  };
}

/** Each test's own CouchDB (alice and bob in the team database) and the app served in front of
 * it, both stopped after the test whatever happened. */
export const teamTest = test.extend({
  team: async ({ browser }, use) => {
    const couch = await startCouch({ database: TEAM, users: [ALICE, BOB] });
    const app = await desk(browser, couch);
    try {
      await use({ couch, app });
    } finally {
      await app.close();
      await couch.stop();
    }
  },
});

export const header = (page) => page.locator('.app-header .sync-note');

/** Everything on this device as the Data page exports it, without what names the export itself
 * and each device's own save counter (`revision`, which every write on a device bumps). */
export async function exportedCases(page, url) {
  await page.goto(url('/data'));
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export', exact: true }).click()]);
  const bundle = JSON.parse(await readFile(await file.path(), 'utf8'));
  return bundle.contents.cases
    .map(({ revision, ...rest }) => rest)
    .sort((a, b) => a.id.localeCompare(b.id));
}

export async function signIn(page, url, user, { database = TEAM } = {}) {
  await page.goto(url('/settings'));
  const panel = page.getByRole('region', { name: 'Team sync' });
  await panel.getByLabel('Team database').fill(database);
  await panel.getByLabel('User name').fill(user.name);
  await panel.getByLabel('Password').fill(user.password);
  await panel.getByRole('button', { name: 'Sign in and turn on sync' }).click();
  return panel;
}

/** Alice's profile holding `count` sample cases, all of them pushed to the team's server. */
export async function aliceShares(app, couch, count) {
  const alice = await app.person();
  await alice.goto(app.url('/settings'));
  await alice.getByRole('button', { name: `Add ${count} sample cases` }).click();
  await expect(alice.getByText(new RegExp(`^Added ${count} sample cases`))).toBeVisible({ timeout: 120_000 });
  await signIn(alice, app.url, ALICE);
  // Every case record is on the server (each goes up after its events).
  const start = encodeURIComponent('"case:"');
  const end = encodeURIComponent('"case:\ufff0"');
  await expect.poll(async () => (await couch.get(`_all_docs?startkey=${start}&endkey=${end}`)).rows.length, { timeout: 120_000 }).toBe(count);
  return alice;
}

/** Alice's profile holding one new case, `title`, signed in and synced (so it is on the server). */
export async function aliceSharesCase(app, title) {
  const alice = await app.person();
  await alice.goto(app.url('/'));
  await createCase(alice, { title });
  await signIn(alice, app.url, ALICE);
  await expect(header(alice)).toHaveText(/Synced/);
  return alice;
}

/** Waits until `page`'s queue, all views, lists `count` cases. */
export async function queueLists(page, count) {
  await page.getByRole('navigation', { name: 'Saved views' }).getByRole('button', { name: /^Everything/ }).click();
  await expect(page.locator('p.count')).toHaveText(new RegExp(`^${count} cases`), { timeout: 120_000 });
}

/** Lets `page`'s pages of `_changes` through until one carries case records, then holds the
 * pages after it (in `held`), once: a long pull caught part-way. `failing` set to a network
 * error fails every page asked for meanwhile; `release()` lets the pull go on freely.
 * `sinces` lists where each page asked for started. */
export async function holdPullAfterCases(page) {
  const pull = {
    sinces: [],
    held: [],
    holding: false,
    released: false,
    failing: null,
    release() { this.holding = false; this.released = true; },
  };
  await page.route(/\/couch\/[^/]+\/_changes/, async (route) => {
    if (pull.failing) {
      await route.abort(pull.failing).catch(() => {});
      return;
    }
    pull.sinces.push(new URL(route.request().url()).searchParams.get('since'));
    if (pull.holding) {
      pull.held.push(route);
      return;
    }
    try {
      const response = await route.fetch();
      const json = await response.json();
      if (!pull.released && (json.results || []).some((r) => r.id.startsWith('case:'))) pull.holding = true;
      await route.fulfill({ response, json });
    } catch {
      // The page reloaded or the connection dropped meanwhile: nobody gets this answer.
      await route.abort('failed').catch(() => {});
    }
  });
  return pull;
}

/** Alice and Bob, each in a profile of their own, both signed in and synced. */
export async function bothSynced(app) {
  const alice = await app.person();
  const bob = await app.person();
  await signIn(alice, app.url, ALICE);
  await expect(header(alice)).toHaveText(/Synced/);
  await signIn(bob, app.url, BOB);
  await expect(header(bob)).toHaveText(/Synced/);
  return { alice, bob };
}

/** Whether this profile's stored settings document `key` (`meta` store) is saved and no longer
 * names `name`: a pulled removal has reached the device even while an editor still shows the
 * person's typing. */
export async function storedWithout(page, key, name) {
  const text = await storedDocument(page, key);
  return text.startsWith('{') && !text.includes(`"${name}"`);
}

/** A settings document as this profile has it stored, as text ("undefined" when never saved). */
async function storedDocument(page, key) {
  return page.evaluate((key) => new Promise((done, fail) => {
    const open = indexedDB.open('escalation-desk');
    open.onerror = () => fail(open.error);
    open.onsuccess = () => {
      const read = open.result.transaction('meta').objectStore('meta').get(key);
      read.onsuccess = () => { done(String(read.result)); open.result.close(); };
      read.onerror = () => fail(read.error);
    };
  }), key);
}
