// palette.spec.mjs: the command palette (Ctrl/Cmd+K) reaches pages, cases, call mode and the theme from the keyboard.
import { test, expect, createCase, loadSample } from './fixtures.mjs';

const palette = (page) => page.getByRole('dialog', { name: 'Command palette' });

test('Ctrl+K finds pages, cases and actions by fuzzy match, runs them with Enter, and gives focus back on Esc', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Settlement file rejected by the bank', severity: 'S2' });
  const key = (await page.locator('.case-key').textContent()).match(/ESC-\d+/)[0];

  // A page, by a few letters.
  await page.keyboard.press('Control+k');
  await expect(palette(page)).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Type a command, a page or a case' })).toBeFocused();
  await page.keyboard.type('tmpl');
  await expect(palette(page).getByRole('option').first()).toContainText('Email templates');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Email templates' })).toBeVisible();
  await expect(palette(page)).toHaveCount(0);

  // A case by words of its title; the second match for it is "Log a call".
  await page.keyboard.press('Control+k');
  await page.keyboard.type('settle bank');
  const options = palette(page).getByRole('option');
  await expect(options.filter({ hasText: 'Open case' })).toContainText(`${key} · Settlement file rejected by the bank`);
  await page.keyboard.press('ArrowDown');
  await expect(options.nth(1)).toHaveAttribute('aria-selected', 'true');
  await expect(options.nth(1)).toContainText('Log a call');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Call with Kopi Collective' })).toBeVisible();

  // New case from anywhere.
  await page.keyboard.press('Control+k');
  await page.keyboard.type('new case');
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Contact email')).toBeVisible();

  // Esc closes and puts focus back where it was.
  await page.getByLabel('Contact email').focus();
  await page.keyboard.press('Control+k');
  await expect(palette(page)).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(palette(page)).toHaveCount(0);
  await expect(page.getByLabel('Contact email')).toBeFocused();
});

test('the theme can be switched from the palette and the choice survives a reload', async ({ page, app }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(app.url('/'));
  // The shortcut listens once the app has started.
  await expect(page.getByRole('heading', { name: 'Queue' })).toBeVisible();
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const light = await background();
  await page.keyboard.press('Control+k');
  await page.keyboard.type('theme');
  await expect(palette(page).getByRole('option').first()).toContainText('Theme: dark');
  await page.keyboard.press('Enter');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  expect(await background()).not.toBe(light);
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page.getByRole('heading', { name: 'Queue' })).toBeVisible();
  await page.keyboard.press('Control+k');
  await page.keyboard.type('theme');
  await expect(palette(page).getByRole('option').first()).toContainText('Theme: light');
});

test('single-letter shortcuts can be turned off; arrows and Ctrl+K still work', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await loadSample(page);
  const cursor = page.locator('tr.case-row.cursor');
  await page.keyboard.press('j');
  await expect(cursor).toHaveCount(1);
  const second = await cursor.locator('td.key').textContent();

  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByLabel('Single-letter shortcuts (j, k, x, c, l, /, ?)').uncheck();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();
  await page.getByRole('link', { name: 'Queue' }).click();
  await page.locator('h1').click();
  await page.keyboard.press('c');
  await page.keyboard.press('j');
  await page.keyboard.press('?');
  await expect(page.getByLabel('Contact email')).toHaveCount(0);
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toHaveCount(0);
  await expect(page.locator('tr.case-row').first()).toHaveClass(/cursor/);
  await page.keyboard.press('ArrowDown');
  await expect(cursor.locator('td.key')).toHaveText(second);
  await page.keyboard.press('Control+k');
  await expect(palette(page)).toBeVisible();
});

test('? shows the shortcuts on any page, holds focus, and Esc gives it back', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Shortcut help from a case page', severity: 'S3' });
  const link = page.getByRole('link', { name: 'Start a call' });
  await link.focus();
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  await expect(help.getByRole('button', { name: 'Close' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(help.getByRole('button', { name: 'Close' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(help).toHaveCount(0);
  await expect(link).toBeFocused();
  // Typing a question mark in a field is just text.
  await page.getByLabel('Note').fill('');
  await page.getByLabel('Note').press('?');
  await expect(help).toHaveCount(0);
  await expect(page.getByLabel('Note')).toHaveValue('?');
});

test('on a case, the palette applies a playbook and starts an RCA', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Chargeback evidence rejected' });
  await page.keyboard.press('Control+k');
  await page.keyboard.type('apply dispute');
  const option = palette(page).getByRole('option').filter({ hasText: "Apply 'Dispute or chargeback escalation' to ESC-1001" });
  await expect(option).toBeVisible();
  await option.click();
  await expect(page.getByRole('list', { name: 'Timeline' })).toContainText("applied the playbook 'Dispute or chargeback escalation' (v1)");
  // Applied once: the address no longer asks for it, so a reload does not apply it again.
  await expect(page).toHaveURL(/\/cases\/ESC-1001$/);
  await page.reload();
  await expect(page.getByRole('list', { name: 'Timeline' }).getByText("applied the playbook 'Dispute or chargeback escalation'")).toHaveCount(1);

  await page.keyboard.press('Control+k');
  await page.keyboard.type('start rca');
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Linked cases (keys, comma-separated)')).toHaveValue('ESC-1001');
  await expect(page.getByLabel('Title', { exact: true })).toHaveValue('RCA: Chargeback evidence rejected');
});
