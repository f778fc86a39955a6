// slow-storage.spec.mjs: leaving a page while its storage is still answering neither crashes the app nor loses what was submitted.
import { test, expect, createCase, holdStore, releaseStore, storageAnswered, draftSaved } from './fixtures.mjs';

// Long enough to leave the page inside it, on a loaded CI machine too.
const HOLD_MS = 1500;
const banner = (page) => page.locator('.panic-banner');
const caseKey = async (page) => (await page.locator('.case-key').textContent()).match(/ESC-\d+/)[0];

/**
 * Holds `store`, presses `button` (a save that waits behind the hold), and leaves for the
 * templates page before the save answers. Once the hold is over, the person is still where
 * they went and the app is still running.
 */
async function submitThenLeave(page, store, button) {
  await holdStore(page, store, HOLD_MS);
  await page.getByRole('button', { name: button }).click();
  await page.getByRole('link', { name: 'Templates' }).click();
  const templates = page.getByRole('heading', { name: 'Email templates' });
  await expect(templates).toBeVisible();
  await storageAnswered(page, store);
  await expect(templates).toBeVisible();
  await expect(banner(page)).toHaveCount(0);
}

test('call mode left before its draft was read: the app keeps working', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Payout held for review' });
  const key = await caseKey(page);

  await holdStore(page, 'drafts', HOLD_MS);
  await page.getByRole('link', { name: 'Start a call' }).click();
  await expect(page.getByRole('heading', { name: 'Call with Kopi Collective' })).toBeVisible();
  await page.getByRole('link', { name: 'Templates' }).click();
  await expect(page.getByRole('heading', { name: 'Email templates' })).toBeVisible();
  // The draft read answers now, for a page that is gone.
  await storageAnswered(page, 'drafts');
  await page.getByRole('link', { name: 'Queue', exact: true }).click();
  await expect(page.getByRole('link', { name: key })).toBeVisible();
  await expect(banner(page)).toHaveCount(0);
});

test('a note added just before leaving the case is saved, and nothing crashes', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Frozen enterprise account' });
  const key = await caseKey(page);

  await page.getByLabel('Note').fill('Told the merchant the freeze lifts after the risk review.');
  // The note's save first reads the stored case, which waits behind the hold.
  await submitThenLeave(page, 'case_pages', 'Add note');

  // Back on the case, the note is in the timeline: it is shown only once its save has committed.
  await page.getByRole('link', { name: 'Queue', exact: true }).click();
  await page.getByRole('link', { name: key }).click();
  const timeline = page.getByRole('list', { name: 'Timeline' });
  await expect(timeline).toContainText('Told the merchant the freeze lifts after the risk review.');
  // Stored, and its draft went with the same write.
  await page.reload();
  await expect(timeline).toContainText('Told the merchant the freeze lifts after the risk review.');
  await expect(page.getByLabel('Note')).toHaveValue('');
});

test('pages left while their drafts were being restored: the drafts wait for the next visit', async ({ page, app }) => {
  await page.goto(app.url('/settings'));
  await page.getByRole('button', { name: 'Add a team' }).click();
  await page.getByLabel('Team name').last().fill('Payments Risk');
  await draftSaved(page);
  await page.goto(app.url('/playbooks/new'));
  await page.getByLabel('Title', { exact: true }).fill('Stuck payouts');
  await draftSaved(page);

  await page.goto(app.url('/playbooks'));
  await holdStore(page, 'drafts', HOLD_MS);
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Partner teams' })).toBeVisible();
  await page.getByRole('link', { name: 'Playbooks' }).click();
  await page.getByRole('link', { name: 'New playbook' }).click();
  await expect(page.getByLabel('Title', { exact: true })).toBeVisible();
  await page.getByRole('link', { name: 'Templates' }).click();
  // Both drafts are read now, for pages that are gone.
  await storageAnswered(page, 'drafts');
  await expect(page.getByRole('heading', { name: 'Email templates' })).toBeVisible();
  await expect(banner(page)).toHaveCount(0);

  // Both drafts are still there to come back to.
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByLabel('Team name').last()).toHaveValue('Payments Risk');
  await page.getByRole('link', { name: 'Playbooks' }).click();
  await page.getByRole('link', { name: 'New playbook' }).click();
  await expect(page.getByLabel('Title', { exact: true })).toHaveValue('Stuck payouts');
});

test('a worksheet started just before leaving is created, its draft cleared, and the page left stays put', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Settlement file rejected' });
  const key = await caseKey(page);
  await page.getByRole('link', { name: 'RCAs' }).click();
  await page.getByLabel('Title', { exact: true }).fill('Settlement files rejected by the bank');
  await page.getByLabel('Linked cases (keys, comma-separated)').fill(key);
  await draftSaved(page);
  // Not pulled away to the new worksheet: the person has moved on.
  await submitThenLeave(page, 'rcas', 'Start worksheet');

  await page.getByRole('link', { name: 'RCAs' }).click();
  await expect(page.getByRole('row', { name: /Settlement files rejected by the bank/ })).toBeVisible();
  await expect(page.getByLabel('Title', { exact: true })).toHaveValue('');
  await page.reload();
  await expect(page.getByRole('row', { name: /Settlement files rejected by the bank/ })).toBeVisible();
  await expect(page.getByLabel('Title', { exact: true })).toHaveValue('');
});

test('a playbook created just before leaving is stored, and the page left stays put', async ({ page, app }) => {
  await page.goto(app.url('/playbooks'));
  await page.getByRole('link', { name: 'New playbook' }).click();
  await page.getByLabel('Title', { exact: true }).fill('Payout held by the bank');
  await page.getByLabel('Step title').fill('Ask the bank for the hold reason');
  await submitThenLeave(page, 'playbooks', 'Create playbook');

  await page.getByRole('link', { name: 'Playbooks' }).click();
  await expect(page.getByRole('link', { name: 'Payout held by the bank' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('link', { name: 'Payout held by the bank' })).toBeVisible();
});

test('storage that stops answering at start-up, during the sample load, or under the last visit\'s rows: after a while the page says so and offers a reload; once it answers, the work arrives and the hint goes', async ({ page, app }) => {
  test.slow();
  await page.goto(app.url('/'));
  const sample = page.getByRole('button', { name: 'Load sample data' });
  await expect(sample).toBeVisible();

  // Held from another page of the app, since a reload ends the page's own hold.
  const holder = await page.context().newPage();
  await holder.goto(app.url('/manifest.webmanifest'));
  await holdStore(holder, 'case_pages');
  await page.reload();
  await expect(page.getByText('Loading cases…')).toBeVisible();
  const stalled = page.getByRole('status').filter({ hasText: 'The queue is still waiting for this browser\'s storage' });
  await expect(stalled).toContainText('Nothing is lost', { timeout: 30_000 });
  await releaseStore(holder);
  await holder.close();
  await expect(sample).toBeVisible();
  await expect(stalled).toHaveCount(0);

  await holdStore(page, 'case_pages');
  await page.getByRole('button', { name: 'Load sample data' }).click();
  await expect(page.getByRole('button', { name: 'Loading sample data…' })).toBeDisabled();
  // What a person stuck on "Loading…" is told: it is the browser's storage, nothing is lost, and what to do.
  const hint = page.getByRole('status').filter({ hasText: 'The sample data is still waiting for this browser\'s storage' });
  await expect(hint).toContainText('Nothing is lost', { timeout: 30_000 });
  await expect(hint.getByRole('button', { name: 'Reload' })).toBeVisible();
  await releaseStore(page);
  await expect(page.getByRole('button', { name: /^Everything/ })).toContainText('200');
  await expect(hint).toHaveCount(0);

  // A returning start with storage stalled: the last visit's first rows show (inert), and the
  // same hint comes under them; once storage answers, the live rows replace them.
  const again = await page.context().newPage();
  await again.goto(app.url('/manifest.webmanifest'));
  await holdStore(again, 'case_pages');
  await page.reload();
  await expect(page.getByText(/Loading cases… showing the first of \d+ from your last visit/)).toBeVisible();
  await expect(page.locator('tr.case-row').first()).toBeVisible();
  await expect(stalled).toContainText('Nothing is lost', { timeout: 30_000 });
  await releaseStore(again);
  await again.close();
  await expect(page.getByRole('button', { name: /^Everything/ })).toContainText('200');
  await expect(stalled).toHaveCount(0);
  await expect(page.getByText(/from your last visit/)).toHaveCount(0);
});
