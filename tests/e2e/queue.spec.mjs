// queue.spec.mjs: the queue and triage as a specialist uses them, mostly from the keyboard.
import { test, expect, loadSample, createCase, draftSaved } from './fixtures.mjs';

const rows = (page) => page.locator('tr.case-row');
const countText = (page) => page.locator('p.count');

test('intake works with the keyboard alone', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await expect(page.getByRole('heading', { name: 'No cases yet' })).toBeVisible();
  await page.keyboard.press('c');
  await expect(page.getByLabel('Title')).toBeFocused();
  await page.keyboard.type('Payouts held since Monday — payroll due Friday');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Kopi Collective');
  await page.keyboard.press('Tab');
  await page.keyboard.type('ops@kopi.example');
  await page.keyboard.press('Tab');
  await page.keyboard.press('ArrowUp'); // S3 -> S2
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(app.url('/cases/ESC-1001'));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Payouts held since Monday — payroll due Friday');
  await expect(page.locator('.case-key')).toContainText('P2');
});

test('filters narrow the queue and each row shows key, title, priority and status', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await loadSample(page);
  const waitingCount = await page.getByRole('button', { name: /^Waiting on partner/ }).locator('.count').textContent();

  await page.getByLabel('Status', { exact: true }).selectOption({ label: 'Waiting on partner' });
  await expect(countText(page)).toHaveText(`${waitingCount} cases`);
  const statuses = await rows(page).locator('td:nth-child(7)').allTextContents();
  expect(statuses.length).toBeGreaterThan(0);
  expect(new Set(statuses)).toEqual(new Set(['Waiting on partner']));

  await page.getByLabel('Status', { exact: true }).selectOption({ label: 'Any' });
  await page.getByLabel('Priority').selectOption('P1');
  await page.getByLabel('Tier').selectOption({ label: 'Enterprise' });
  const first = rows(page).first();
  await expect(first.locator('td.key')).toHaveText(/^ESC-\d{4}$/);
  await expect(first.locator('td.title')).not.toBeEmpty();
  const priorities = await rows(page).locator('td:nth-child(5)').allTextContents();
  expect(new Set(priorities)).toEqual(new Set(['P1']));

  // A filter can be saved as a view, with its own live count.
  await page.getByLabel('Save current filters as').fill('Enterprise P1');
  await page.getByRole('button', { name: 'Save view' }).click();
  const saved = page.getByRole('button', { name: /^Enterprise P1/ });
  await expect(saved).toHaveAttribute('aria-pressed', 'true');
  const total = (await countText(page).textContent()).split(' ')[0];
  await expect(saved.locator('.count')).toHaveText(total);
  await page.reload();
  await expect(page.getByRole('button', { name: /^Enterprise P1/ })).toBeVisible();
});

test('search finds titles, accounts and note text, and highlights the match', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await loadSample(page);
  await page.getByRole('button', { name: /^Everything/ }).click();
  await page.locator('body').press('/');
  await expect(page.getByRole('searchbox', { name: 'Search cases' })).toBeFocused();

  await page.keyboard.type('Payroll');
  await expect(rows(page).first()).toBeVisible();
  const marks = await page.locator('tr.case-row mark').allTextContents();
  expect(marks.length).toBeGreaterThan(0);
  expect(marks.every((m) => m.toLowerCase() === 'payroll')).toBe(true);

  // This phrase is only ever in a note, never in a title or account.
  await page.getByRole('searchbox', { name: 'Search cases' }).fill('"payment_intents from their platform"');
  await expect(rows(page).first()).toBeVisible();
  await expect(page.locator('tr.case-row mark')).toHaveCount(0);
  await rows(page).first().locator('td.key a').click();
  await expect(page.getByRole('list', { name: 'Timeline' })).toContainText('payment_intents from their platform');

  await page.goBack();
  await page.getByRole('searchbox', { name: 'Search cases' }).fill('no such words anywhere');
  await expect(page.getByText('No cases match')).toBeVisible();
});

test('a bulk owner change applies to the selection in one go and Undo puts it back', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await loadSample(page);
  const keys = await rows(page).locator('td.key').evaluateAll((cells) => cells.slice(0, 3).map((c) => c.textContent));
  const ownersBefore = await rows(page).locator('td:nth-child(8)').evaluateAll((cells) => cells.slice(0, 3).map((c) => c.textContent));

  await page.locator('body').press('x');
  await page.keyboard.press('j');
  await page.keyboard.press('x');
  await page.keyboard.press('j');
  await page.keyboard.press('x');
  await expect(countText(page)).toContainText('3 selected');

  await page.getByLabel('Set owner').fill('Grace Lim');
  await page.getByRole('button', { name: 'Apply owner' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Owner set to Grace Lim on 3 cases.' })).toBeVisible();
  for (const key of keys) {
    await expect(page.locator('tr.case-row', { hasText: key }).locator('td:nth-child(8)')).toHaveText('Grace Lim');
  }

  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByRole('button', { name: 'Undo' })).toHaveCount(0);
  await page.reload();
  for (const [i, key] of keys.entries()) {
    await expect(page.locator('tr.case-row', { hasText: key }).locator('td:nth-child(8)')).toHaveText(ownersBefore[i]);
  }
  await page.locator('tr.case-row', { hasText: keys[0] }).locator('td.key a').click();
  const timeline = page.getByRole('list', { name: 'Timeline' });
  await expect(timeline.getByText('changed the owner')).toHaveCount(2);
});

test('a bulk status change that one case refuses changes nothing', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await loadSample(page);
  await page.getByLabel('Status', { exact: true }).selectOption({ label: 'New' });
  await rows(page).nth(0).getByRole('checkbox').check();
  await rows(page).nth(1).getByRole('checkbox').check();
  await page.getByLabel('Set status').selectOption({ label: 'In progress' });
  await page.getByRole('button', { name: 'Apply status' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Nothing changed.' })).toContainText('triage the case first');
  const statuses = await rows(page).locator('td:nth-child(7)').allTextContents();
  expect(new Set(statuses)).toEqual(new Set(['New']));
});

test('triage needs scoping; bad money is refused with the reason; resolve needs a summary; reopen works', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Refunds fail in JPY only' });
  const moveTo = async (label) => {
    await page.getByLabel('Move to').selectOption({ label });
    await page.getByRole('button', { name: 'Change status' }).click();
  };

  await moveTo('Triaged');
  await expect(page.getByRole('alert').filter({ hasText: 'cannot mark the case triaged yet' })).toContainText(
    'What is affected, Since when, Money at risk',
  );

  await page.getByLabel('What is affected').fill('JPY refunds for all customers');
  await page.getByLabel('Since when').fill('2026-11-24T09:30');
  await page.getByLabel('Currency').fill('JPY');
  await page.getByLabel('Money at risk').fill('1,250,000.50');
  await page.getByRole('button', { name: 'Save scoping' }).click();
  await expect(page.getByText('JPY has 0 decimal place(s)')).toBeVisible();
  await page.getByLabel('Currency').fill('SGX');
  await page.getByRole('button', { name: 'Save scoping' }).click();
  await expect(page.getByText("'SGX' is not an ISO 4217 currency code")).toBeVisible();
  await page.getByLabel('Currency').fill('JPY');
  await page.getByLabel('Money at risk').fill('1,250,000');
  await page.getByLabel('Impact').selectOption({ label: 'Extensive' });
  await page.getByLabel('Urgency').selectOption({ label: 'Critical' });
  await page.getByRole('button', { name: 'Save scoping' }).click();
  await expect(page.getByText('Scoping saved.')).toBeVisible();
  await expect(page.locator('.case-key')).toContainText('P1');

  await page.reload();
  await expect(page.getByLabel('Money at risk')).toHaveValue('1,250,000');
  // Read-only, money shows in its currency's own format: yen have no decimals.
  await expect(page.locator('.facts .money')).toHaveText('¥1,250,000');
  await expect(page.getByLabel('Since when')).toHaveValue('2026-11-24T09:30');

  await moveTo('Triaged');
  await expect(page.locator('.case-key')).toContainText('Triaged');
  await moveTo('In progress');
  // The status menu is rebuilt for the new status; choosing before that lands would pick from the old menu.
  await expect(page.locator('.case-key')).toContainText('In progress');
  await page.getByLabel('Move to').selectOption({ label: 'Resolved' });
  await page.getByRole('button', { name: 'Change status' }).click();
  await expect(page.getByText('say how the case was resolved')).toBeVisible();
  await page.getByLabel('Resolution summary').fill('Acquirer fixed the JPY exponent; refunds re-sent.');
  await page.getByRole('button', { name: 'Change status' }).click();
  await expect(page.locator('.case-key')).toContainText('Resolved');

  // A status move can be undone from its toast; the undo is logged like any change.
  const toast = page.locator('.status-panel .toast');
  await expect(toast).toContainText('ESC-1001 moved to Resolved');
  await toast.getByRole('button', { name: 'Undo' }).click();
  await expect(page.locator('.case-key')).toContainText('In progress');
  await expect(toast).toHaveCount(0);
  const timeline = page.getByRole('list', { name: 'Timeline' });
  await expect(timeline).toContainText('reopened the case');
  await page.reload();
  await expect(page.locator('.case-key')).toContainText('In progress');
  await page.getByLabel('Move to').selectOption({ label: 'Resolved' });
  await page.getByLabel('Resolution summary').fill('Acquirer fixed the JPY exponent; refunds re-sent.');
  await page.getByRole('button', { name: 'Change status' }).click();
  await expect(page.locator('.case-key')).toContainText('Resolved');

  await moveTo('Reopen (In progress)');
  await expect(page.locator('.case-key')).toContainText('In progress');
  await expect(timeline).toContainText('Acquirer fixed the JPY exponent; refunds re-sent.');
  await expect(timeline).toContainText('changed the money at risk');
});

test('intake warns about a likely duplicate before creating it', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await loadSample(page);
  // A recent open case among the 200; the warning covers open cases from the last 14 days.
  const title = 'Payout to OCBC account returned, funds in limbo';
  await createCase(page, { title, account: 'Kopi Collective' });
  const key = (await page.locator('.case-key').textContent()).match(/ESC-\d+/)[0];
  await page.getByRole('link', { name: 'Queue' }).click();

  await page.getByRole('button', { name: 'New case' }).click();
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Account').fill('KOPI COLLECTIVE');
  await page.getByLabel('Contact email').fill('ops@example.com');
  const warning = page.getByRole('alert').filter({ hasText: 'Possible duplicate.' });
  await expect(warning.getByRole('link', { name: key })).toBeVisible();
  await page.getByRole('button', { name: 'Create case' }).click();
  await expect(page).toHaveURL(app.url('/'));
  await page.getByRole('button', { name: 'Create anyway' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
});

test('details: several contacts, watchers and owner are validated and kept', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Enterprise invoice wrong by six figures' });
  await page.getByLabel('Owner', { exact: true }).fill('Raj Kumar');
  await page.getByLabel('Watchers').fill('Aisha Rahman, Daniel Tan');
  await page.getByLabel('Contact name').fill('Grace Lim');
  await page.getByLabel('Contact phone').fill('+65 6123 4567');
  await page.getByRole('button', { name: 'Add contact' }).click();
  await page.getByLabel('Contact 2 name').fill('Finance desk');
  await page.getByLabel('Contact 2 email').fill('finance.emerald.example');
  await page.getByRole('button', { name: 'Save details' }).click();
  await expect(page.getByText("'finance.emerald.example' has no @")).toBeVisible();
  await page.getByLabel('Contact 2 email').fill('finance@emerald.example');
  await page.getByLabel('Contact 2 phone').fill('6123');
  await page.getByRole('button', { name: 'Save details' }).click();
  await expect(page.getByText('4 digits; a phone number has 7 to 15')).toBeVisible();
  await page.getByLabel('Contact 2 phone').fill('+65 6999 0000');
  await page.getByRole('button', { name: 'Save details' }).click();
  await expect(page.getByText('Details saved.')).toBeVisible();

  await page.reload();
  const facts = page.locator('.facts');
  await expect(facts).toContainText('Grace Lim · ops@kopi.example · +65 6123 4567; Finance desk · finance@emerald.example · +65 6999 0000');
  await expect(facts).toContainText('Raj Kumar');
  await expect(facts).toContainText('Aisha Rahman, Daniel Tan');
  await expect(page.getByLabel('Contact 2 email')).toHaveValue('finance@emerald.example');
});

test('scrolling far down a long list and then narrowing it keeps the queue working', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await loadSample(page);
  await page.getByRole('button', { name: /^Everything/ }).click();
  await page.locator('.queue-scroll').evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(page.locator('tr.case-row').last()).toBeVisible();
  await page.getByRole('searchbox', { name: 'Search cases' }).fill('payroll');
  await expect(page.locator('tr.case-row').first()).toBeVisible();
  await page.getByLabel('Priority').selectOption('P1');
  await page.getByRole('searchbox', { name: 'Search cases' }).fill('');
  await expect(page.locator('tr.case-row').first()).toContainText('P1');
});

test('half-typed scoping and details survive a reload, and saving consumes the draft', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Payouts returned by the bank' });
  await page.getByLabel('What is affected').fill('Payouts to OCBC accounts');
  await page.getByLabel('Money at risk').fill('84,000');
  await page.getByLabel('Owner', { exact: true }).fill('Aisha Rahman');
  await page.getByRole('button', { name: 'Add contact' }).click();
  await page.getByLabel('Contact 2 email').fill('treasury@kopi.example');
  await draftSaved(page);

  await page.reload();
  await expect(page.getByLabel('What is affected')).toHaveValue('Payouts to OCBC accounts');
  await expect(page.getByLabel('Money at risk')).toHaveValue('84,000');
  await expect(page.getByLabel('Owner', { exact: true })).toHaveValue('Aisha Rahman');
  await expect(page.getByLabel('Contact 2 email')).toHaveValue('treasury@kopi.example');
  await expect(page.getByText('Unsaved changes from your last visit were restored.')).toHaveCount(2);

  await page.getByRole('button', { name: 'Save scoping' }).click();
  await expect(page.getByText('Scoping saved.')).toBeVisible();
  await page.getByRole('button', { name: 'Save details' }).click();
  await expect(page.getByText('Details saved.')).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('What is affected')).toHaveValue('Payouts to OCBC accounts');
  await expect(page.getByText('Unsaved changes from your last visit were restored.')).toHaveCount(0);
});

test('an unsaved title edit survives a reload, and Cancel forgets it', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Webhook delays' });
  await page.getByRole('button', { name: 'Edit title' }).click();
  await page.getByLabel('Title').fill('Webhook deliveries delayed 40 min for 412 sellers');
  await draftSaved(page);
  await page.reload();
  await expect(page.getByLabel('Title')).toHaveValue('Webhook deliveries delayed 40 min for 412 sellers');
  await expect(page.getByText('Unsaved title from your last visit restored.')).toBeVisible();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Webhook delays');
  await draftSaved(page);
  await page.reload();
  await expect(page.getByRole('button', { name: 'Edit title' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Webhook delays');
});

test('the j/k cursor is announced: the current row is aria-current and its key takes focus; l puts the cursor in the call notes', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await loadSample(page);
  const current = page.locator('tr.case-row[aria-current="true"]');
  await expect(current).toHaveCount(1);
  await expect(current).toHaveClass(/cursor/);

  let keystrokes = 0;
  const press = async (key) => { keystrokes += 1; await page.keyboard.press(key); };
  await page.locator('h1').click();
  await press('j');
  await press('j');
  await expect(current).toHaveCount(1);
  await expect(rows(page).nth(2)).toHaveAttribute('aria-current', 'true');
  const key = await rows(page).nth(2).locator('td.key').textContent();
  // What a screen reader reads is what has focus: the key link of the row the cursor is on.
  await expect(page.locator(':focus')).toHaveText(key);

  // Queue → typing call notes: one key (the README promises at most 3).
  keystrokes = 0;
  await press('l');
  const notes = page.getByLabel('Call notes');
  await expect(notes).toBeFocused();
  await page.keyboard.type('Called, no answer');
  await expect(notes).toHaveValue('Called, no answer');
  expect(keystrokes).toBeLessThanOrEqual(3);
  await expect(page.locator('.breadcrumb')).toContainText(key);
});

test('the queue paints in its final order: the first rows on screen are never re-sorted a moment later', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await loadSample(page);
  // Notes the first rows the moment any appear (a mutation callback runs before the next paint).
  await page.addInitScript(() => {
    window.__firstRows = null;
    new MutationObserver((_, observer) => {
      const keys = document.querySelectorAll('tr.case-row td.key');
      if (keys.length) {
        window.__firstRows = [...keys].slice(0, 20).map((k) => k.textContent);
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  });
  await page.reload();
  await expect(page.getByRole('button', { name: /^Everything/ })).toContainText('200');
  await expect(rows(page).first().locator('.sla-cell')).not.toBeEmpty();
  const first = await page.evaluate(() => window.__firstRows);
  expect(first?.length).toBe(20);
  const now = await rows(page).locator('td.key').evaluateAll((keys) => keys.slice(0, 20).map((k) => k.textContent));
  expect(now).toEqual(first);
});
