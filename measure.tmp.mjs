import { chromium } from '@playwright/test';
import { startServer } from './scripts/static-server.mjs';
const server = await startServer({ root: 'dist', port: 0 });
const url = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const size of (process.env.SIZES || '10000,50000').split(',').map(Number)) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.on('pageerror', e => console.log('pageerror:', e.message));
  async function timeInput(selector, values, kind) {
    const times = [];
    for (const v of values) {
      times.push(await page.evaluate(async ({ selector, v, kind }) => {
        const el = document.querySelector(selector);
        const t0 = performance.now();
        el.value = v;
        el.dispatchEvent(new Event(kind, { bubbles: true }));
        await new Promise((r) => setTimeout(r, 0));
        const sync = performance.now() - t0;
        await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        return [sync, performance.now() - t0];
      }, { selector, v, kind }));
    }
    return `DOM updated ${median(times.map((t) => t[0])).toFixed(1)} / to next frame ${median(times.map((t) => t[1])).toFixed(1)}`;
  }
  await page.goto(url + '/settings');
  await page.getByRole('button', { name: `Add ${size} sample cases` }).click();
  await page.getByText(/Added \d+ sample cases/).waitFor({ timeout: 300000 });
  console.log(`--- ${size} cases:`, await page.getByText(/Added \d+ sample cases/).textContent());
  const t1 = Date.now();
  await page.goto(url + '/');
  await page.locator('tr.case-row').first().waitFor();
  console.log('cold start to first rows (ms, incl. wasm load):', Date.now() - t1);
  console.log('filter status change -> frame (median ms):', await timeInput('#f-status', ['WaitingOnPartner', 'open', 'InProgress', 'open', 'New', 'open', ''], 'change'));
  console.log('search keystroke -> frame (median ms):', await timeInput('#queue-search', ['p', 'pa', 'pay', 'payr', 'payro', 'payrol', 'payroll', ''], 'input'));
  const opens = [];
  for (let i = 0; i < 5; i++) {
    opens.push(await page.evaluate(async (i) => {
      const link = document.querySelectorAll('tr.case-row td.key a')[i];
      const t0 = performance.now();
      link.click();
      while (!document.querySelector('.case-head h1')) await new Promise((r) => setTimeout(r, 1));
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      return performance.now() - t0;
    }, i));
    await page.goBack();
    await page.locator('tr.case-row').first().waitFor();
  }
  console.log('open a case -> frame (median ms):', median(opens).toFixed(1));
  // Bulk: narrow to about 500 cases, select them all, change the owner.
  await page.getByRole('button', { name: /^Everything/ }).click();
  for (const owner of ['Mei Lin', 'Raj Kumar']) {
    await page.getByLabel('Owner', { exact: true }).selectOption(owner);
    await page.getByLabel('Priority').selectOption('P1');
    const n = Number((await page.locator('p.count').textContent()).split(' ')[0]);
    await page.getByLabel('Select all shown cases').check();
    await page.getByLabel('Set owner').fill('Grace Lim');
    const ms = await page.evaluate(async () => {
      const button = [...document.querySelectorAll('button')].find((b) => b.textContent === 'Apply owner');
      const t0 = performance.now();
      button.click();
      while (!document.querySelector('.toast')) await new Promise((r) => setTimeout(r, 1));
      return performance.now() - t0;
    });
    console.log(`bulk owner change on ${n} cases -> committed and shown (ms):`, ms.toFixed(0));
    await page.getByRole('button', { name: 'Undo' }).click();
    await page.getByLabel('Owner', { exact: true }).selectOption('');
    await page.locator('.toast').waitFor({ state: 'detached' });
  }
  const heap = await page.evaluate(() => performance.memory?.usedJSHeapSize);
  console.log('JS heap MB:', (heap / 1e6).toFixed(1));
  await context.close();
}
await browser.close(); server.close();
