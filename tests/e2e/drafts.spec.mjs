// drafts.spec.mjs: a draft is written while typing goes on, so a killed tab loses at most the last moments of it.
import AxeBuilder from '@axe-core/playwright';
import { test, expect, createCase, draftSaved, holdStore, releaseStore } from './fixtures.mjs';

// A throttle of 300 ms, plus what one IndexedDB write takes on a busy machine.
const THROTTLE_MS = 300;
const WRITE_MS = 150;

test('typing call notes steadily for 3 s at 20 keys a second, then killing the tab: at most the last 300 ms of typing is missing', async ({ context, page, app }) => {
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Account frozen before payroll' });
  await page.goto(app.url('/cases/ESC-1001/call'));
  const notes = page.getByLabel('Call notes');
  await expect(notes).toBeVisible();
  // When each character reached the field, by the page's own clock.
  await page.evaluate(() => {
    window.__typed = [];
    document.addEventListener('input', (e) => window.__typed.push([e.target.value.length, Date.now()]));
  });
  const text = 'Caller says payroll runs Friday; Risk hold RH-12 on balance.'; // 60 keys
  expect(text).toHaveLength(60);
  await notes.pressSequentially(text, { delay: 50 });
  const [typed, killedAt] = await page.evaluate(() => [window.__typed, Date.now()]);
  // No pause: the tab is killed straight after the last key, with no unload handlers run.
  await page.close({ runBeforeUnload: false });

  const again = await context.newPage();
  await again.goto(app.url('/cases/ESC-1001/call'));
  await expect(again.getByText('Unsaved changes from your last visit were restored.')).toBeVisible();
  const restored = await again.getByLabel('Call notes').inputValue();
  expect(text.startsWith(restored), `"${restored}" is what was typed, cut short`).toBe(true);
  if (restored.length < text.length) {
    // The first missing key was typed at most a throttle (and a write) before the kill.
    const firstMissing = typed.find(([length]) => length === restored.length + 1);
    expect(firstMissing, 'every key was seen by the page').toBeTruthy();
    expect(killedAt - firstMissing[1]).toBeLessThanOrEqual(THROTTLE_MS + WRITE_MS);
  }
  // Typing never paused for 300 ms, so a debounce would have stored nothing: this much was written while typing went on.
  expect(restored.length).toBeGreaterThan(40);
});

/**
 * Leaves a drafted new playbook titled "Stuck payouts at the partner bank", then opens the form
 * again while its draft read waits behind a held store (a slow disk) and types "Frozen merchant
 * accounts" into it. The hold stays until `releaseStore(page)`. Returns the title field.
 */
async function typeAgainBeforeTheDraftIsRead(page, app) {
  await page.goto(app.url('/playbooks/new'));
  const title = page.getByLabel('Title', { exact: true });
  await title.fill('Stuck payouts at the partner bank');
  await draftSaved(page);
  await page.goto(app.url('/playbooks'));
  await holdStore(page, 'drafts');
  await page.getByRole('link', { name: 'New playbook' }).click();
  await title.fill('Frozen merchant accounts');
  return title;
}

test('typing before the last visit\'s draft has been read: the typing stays, the old draft is shown to copy, and the typing is what is kept', async ({ page, app }) => {
  const title = await typeAgainBeforeTheDraftIsRead(page, app);
  await releaseStore(page);

  await expect(page.getByText(/draft from your last visit arrived after you had started typing/)).toContainText('Stuck payouts at the partner bank');
  await expect(title).toHaveValue('Frozen merchant accounts');
  await draftSaved(page);
  await page.reload();
  await expect(page.getByText('Unsaved playbook changes from your last visit were restored.')).toBeVisible();
  await expect(title).toHaveValue('Frozen merchant accounts');
  // The earlier draft outlives the notice that first showed it: it is kept with the form.
  await expect(page.getByText(/Set aside earlier/)).toContainText('Stuck payouts at the partner bank');
});

test('typing into a form and leaving it before the last visit\'s draft has been read: neither text is lost, and the next visit shows both', async ({ page, app }) => {
  const title = await typeAgainBeforeTheDraftIsRead(page, app);
  // Left while the read still waits: the typing is drafted over the earlier draft once it is answered.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Playbooks' }).click();
  await expect(page.getByRole('link', { name: 'New playbook' })).toBeVisible();
  await releaseStore(page);
  await draftSaved(page);

  await page.getByRole('link', { name: 'New playbook' }).click();
  await expect(title).toHaveValue('Frozen merchant accounts');
  await expect(page.getByText(/Set aside earlier/)).toContainText('Stuck payouts at the partner bank');
  // And it stays set aside across a reload, until the form is saved.
  await page.reload();
  await expect(title).toHaveValue('Frozen merchant accounts');
  await expect(page.getByText(/Set aside earlier/)).toContainText('Stuck payouts at the partner bank');
});

test('two tabs typing into the same form at once: closing one loses nothing, the other shows its text as set aside, and discarding that (asked twice) leaves the form\'s own draft', async ({ context, page, app }) => {
  const title = (p) => p.getByLabel('Title', { exact: true });
  await page.goto(app.url('/playbooks/new'));
  const other = await context.newPage();
  await other.goto(app.url('/playbooks/new'));
  await expect(title(page)).toBeVisible();
  await expect(title(other)).toBeVisible();

  await title(page).fill('Stuck payouts at the partner bank');
  await draftSaved(page);
  // The second tab never had the first tab's text: its draft replaces it in storage, so the
  // first tab's text is kept aside rather than lost with its tab.
  await title(other).fill('Frozen merchant accounts');
  await draftSaved(other);
  await page.close();

  await other.reload();
  await expect(title(other)).toHaveValue('Frozen merchant accounts');
  const notice = other.getByText(/Set aside earlier: typed in another tab/);
  await expect(notice).toContainText('Stuck payouts at the partner bank');
  // The text as typed: not the ids the form keeps beside it (its steps').
  await expect(notice).not.toContainText(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-/);

  // The set-aside text goes only when asked twice; Escape or "Keep it" takes the question back.
  const discard = other.getByRole('button', { name: 'Discard set-aside text…' });
  const question = other.getByRole('status').filter({ hasText: 'Discard the set-aside text for good? It is in no case or record.' });
  await discard.click();
  // Asked in a status region, so a screen reader hears the question too.
  await expect(question).toBeVisible();
  await other.keyboard.press('Escape');
  await expect(question).toHaveCount(0);
  await expect(discard).toBeFocused();
  await discard.click();
  await other.getByRole('button', { name: 'Keep it' }).click();
  await expect(question).toHaveCount(0);
  await expect(discard).toBeFocused();
  await expect(notice).toBeVisible();
  await discard.click();
  const confirm = other.getByRole('button', { name: 'Discard it' });
  await expect(confirm).toBeFocused();
  const axe = await new AxeBuilder({ page: other }).include('.set-aside-actions')
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(axe.violations).toEqual([]);
  await other.keyboard.press('Enter');
  await expect(notice).toHaveCount(0);
  await expect(other.getByRole('button', { name: /Discard set-aside text|Discard it/ })).toHaveCount(0);
  // Only the set-aside text went: the form's own draft comes back after a reload, alone.
  await other.reload();
  await expect(title(other)).toHaveValue('Frozen merchant accounts');
  await expect(other.getByText('Unsaved playbook changes from your last visit were restored.')).toBeVisible();
  await expect(other.getByText(/Set aside earlier/)).toHaveCount(0);
});

test('typing into a new case before the app has opened its storage: the draft is written once it opens, and comes back after a reload', async ({ context, page, app }) => {
  await page.goto(app.url('/'));
  await expect(page.getByRole('button', { name: 'New case' })).toBeVisible();
  // Another page of the same site keeps a connection and asks to delete the database: the
  // request waits on that connection, and the app's next open waits behind the request.
  const holder = await context.newPage();
  await holder.goto(app.url('/manifest.webmanifest'));
  await holder.evaluate(() => new Promise((held, fail) => {
    const open = indexedDB.open('escalation-desk');
    open.onerror = () => fail(open.error);
    open.onsuccess = () => {
      window.__held = open.result;
      window.__deleted = new Promise((done) => { indexedDB.deleteDatabase('escalation-desk').onsuccess = done; });
      held();
    };
  }));
  await page.reload();
  await page.getByRole('button', { name: 'New case' }).click();
  await page.getByLabel('Title').fill('Payout returned: account closed at the bank');
  // The app's storage is still not open (the queue is still loading): the draft waits rather than failing.
  await expect(page.getByText('Loading cases…')).toBeVisible();
  await expect(page.locator('.draft-indicator')).toHaveText(/Saving/);
  await expect(page.getByText(/Draft not saved/)).toHaveCount(0);
  await holder.evaluate(async () => { window.__held.close(); await window.__deleted; });
  await draftSaved(page);
  await expect(page.getByText(/Draft not saved/)).toHaveCount(0);
  await page.reload();
  await page.getByRole('button', { name: 'New case' }).click();
  await expect(page.getByLabel('Title')).toHaveValue('Payout returned: account closed at the bank');
});

test('two tabs typing notes on one case: saving in one tab keeps the other tab\'s unsaved note stored, so closing that tab loses nothing', async ({ context, page, app }) => {
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Payout stuck at the acquirer' });
  const caseUrl = page.url();
  const other = await context.newPage();
  await other.goto(caseUrl);
  await expect(other.getByLabel('Note')).toBeVisible();

  await other.getByLabel('Note').fill('Partner bank says the file was rejected; ask for the reason code.');
  await draftSaved(other);
  await page.getByLabel('Note').fill('Called the merchant: payout expected tomorrow.');
  await draftSaved(page);
  // Saving consumes only what this tab's form had: the other tab's text, which it never
  // had, stays stored and becomes the draft once this tab's own is gone.
  await page.getByRole('button', { name: 'Add note' }).click();
  await expect(page.getByLabel('Note')).toHaveValue('');
  await expect(page.locator('.timeline')).toContainText('Called the merchant: payout expected tomorrow.');

  // A third tab opening the case shows the other tab's note as the unsaved draft once it is stored again.
  const third = await context.newPage();
  await expect(async () => {
    await third.goto(caseUrl);
    await expect(third.getByLabel('Note')).toHaveValue('Partner bank says the file was rejected; ask for the reason code.', { timeout: 2_000 });
  }).toPass({ timeout: 20_000 });
  await third.close();
  await other.close();
  await page.reload();
  await expect(page.getByLabel('Note')).toHaveValue('Partner bank says the file was rejected; ask for the reason code.');
  await expect(page.locator('.timeline')).not.toContainText('ask for the reason code');
});

test('a note typed in a tab that was then closed survives a save of the same form in another tab: the next visit puts it back, not deleted with the saved note', async ({ context, page, app }) => {
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Chargeback filed twice' });
  const caseUrl = page.url();
  const other = await context.newPage();
  await other.goto(caseUrl);
  await expect(other.getByLabel('Note')).toBeVisible();
  await other.getByLabel('Note').fill('Acquirer confirms one of the two chargebacks is a duplicate.');
  await draftSaved(other);
  // Closed with its text stored: no tab holds it any more, so nothing would store it again.
  await other.close();

  await page.getByLabel('Note').fill('Asked the merchant for the second receipt.');
  await draftSaved(page);
  await page.getByRole('button', { name: 'Add note' }).click();
  await expect(page.getByLabel('Note')).toHaveValue('');
  await expect(page.locator('.timeline')).toContainText('Asked the merchant for the second receipt.');

  // The save consumed this form's own text only: the closed tab's note is still stored, and
  // the next visit puts it back into the form, unsaved.
  await page.reload();
  await expect(page.getByLabel('Note')).toHaveValue('Acquirer confirms one of the two chargebacks is a duplicate.');
  await expect(page.getByText('Unsaved note from your last visit restored.')).toBeVisible();
  await expect(page.locator('.timeline')).toContainText('Asked the merchant for the second receipt.');
  await expect(page.locator('.timeline')).not.toContainText('Acquirer confirms');
});

test('discarding a call (asked twice) removes the notes this call mode had, and only those: notes typed in another tab since closed come back with the next call', async ({ context, page, app }) => {
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Payout reversed by the bank' });
  await page.goto(app.url('/cases/ESC-1001/call'));
  await page.getByLabel('Call notes').fill('Merchant on hold music; will call back.');
  await draftSaved(page);
  // Another tab takes the call over: its notes replace these in storage, and it is closed.
  const other = await context.newPage();
  await other.goto(app.url('/cases/ESC-1001/call'));
  await expect(other.getByLabel('Call notes')).toHaveValue('Merchant on hold music; will call back.');
  await other.getByLabel('Call notes').fill('Reached the merchant: bank reversed it for a closed account.');
  await draftSaved(other);
  await other.close();

  const discard = page.getByRole('button', { name: 'Discard call' });
  await discard.click();
  await page.getByRole('button', { name: 'Discard these notes? Click again' }).click();
  await expect(page).toHaveURL(/\/cases\/ESC-1001$/);
  // The next call starts from the closed tab's notes, which this one never had.
  await page.goto(app.url('/cases/ESC-1001/call'));
  await expect(page.getByLabel('Call notes')).toHaveValue('Reached the merchant: bank reversed it for a closed account.');
  // Discarding that one, which it put back, leaves nothing.
  await page.getByRole('button', { name: 'Discard call' }).click();
  await page.getByRole('button', { name: 'Discard these notes? Click again' }).click();
  await expect(page).toHaveURL(/\/cases\/ESC-1001$/);
  await page.goto(app.url('/cases/ESC-1001/call'));
  await expect(page.getByLabel('Call notes')).toHaveValue('');
  await expect(page.getByText(/Set aside earlier/)).toHaveCount(0);
});
