// a11y.spec.mjs: axe-core finds no accessibility violations on any page, in the light and the dark theme.
import AxeBuilder from '@axe-core/playwright';
import { test, expect, loadSample } from './fixtures.mjs';

const PAGES = [
  ['queue', '/'],
  ['new-case form', '/?new=1'],
  ['command palette', 'palette'],
  ['shortcuts help', 'help'],
  ['case', '/cases/ESC-1001'],
  ['call mode', '/cases/ESC-1001/call'],
  ['problems', '/problems'],
  ['playbooks', '/playbooks'],
  ['a playbook', null],
  ['new playbook', '/playbooks/new'],
  ['templates', '/templates'],
  ['settings', '/settings'],
  ['data', '/data'],
  ['rca list', '/rcas?case=ESC-1001'],
  ['rca worksheet', 'rca'],
  ['rca print layout', '/rcas/RCA-1/print'],
];

for (const scheme of ['light', 'dark']) {
  test(`every page has no axe violations in the ${scheme} theme`, async ({ page, app }) => {
    test.setTimeout(120_000);
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto(app.url('/'));
    await loadSample(page);
    const found = {};
    for (const [name, path] of PAGES) {
      if (path === 'palette') {
        await page.goto(app.url('/'));
        await page.locator('tr.case-row').first().waitFor();
        await page.keyboard.press('Control+k');
        await page.keyboard.type('pay');
        await expect(page.getByRole('dialog', { name: 'Command palette' }).getByRole('option').first()).toBeVisible();
      } else if (path === 'help') {
        await page.goto(app.url('/'));
        await page.locator('tr.case-row').first().waitFor();
        await page.keyboard.press('?');
        await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
      } else if (path === 'rca') {
        // Every kind of row present, so each control is checked.
        await page.getByRole('button', { name: 'Start worksheet' }).click();
        // The sample desk holds RCA-1 to RCA-5; this one comes after them.
        await expect(page.getByRole('heading', { level: 1 })).toContainText('RCA-6');
        for (const add of ['Add evidence', 'Add a why', 'Add a contributing factor', 'Add an action']) {
          await page.getByRole('button', { name: add }).click();
        }
        await page.getByRole('button', { name: 'Pick from case timelines' }).click();
        await expect(page.locator('.event-picker li').first()).toBeVisible();
        await page.getByRole('button', { name: 'Save worksheet' }).click();
        await expect(page.locator('.save-bar .form-error')).toContainText('Why 1 has no text');
      } else if (path) {
        await page.goto(app.url(path));
      } else {
        await page.goto(app.url('/playbooks'));
        await page.getByRole('link', { name: 'Payout delayed or held' }).click();
      }
      await expect(page.locator('main')).not.toContainText('Loading');
      // Checked once nothing is still fading in: contrast is judged on the final colours.
      await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
      const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
      if (result.violations.length) {
        found[name] = result.violations.map((v) => `${v.id}: ${v.nodes.length} × ${v.nodes[0].target.join(' ')} (${v.nodes[0].failureSummary?.split('\n')[1]?.trim()})`);
      }
    }
    expect(found).toEqual({});
  });
}

test('at 768 px (a tablet) no page scrolls sideways and the queue keeps titles readable', async ({ page, app }) => {
  await page.setViewportSize({ width: 768, height: 1024 });
  await page.goto(app.url('/'));
  await loadSample(page);
  const title = page.locator('tr.case-row td:nth-child(3)').first();
  expect((await title.boundingBox()).width).toBeGreaterThan(100);
  await expect(page.locator('.queue-scroll th', { hasText: 'Owner' })).toBeHidden();
  for (const path of ['/', '/cases/ESC-1001', '/cases/ESC-1001/call', '/problems', '/rcas', '/playbooks', '/templates', '/settings', '/data']) {
    await page.goto(app.url(path));
    await expect(page.locator('main')).not.toContainText('Loading');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `${path} is ${overflow}px wider than the window`).toBeLessThanOrEqual(0);
  }
});

test('printing a case shows the record, not the controls around it', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await loadSample(page);
  await page.goto(app.url('/cases/ESC-1001'));
  await expect(page.getByRole('list', { name: 'Timeline' })).toBeVisible();
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Timeline' })).toBeVisible();
  await expect(page.locator('.facts')).toBeVisible();
  await expect(page.locator('.app-header')).toBeHidden();
  await expect(page.getByLabel('Note')).toBeHidden();
  await expect(page.getByRole('button', { name: 'Edit title' })).toBeHidden();
  expect(await page.locator('main form:visible').count()).toBe(0);
});
