// instrumentation.spec.mjs: the app leaves the performance measures the benchmark reads, from real use.
// No timing is asserted here (timings belong to scripts/bench); only that each measure exists.
import { test, expect, loadSample } from './fixtures.mjs';

const measures = (page, name) => page.evaluate((n) => performance.getEntriesByName(n, 'measure').map((m) => m.duration), name);

test('opening, filtering, searching, opening a case, editing and exporting each leave a performance measure', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await loadSample(page);
  await page.reload();
  await expect(page.locator('tr.case-row').first()).toBeVisible();
  await expect.poll(() => measures(page, 'hydrate')).toHaveLength(1);
  await expect.poll(() => measures(page, 'first-rows')).toHaveLength(1);

  await page.getByRole('navigation', { name: 'Saved views' }).getByRole('button', { name: /^P1/ }).click();
  await expect.poll(() => measures(page, 'filter')).toHaveLength(1);
  await page.locator('#queue-search').pressSequentially('bank');
  await expect.poll(() => measures(page, 'search')).toHaveLength(4);

  await page.locator('#queue-search').fill('');
  await page.locator('tr.case-row').first().locator('td.title').click();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Edit title' })).toBeVisible();
  await expect.poll(() => measures(page, 'open-case')).toHaveLength(1);

  await page.getByRole('button', { name: 'Edit title' }).click();
  await page.getByLabel('Title', { exact: true }).fill('Payout held at the settlement bank');
  await page.getByLabel('Title', { exact: true }).press('Enter');
  await expect(page.getByRole('heading', { name: 'Payout held at the settlement bank' })).toBeVisible();
  await expect.poll(() => measures(page, 'edit-commit')).toHaveLength(1);
  await expect.poll(() => measures(page, 'edit')).toHaveLength(1);

  await page.getByRole('link', { name: 'Data', exact: true }).click();
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Back up everything' }).click();
  await download;
  await expect.poll(() => measures(page, 'export')).toHaveLength(1);
  // Durations are real numbers, never placeholders.
  for (const name of ['hydrate', 'first-rows', 'filter', 'open-case', 'edit', 'export']) {
    expect((await measures(page, name)).every((d) => Number.isFinite(d) && d >= 0), name).toBe(true);
  }
});
