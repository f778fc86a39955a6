// tabs.spec.mjs: two tabs of the app share one database and stay in step.
import { test, expect, loadSample } from './fixtures.mjs';

test('a change in one tab appears in the other without a reload', async ({ page, context, app }) => {
  await page.goto(app.url('/'));
  await loadSample(page);
  await page.getByRole('button', { name: /^Everything/ }).click();
  await page.getByRole('searchbox', { name: 'Search cases' }).fill('ESC-1001');
  await expect(page.locator('tr.case-row')).toHaveCount(1);

  const other = await context.newPage();
  await other.goto(app.url('/cases/ESC-1001'));
  await other.getByRole('button', { name: 'Edit title' }).click();
  await other.getByLabel('Title').fill('Renamed in the other tab');
  await other.getByRole('button', { name: 'Save title' }).click();
  await expect(other.getByRole('heading', { level: 1 })).toHaveText('Renamed in the other tab');

  // The search text follows the new title too: the row still matches its key and shows the new title.
  await expect(page.locator('tr.case-row', { hasText: 'ESC-1001' })).toContainText('Renamed in the other tab');
  await page.getByRole('link', { name: 'ESC-1001', exact: true }).click();
  await expect(page.getByRole('list', { name: 'Timeline' })).toContainText('changed the title');
});

test('another tab upgrading the database is never blocked, and this tab says why it stopped', async ({ page, context, app }) => {
  await page.goto(app.url('/'));
  await expect(page.getByRole('heading', { name: 'No cases yet' })).toBeVisible();

  const other = await context.newPage();
  await other.goto(app.url('/nothing-here'));
  const outcome = await other.evaluate(
    () =>
      new Promise((done) => {
        const open = indexedDB.open('escalation-desk', 99);
        open.onblocked = () => done('blocked');
        open.onsuccess = () => (open.result.close(), done('opened'));
        open.onerror = () => done(`error: ${open.error}`);
      }),
  );
  expect(outcome).toBe('opened');
  await expect(page.getByRole('heading', { name: 'Escalation Desk was updated in another tab' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Reload' })).toBeVisible();
});
