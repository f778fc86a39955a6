// first-hour.spec.mjs: a specialist's first hour from an empty profile with the keyboard alone, each step's keys counted.
import { test, expect } from './fixtures.mjs';

// The counts the README's "First hour without a mouse" table gives. A step that takes more keys
// than this fails here, so the README stays true. Typed text (the note, the question) is counted
// apart: it is the work, not the way to it.
const README_KEYS = {
  'load the sample': 1,
  'open the most urgent case': 1,
  'log a call with a note': 2,
  'send a templated email': 3,
  'hand off to a partner team': 4,
};

test('the first hour without a mouse: sample, most urgent case, a call, a templated email and a hand-off, each in a few keys', async ({ page, app }) => {
  const counted = {};
  let step = null;
  const begin = (name) => { step = name; counted[name] = { keys: 0, typed: 0 }; };
  const press = async (key) => { counted[step].keys += 1; await page.keyboard.press(key); };
  const type = async (text) => { counted[step].typed += text.length; await page.keyboard.type(text); };
  const rows = page.locator('tr.case-row');

  await page.goto(app.url('/'));
  await expect(page.getByRole('heading', { name: 'No cases yet' })).toBeVisible();

  begin('load the sample');
  // The empty desk's one action has focus, so Enter is enough.
  await expect(page.getByRole('button', { name: 'Load sample data' })).toBeFocused();
  await press('Enter');
  await expect(page.getByRole('button', { name: /^Everything/ })).toContainText('200');

  begin('open the most urgent case');
  // The queue is ordered by the soonest deadline; the cursor starts on the first row.
  await expect(page.getByLabel('Sort')).toHaveValue('deadline');
  const first = rows.first();
  await expect(first).toHaveAttribute('aria-current', 'true');
  await expect(first.locator('.sla-cell')).toContainText(/breach|overdue|left|due/i);
  const key = (await first.locator('td.key').textContent()).trim();
  await press('Enter');
  await expect(page).toHaveURL(app.url(`/cases/${key}`));
  await expect(page.locator('.case-key')).toContainText(key);

  begin('log a call with a note');
  await press('l');
  await expect(page.getByLabel('Call notes')).toBeFocused();
  await type('Reached the merchant; payout reference confirmed.');
  await press('Control+Enter');
  await expect(page).toHaveURL(app.url(`/cases/${key}`));
  const timeline = page.locator('ol.timeline');
  await expect(timeline).toContainText('Reached the merchant; payout reference confirmed.');

  begin('send a templated email');
  await press('e');
  const template = page.getByLabel('Template');
  await expect(template).toBeFocused();
  await press('ArrowDown');
  await expect(page.locator('#composer-subject')).toHaveValue(new RegExp(`^\\[${key}\\]`));
  await press('Control+Enter');
  await expect(page.getByText('Logged as sent. The response clocks are updated.')).toBeVisible();
  await expect(timeline).toContainText(`[${key}]`);

  begin('hand off to a partner team');
  // The template picker still has focus, and a letter there picks a template: Esc leaves it.
  await press('Escape');
  await expect(template).not.toBeFocused();
  await press('h');
  await expect(page.getByRole('combobox', { name: 'Partner team' })).toBeFocused();
  await type('Payouts Engineering');
  await press('Tab');
  await expect(page.getByLabel('Question for them')).toBeFocused();
  await type('Why is the payout still held after the bank change?');
  await press('Control+Enter');
  await expect(page.getByText(/Hand-off logged/)).toBeVisible();
  await expect(page.locator('.handoff-list')).toContainText('Payouts Engineering');
  await expect(timeline).toContainText('Why is the payout still held after the bank change?');

  // Nothing was clicked: the mouse never moved from where the page opened.
  for (const [name, { keys, typed }] of Object.entries(counted)) {
    test.info().annotations.push({ type: 'keys', description: `${name}: ${keys} key(s)${typed ? ` + ${typed} typed characters` : ''}` });
  }
  expect(Object.fromEntries(Object.entries(counted).map(([name, c]) => [name, c.keys]))).toEqual(README_KEYS);
});
