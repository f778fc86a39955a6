// sync-offline.spec.mjs: the connection failing under sync: dropping part-way through a long pull of the team's cases, as on a call with no signal (nothing pulled is lost, and the pull goes on from where it stopped), and a server, a cache or a network in between answering with what is not CouchDB's (an answer too large, a sign-in page, the same page of changes for ever): the app says so, keeps working here, and recovers by itself.
import { expect, createCase } from './fixtures.mjs';
import { BOB, teamTest, header, exportedCases, signIn, aliceShares, aliceSharesCase, queueLists, holdPullAfterCases } from './team.mjs';

teamTest('the connection dropping part-way through a long pull: the header says offline, the cases pulled so far stay, and back online the pull goes on from the page it was waiting for', async ({ team: { couch, app } }) => {
  const alice = await aliceShares(app, couch, 1000);
  const bob = await app.person();
  // Every page of changes goes through until one carries case records; the pages after it are
  // held, so the connection drops while a long pull is under way (pages asked ahead included).
  const pull = await holdPullAfterCases(bob);
  const { sinces, held } = pull;
  await signIn(bob, app.url, BOB);
  await expect(header(bob)).toHaveText(/Synced/);
  await bob.getByRole('link', { name: 'Queue', exact: true }).click();
  await bob.getByRole('navigation', { name: 'Saved views' }).getByRole('button', { name: /^Everything/ }).click();
  await expect(bob.locator('p.count')).toHaveText(/^[1-9][0-9]* cases/, { timeout: 120_000 });
  await expect.poll(() => held.length, { timeout: 60_000 }).toBeGreaterThan(0);
  const waitedFor = new URL(held[0].request().url()).searchParams.get('since');

  // The connection drops: the page waited for never comes.
  pull.failing = 'internetdisconnected';
  await bob.context().setOffline(true);
  for (const route of held.splice(0)) await route.abort('internetdisconnected').catch(() => {});
  await expect(header(bob)).toHaveText(/offline/);
  // What had arrived is still listed, and the app still works here.
  const listed = Number((await bob.locator('p.count').textContent()).match(/^(\d+)/)[1]);
  expect(listed).toBeGreaterThan(0);
  await expect(bob.getByRole('row').nth(1)).toBeVisible();
  const before = sinces.length;

  // Back online: the pull goes on from the page it was waiting for, not from the start.
  pull.release();
  pull.failing = null;
  await bob.context().setOffline(false);
  await queueLists(bob, 1000);
  await expect(header(bob)).toHaveText(/Synced/);
  const after = sinces.slice(before);
  expect(after[0]).toBe(waitedFor);
  expect(after[0]).not.toBe('0');
  // Both devices hold the same cases.
  const [mine, theirs] = [await exportedCases(alice, app.url), await exportedCases(bob, app.url)];
  expect(theirs).toHaveLength(1000);
  expect(mine).toEqual(theirs);
  expect(bob.errors).toEqual([]);
});

teamTest('answers that are not the server\'s (one of 65 MB, then a sign-in page of a network in between) stop sync with the reason, never the app, and sync recovers when the server answers again', async ({ team: { couch, app } }) => {
  const alice = await aliceSharesCase(app, 'Shared before the network broke');

  const bob = await app.person();
  await bob.goto(app.url('/'));
  await createCase(bob, { title: 'Made on the train' });
  const answers = [];
  await bob.route('**/_changes*', async (route) => {
    answers.push(route.request().url());
    if (answers.length === 1) {
      // Valid JSON, but 1 MB over the most this app reads from any answer.
      const body = Buffer.alloc(65 * 1024 * 1024, ' ');
      body.write('{"results":[],"last_seq":"0"', 0);
      body.write('}', body.length - 1);
      await route.fulfill({ status: 200, contentType: 'application/json', body });
    } else {
      await route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Sign in to the hotel Wi-Fi</title><form>…</form>' });
    }
  });
  await signIn(bob, app.url, BOB);
  await expect(header(bob)).toHaveText(/Sync stopped: the server's answer could not be read \(65 MB, over the 64 MB this app reads from one answer\)/);
  await expect(header(bob)).toHaveText(/Sync stopped: the server's answer could not be read \(expected value/, { timeout: 30_000 });

  // The app goes on working here: the case made before is listed and opens, and a new one saves.
  await bob.getByRole('link', { name: 'Queue', exact: true }).click();
  await bob.getByRole('row', { name: /Made on the train/ }).locator('td.key a').click();
  await expect(bob.getByRole('heading', { level: 1 })).toHaveText('Made on the train');
  await bob.getByRole('link', { name: 'Queue', exact: true }).click();
  await createCase(bob, { title: 'Made while sync was stopped' });

  // The server answers again: sync goes on by itself, both ways.
  await bob.unroute('**/_changes*');
  await expect(header(bob)).toHaveText(/Synced/, { timeout: 60_000 });
  await bob.getByRole('link', { name: 'Queue', exact: true }).click();
  await expect(bob.getByRole('row', { name: /Shared before the network broke/ })).toBeVisible();
  await alice.getByRole('link', { name: 'Queue', exact: true }).click();
  await expect(alice.getByRole('row', { name: /Made while sync was stopped/ })).toBeVisible({ timeout: 30_000 });
  await expect(alice.getByRole('row', { name: /Made on the train/ })).toBeVisible();
  expect(bob.errors).toEqual([]);
});

teamTest('a cache in front of the server answering every request for changes with the same full page: sync stops with the reason instead of asking again for ever, and recovers when the real answers come back', async ({ team: { couch, app } }) => {
  const alice = await aliceSharesCase(app, 'Shared behind a stale cache');

  const bob = await app.person();
  await bob.goto(app.url('/'));
  let asked = 0;
  await bob.route('**/_changes*', async (route) => {
    asked += 1;
    // A full page (more follows) whose last sequence is where it was asked from.
    const since = new URL(route.request().url()).searchParams.get('since');
    const results = Array.from({ length: 1000 }, (_, i) => ({ seq: since, id: `cached-${i}`, changes: [{ rev: '1-a' }] }));
    await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ results, last_seq: since }) });
  });
  await signIn(bob, app.url, BOB);
  await expect(header(bob)).toHaveText(/Sync stopped: the server's answer could not be read \(a full page of changes that does not move on from "0"\)/);
  // Asked a few times (a page asked ahead included), not in a loop.
  expect(asked).toBeLessThan(6);

  await bob.unroute('**/_changes*');
  await expect(header(bob)).toHaveText(/Synced/, { timeout: 60_000 });
  await bob.getByRole('link', { name: 'Queue', exact: true }).click();
  await expect(bob.getByRole('row', { name: /Shared behind a stale cache/ })).toBeVisible();
  expect(bob.errors).toEqual([]);
});
