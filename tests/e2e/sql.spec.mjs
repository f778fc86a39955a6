// sql.spec.mjs: the SQL console end to end: loaded only when opened, example answers, refused writes, errors, cancel, the row cap, saved queries, CSV and RCA evidence.
import { readFileSync } from 'node:fs';
import { test, expect, createCase, waitForOfflineReady } from './fixtures.mjs';

const summary = (page) => page.locator('.sql-summary');
const grid = (page) => page.getByRole('region', { name: 'Query results' });

async function openConsole(page) {
  await page.getByRole('link', { name: 'SQL', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('SQL console');
  await expect(page.getByText(/rows in all, as of/)).toBeVisible({ timeout: 20_000 });
}

async function runQuery(page, sql) {
  await page.getByLabel('Query', { exact: true }).fill(sql);
  await page.getByRole('button', { name: 'Run', exact: true }).click();
}

async function gridRows(page) {
  return grid(page).locator('tbody tr:not(.spacer)').evaluateAll((rows) =>
    rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)));
}

test('the SQL engine is fetched only when the console opens, and the example queries answer from your cases', async ({ page, app }) => {
  const requested = [];
  page.on('request', (r) => requested.push(new URL(r.url()).pathname));
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Payouts held for Acme', account: 'Acme' });
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Second Acme payout hold', account: 'Acme' });
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Bolt dispute lost', account: 'Bolt' });
  await page.getByRole('link', { name: 'Insights' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Insights');
  expect(requested.filter((p) => p.includes('sql-worker')), 'no SQL engine before the console opens').toEqual([]);

  await openConsole(page);
  const fetched = requested.filter((p) => p.includes('sql-worker'));
  expect(fetched.some((p) => p.endsWith('_bg.wasm'))).toBe(true);
  await expect(page.getByText(/^3 cases, /)).toBeVisible();

  await page.getByRole('button', { name: 'Top accounts by escalations' }).click();
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(summary(page)).toHaveText(/^2 rows? in \d+ ms$/);
  await expect(grid(page).locator('th')).toHaveText(['account', 'escalations', 'open']);
  expect(await gridRows(page)).toEqual([['Acme', '2', '2'], ['Bolt', '1', '1']]);

  // The other examples run on the same data; a fresh desk has no breaches yet.
  await page.getByRole('button', { name: 'Breaches by product area' }).click();
  await page.keyboard.press('Control+Enter');
  await expect(summary(page)).toHaveText(/^0 rows? in \d+ ms$/);
  await page.getByRole('button', { name: 'Median first response by week' }).click();
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(summary(page)).toHaveText(/^0 rows? in \d+ ms$/);

  await runQuery(page, "SELECT key, title FROM cases WHERE account = 'Bolt'");
  await expect(summary(page)).toHaveText(/^1 row in \d+ ms$/);
  expect(await gridRows(page)).toEqual([['ESC-1003', 'Bolt dispute lost']]);
});

test('writes are refused, a syntax error points at its place, and nothing stored changes', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Frozen enterprise account' });
  await page.goto(app.url('/sql'));
  await expect(page.getByText(/rows in all, as of/)).toBeVisible({ timeout: 20_000 });

  for (const sql of ['DELETE FROM cases', "UPDATE cases SET title = 'x'", 'DROP TABLE cases', 'PRAGMA query_only = 0']) {
    await runQuery(page, sql);
    await expect(page.getByRole('alert')).toContainText('this console only reads');
  }
  await runQuery(page, "SELECT key\nFROM cases WHER status = 'New'");
  const error = page.getByRole('alert');
  await expect(error).toContainText('syntax error');
  await expect(error).toContainText('(line 2, column 17)');
  await expect(error.locator('pre')).toHaveText("FROM cases WHER status = 'New'\n                ^");

  await runQuery(page, 'SELECT count(*) AS n FROM cases');
  await expect(summary(page)).toHaveText(/^1 row in \d+ ms$/);
  expect(await gridRows(page)).toEqual([['1']]);
  await page.goto(app.url('/'));
  await expect(page.getByText('Frozen enterprise account').first()).toBeVisible();
});

test('a runaway query can be cancelled while the page stays responsive, and a huge result is capped', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Dispute evidence rejected' });
  await page.goto(app.url('/sql'));
  await expect(page.getByText(/rows in all, as of/)).toBeVisible({ timeout: 20_000 });

  await runQuery(page, 'WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n');
  await expect(page.getByText('Running…')).toBeVisible();
  // The page answers while the worker spins: typing lands at once.
  await page.getByPlaceholder('Query name').fill('still typing');
  await expect(page.getByPlaceholder('Query name')).toHaveValue('still typing');
  await expect(page.getByText('Running…')).toBeVisible();
  await page.getByRole('button', { name: 'Cancel', exact: true }).first().click();
  await expect(page.getByText('Cancelled. The engine restarts with fresh tables.')).toBeVisible();
  await expect(page.getByText(/rows in all, as of/)).toBeVisible({ timeout: 20_000 });

  await runQuery(page, 'WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT x FROM n');
  await expect(summary(page)).toHaveText(/^100000 rows in \d+ ms$/, { timeout: 30_000 });
  await expect(page.getByText('Showing the first 100000 rows; the query returned more.')).toBeVisible();
  // Virtualised: a handful of rows in the DOM, and scrolling brings later ones in.
  expect((await gridRows(page)).length).toBeLessThan(100);
  await grid(page).evaluate((el) => { el.scrollTop = 24 * 50_000; });
  await expect(grid(page).getByRole('cell', { name: '50001', exact: true })).toBeVisible();
});

test('a saved query survives a reload, exports as CSV and its result becomes RCA evidence with a fingerprint', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Chargeback spike at Kopi', account: 'Kopi Collective' });
  await page.getByRole('link', { name: 'Start an RCA' }).click();
  await page.getByRole('button', { name: 'Start worksheet' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('RCA-1');

  await page.getByRole('link', { name: 'SQL', exact: true }).click();
  await expect(page.getByText(/rows in all, as of/)).toBeVisible({ timeout: 20_000 });
  await runQuery(page, 'SELECT account, count(*) AS cases FROM cases GROUP BY account');
  await expect(summary(page)).toHaveText(/^1 rows? in \d+ ms$/);
  await page.getByPlaceholder('Query name').fill('Cases per account');
  await page.getByRole('button', { name: 'Save query' }).click();
  await expect(page.getByText('Saved "Cases per account".')).toBeVisible();

  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
  expect(readFileSync(await file.path(), 'utf8')).toBe('account,cases\nKopi Collective,1\n');

  await page.getByLabel('Attach to RCA').selectOption('RCA-1');
  await page.getByRole('button', { name: 'Attach result as evidence' }).click();
  await expect(page.getByText('Attached to RCA-1 as evidence E1.')).toBeVisible();

  await page.reload();
  await expect(page.getByLabel('Query', { exact: true })).toHaveValue('SELECT account, count(*) AS cases FROM cases GROUP BY account');
  await expect(page.getByRole('button', { name: 'Cases per account', exact: true })).toBeVisible();

  // Deleting a saved query can be undone.
  await page.getByRole('button', { name: 'Delete saved query Cases per account' }).click();
  await expect(page.getByRole('button', { name: 'Cases per account', exact: true })).toHaveCount(0);
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByRole('button', { name: 'Cases per account', exact: true })).toBeVisible();

  await page.goto(app.url('/rcas/RCA-1'));
  await expect(page.locator('#ev-title-1')).toHaveValue('Cases per account: 1 rows');
  await expect(page.locator('#ev-detail-1')).toHaveValue(
    /^SELECT account, count\(\*\) AS cases FROM cases GROUP BY account\n\nRan \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC · 1 rows · SHA-256 of the CSV result [0-9a-f]{64}$/,
  );
});

test('once opened, the console works offline: the service worker keeps the engine', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await waitForOfflineReady(page);
  await createCase(page, { title: 'Offline payout question' });
  await page.goto(app.url('/sql'));
  await expect(page.getByText(/rows in all, as of/)).toBeVisible({ timeout: 20_000 });

  await app.goOffline();
  await page.reload();
  await expect(page.getByText(/^1 cases, .*rows in all, as of/)).toBeVisible({ timeout: 20_000 });
  await runQuery(page, 'SELECT title FROM cases');
  await expect(summary(page)).toHaveText(/^1 row in \d+ ms$/);
  expect(await gridRows(page)).toEqual([['Offline payout question']]);
});
