// sla.spec.mjs: SLA clocks end to end, on a controlled clock in Singapore: outside hours, pause, resume, breach.
import { test, expect, createCase, freezeAt, moveTo, triage, draftSaved } from './fixtures.mjs';

test.use({ timezoneId: 'Asia/Singapore' });

const rows = (page) => page.locator('tr.case-row');
const hours = (n) => n * 3_600_000;

test('a case received outside hours is paused on waiting-on-user, resumed and breached, and the queue follows', async ({ page, app }) => {
  // Friday 27 November 2026, 19:00 in Singapore: after the 09:00–18:00 office day.
  // The clock stands still between steps, so countdowns read exactly; fastForward moves it and fires timers.
  await freezeAt(page, '2026-11-27T19:00:00+08:00');
  await page.goto(app.url('/settings'));

  // A short resolution target keeps the scenario inside one working morning.
  const standard = page.locator('fieldset.policy').filter({ has: page.locator('legend', { hasText: /^Standard$/ }) });
  await standard.getByLabel('First response (min)').fill('');
  await standard.getByLabel('Next update (min)').fill('');
  await standard.getByLabel('Resolution (min)').fill('120');
  await page.getByRole('button', { name: 'Save service levels' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Saved:' })).toContainText(
    "changed policy 'Standard': FR 240 min → off, NU 540 min → off, RES 2700 min → 120 min",
  );
  await expect(page.locator('.change-log')).toContainText('RES 2700 min → 120 min');

  await page.getByRole('link', { name: 'Queue' }).click();
  await createCase(page, { title: 'Received after hours', severity: 'S3' });
  const panel = page.locator('.sla-panel');
  // Nothing counts until Monday 09:00; 120 working minutes later is 11:00.
  await expect(panel).toContainText('Policy: Standard');
  await expect(panel.locator('.clock')).toContainText('due in 2d 16h');
  await panel.getByText('Why this deadline').click();
  await expect(panel.locator('.explain')).toContainText('Due Mon 30 Nov 11:00 UTC+08 because:');
  await expect(panel.locator('.explain')).toContainText('counted 120 min Mon 30 Nov');
  await expect(panel.locator('.explain')).toContainText('hours Mon–Fri 09:00–18:00 (Asia/Singapore)');

  // Monday 09:30: a second case arrives, due at 11:30. The earlier deadline leads the queue.
  await page.clock.fastForward(hours(62.5));
  await page.getByRole('link', { name: 'Queue' }).click();
  await createCase(page, { title: 'Arrived Monday morning', severity: 'S3' });
  await page.getByRole('link', { name: 'Queue' }).click();
  await expect(rows(page).nth(0)).toContainText('Received after hours');
  await expect(rows(page).nth(0).locator('.sla')).toHaveText('RES due in 1h 30m');
  await expect(rows(page).nth(1)).toContainText('Arrived Monday morning');
  await expect(rows(page).nth(1).locator('.sla')).toHaveText('RES due in 2h 00m');

  // Waiting on the user pauses resolution: the paused case drops behind the running one.
  await rows(page).nth(0).getByRole('link').click();
  await triage(page);
  await moveTo(page, 'Waiting on user');
  await expect(panel.locator('.clock')).toContainText('Paused while waiting on the user · 90 working min left');
  await page.getByRole('link', { name: 'Queue' }).click();
  await expect(rows(page).nth(0)).toContainText('Arrived Monday morning');
  await expect(rows(page).nth(1).locator('.sla')).toHaveText('Paused · 1h 30m left');

  // An hour later the user replies and the clock resumes where it stopped: due 12:00.
  await page.clock.fastForward(hours(1));
  await expect(rows(page).nth(0).locator('.sla')).toHaveText('RES due in 1h 00m');
  await rows(page).nth(1).getByRole('link').click();
  await moveTo(page, 'In progress');
  await expect(panel.locator('.clock')).toContainText('due in 1h 30m');
  await page.getByRole('link', { name: 'Queue' }).click();
  await expect(rows(page).nth(0)).toContainText('Arrived Monday morning');
  await expect(rows(page).nth(1)).toContainText('Received after hours');

  // 12:05: both are breached; the most overdue leads, and the breach is logged on the case.
  await page.clock.fastForward(hours(1) + 35 * 60_000);
  await expect(rows(page).nth(0).locator('.sla')).toHaveText('RES overdue by 35m');
  await expect(rows(page).nth(0).locator('.sla')).toHaveClass(/sla-breached/);
  await expect(rows(page).nth(1).locator('.sla')).toHaveText('RES overdue by 5m');
  await page.getByLabel('SLA').selectOption({ label: 'Breached' });
  await expect(page.locator('p.count')).toHaveText('2 cases');
  await page.getByLabel('SLA').selectOption({ label: 'Any' });

  // The breach is an event, so it survives a reload and stays on the record.
  await page.reload();
  await expect(rows(page).nth(1).locator('.sla')).toHaveText('RES overdue by 5m');
  await rows(page).nth(1).getByRole('link').click();
  await expect(page.getByRole('list', { name: 'Timeline' })).toContainText('Resolution target breached');
  await expect(panel.locator('.clock')).toContainText('Breached · overdue by 5m');
});

test('a logged email answers first response and a promise sets the next-update deadline', async ({ page, app }) => {
  await freezeAt(page, '2026-11-30T10:00:00+08:00');
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Dispute evidence rejected', severity: 'S3' });
  const panel = page.locator('.sla-panel');
  await expect(panel.locator('.clock').first()).toContainText('First response');
  await expect(panel.locator('.clock').first()).toContainText('due in 4h 00m');

  const log = page.locator('.contact-panel');
  await log.getByLabel('What happened').selectOption({ label: 'I emailed the user' });
  await log.getByLabel('To', { exact: true }).fill('not an address');
  await log.getByLabel('Subject').fill('Your dispute');
  await log.getByLabel('Text').fill('We have re-submitted the evidence.');
  await page.getByRole('button', { name: 'Log it' }).click();
  await expect(log.getByRole('alert')).toContainText("'not an address'");
  await log.getByLabel('To', { exact: true }).fill('ops@kopi.example');
  await log.getByLabel('Promise the next update by (optional)').fill('2026-11-30T11:30');
  await page.getByRole('button', { name: 'Log it' }).click();

  await expect(panel.locator('.clock').filter({ hasText: 'First response' })).toContainText('Met');
  const nextUpdate = panel.locator('.clock').filter({ hasText: 'Next update' });
  await expect(nextUpdate).toContainText('due in 1h 30m');
  await nextUpdate.getByText('Why this deadline').click();
  await expect(nextUpdate).toContainText('earlier than the policy, so it sets the deadline');
  await expect(page.getByRole('list', { name: 'Timeline' })).toContainText('emailed ops@kopi.example');
});

test('bad calendars and a malformed .ics are refused with the reason, and nothing is imported or saved', async ({ page, app }) => {
  await page.goto(app.url('/settings'));
  const office = page.locator('fieldset.calendar').filter({ has: page.locator('legend', { hasText: /^Singapore office hours$/ }) });
  const holidays = office.getByLabel('Holidays (one per line: date and name)');
  const before = await holidays.inputValue();
  expect(before).toContain('2026-08-10 National Day (in lieu)');

  const ics = (body) => ({ name: 'holidays.ics', mimeType: 'text/calendar', buffer: Buffer.from(body) });
  await office.getByLabel('Import holidays from an .ics file').setInputFiles(ics(
    'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20280101\r\nSUMMARY:New Year\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:2028-12-25\r\nSUMMARY:Christmas\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n',
  ));
  await expect(office.getByRole('status')).toHaveText(
    "holidays.ics, line 7: DTSTART '2028-12-25' should be a date like 20261225. Nothing imported.",
  );
  await expect(holidays).toHaveValue(before);

  // A file far larger than any calendar (a video picked by mistake) is refused by its size, unread.
  await office.getByLabel('Import holidays from an .ics file').setInputFiles({ name: 'team-offsite.mp4', mimeType: 'video/mp4', buffer: Buffer.alloc(6 * 1024 * 1024, 7) });
  await expect(office.getByRole('status')).toHaveText('team-offsite.mp4 is 6 MB, larger than any holiday calendar (5 MB at most); nothing imported.');
  await expect(holidays).toHaveValue(before);

  await office.getByLabel('Import holidays from an .ics file').setInputFiles(ics(
    'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20281225\r\nSUMMARY:Christmas Day\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n',
  ));
  await expect(office.getByRole('status')).toHaveText('holidays.ics: 1 holiday added. Save to apply them.');
  await expect(holidays).toHaveValue(/2028-12-25 Christmas Day$/);

  // A zone this app does not know, and overlapping hours, are refused before anything is saved.
  await office.getByLabel('Calendar time zone').fill('Asia/Singapur');
  await page.getByRole('button', { name: 'Save service levels' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Not saved' })).toContainText(
    "calendar 'Singapore office hours': 'Asia/Singapur' is not a time zone SLA calendars know",
  );
  await office.getByLabel('Calendar time zone').fill('Asia/Singapore');
  await office.getByLabel('Monday').fill('09:00-13:00, 12:00-18:00');
  await page.getByRole('button', { name: 'Save service levels' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Not saved' })).toContainText(
    'Mon 09:00–13:00 and Mon 12:00–18:00 overlap',
  );
  // Nothing was saved, but nothing typed is lost either: the edits come back as a draft.
  await draftSaved(page);
  await page.reload();
  await expect(page.locator('.change-log')).toContainText('No changes yet');
  await expect(page.getByText('Unsaved service-level changes from your last visit were restored.')).toBeVisible();
  await expect(holidays).toHaveValue(/2028-12-25 Christmas Day$/);
  await expect(office.getByLabel('Monday')).toHaveValue('09:00-13:00, 12:00-18:00');
});

test('a case no policy matches says so instead of showing clocks', async ({ page, app }) => {
  await page.goto(app.url('/settings'));
  // Keep only the P1 policy; a P3 case then matches nothing.
  for (const name of ['Enterprise contract', 'Standard']) {
    await page.locator('fieldset.policy').filter({ has: page.locator('legend', { hasText: name }) })
      .getByRole('button', { name: 'Remove policy' }).click();
  }
  await page.getByRole('button', { name: 'Save service levels' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Saved:' })).toContainText("removed policy 'Standard'");
  await page.getByRole('link', { name: 'Queue' }).click();
  await createCase(page, { title: 'Billing question', severity: 'S3' });
  await expect(page.locator('.sla-panel')).toContainText('No SLA policy applies to this case.');
  await page.getByRole('link', { name: 'Queue' }).click();
  await expect(rows(page).first().locator('.sla-cell')).toHaveText('');
});

test('a half-typed contact log survives a reload, and logging it consumes the draft', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Chargeback fee charged twice', severity: 'S3' });
  await page.getByLabel('What happened').selectOption({ label: 'I called the user' });
  await page.getByLabel('Outcome').selectOption({ label: 'Left voicemail' });
  await page.getByLabel('What was said').fill('Left a voicemail: refund of the second fee is on its way.');
  await draftSaved(page);
  await page.reload();
  await expect(page.getByLabel('What was said')).toHaveValue('Left a voicemail: refund of the second fee is on its way.');
  await expect(page.getByLabel('Outcome')).toHaveValue('Voicemail');
  await expect(page.locator('.contact-panel')).toContainText('Unsaved changes from your last visit were restored.');

  await page.getByRole('button', { name: 'Log it' }).click();
  await expect(page.getByRole('list', { name: 'Timeline' })).toContainText('called the user: left voicemail');
  await expect(page.getByLabel('What was said')).toHaveValue('');
  // The draft went with the save: the next visit starts a fresh form.
  await page.reload();
  await expect(page.locator('.sla-panel .clock').filter({ hasText: 'First response' })).toContainText('Met');
  await expect(page.getByLabel('What happened')).toHaveValue('sent');
  await expect(page.getByLabel('Text', { exact: true })).toHaveValue('');
  await expect(page.locator('.contact-panel')).not.toContainText('restored');
});

test('half-edited service levels survive a reload, and saving them consumes the draft', async ({ page, app }) => {
  await page.goto(app.url('/settings'));
  const standard = () => page.locator('fieldset.policy').filter({ has: page.locator('legend', { hasText: /^Standard$/ }) });
  await standard().getByLabel('Resolution (min)').fill('1200');
  await page.getByRole('button', { name: 'Add calendar' }).click();
  await draftSaved(page);
  await page.reload();
  await expect(page.getByText('Unsaved service-level changes from your last visit were restored.')).toBeVisible();
  await expect(standard().getByLabel('Resolution (min)')).toHaveValue('1200');
  await expect(page.locator('fieldset.calendar')).toHaveCount(3);

  await page.getByRole('button', { name: 'Save service levels' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Saved:' })).toContainText("added calendar 'New calendar'");
  await page.reload();
  await expect(standard().getByLabel('Resolution (min)')).toHaveValue('1200');
  await expect(page.getByText('Unsaved service-level changes')).toHaveCount(0);
});

test('a breach found while a case is open shows on its timeline, in the queue and in Insights without a reload', async ({ page, app }) => {
  // Monday 30 November 2026, 10:00 in Singapore: first response is due at 14:00.
  await freezeAt(page, '2026-11-30T10:00:00+08:00');
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Frozen account, no answer yet', severity: 'S3' });
  const timeline = page.getByRole('list', { name: 'Timeline' });
  await expect(timeline).toContainText('opened the case');
  await expect(timeline).not.toContainText('target breached');

  // 14:05: the clock passes the deadline while the case stays open on screen.
  await page.clock.fastForward(hours(4) + 5 * 60_000);
  await expect(timeline).toContainText('First response target breached');
  await expect(page.locator('.sla-panel .clock').first()).toContainText('Breached · overdue by 5m');

  // The other views agree through in-app navigation, with no reload.
  await page.getByRole('link', { name: 'Queue' }).click();
  await expect(rows(page).nth(0).locator('.sla')).toHaveClass(/sla-breached/);
  await page.getByRole('link', { name: 'Insights' }).click();
  await expect(page.locator('#breach-trend')).toContainText('1 breaches logged in the period.');
});
