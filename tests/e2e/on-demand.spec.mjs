// on-demand.spec.mjs: the rarely used pages (and the email reader) arrive as separate wasm parts; after one online visit every route opens offline, and a part that cannot be fetched is explained, not fatal.
import { test, expect, createCase, loadSample, moveTo, triage, waitForOfflineReady } from './fixtures.mjs';
import { dropFiles, savedEmail } from './evidence.mjs';

// Each route whose code is an on-demand part, and what a person sees once it has opened.
const ROUTES = [
  ['/templates', { level: 1, name: 'Email templates' }],
  ['/playbooks', { level: 1, name: 'Playbooks' }],
  ['/problems', { level: 1, name: 'Problems' }],
  ['/problems/PRB-1', { level: 1, name: /./ }],
  ['/rcas', { level: 1, name: 'Root-cause analyses' }],
  ['/rcas/RCA-1', { level: 1, name: /^RCA-1 / }],
  ['/rcas/RCA-1/print', { level: 1, name: /RCA-1/ }],
  ['/settings', { level: 1, name: 'Settings' }],
  ['/data', { level: 1, name: 'Data' }],
  ['/insights', { level: 1, name: 'Insights' }],
  ['/sql', { level: 1, name: 'SQL console' }],
];

test('the first route (the queue and a case) loads without the on-demand parts, and opening a page fetches only its own', async ({ page, app }) => {
  const fetched = [];
  page.on('request', (r) => { if (r.url().endsWith('.wasm')) fetched.push(new URL(r.url()).pathname); });
  await page.goto(app.url('/'));
  await expect(page.getByRole('button', { name: 'Load sample data' })).toBeVisible();
  const parts = await page.locator('meta[name="on-demand-parts"]').getAttribute('data-precache');
  const partList = parts.split(' ');
  expect(partList.length).toBeGreaterThan(5);
  // The page itself fetched only the main module; the service worker's precache is not the page's.
  expect(fetched.filter((p) => partList.includes(p))).toEqual([]);
  // The sample desk's generator is a part of its own, fetched when the sample is loaded.
  await loadSample(page);
  expect(fetched.filter((p) => partList.includes(p)).some((p) => /\/split_sample-[0-9a-f]+\.wasm$/.test(p))).toBe(true);
  fetched.length = 0;
  // A case page with team sync off fetches nothing either: its list of team reviews waits for sync.
  await page.goto(app.url('/cases/ESC-1001'));
  await expect(page.locator('.case-key')).toContainText('ESC-1001');
  await expect(page.getByRole('heading', { name: 'Timeline' })).toBeVisible();
  expect(fetched.filter((p) => partList.includes(p))).toEqual([]);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Templates' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Email templates' })).toBeVisible();
  const fromPage = fetched.filter((p) => partList.includes(p));
  expect(fromPage.length).toBeGreaterThan(0);
  expect(fromPage.length).toBeLessThan(partList.length);
});

test('after one online visit, every on-demand route opens offline for the first time', async ({ page, app }) => {
  test.setTimeout(120_000);
  await page.goto(app.url('/'));
  await loadSample(page);
  await waitForOfflineReady(page);

  await app.goOffline();
  for (const [path, heading] of ROUTES) {
    await page.goto(app.url(path));
    await expect(page.getByRole('heading', heading), path).toBeVisible();
    await expect(page.getByText('This page could not be opened'), path).toHaveCount(0);
  }
  // And from inside the app, without a reload: the queue, then a page by its link.
  await page.goto(app.url('/'));
  await page.locator('tr.case-row').first().waitFor();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Playbooks' }).click();
  await page.getByRole('link', { name: 'Payout delayed or held' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Payout delayed or held' })).toBeVisible();
});

/** A new case waiting on the user, the state in which a dropped email resumes it. */
async function caseWaitingOnUser(page) {
  await createCase(page, { title: 'Payout held: waiting for the bank letter', severity: 'S3' });
  await triage(page);
  await moveTo(page, 'Waiting on user');
}
const EMAIL = { name: 'Re payout stuck.eml', type: 'message/rfc822', bytes: savedEmail() };

test('after one online visit, an email dropped offline is read by the cached reader', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await waitForOfflineReady(page);
  await app.goOffline();
  await caseWaitingOnUser(page);
  await dropFiles(page, [EMAIL]);
  await expect(page.locator('.files-panel')).toContainText('Logged the email from Ana Ruiz <ops@kopi.example>');
  await expect(page.locator('.case-key')).toContainText('In progress');
});

test.describe('without a service worker', () => {
  test.use({ serviceWorkers: 'block' });

  test('sample data whose generator cannot be fetched is refused in words and writes nothing; online again it loads', async ({ page, app }) => {
    await page.goto(app.url('/'));
    // The app itself must be here before the connection goes: the part is what is missing.
    await expect(page.getByRole('button', { name: 'Load sample data' })).toBeVisible();
    await app.goOffline();
    await page.getByRole('button', { name: 'Load sample data' }).click();
    await expect(page.getByText('Sample data was not loaded: this part of the app is not on this device yet and could not be fetched')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Load sample data' })).toBeEnabled();
    await expect(page.locator('tr.case-row')).toHaveCount(0);
    await app.goOnline();
    await loadSample(page);
  });

  test('a page whose part cannot be fetched says so, the queue keeps working, and Try again opens it once back online', async ({ page, app }) => {
    await page.goto(app.url('/'));
    await loadSample(page);
    await app.goOffline();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Data' }).click();
    const alert = page.getByRole('alert');
    await expect(alert).toContainText('This page could not be opened');
    await expect(alert).toContainText('not on this device yet');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Queue' }).click();
    await expect(page.locator('tr.case-row').first()).toBeVisible();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Data' }).click();
    await expect(page.getByRole('alert')).toContainText('This page could not be opened');

    await app.goOnline();
    await page.getByRole('button', { name: 'Try again' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Data' })).toBeVisible();
  });

  test('an email dropped while its reader cannot be fetched is refused by name and changes nothing; online again it is logged', async ({ page, app }) => {
    await page.goto(app.url('/'));
    await caseWaitingOnUser(page);
    await app.goOffline();
    await dropFiles(page, [EMAIL]);
    const outcome = page.locator('.files-panel ul.form-error');
    await expect(outcome).toContainText('Re payout stuck.eml was not read: this part of the app is not on this device yet');
    await expect(page.locator('.case-key')).toContainText('Waiting on user');
    const timeline = page.getByRole('list', { name: 'Timeline' });
    await expect(timeline.getByText('Email from Ana Ruiz')).toHaveCount(0);
    await expect(page.locator('.files-panel .file-row')).toHaveCount(0);

    await app.goOnline();
    await dropFiles(page, [EMAIL]);
    await expect(page.locator('.files-panel')).toContainText('Logged the email from Ana Ruiz <ops@kopi.example>');
    await expect(page.locator('.case-key')).toContainText('In progress');
    await expect(timeline.getByText('Email from Ana Ruiz')).toHaveCount(1);
  });
});
