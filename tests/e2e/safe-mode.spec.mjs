// safe-mode.spec.mjs: a stored record that stops the app on every start cannot brick the profile: the error page offers safe mode, which sets it aside.
import { readFileSync } from 'node:fs';
import { test, expect, loadSample } from './fixtures.mjs';

const POISON = 'Poison: stops the clocks';

test.describe('a record that stops the app', () => {
  // The test-only hook makes the app panic while computing this case's clocks, as a record that
  // got past every check would; these are the errors that panic leaves, and only these.
  test.use({ expectedError: /test fault: the clocks of case 'Poison: stops the clocks'|unreachable/ });

  test('the error page offers safe mode, which backs up, sets the record aside, and the queue works again with every other case', async ({ page, app }) => {
    await page.addInitScript((title) => { window.__escalationDeskTestPanicOnTitle = title; }, POISON);
    await page.goto(app.url('/'));
    await loadSample(page);

    // The poison arrives as an ordinary case: created here, stored, then computed from.
    await page.getByRole('button', { name: 'New case' }).click();
    await page.getByLabel('Title').fill(POISON);
    await page.getByLabel('Account').fill('Kopi Collective');
    await page.getByLabel('Contact email').fill('ops@kopi.example');
    await page.getByRole('button', { name: 'Create case' }).click();

    const stopped = page.getByRole('heading', { name: 'Escalation Desk stopped' });
    await expect(stopped).toBeVisible();
    await expect(page.getByRole('alert')).toContainText("test fault: the clocks of case 'Poison: stops the clocks' stopped the app");
    await expect(page.getByRole('alert')).toContainText('Everything you saved, and your drafts, are still stored on this device.');

    // Stored, it stops every start: without safe mode the profile would be lost.
    await page.reload();
    await expect(stopped).toBeVisible();

    await page.getByRole('link', { name: 'Open in safe mode' }).click();
    await expect(page.getByRole('heading', { name: 'Safe mode' })).toBeVisible();
    await expect(page.getByRole('heading', { name: /^Stored records: \d+ \(0 cannot be read\)$/ })).toBeVisible();

    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Back up everything' }).click(),
    ]);
    const dump = JSON.parse(readFileSync(await file.path(), 'utf8'));
    expect(dump.format).toBe('escalation-desk.raw-backup');
    expect(JSON.stringify(dump.stores.case_pages)).toContain(POISON);
    await expect(page.getByRole('status')).toContainText('every stored record, as stored');

    await page.getByLabel('Filter by key, title or problem').fill('poison');
    await expect(page.getByRole('row')).toHaveCount(2);
    await page.getByRole('button', { name: `Set aside Case ESC-1201 · ${POISON}` }).click();
    await expect(page.getByRole('status')).toContainText(`Case ESC-1201 · ${POISON} is set aside.`);
    await expect(page.getByRole('heading', { name: 'Set aside (1)' })).toBeVisible();
    await expect(page.getByRole('button', { name: `Put back Case ESC-1201 · ${POISON}` })).toBeVisible();

    await page.getByRole('link', { name: 'Open the app' }).click();
    await expect(page.getByRole('button', { name: /^Everything/ })).toContainText('200');
    // The clocks are computed again (badges painted), and nothing stops.
    await expect(page.locator('tr.case-row .sla').first()).toBeVisible();
    await expect(page.getByText(POISON)).toHaveCount(0);
    await page.goto(app.url('/cases/ESC-1001'));
    await expect(page.getByRole('heading', { level: 1 })).not.toHaveText(POISON);
    await expect(page.locator('.case-key')).toContainText('ESC-1001');

    // Kept, not deleted: safe mode still lists it, and a raw backup still carries it.
    await page.goto(app.url('/?safe'));
    await expect(page.getByRole('heading', { name: 'Set aside (1)' })).toBeVisible();
    const [again] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Back up everything' }).click(),
    ]);
    expect(readFileSync(await again.path(), 'utf8')).toContain(POISON);
  });
});

test('a record stored out of range is reported and skipped: the queue still opens with every other case', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await loadSample(page);
  // Write a year-262142 case straight into its page, as a file or an older build might have.
  await page.evaluate(() => new Promise((done, fail) => {
    const open = indexedDB.open('escalation-desk');
    open.onerror = () => fail(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction('case_pages', 'readwrite');
      const pages = tx.objectStore('case_pages');
      const id = '0d4c1a7e-6c55-4a4f-9d1e-000000000262';
      const record = JSON.stringify({
        v: 2, id, key: 'ESC-9999', title: 'From the far future', account: { name: 'Kopi', account_id: '', tier: 'Standard' },
        contacts: [], channel: 'Email', product_area: 'Payouts', impact: 'Moderate', urgency: 'Medium', priority: 'P3',
        owner: '', tags: [], watchers: [], scoping: {}, status: 'New', resolution: null, problem_id: null,
        created_at: '+262142-12-31T23:59:59Z', updated_at: '+262142-12-31T23:59:59Z', revision: 1,
      });
      // Appended to a page already holding sample cases, which must all still load.
      const enc = new TextEncoder();
      const field = (text) => `${enc.encode(text).length}:${text}`;
      const read = pages.get(511);
      read.onsuccess = () => {
        const before = read.result ? new TextDecoder().decode(read.result) : 'page1\n';
        pages.put(enc.encode(`${before}${field(id)}${field(record)}`), 511);
      };
      tx.oncomplete = () => { db.close(); done(); };
      tx.onerror = () => fail(tx.error);
    };
  }));
  await page.reload();
  await expect(page.getByRole('heading', { name: '1 stored case(s) could not be read' })).toBeVisible();
  await expect(page.getByRole('alert')).toContainText('created_at: expected a time from 1970-01-01 to 2199-12-31');
  await expect(page.getByRole('button', { name: /^Everything/ })).toContainText('200');
});

test('the two poison bundles of issue 21 are refused with their path and rule, and nothing changes', async ({ page, app }) => {
  const { resolve } = await import('node:path');
  const { DIST } = await import('./fixtures.mjs');
  const fixture = (name) => JSON.parse(readFileSync(resolve(DIST, '../tests/fixtures', name), 'utf8'));
  const shortHash = fixture('bundle-v1-rca.json');
  shortHash.contents.rcas[0].signoffs[0].content_hash = 'abc';
  const farFuture = fixture('bundle-v1.json');
  farFuture.contents.cases[0].created_at = '+262142-12-31T23:59:59Z';
  farFuture.contents.cases[0].updated_at = '+262142-12-31T23:59:59Z';

  await page.goto(app.url('/'));
  await loadSample(page);
  await page.getByRole('link', { name: 'Data' }).click();
  for (const [bundle, message] of [
    [shortHash, 'contents.rcas[0].signoffs[0].content_hash: expected 64 hex characters, got "abc"'],
    [farFuture, 'contents.cases[0].created_at: expected a time from 1970-01-01 to 2199-12-31, got "+262142-12-31T23:59:59+00:00"'],
  ]) {
    await page.getByLabel('Choose a bundle file').setInputFiles({ name: 'poison.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bundle)) });
    await expect(page.getByRole('alert').filter({ hasText: 'poison.json was not imported' })).toContainText(message);
    await expect(page.getByRole('alert').filter({ hasText: 'poison.json was not imported' })).toContainText('Nothing on this device changed.');
  }
  await page.getByRole('link', { name: 'Queue' }).click();
  await expect(page.getByRole('button', { name: /^Everything/ })).toContainText('200');
  await page.reload();
  await expect(page.locator('tr.case-row .sla').first()).toBeVisible();
});
