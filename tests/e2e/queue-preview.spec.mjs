// queue-preview.spec.mjs: a returning person sees the last session's first rows while the cases load (inert, and said to be from the last visit); the live rows replace them, and a damaged kept copy is never shown.
import { test, expect, createCase, holdStore, releaseStore } from './fixtures.mjs';

const PREVIEW_KEY = 'escalation-desk.queue-preview.v1';
const layout = (page) => page.locator('.queue-layout');
const row = (page, title) => page.locator('tr.case-row', { hasText: title });

/**
 * Keeps the case store busy from a second tab on the app's origin until `release` is called,
 * so a reload of the app waits in "loading" for as long as the test needs, not for a time.
 * Returns the release function.
 */
async function holdCaseStore(context, app) {
  const holder = await context.newPage();
  await holder.goto(app.url('/icon.svg'));
  await holdStore(holder, 'case_pages');
  return async () => {
    await releaseStore(holder);
    await holder.close();
  };
}

const keptKeys = (page) => page.evaluate((key) => {
  try {
    return JSON.parse(localStorage.getItem(key)).rows.map((r) => `${r.key} ${r.title}`);
  } catch {
    return null;
  }
}, PREVIEW_KEY);

test('a returning person sees the last first screen at once, marked as loading, and then the live rows', async ({ page, context, app }) => {
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Payout held for review' });
  await page.getByRole('link', { name: 'Queue', exact: true }).click();
  await createCase(page, { title: 'Account frozen after chargeback', severity: 'S1' });
  await page.getByRole('link', { name: 'Queue', exact: true }).click();
  await expect(row(page, 'Payout held for review')).toBeVisible();
  await expect(row(page, 'Account frozen after chargeback')).toBeVisible();
  // The live queue keeps its first screen for the next start.
  await expect.poll(() => keptKeys(page)).toHaveLength(2);

  // Renamed on the case page, where the queue is not shown: the kept copy still has the old title.
  await row(page, 'Payout held for review').getByRole('link').click();
  await page.getByRole('button', { name: 'Edit title' }).click();
  await page.getByLabel('Title', { exact: true }).fill('Payout released after review');
  await page.getByLabel('Title', { exact: true }).press('Enter');
  await expect(page.getByRole('heading', { name: 'Payout released after review' })).toBeVisible();

  const release = await holdCaseStore(context, app);
  await page.goto(app.url('/'));
  // While the cases are still being read: the kept rows, inert, said to be from the last visit.
  await expect(row(page, 'Account frozen after chargeback')).toBeVisible();
  await expect(row(page, 'Payout held for review')).toBeVisible();
  await expect(layout(page)).toHaveAttribute('inert', '');
  await expect(layout(page)).toHaveAttribute('aria-busy', 'true');
  await expect(page.locator('.queue-main .count')).toHaveText('Loading cases… showing the first of 2 from your last visit');
  // Each view shows the count it had: the kept copy waits for the views to be counted.
  await expect(page.locator('nav.views')).toContainText(/All open\s*2/);
  // The search box cannot take typing that the live queue would then drop.
  await expect(page.locator('#queue-search')).not.toBeFocused();
  await page.keyboard.press('/');
  await expect(page.locator('#queue-search')).not.toBeFocused();
  const measured = (name) => page.evaluate((n) => performance.getEntriesByName(n, 'measure').length, name);
  await expect.poll(() => measured('first-rows-preview')).toBe(1);
  expect(await measured('first-rows')).toBe(0);

  await release();
  // The live rows replace them: the new title, and the queue answers again.
  await expect(row(page, 'Payout released after review')).toBeVisible();
  await expect(row(page, 'Payout held for review')).toHaveCount(0);
  await expect(layout(page)).not.toHaveAttribute('inert');
  await expect(layout(page)).toHaveAttribute('aria-busy', 'false');
  await expect(page.locator('.queue-main .count')).toHaveText('2 cases');
  await expect.poll(() => measured('first-rows')).toBe(1);
  await expect.poll(async () => (await keptKeys(page))?.some((r) => r.endsWith('Payout released after review'))).toBe(true);
  await page.keyboard.press('/');
  await expect(page.locator('#queue-search')).toBeFocused();
});

for (const [what, stored] of [
  ['not JSON', '{"rows": ['],
  ['markup for a key', JSON.stringify({ rows: [{ key: '<img src=x onerror="window.__owned=1">', title: 'x', account: 'x', priority: 'P1', status: 'New', owner: '', sla: { health: 'OnTrack', due: null, paused_left: null }, checklist: null, follow_up: null }], total: 1, views: [] })],
  ['a title longer than any the app keeps', JSON.stringify({ rows: [{ key: 'ESC-1001', title: 'Mallory was here '.repeat(100), account: 'x', priority: 'P1', status: 'New', owner: '', sla: { health: 'OnTrack', due: null, paused_left: null }, checklist: null, follow_up: null }], total: 1, views: [] })],
  ['more steps settled than the checklist has', JSON.stringify({ rows: [{ key: 'ESC-1001', title: 'Mallory was here', account: 'x', priority: 'P1', status: 'New', owner: '', sla: { health: 'OnTrack', due: null, paused_left: null }, checklist: [9, 2], follow_up: null }], total: 1, views: [] })],
]) {
  test(`a kept first screen that is ${what} is dropped, never shown, and rebuilt from the cases`, async ({ page, context, app }) => {
    await page.goto(app.url('/'));
    await createCase(page, { title: 'Dispute evidence overdue' });
    await page.getByRole('link', { name: 'Queue', exact: true }).click();
    await expect(row(page, 'Dispute evidence overdue')).toBeVisible();
    await expect.poll(() => keptKeys(page)).toHaveLength(1);

    await page.evaluate(([key, value]) => localStorage.setItem(key, value), [PREVIEW_KEY, stored]);
    const release = await holdCaseStore(context, app);
    await page.reload();
    await expect(page.getByRole('status').filter({ hasText: 'Loading cases…' })).toBeVisible();
    await expect(page.locator('tr.case-row')).toHaveCount(0);
    expect(await page.evaluate(() => window.__owned)).toBeUndefined();

    await release();
    await expect(row(page, 'Dispute evidence overdue')).toBeVisible();
    await expect(page.getByText('Mallory was here')).toHaveCount(0);
    await expect.poll(() => keptKeys(page)).toEqual([expect.stringMatching(/^ESC-\d+ Dispute evidence overdue$/)]);
  });
}

test('on a phone, the filters stand still when the live cases replace the kept first screen', async ({ page, context, app }) => {
  await page.setViewportSize({ width: 412, height: 823 });
  await page.goto(app.url('/'));
  await page.getByRole('button', { name: 'Load sample data' }).click();
  await expect(page.getByRole('button', { name: /^Everything/ }).filter({ hasText: '200' })).toBeVisible();
  await expect.poll(async () => (await keptKeys(page))?.length ?? 0).toBeGreaterThan(0);

  const release = await holdCaseStore(context, app);
  await page.goto(app.url('/'));
  await expect(layout(page)).toHaveAttribute('inert', '');
  // Where each filter is, by its label, while the kept rows show (no owner or tag is known yet).
  const places = () => page.locator('.filters .field').evaluateAll((fields) => fields.map((f) => {
    const r = f.getBoundingClientRect();
    return [f.querySelector('label')?.textContent ?? '', Math.round(r.x), Math.round(r.y), Math.round(r.width)];
  }));
  await expect(page.locator('#f-owner option')).toHaveCount(1);
  const before = await places();
  await release();
  await expect(layout(page)).not.toHaveAttribute('inert', '');
  // The owners and tags of the sample are in the filters now, and nothing moved for them.
  await expect.poll(() => page.locator('#f-owner option').count()).toBeGreaterThan(2);
  await expect.poll(() => page.locator('#f-tag option').count()).toBeGreaterThan(2);
  expect(await places()).toEqual(before);
});
