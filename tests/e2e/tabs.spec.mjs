// tabs.spec.mjs: two tabs of the app share one database and stay in step.
import { test, expect, loadSample, createCase, draftSaved } from './fixtures.mjs';

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

test('two tabs editing one case: different fields both survive, and the same field is shown with both values before anything is overwritten', async ({ page, context, app }) => {
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Refunds fail in JPY only' });
  const other = await context.newPage();
  const otherErrors = [];
  other.on('pageerror', (e) => otherErrors.push(e.message));
  other.on('console', (m) => { if (m.type() === 'error') otherErrors.push(m.text()); });
  await other.goto(app.url('/cases/ESC-1001'));

  // The other tab hands the case to Raj while this tab's details form still shows the old owner.
  await other.getByLabel('Owner', { exact: true }).fill('Raj');
  await other.getByRole('button', { name: 'Save details' }).click();
  await expect(other.getByText('Details saved.')).toBeVisible();
  await page.locator('#d-tags').fill('refunds, jpy');
  await page.getByRole('button', { name: 'Save details' }).click();
  await expect(page.getByText('Details saved.')).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('Owner', { exact: true })).toHaveValue('Raj');
  await expect(page.locator('#d-tags')).toHaveValue('jpy, refunds');

  // Both retitle it: the later save is stopped and shows both titles, keeping what was typed.
  // (Drafts are per case, shared by tabs, so the other tab edits before this one types.)
  await page.getByRole('button', { name: 'Edit title' }).click();
  await other.reload();
  await expect(other.getByRole('heading', { level: 1 })).toHaveText('Refunds fail in JPY only');
  await other.getByRole('button', { name: 'Edit title' }).click();
  await other.getByLabel('Title', { exact: true }).fill('JPY refunds fail for every merchant');
  await other.getByRole('button', { name: 'Save title' }).click();
  await expect(other.getByRole('heading', { level: 1 })).toHaveText('JPY refunds fail for every merchant');
  await page.getByLabel('Title', { exact: true }).fill('JPY refunds fail: acquirer exponent bug');
  await page.getByRole('button', { name: 'Save title' }).click();
  const clash = page.getByRole('alert').filter({ hasText: 'another tab changed this case while you were editing' });
  await expect(clash).toContainText('Title: theirs “JPY refunds fail for every merchant”, yours “JPY refunds fail: acquirer exponent bug”');
  await expect(page.getByLabel('Title', { exact: true })).toHaveValue('JPY refunds fail: acquirer exponent bug');
  // Saving again keeps mine, knowingly; the timeline has both changes.
  await page.getByRole('button', { name: 'Save title' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('JPY refunds fail: acquirer exponent bug');
  // After saving, this tab's timeline is the stored log, the other tab's change included.
  await expect(page.getByRole('list', { name: 'Timeline' }).getByText('changed the title')).toHaveCount(2);
  // A note from this tab lands on top of whatever the other tab saved, never refused as stale.
  await other.getByLabel('Note').fill('Acquirer confirmed the exponent bug.');
  await other.getByRole('button', { name: 'Add note' }).click();
  await expect(other.getByLabel('Note')).toHaveValue('');
  await expect(other.getByRole('list', { name: 'Timeline' })).toContainText('Acquirer confirmed the exponent bug.');
  expect(otherErrors).toEqual([]);
});

test('templates saved in another tab meanwhile are never silently replaced: the save is refused, and the person takes theirs (with Undo) or saves over them', async ({ page, context, app }) => {
  // Both tabs open the editor before either types (a draft is one per device: a tab opened
  // later would be offered the first tab's unsaved text).
  const other = await context.newPage();
  await other.goto(app.url('/templates'));
  await expect(other.getByLabel('Subject')).not.toHaveValue('');
  await page.goto(app.url('/templates'));
  const body = page.getByLabel('Body');
  await expect(body).not.toHaveValue('');
  const original = await body.inputValue();
  await body.fill(`${original}\nP.S. Written in the first tab.`);
  await draftSaved(page);

  await other.getByLabel('Subject').fill('Changed in the second tab');
  await other.getByRole('button', { name: 'Save templates' }).click();
  await expect(other.getByText('Templates saved.')).toBeVisible();

  // The first tab's save is refused: its edit stays on screen, and nothing it had was written.
  await page.getByRole('button', { name: 'Save templates' }).click();
  const clash = page.getByRole('alert').filter({ hasText: 'Another tab or a teammate (through team sync) saved the email templates while you were editing' });
  await expect(clash).toContainText('nothing was saved');
  await expect(body).toHaveValue(/P\.S\. Written in the first tab\.$/);
  // What is stored is still the second tab's save. (Read from storage: reloading the second tab
  // would offer it the first tab's draft, which is one per device, not per tab.)
  const stored = await storedTemplates(other);
  expect(stored.subject).toBe('Changed in the second tab');
  expect(stored.body).toBe(original);

  // Taking theirs shows their subject; Undo brings the first tab's text back.
  await clash.getByRole('button', { name: 'Take theirs' }).click();
  await expect(page.getByLabel('Subject')).toHaveValue('Changed in the second tab');
  await expect(body).toHaveValue(original);
  const toast = page.locator('.toast').filter({ hasText: "Took the other tab's templates." });
  await toast.getByRole('button', { name: 'Undo' }).click();
  await expect(body).toHaveValue(/P\.S\. Written in the first tab\.$/);

  // Saving now is a choice made knowing theirs: it goes through, and the second tab sees it.
  await page.getByRole('button', { name: 'Save templates' }).click();
  await expect(page.getByText('Templates saved.')).toBeVisible();
  expect((await storedTemplates(other)).body).toMatch(/P\.S\. Written in the first tab\.$/);
  // The second tab, which had nothing unsaved, follows without a reload.
  await expect(other.getByLabel('Body')).toHaveValue(/P\.S\. Written in the first tab\.$/);
});

/** The first stored email template, read from IndexedDB as the app saved it. */
async function storedTemplates(page) {
  return page.evaluate(() => new Promise((done, fail) => {
    const open = indexedDB.open('escalation-desk');
    open.onerror = () => fail(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const get = db.transaction('meta').objectStore('meta').get('email_templates');
      get.onsuccess = () => {
        db.close();
        try { done(JSON.parse(get.result).templates[0]); } catch (e) { fail(e); }
      };
      get.onerror = () => fail(get.error);
    };
  }));
}

test('team settings follow another tab while untouched, and an edit made meanwhile is never saved over theirs unseen', async ({ page, context, app }) => {
  const other = await context.newPage();
  await page.goto(app.url('/settings'));
  await other.goto(app.url('/settings'));
  const areas = (p) => p.getByLabel('Product areas (one per line)');
  await expect(areas(page)).toHaveValue(/Payouts/);
  const original = await areas(page).inputValue();

  // Untouched here: a save in the other tab shows at once.
  await areas(other).fill(`${original}\nCrypto on-ramp`);
  await other.getByRole('button', { name: 'Save team settings' }).click();
  await expect(other.getByText('Team settings saved.')).toBeVisible();
  await expect(areas(page)).toHaveValue(/Crypto on-ramp$/);

  // Edited here, saved there meanwhile: this save is refused, and this edit stays on screen.
  await areas(page).fill(`${original}\nCrypto on-ramp\nTreasury`);
  await other.getByLabel('Priority for Moderate impact, Medium urgency').selectOption('P1');
  await other.getByRole('button', { name: 'Save team settings' }).click();
  await expect(other.getByText('Team settings saved.')).toBeVisible();
  await page.getByRole('button', { name: 'Save team settings' }).click();
  const clash = page.getByRole('alert').filter({ hasText: 'saved the team settings while you were editing' });
  await expect(clash).toContainText('nothing was saved');
  await expect(areas(page)).toHaveValue(/Treasury$/);
  await expect(page.getByLabel('Priority for Moderate impact, Medium urgency')).not.toHaveValue('P1');

  // Taking theirs shows their matrix; Undo brings this edit back; saving it over theirs is a choice.
  await clash.getByRole('button', { name: 'Take theirs' }).click();
  await expect(page.getByLabel('Priority for Moderate impact, Medium urgency')).toHaveValue('P1');
  await expect(areas(page)).toHaveValue(/Crypto on-ramp$/);
  await page.locator('.toast').filter({ hasText: 'Took the team settings saved elsewhere.' }).getByRole('button', { name: 'Undo' }).click();
  await expect(areas(page)).toHaveValue(/Treasury$/);
  await page.getByRole('button', { name: 'Save team settings' }).click();
  await expect(page.getByText('Team settings saved.')).toBeVisible();
  await expect(areas(other)).toHaveValue(/Treasury$/);
});
