// outreach.spec.mjs: talking to users and partners end to end: composer, call mode, hand-offs, reminders, templates.
import { test, expect, createCase, freezeAt, moveTo, triage, draftSaved } from './fixtures.mjs';

test.use({ timezoneId: 'Asia/Singapore' });

const rows = (page) => page.locator('tr.case-row');

test('an email composed from a template is refused while a placeholder is empty, handed to the mail app, and marking it sent answers first response in the queue', async ({ page, app }) => {
  await freezeAt(page, '2026-11-30T10:00:00+08:00');
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Payout po_4411 held & unexplained?', severity: 'S3' });
  await page.getByRole('link', { name: 'Queue' }).click();
  await expect(rows(page).first().locator('.sla')).toHaveText('FR due in 4h 00m');
  await rows(page).first().getByRole('link').click();

  const composer = page.locator('.composer-panel');
  await composer.getByLabel('Template').selectOption({ label: 'Acknowledge escalation' });
  // The case has no contact name: the template says so instead of greeting nobody.
  await expect(composer.getByRole('alert').first()).toContainText("'{{user.first_name}}' has no value for this case");
  await expect(composer.getByRole('button', { name: 'Mark as sent' })).toBeDisabled();
  await expect(composer.getByRole('link', { name: 'Open in mail app' })).toHaveCount(0);
  const body = composer.getByLabel('Message');
  await expect(body).toHaveValue(/I'm Specialist from the escalations team/);
  await body.fill((await body.inputValue()).replace('{{user.first_name}}', 'Wei Ling'));
  await expect(composer.getByLabel('Not ready to send')).toHaveCount(0);

  // The link carries every field, encoded so '&', '?' and line breaks survive.
  const href = await composer.getByRole('link', { name: 'Open in mail app' }).getAttribute('href');
  expect(href.startsWith('mailto:ops@kopi.example?subject=')).toBe(true);
  const params = new URLSearchParams(href.slice(href.indexOf('?') + 1).replaceAll('+', '%2B'));
  expect(params.get('subject')).toMatch(/^\[ESC-\d+\] We have your escalation: Payout po_4411 held & unexplained\?$/);
  expect(params.get('body')).toContain('Hi Wei Ling,\r\n\r\nI\'m Specialist');

  // Too long for a link: say so and offer Copy instead.
  await body.fill('x'.repeat(2500));
  await expect(composer).toContainText('too long to hand to a mail app as a link');
  await expect(composer.getByRole('link', { name: 'Open in mail app' })).toHaveCount(0);
  await expect(composer.getByRole('button', { name: 'Copy' })).toBeEnabled();
  await body.fill('Hi Wei Ling, we are on it and will update you by 15:00.');

  await composer.getByLabel('Promise the next update by (optional)').fill('2026-11-30T15:00');
  await composer.getByRole('button', { name: 'Mark as sent' }).click();
  await expect(composer).toContainText('Logged as sent.');
  await expect(page.getByRole('list', { name: 'Timeline' })).toContainText('Specialist emailed ops@kopi.example');
  await expect(page.locator('.sla-panel .clock').filter({ hasText: 'First response' })).toContainText('Met');
  await page.getByRole('link', { name: 'Queue' }).click();
  // First response is answered; the promised update (15:00) is the next deadline.
  await expect(rows(page).first().locator('.sla')).toHaveText('NU due in 5h 00m');
});

test('an email from a user waiting on them puts the case back in progress', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Refund failed to a closed card', severity: 'S3' });
  await triage(page);
  await moveTo(page, 'Waiting on user');
  const log = page.locator('.contact-panel');
  await log.getByLabel('What happened').selectOption({ label: 'The user emailed us' });
  await log.getByLabel('From').fill('ops@kopi.example');
  await log.getByLabel('Subject').fill('Re: card details');
  await log.getByLabel('Text').fill('The new card ends 4242.');
  await log.getByRole('button', { name: 'Log it' }).click();
  await expect(page.locator('.case-key')).toContainText('In progress');
  await expect(page.getByRole('list', { name: 'Timeline' })).toContainText('Email from ops@kopi.example');
});

test('call mode from the queue with l: notes survive a reload mid-call, offline, and a 1 MB note is logged whole as a response', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Account frozen before payroll', severity: 'S2' });
  await page.getByRole('link', { name: 'Queue' }).click();
  await expect(rows(page)).toHaveCount(1);
  await app.goOffline();
  await page.keyboard.press('l');
  await expect(page.getByRole('heading', { name: 'Call with Kopi Collective' })).toBeVisible();
  await expect(page.getByRole('timer')).toHaveText(/^00:00:0\d$/);
  const started = await page.locator('.call-timer').innerText();
  await page.getByLabel('Call notes').fill('Spoke to the finance lead. Payroll runs Friday 14:00.');
  await page.getByLabel('Next steps').fill('Ask Risk to expedite the review.');
  await draftSaved(page);
  await app.goOnline();
  await page.reload();
  await expect(page.getByLabel('Call notes')).toHaveValue('Spoke to the finance lead. Payroll runs Friday 14:00.');
  await expect(page.getByLabel('Next steps')).toHaveValue('Ask Risk to expedite the review.');
  await expect(page.getByText('Unsaved changes from your last visit were restored.')).toBeVisible();
  // Same call, same start: the timer did not restart on reload.
  expect((await page.locator('.call-timer').innerText()).split(' · started ')[1].slice(0, 40))
    .toBe(started.split(' · started ')[1].slice(0, 40));

  const big = 'Transcript. '.repeat(87_382).slice(0, 1_048_576);
  await page.getByLabel('Call notes').fill(big);
  await page.getByRole('radio', { name: 'Reached' }).check();
  await page.getByRole('button', { name: 'End call and log it' }).click();
  const timeline = page.getByRole('list', { name: 'Timeline' });
  await expect(timeline).toContainText('Specialist called the user: reached');
  await expect(timeline).toContainText('Show the whole note (1048576 characters)');
  await expect(timeline).toContainText('Next steps: Ask Risk to expedite the review.');
  await expect(page.locator('.sla-panel .clock').filter({ hasText: 'First response' })).toContainText('Met');
  // The draft went with the log: a new call starts empty.
  await page.getByRole('link', { name: 'Start a call' }).click();
  await expect(page.getByLabel('Call notes')).toHaveValue('');
});

test('a hand-off from the directory moves the case to waiting on partner, runs that team\'s OLA and copies a packet', async ({ page, app, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Merchant payouts held for review', severity: 'S2' });
  await triage(page);
  const panel = page.locator('.handoff-panel');
  await panel.getByLabel('Partner team').fill('Risk Operations');
  await expect(panel).toContainText('risk-ops@payments.example · Jira RISK · OLA 480 working min');
  await panel.getByLabel('Question for them').fill('Why is payout po_88 held, and what releases it?');
  await panel.getByLabel('Their ticket (optional)').fill('RISK-8812');
  await panel.getByRole('button', { name: 'Copy hand-off packet' }).click();
  await expect(panel).toContainText('Hand-off packet copied as Markdown.');
  const packet = await page.evaluate(() => navigator.clipboard.readText());
  expect(packet).toMatch(/^## ESC-\d+ · Merchant payouts held for review\n/);
  expect(packet).toContain('### Question\n\nWhy is payout po_88 held, and what releases it?');
  expect(packet).toContain('- **Account:** Kopi Collective');
  expect(packet).toContain('opened the case');

  await panel.getByRole('button', { name: 'Log hand-off' }).click();
  await expect(panel).toContainText('Hand-off logged');
  await expect(page.locator('.case-key')).toContainText('Waiting on partner');
  await expect(page.locator('.sla-panel .clock').filter({ hasText: 'Partner OLA · Risk Operations' })).toBeVisible();
  await expect(panel.locator('.handoff-list')).toContainText('Risk Operations · RISK-8812');
  await expect(panel.locator('.handoff-list')).toContainText('waiting for their answer');
  await expect(page.getByRole('list', { name: 'Timeline' })).toContainText('Their ticket: RISK-8812');

  // The answer stops the OLA clock.
  const log = page.locator('.contact-panel');
  await log.getByLabel('What happened').selectOption({ label: 'A partner team answered' });
  await log.getByLabel('Hand-off').selectOption({ label: 'Risk Operations' });
  await log.getByLabel('Their answer').fill('Held for a document check; released once the bank statement arrives.');
  await log.getByRole('button', { name: 'Log it' }).click();
  await expect(panel.locator('.handoff-list')).toContainText('answered');
  await expect(page.locator('.sla-panel .clock').filter({ hasText: 'Partner OLA · Risk Operations' })).toContainText('Met');
});

test('a snoozed case leaves the queue and comes back on top when due, and a reminder rises when due', async ({ page, app }) => {
  await freezeAt(page, '2026-11-30T10:00:00+08:00');
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Chase the bank about the trace', severity: 'S3' });
  const panel = page.locator('.reminder-panel');
  await panel.getByLabel('When').fill('2026-11-30T09:00');
  await panel.getByRole('button', { name: 'Snooze until then' }).click();
  await expect(panel.getByRole('alert')).toContainText('a reminder must be in the future');
  await panel.getByLabel('When').fill('2026-11-30T10:30');
  await panel.getByLabel('Why (optional)').fill('The bank promised the trace by 10:30');
  await panel.getByRole('button', { name: 'Snooze until then' }).click();
  await expect(panel).toContainText('Snoozed: out of the open queue until');
  await expect(page.getByRole('list', { name: 'Timeline' })).toContainText('snoozed the case');

  await page.getByRole('link', { name: 'Queue' }).click();
  await createCase(page, { title: 'Second case, urgent', severity: 'S1' });
  await page.getByRole('link', { name: 'Queue' }).click();
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first()).toContainText('Second case, urgent');

  await page.clock.fastForward(31 * 60_000);
  await expect(rows(page)).toHaveCount(2);
  await expect(rows(page).first()).toContainText('Chase the bank about the trace');
  await expect(rows(page).first().locator('.reminder-due')).toHaveText('Follow up');

  // Clearing it puts the case back in its deadline order.
  await rows(page).first().getByRole('link').click();
  await page.locator('.reminder-panel').getByRole('button', { name: 'Clear reminder' }).click();
  await expect(page.locator('.reminder-panel')).toContainText('No reminder set.');
  await page.getByRole('link', { name: 'Queue' }).click();
  await expect(rows(page).first()).toContainText('Second case, urgent');
  await expect(page.locator('.reminder-due')).toHaveCount(0);
});

test('templates: unbalanced braces are refused with the position, a new template previews live and is offered in the composer', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Enterprise invoice double-charged', severity: 'S3' });
  await page.getByRole('link', { name: 'Templates' }).click();
  await expect(page.getByRole('navigation', { name: 'Templates' })).toContainText('Partner hand-off request');
  await page.getByRole('button', { name: 'New template' }).click();
  await page.getByLabel('Name', { exact: true }).fill('Billing: credit note issued');
  await page.getByLabel('Category').selectOption({ label: 'Resolution' });
  await page.getByLabel('Subject').fill('[{{case.key}}] Credit note for {{account.name}}');
  await page.getByLabel('Body').fill('Hello,\nthe credit note for {{account.name is attached.');
  await expect(page.locator('.template-problems')).toContainText("body, line 2, column 21: '{{' is never closed with '}}'");
  await page.getByRole('button', { name: 'Save templates' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Not saved' })).toContainText(
    "Billing: credit note issued: body, line 2, column 21: '{{' is never closed with '}}'",
  );
  await page.getByLabel('Body').fill('Hello,\nthe credit note for {{account.name}} is attached. <b>{{case.key}}</b>');
  await expect(page.locator('.preview-subject')).toContainText('Credit note for Kopi Collective');
  // Markup in a template is text, never HTML.
  await expect(page.locator('.preview-body')).toContainText('the credit note for Kopi Collective is attached. <b>ESC-');
  await expect(page.locator('.preview-body b')).toHaveCount(0);
  await page.getByRole('button', { name: 'Save templates' }).click();
  await expect(page.getByText('Templates saved.')).toBeVisible();

  await page.reload();
  await page.getByRole('link', { name: 'Queue' }).click();
  await rows(page).first().getByRole('link').click();
  const composer = page.locator('.composer-panel');
  await composer.getByLabel('Template').selectOption({ label: 'Billing: credit note issued' });
  await expect(composer.getByLabel('Subject')).toHaveValue(/^\[ESC-\d+\] Credit note for Kopi Collective$/);
});

test('reminder notifications are asked for only on a click, and a reminder coming due raises one', async ({ page, app, context }) => {
  // Records what the app asks of the Notification API, and passes the asking through.
  await page.addInitScript(() => {
    const Real = window.Notification;
    window.__asked = 0;
    window.__shown = [];
    window.Notification = class {
      constructor(title, options) { window.__shown.push({ title, body: options.body, tag: options.tag }); }
      static get permission() { return Real.permission; }
      static requestPermission() { window.__asked += 1; return Real.requestPermission(); }
    };
  });
  await freezeAt(page, '2026-11-30T10:00:00+08:00');
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Call back after the bank cut-off', severity: 'S3' });
  const panel = page.locator('.reminder-panel');
  await panel.getByLabel('When').fill('2026-11-30T10:10');
  await panel.getByRole('button', { name: 'Remind me' }).click();
  await expect(panel).toContainText('Reminder set for');
  expect(await page.evaluate(() => window.__asked)).toBe(0);
  expect(await page.evaluate(() => Notification.permission)).toBe('default');

  // Stands in for the user answering "Allow" in the browser's prompt.
  await context.grantPermissions(['notifications']);
  await panel.getByRole('button', { name: 'Also notify me in this browser' }).click();
  await expect(panel).toContainText('This browser will notify you when a reminder comes due');
  expect(await page.evaluate(() => window.__asked)).toBe(1);

  await page.clock.fastForward(11 * 60_000);
  await expect.poll(() => page.evaluate(() => window.__shown)).toEqual([
    expect.objectContaining({ title: expect.stringMatching(/^ESC-\d+: follow-up due$/), body: 'Call back after the bank cut-off' }),
  ]);
  await expect(panel).toContainText('Reminder due since');
});

test('unsaved template edits survive a reload, and Discard changes goes back to the saved library', async ({ page, app }) => {
  await page.goto(app.url('/templates'));
  const body = page.getByLabel('Body');
  const saved = await body.inputValue();
  await body.fill(`${saved}\nP.S. Our payouts team is on it.`);
  await draftSaved(page);
  await page.reload();
  await expect(page.getByText('Unsaved template changes from your last visit were restored.')).toBeVisible();
  await expect(body).toHaveValue(/P\.S\. Our payouts team is on it\.$/);
  await page.getByRole('button', { name: 'Discard changes' }).click();
  await expect(body).toHaveValue(saved);
  await page.reload();
  await expect(page.getByText('Unsaved template changes')).toHaveCount(0);
  await expect(body).toHaveValue(saved);
});

test('a hand-off on an untriaged case is logged, and the status move it could not make is explained', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Account frozen after KYC review', severity: 'S2' });
  const panel = page.locator('.handoff-panel');
  await panel.getByLabel('Partner team').fill('Risk Operations');
  await panel.getByLabel('Question for them').fill('What documents release the freeze?');
  await panel.getByRole('button', { name: 'Log hand-off' }).click();
  // What happened happened: the hand-off is on the record, its OLA runs, and the case stays New.
  await expect(panel.locator('.handoff-list')).toContainText('Risk Operations');
  await expect(page.getByRole('list', { name: 'Timeline' })).toContainText('handed part of the case to Risk Operations');
  await expect(panel.getByRole('alert')).toContainText('Logged, but the case stays New: it cannot move to Waiting on partner yet');
  await expect(page.locator('.case-key')).toContainText('New');
  await expect(page.locator('.sla-panel .clock').filter({ hasText: 'Partner OLA · Risk Operations' })).toBeVisible();
});

test('a note typed before the tab died comes back, and the page says so', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Payout returned by the bank', severity: 'S3' });
  await page.getByLabel('Note').fill('Bank says the IBAN checksum failed');
  await draftSaved(page);
  await page.reload();
  await expect(page.getByLabel('Note')).toHaveValue('Bank says the IBAN checksum failed');
  await expect(page.getByText('Unsaved note from your last visit restored.')).toBeVisible();
});
