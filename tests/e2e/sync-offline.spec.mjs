// sync-offline.spec.mjs: the connection dropping part-way through a long pull of the team's cases, as on a call with no signal: nothing pulled is lost, and the pull goes on from where it stopped.
import { expect } from './fixtures.mjs';
import { BOB, teamTest, header, exportedCases, signIn, aliceShares, queueLists, holdPullAfterCases } from './team.mjs';

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
