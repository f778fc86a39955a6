// security.spec.mjs: user text stays text, and the app never talks to anyone but its own origin.
import { test, expect, loadSample, createCase } from './fixtures.mjs';

const HOSTILE = [
  '<img src=x onerror="window.__pwned=1">',
  '<script>window.__pwned=1</script>',
  '"><svg onload=window.__pwned=1>',
  "javascript:window.__pwned=1//",
  '<a href="javascript:window.__pwned=1">click</a>',
];

test('hostile text in titles, notes, accounts and search is shown as typed and never runs', async ({ page, app }) => {
  page.on('dialog', (dialog) => {
    throw new Error(`a dialog opened: ${dialog.message()}`);
  });
  await page.goto(app.url('/'));
  const title = `Refund ${HOSTILE[0]} ${HOSTILE[2]}`;
  await createCase(page, { title, account: HOSTILE[1] });
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(page.locator('.facts')).toContainText(HOSTILE[1]);

  const note = HOSTILE.join('\n');
  await page.getByLabel('Note').fill(note);
  await page.getByRole('button', { name: 'Add note' }).click();
  await expect(page.locator('.note-body').last()).toHaveText(note);

  await page.getByRole('link', { name: 'Queue' }).click();
  await page.getByRole('searchbox', { name: 'Search cases' }).fill('<img src=x');
  // Two terms, two marks, both plain text.
  await expect(page.locator('tr.case-row mark')).toHaveText(['<img', 'src=x']);

  expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
  expect(await page.locator('main img, main svg, main script').count()).toBe(0);
});

test('hostile text in templates, emails, call notes and hand-offs stays text', async ({ page, app }) => {
  page.on('dialog', (dialog) => {
    throw new Error(`a dialog opened: ${dialog.message()}`);
  });
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Chargeback dispute', account: HOSTILE[2] });
  const hostile = HOSTILE.join('\n');

  const composer = page.locator('.composer-panel');
  await composer.getByLabel('Subject').fill(HOSTILE[0]);
  await composer.getByLabel('Message').fill(hostile);
  await composer.getByRole('button', { name: 'Mark as sent' }).click();
  await expect(composer).toContainText('Logged as sent.');

  const handoff = page.locator('.handoff-panel');
  await handoff.getByLabel('Partner team').fill(HOSTILE[4]);
  await handoff.getByLabel('Question for them').fill(hostile);
  await handoff.getByLabel('Move the case to Waiting on partner').uncheck();
  await handoff.getByRole('button', { name: 'Log hand-off' }).click();
  await expect(handoff.locator('.handoff-list')).toContainText(HOSTILE[4]);

  await page.getByRole('link', { name: 'Start a call' }).click();
  await page.getByLabel('Call notes').fill(hostile);
  await page.getByRole('button', { name: 'End call and log it' }).click();
  const timeline = page.getByRole('list', { name: 'Timeline' });
  await expect(timeline.locator('.note-body')).toHaveText([hostile, hostile, hostile]);
  await expect(timeline).toContainText(`Subject: ${HOSTILE[0]}`);

  await page.getByRole('link', { name: 'Templates' }).click();
  await page.getByLabel('Body').fill(`Hi {{account.name}}, ${HOSTILE[1]}`);
  await expect(page.locator('.preview-body')).toContainText(HOSTILE[1]);

  expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
  expect(await page.locator('main img, main svg, main script').count()).toBe(0);
});

test('a whole session makes no request outside the app origin', async ({ page, app }) => {
  const foreign = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.origin !== new URL(app.url('/')).origin && !['data:', 'blob:'].includes(url.protocol)) foreign.push(request.url());
  });
  await page.goto(app.url('/'));
  await loadSample(page);
  await page.goto(app.url('/cases/ESC-1001'));
  await page.getByLabel('Note').fill('Checked with the merchant.');
  await page.getByRole('button', { name: 'Add note' }).click();
  await page.getByRole('link', { name: 'Problems' }).click();
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.reload();
  expect(foreign).toEqual([]);
});

test('a strict Content-Security-Policy is in force: the app runs under it, and injected inline script does not', async ({ page, app }) => {
  const violations = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(app.url('/'));
  const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  for (const directive of ["default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "object-src 'none'", "base-uri 'none'"]) {
    expect(policy).toContain(directive);
  }
  expect(policy).not.toContain('unsafe-inline');
  expect(await page.locator('script:not([src])').count()).toBe(0);

  // A session across the app's pages raises no violation.
  await loadSample(page);
  await page.locator('tr.case-row').first().getByRole('link').click();
  await expect(page.locator('.sla-panel')).toBeVisible();
  await page.getByRole('link', { name: 'Playbooks' }).click();
  await page.getByRole('link', { name: 'Payout delayed or held' }).click();
  await expect(page.locator('.playbook-steps .markdown strong').first()).toBeVisible();
  await page.getByRole('link', { name: 'Templates' }).click();
  await page.getByRole('link', { name: 'Settings' }).click();
  expect(await page.evaluate(() => window.__violations)).toEqual([]);
  expect(violations).toEqual([]);

  // What an injection would try: an inline script element is refused by the browser.
  await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.__inline = 1';
    document.body.append(script);
  });
  await expect.poll(() => page.evaluate(() => window.__violations.length)).toBe(1);
  expect(await page.evaluate(() => window.__inline)).toBeUndefined();
});
