// monkey.mjs: random clicks, typing, choices and keys over every page of the app with the sample loaded, in headless Chromium against dist/, stopping at the first panic or page error and printing the steps that led to it.
//
// Not part of the tests: what it does depends on what is on screen at each moment, so a run is
// reproducible only roughly (the seed fixes the choices, not the timing). It never clicks a
// button whose words destroy or replace data, so it wanders further instead of emptying the
// desk. `node tests/explore/monkey.mjs [--seed=N] [--steps=N]`; exit 1 when it found something.
import { chromium } from '@playwright/test';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, stopServer } from '../../scripts/static-server.mjs';

const DIST = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist');
const option = (name, fallback) => Number((process.argv.find((a) => a.startsWith(`--${name}=`)) || '').split('=')[1] || fallback);
const SEED = option('seed', 1);
const STEPS = option('steps', 400);

// xorshift32: the same seed makes the same choices.
let state = SEED >>> 0 || 1;
const random = () => {
  state ^= state << 13; state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5; state >>>= 0;
  return state / 4294967296;
};
const pick = (list) => list[Math.floor(random() * list.length)];

// What a person might type anywhere, mistakes and attacks included.
const TEXTS = ['', ' ', 'x', '0', '-1', '99999999999999999999', '1e309', 'NaN', '2026-02-30', '9999-12-31', '0000-01-01',
  '<img src=x onerror=alert(1)>', '"; DROP TABLE cases; --', '\u202e\u0000\ud83d\ude00', 'a'.repeat(5000), 'P1', 'S1',
  '12:00-11:00', '25:61', 'Mon', '{"v":1}', 'SELECT * FROM cases', 'select count(*) from events group by 1', '?', 'j'];
const KEYS = ['j', 'k', 'Enter', 'Escape', 'x', 'c', 'l', '/', '?', 'e', 'h', 'n', 'Control+k', 'Control+Enter', 'Tab', 'ArrowDown', 'ArrowUp', 'Backspace'];
const DESTROYS = /delete|remove|restore|discard|reset|clear|erase|set aside|sign out|turn off|forget|replace/i;
const LINKS = 'nav[aria-label="Main"] a, a[href^="/cases/"], a[href^="/rcas/"], a[href^="/playbooks/"], a[href^="/problems/"]';
const FIELDS = 'input:visible:enabled:not([type=file]):not([type=checkbox]):not([type=radio]), textarea:visible:enabled';

async function step(page) {
  const roll = random();
  if (roll < 0.08) {
    const link = pick(await page.locator(LINKS).all());
    if (!link) return 'no link';
    const href = await link.getAttribute('href');
    await link.click();
    return `open ${href}`;
  }
  if (roll < 0.45) {
    const button = pick(await page.locator('button:visible:enabled').all());
    if (!button) return 'no button';
    const name = ((await button.textContent()) || (await button.getAttribute('aria-label')) || '').trim().slice(0, 60);
    if (DESTROYS.test(name)) return `left "${name}" alone`;
    await button.click();
    return `click "${name}"`;
  }
  if (roll < 0.7) {
    const field = pick(await page.locator(FIELDS).all());
    if (!field) return 'no field';
    const text = pick(TEXTS);
    const label = (await field.getAttribute('aria-label')) || (await field.getAttribute('id')) || (await field.getAttribute('name'));
    await field.fill(text);
    return `type into ${label}: "${text.slice(0, 30)}"`;
  }
  if (roll < 0.8) {
    const select = pick(await page.locator('select:visible:enabled').all());
    if (!select) return 'no choice';
    const value = pick(await select.locator('option').evaluateAll((options) => options.map((o) => o.value)));
    if (value === undefined) return 'an empty choice';
    await select.selectOption(value);
    return `choose "${value}"`;
  }
  if (roll < 0.87) {
    const box = pick(await page.locator('input[type=checkbox]:visible:enabled').all());
    if (!box) return 'no checkbox';
    await box.click();
    return 'tick a checkbox';
  }
  const key = pick(KEYS);
  await page.keyboard.press(key);
  return `press ${key}`;
}

const server = await startServer({ root: DIST, port: 0 });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true });
let found = false;
try {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(3000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console error: ${m.text().slice(0, 500)}`); });
  page.on('dialog', (d) => d.dismiss().catch(() => {}));
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.getByRole('button', { name: 'Load sample data' }).click({ timeout: 30_000 });
  await page.getByRole('row').nth(5).waitFor({ timeout: 60_000 });
  const steps = [];
  for (let i = 0; i < STEPS && errors.length === 0 && (await page.locator('#panic-page').count()) === 0; i++) {
    // A step that cannot be done (the element went, or is covered) is noted and the walk goes on.
    steps.push(await step(page).catch((e) => `could not: ${e.message.split('\n')[0].slice(0, 80)}`));
  }
  const panicked = (await page.locator('#panic-page').count()) > 0;
  found = panicked || errors.length > 0;
  console.log(`seed ${SEED}: ${steps.length} steps, ended on ${new URL(page.url()).pathname}; ${panicked ? 'PANIC PAGE' : 'no panic'}, ${errors.length} errors`);
  if (found) console.log(`the last steps:\n  ${steps.slice(-25).join('\n  ')}\n${errors.join('\n')}`);
} finally {
  await browser.close();
  await stopServer(server);
}
process.exit(found ? 1 : 0);
