// insights.spec.mjs: the dashboard end to end: figures from your own cases, periods and filters, chart ⇄ table, CSV.
import { readFileSync } from 'node:fs';
import { test, expect, createCase, loadSample } from './fixtures.mjs';

const figure = (page, id) => page.locator(`figure#${id}`);

test('the dashboard counts your cases, filters them, and every chart has a title, a table and a CSV', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Payouts held', account: 'Acme', severity: 'S1' });
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Dispute lost', account: 'Bolt', severity: 'S3' });
  await page.getByRole('link', { name: 'Insights' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Insights');

  await expect(page.getByTestId('stat-open')).toHaveText('2');
  const open = figure(page, 'open-by-priority');
  await expect(open.getByRole('img', { name: /Open cases by priority/ })).toBeVisible();
  await expect(open.locator('svg title')).toHaveText('Open cases by priority');

  // The table says the same as the chart, and the CSV says the same as the table.
  await open.getByRole('button', { name: 'Show table' }).click();
  await expect(open.getByRole('button', { name: 'Show chart' })).toHaveAttribute('aria-pressed', 'true');
  const rows = await open.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
  const totals = rows.map((r) => Number(r.at(-1)));
  expect(totals.reduce((a, b) => a + b, 0)).toBe(2);
  const [file] = await Promise.all([page.waitForEvent('download'), open.getByRole('button', { name: 'CSV' }).click()]);
  expect(file.suggestedFilename()).toMatch(/^escalation-desk-\d{4}-\d\d-\d\d-to-\d{4}-\d\d-\d\d-open-by-priority\.csv$/);
  const csv = readFileSync(await file.path(), 'utf8').trim().split('\n');
  expect(csv[0]).toBe('Priority,New,Triaged,In progress,Waiting on user,Waiting on partner,Total');
  expect(csv.slice(1).map((line) => line.split(','))).toEqual(rows);

  // A filter narrows every figure.
  await page.getByLabel('Priority', { exact: true }).selectOption(rows.find((r) => Number(r.at(-1)) > 0)[0]);
  await expect(page.getByTestId('stat-open')).toHaveText('1');
  await page.getByLabel('Priority', { exact: true }).selectOption('');
  await expect(page.getByTestId('stat-open')).toHaveText('2');

  // New cases have no response yet: attainment shows them as pending, and no rate.
  const sla = figure(page, 'sla-attainment');
  await sla.getByRole('button', { name: 'Show table' }).click();
  await expect(sla.locator('tbody tr').first()).toContainText('FR');
  await expect(sla.locator('tbody tr').first().locator('td').nth(3)).toHaveText('2');
});

test('periods: the last 7, 30 or 90 days, or custom dates, with a clear error for a backwards range', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await loadSample(page);
  await page.goto(app.url('/insights'));
  const cohort = async () => Number((await page.locator('.insights .hint').first().textContent()).match(/period \((\d+)\)/)[1]);
  await page.getByLabel('Period', { exact: true }).selectOption('7');
  await expect.poll(cohort).toBeGreaterThan(0);
  const week = await cohort();
  await page.getByLabel('Period', { exact: true }).selectOption('90');
  await expect.poll(cohort).toBeGreaterThanOrEqual(week);
  const quarter = await cohort();
  expect(quarter).toBeGreaterThan(week);

  await page.getByLabel('Period', { exact: true }).selectOption('custom');
  await page.getByLabel('From', { exact: true }).fill('2026-03-10');
  await page.getByLabel('To', { exact: true }).fill('2026-03-01');
  await expect(page.getByRole('alert')).toHaveText('To (2026-03-01) is before From (2026-03-10); swap them or pick another day');
  await page.getByLabel('To', { exact: true }).fill('2026-03-20');
  await expect(page.getByRole('alert')).toHaveCount(0);

  // Every figure is an accessible image with its own title.
  await page.getByLabel('Period', { exact: true }).selectOption('90');
  for (const name of ['Open cases by priority', 'SLA attainment by target', 'Breaches per week', 'Cases by product area', 'Workload per owner']) {
    await expect(page.getByRole('img', { name: new RegExp(name) })).toBeVisible();
  }
});

test('the sample desk looks like a healthy team\'s: few breaches, and Insights, playbooks and worksheets all have figures', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await loadSample(page);
  // A handful at risk or breached, not a wall of red (issue 23: 138 of 154 were at risk).
  await page.getByLabel('SLA').selectOption({ label: 'Breached' });
  const breached = Number((await page.locator('p.count').textContent()).match(/(\d+) case/)[1]);
  expect(breached).toBeGreaterThan(0);
  expect(breached).toBeLessThan(20);

  await page.getByRole('link', { name: 'Insights' }).click();
  const attainment = await figure(page, 'sla-attainment').locator('.figure-summary').textContent();
  expect(Number(attainment.match(/FR (\d+)%/)[1])).toBeGreaterThanOrEqual(75);
  await expect(figure(page, 'root-causes').locator('.figure-summary')).toContainText('Most common:');

  await page.getByRole('link', { name: 'RCAs', exact: true }).click();
  for (const status of ['Draft', 'In review', 'Validated', 'Published']) {
    await expect(page.getByRole('row').filter({ hasText: status }).first()).toBeVisible();
  }
  await expect(page.getByRole('heading', { name: /Overdue actions \(\d+\)/ })).toBeVisible();

  await page.getByRole('link', { name: 'Playbooks' }).click();
  await page.getByRole('link', { name: 'Payout delayed or held' }).click();
  const used = page.locator('.playbook-stats');
  await expect(used).toContainText('Times applied');
  await expect(used.locator('dd').first()).not.toHaveText(/^0 on/);
});
