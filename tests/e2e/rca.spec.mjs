// rca.spec.mjs: RCA worksheets end to end: start from a case, whys with evidence, CAPA actions, partner sign-offs that go stale, export.
import { readFile } from 'node:fs/promises';
import { test, expect, createCase, draftSaved, holdStore, releaseStore } from './fixtures.mjs';
import { XSS } from './xss-corpus.mjs';

/** `YYYY-MM-DD` for today plus `days`, in the browser's (and this machine's) zone. */
function day(days) {
  const d = new Date(Date.now() + days * 86_400_000);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

async function startRcaFromCase(page, app, title) {
  await page.goto(app.url('/'));
  await createCase(page, { title });
  await page.getByRole('link', { name: 'Start an RCA' }).click();
  await expect(page.getByLabel('Title', { exact: true })).toHaveValue(`RCA: ${title}`);
  await expect(page.getByLabel('Linked cases (keys, comma-separated)')).toHaveValue('ESC-1001');
  await page.getByRole('button', { name: 'Start worksheet' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('RCA-1');
}

/** Names one partner team and one why on the open worksheet, saves it and sends it for review. */
async function sendForReview(page, team, why) {
  await page.getByLabel('Partner teams who validate it (comma-separated)').fill(team);
  await page.getByRole('button', { name: 'Add a why' }).click();
  await page.getByLabel('Why 1', { exact: true }).fill(why);
  await page.getByRole('button', { name: 'Save worksheet' }).click();
  await expect(page.locator('.save-bar')).toContainText('Saved.');
  const status = page.getByRole('region', { name: 'Status' });
  await status.getByRole('button', { name: 'Send for review' }).click();
  await expect(status).toContainText('Now: In review');
}

test('an RCA from a case: whys citing evidence, an action, partner validation, an edit that makes the sign-offs stale', async ({ page, app }) => {
  await startRcaFromCase(page, app, 'Payouts held for Kopi');
  const status = page.getByRole('region', { name: 'Status' });

  // The worksheet links back to the case, and the case to the worksheet.
  await expect(page.getByRole('link', { name: 'ESC-1001 Payouts held for Kopi' })).toBeVisible();

  await page.getByLabel('Partner teams who validate it (comma-separated)').fill('Risk Operations, Payouts Engineering');
  await page.getByLabel('Users affected').fill('312');
  await page.getByLabel('Currency of the money affected').fill('SGD');
  await page.locator('#rca-money').fill('84,000');
  await page.getByLabel('Impact started').fill(`${day(-10)}T08:00`);
  await page.getByLabel('Detected').fill(`${day(-10)}T14:30`);
  await expect(page.locator('.time-to-detect')).toContainText('6h 30m');

  await page.getByRole('button', { name: 'Add evidence' }).click();
  await page.getByLabel('Kind of E1').selectOption({ label: 'Link' });
  await page.locator('#ev-title-1').fill('Rule change log');
  await page.getByLabel('Address (https://…)').fill('https://risk.example/changes/881');

  await page.getByRole('button', { name: 'Add a why' }).click();
  await page.getByLabel('Why 1', { exact: true }).fill('The new velocity rule counted retries as new payouts');
  await page.getByRole('group', { name: 'Evidence cited by why 1' }).getByLabel('E1').check();
  // A why without text is refused with its reason.
  await page.getByRole('button', { name: 'Add a why' }).click();

  await page.getByRole('button', { name: 'Add an action' }).click();
  await page.getByLabel('What will be done').fill('Exclude retries from the velocity count');
  await page.getByLabel('Due').fill(day(-20));
  await page.getByRole('button', { name: 'Save worksheet' }).click();
  const errors = page.locator('.save-bar .form-error');
  await expect(errors).toContainText('Why 2 has no text: say why the step above it happened, or remove it');
  await expect(errors).toContainText("Action 1 ('Exclude retries from the velocity count') has no owner");
  await expect(errors).toContainText(`is due ${day(-20)}, before the incident started (${day(-10)})`);

  // A removal can be undone until the next edit.
  await page.getByRole('button', { name: 'Remove why 2' }).click();
  await expect(page.getByLabel('Why 2', { exact: true })).toHaveCount(0);
  await page.locator('.save-bar .toast').getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByLabel('Why 2', { exact: true })).toHaveValue('');
  await page.getByRole('button', { name: 'Remove why 2' }).click();
  await expect(page.locator('.save-bar .toast')).toContainText('Why 2 removed');
  await page.getByLabel('Owner', { exact: true }).last().fill('Priya N');
  await page.getByLabel('Due').fill(day(-1));
  await page.getByRole('button', { name: 'Save worksheet' }).click();
  await expect(page.locator('.save-bar')).toContainText('Saved.');
  // Past due and open: surfaced on the worksheet and in the list.
  await expect(page.locator('.rca-actions .overdue-badge')).toHaveText('Overdue');

  // Saved means stored: a reload shows it all.
  await page.reload();
  await expect(page.getByLabel('Why 1', { exact: true })).toHaveValue('The new velocity rule counted retries as new payouts');
  await expect(page.getByRole('group', { name: 'Evidence cited by why 1' }).getByLabel('E1')).toBeChecked();
  await expect(page.locator('#rca-money')).toHaveValue('84,000.00');

  await status.getByRole('button', { name: 'Send for review' }).click();
  await expect(status).toContainText('Now: In review');

  const signoffs = page.getByRole('region', { name: 'Partner validation' });
  await signoffs.getByLabel('Team').selectOption('Risk Operations');
  await signoffs.getByLabel('Validator').fill('Priya N');
  await signoffs.getByRole('button', { name: 'Record sign-off' }).click();
  await expect(signoffs).toContainText('Sign-off recorded.');
  await expect(signoffs.getByRole('row', { name: /Risk Operations/ })).toContainText('Agree');

  // Validation needs every team.
  await status.getByRole('button', { name: 'Mark validated' }).click();
  await expect(status.locator('.form-error')).toContainText('Payouts Engineering: no sign-off yet');

  await signoffs.getByLabel('Team').selectOption('Payouts Engineering');
  await signoffs.getByLabel('Validator').fill('Lee W');
  await signoffs.getByLabel('Decision').selectOption({ label: 'Agree with changes' });
  await signoffs.getByRole('button', { name: 'Record sign-off' }).click();
  await expect(signoffs.locator('.form-error')).toContainText('Comments: say what Payouts Engineering would change');
  await signoffs.getByLabel('Comments').fill('Name the retry job in why 1');
  await signoffs.getByRole('button', { name: 'Record sign-off' }).click();
  await expect(signoffs).toContainText('Every partner team has agreed: the worksheet is validated.');
  await expect(status).toContainText('Now: Validated');
  await expect(status.getByRole('button', { name: 'Publish' })).toBeVisible();

  // Published means read-only: typing changes nothing and leaves no draft behind (issue 23).
  await status.getByRole('button', { name: 'Publish' }).click();
  await expect(status).toContainText('Now: Published');
  const summary = page.getByLabel('Summary');
  const published = await summary.inputValue();
  await expect(summary).not.toBeEditable();
  await summary.press('End');
  await page.keyboard.type(' typed after publishing');
  await expect(summary).toHaveValue(published);
  await status.getByRole('button', { name: 'Back to draft' }).click();
  await expect(status).toContainText('Now: Draft');
  await expect(summary).toBeEditable();
  // Back in review, the partners' agreement still stands until the worksheet changes.
  await status.getByRole('button', { name: 'Send for review' }).click();
  await expect(status).toContainText('Now: In review');
  await status.getByRole('button', { name: 'Mark validated' }).click();
  await expect(status).toContainText('Now: Validated');

  // An edit after validation: both sign-offs go stale, visibly, and the worksheet is back in review.
  await page.getByLabel('Why 1', { exact: true }).fill('The velocity rule counted payout retries (job payout-retrier) as new payouts');
  await expect(status.getByRole('button', { name: 'Publish' })).toBeDisabled();
  await page.getByRole('button', { name: 'Save worksheet' }).click();
  await expect(page.locator('.save-bar')).toContainText('back in review and the sign-offs are stale');
  await expect(status).toContainText('Now: In review');
  await expect(signoffs.getByRole('row', { name: /Risk Operations/ })).toContainText('Stale — Agree');
  await expect(signoffs.getByRole('row', { name: /Payouts Engineering/ })).toContainText('Stale — Agree with changes');
  await status.getByRole('button', { name: 'Mark validated' }).click();
  await expect(status.locator('.form-error')).toContainText("Risk Operations: Priya N's sign-off of");
  await expect(status.locator('.form-error')).toContainText('is stale (the worksheet changed after it)');

  // Staleness survives a reload: it is computed from the stored hash, not remembered by the page.
  await page.reload();
  await expect(signoffs.getByRole('row', { name: /Risk Operations/ })).toContainText('Stale — Agree');

  // Markdown export.
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download Markdown' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('RCA-1.md');
  const path = test.info().outputPath('RCA-1.md');
  await download.saveAs(path);
  const md = await readFile(path, 'utf8');
  expect(md).toContain('# RCA-1: RCA: Payouts held for Kopi');
  expect(md).toContain('- **Money affected:** SGD 84,000.00');
  expect(md).toContain('1. The velocity rule counted payout retries (job payout-retrier) as new payouts (evidence: E1)');
  expect(md).toContain('**OVERDUE**');
  expect(md.match(/\*\*STALE\*\*/g)).toHaveLength(2);

  // The print layout and the list.
  await page.getByRole('link', { name: 'Print layout' }).click();
  await expect(page.locator('.rca-print h1')).toHaveText('RCA-1: RCA: Payouts held for Kopi');
  await expect(page.locator('.rca-print')).toContainText('Exclude retries from the velocity count');
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('.app-header')).toBeHidden();
  await expect(page.getByRole('button', { name: 'Print' })).toBeHidden();
  await page.emulateMedia({ media: 'screen' });

  await page.getByRole('link', { name: 'RCAs', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Overdue actions (1)' })).toBeVisible();
  const row = page.getByRole('row', { name: /RCA-1/ });
  await expect(row).toContainText('In review');
  await expect(row).toContainText('0/2 signed (2 stale)');

  await page.goto(app.url('/cases/ESC-1001'));
  await expect(page.locator('.case-rcas')).toContainText('RCA-1');

  // The print page opened directly says it is loading, never "No such worksheet", while
  // start-up reads the worksheets (issue 23). Every text the page ever shows is recorded.
  await page.addInitScript(() => {
    window.__shown = [];
    new MutationObserver(() => window.__shown.push(document.body?.innerText ?? ''))
      .observe(document, { childList: true, subtree: true, characterData: true });
  });
  await page.goto(app.url('/rcas/RCA-1/print'));
  await expect(page.locator('.rca-print h1')).toHaveText('RCA-1: RCA: Payouts held for Kopi');
  const shown = await page.evaluate(() => window.__shown);
  expect(shown.some((text) => text.includes('No such worksheet'))).toBe(false);
});

test('unsaved worksheet edits come back after a reload, and publishing needs current sign-offs', async ({ page, app }) => {
  await startRcaFromCase(page, app, 'Dispute evidence missed');
  await page.getByLabel('Summary').fill('Evidence for 14 disputes was uploaded after the network deadline');
  await page.getByLabel('What went well').fill('The merchant told us early');
  // The draft is written within 300 ms of the last keystroke.
  await draftSaved(page);
  await page.reload();
  await expect(page.getByText('Unsaved changes from your last visit were restored.')).toBeVisible();
  await expect(page.getByLabel('Summary')).toHaveValue('Evidence for 14 disputes was uploaded after the network deadline');
  await expect(page.getByLabel('What went well')).toHaveValue('The merchant told us early');
  // Quick-add inputs count too: a timeline entry typed but not yet added comes back.
  await page.locator('#tl-new-text').fill('Merchant emailed about missed deadlines');
  await draftSaved(page);
  await page.reload();
  await expect(page.locator('#tl-new-text')).toHaveValue('Merchant emailed about missed deadlines');
  await expect(page.getByLabel('Summary')).toHaveValue('Evidence for 14 disputes was uploaded after the network deadline');

  // Review is refused with everything missing listed at once.
  const status = page.getByRole('region', { name: 'Status' });
  await expect(status.getByRole('button', { name: 'Send for review' })).toBeDisabled();
  await page.getByRole('button', { name: 'Save worksheet' }).click();
  await expect(page.locator('.save-bar')).toContainText('Saved.');
  await status.getByRole('button', { name: 'Send for review' }).click();
  await expect(status.locator('.form-error')).toContainText('Analysis: add at least one why');
  await expect(status.locator('.form-error')).toContainText('Header: name the partner teams who must validate it');

  // Discarding goes back to the saved worksheet and forgets the draft.
  await page.getByLabel('Summary').fill('Something I did not mean');
  await page.getByRole('button', { name: 'Discard changes' }).click();
  await expect(page.getByLabel('Summary')).toHaveValue('Evidence for 14 disputes was uploaded after the network deadline');
  await page.reload();
  await expect(page.getByLabel('Summary')).toHaveValue('Evidence for 14 disputes was uploaded after the network deadline');
  await expect(page.getByText('Unsaved changes from your last visit were restored.')).toHaveCount(0);
});

test('editing a worksheet before its earlier draft has been read: the edit stays and the draft is shown to copy', async ({ page, app }) => {
  await startRcaFromCase(page, app, 'Chargeback notices late');
  await page.getByLabel('Summary').fill('Notices reached merchants two days after the network opened them');
  await draftSaved(page);

  // A slow disk: the draft read of the next visit waits behind this hold while the person edits.
  await page.getByRole('link', { name: 'RCAs' }).click();
  await holdStore(page, 'drafts');
  await page.getByRole('link', { name: /RCA-1/ }).first().click();
  await page.getByLabel('What went well').fill('Support spotted the pattern on day one');
  await releaseStore(page);

  await expect(page.getByText(/draft from your last visit arrived after you had started typing/)).toContainText('Notices reached merchants two days after the network opened them');
  await expect(page.getByLabel('What went well')).toHaveValue('Support spotted the pattern on day one');
  await expect(page.getByLabel('Summary')).toHaveValue('');
  await draftSaved(page);
  await page.reload();
  await expect(page.getByText(/Unsaved changes from your last visit were restored\./)).toBeVisible();
  await expect(page.getByLabel('What went well')).toHaveValue('Support spotted the pattern on day one');
  // The earlier draft is still kept with the worksheet, not only in the first notice.
  await expect(page.getByText(/Set aside earlier/)).toContainText('Notices reached merchants two days after the network opened them');
});

test(`the ${XSS.length}-payload XSS corpus in every worksheet field stays text on the page, in the list, the print layout and the Markdown`, async ({ page, app }) => {
  test.setTimeout(120_000);
  page.on('dialog', (dialog) => {
    throw new Error(`a dialog opened: ${dialog.message()}`);
  });
  const injected = () => page.evaluate(() => {
    const active = document.querySelectorAll('body script, body iframe, body object, body embed, body img, body svg, body math, body base, body meta, body link, main b, main input[type="image"]');
    const handlers = [...document.querySelectorAll('body *')].filter((el) => [...el.attributes].some((a) => a.name.startsWith('on')));
    const jsLinks = [...document.querySelectorAll('body a[href]')].filter((a) => a.getAttribute('href').trim().toLowerCase().startsWith('javascript'));
    return active.length + handlers.length + jsLinks.length;
  });
  await startRcaFromCase(page, app, 'XSS probe');
  const corpus = XSS.join('\n');
  const pick = (i) => XSS[i % XSS.length];
  // Every kind of row, then a payload (or the whole corpus) in every text field.
  for (const add of ['Add evidence', 'Add a why', 'Add a contributing factor', 'Add an action']) {
    await page.getByRole('button', { name: add }).click();
  }
  await page.locator('#tl-new-at').fill('2026-11-20T08:00');
  await page.locator('#tl-new-text').fill(pick(9));
  await page.getByRole('button', { name: 'Add entry' }).click();
  const fields = [
    ['#rca-title', pick(0)], ['#rca-owner', pick(1)], ['#rca-authors', pick(2)], ['#rca-teams', 'Risk Operations'],
    ['#rca-products', pick(4)], ['#rca-summary', corpus], ['#rca-detection', corpus],
    ['#rca-went-well', corpus], ['#rca-went-wrong', pick(5)], ['#rca-lucky', '[click](javascript:window.__pwned=1) ' + pick(6)],
    ['#ev-title-1', pick(7)], ['#ev-detail-1', corpus],
    ['.rca-claims textarea >> nth=0', corpus], ['.rca-claims textarea >> nth=1', pick(8)],
    ['.rca-timeline input >> nth=1', pick(10)],
    ['.rca-actions input[id^="action-title"]', pick(11)], ['.rca-actions input[id^="action-owner"]', pick(12)],
    ['.rca-actions input[id^="action-team"]', pick(13)], ['.rca-actions input[id^="action-ticket"]', pick(14)],
  ];
  for (const [i, category] of ['people', 'process', 'product', 'partner', 'data', 'communication'].entries()) {
    fields.push([`#fishbone-${category}`, XSS.slice(i * 9, i * 9 + 9).join('\n')]);
  }
  for (const [selector, text] of fields) {
    await page.locator(selector).evaluate((el, value) => {
      el.value = value;
      el.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
    }, text);
  }
  await page.locator('.rca-actions details summary').click();
  await page.locator('.rca-actions input[id^="action-method"]').fill(pick(15));
  await page.locator('.rca-actions input[id^="action-result"]').fill(pick(16));
  await page.getByRole('button', { name: 'Save worksheet' }).click();
  await expect(page.locator('.save-bar')).toContainText('Saved.');
  expect(await injected()).toBe(0);

  // A link that is not a web address is refused, and nothing typed is lost.
  await page.getByLabel('Kind of E1').selectOption({ label: 'Link' });
  await page.getByRole('button', { name: 'Save worksheet' }).click();
  await expect(page.locator('.save-bar .form-error')).toContainText('Evidence E1: a link needs a web address starting with https:// or http://');
  await page.getByLabel('Kind of E1').selectOption({ label: 'Note' });

  // Review and a hostile sign-off.
  const status = page.getByRole('region', { name: 'Status' });
  await status.getByRole('button', { name: 'Send for review' }).click();
  await expect(status).toContainText('Now: In review');
  const signoffs = page.getByRole('region', { name: 'Partner validation' });
  await signoffs.getByLabel('Validator').fill(pick(17));
  await signoffs.getByLabel('Decision').selectOption({ label: 'Disagree' });
  await signoffs.getByLabel('Comments').fill(pick(18));
  await signoffs.getByRole('button', { name: 'Record sign-off' }).click();
  await expect(signoffs).toContainText(pick(18));
  await page.reload();
  await expect(page.locator('#rca-summary')).toHaveValue(corpus);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(pick(0));
  expect(await injected()).toBe(0);

  // In the Markdown, markup is escaped so a ticket or doc shows it as typed.
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download Markdown' }).click();
  const md = await readFile(await (await downloading).path(), 'utf8');
  expect(md).toContain('\\<script\\>window.\\_\\_pwned=1\\</script\\>');
  // The brackets are escaped, so no Markdown reader makes a javascript: link of it.
  expect(md).toContain('\\[click\\](javascript:');
  expect(md).not.toMatch(/[^\\]\]\(javascript:/);

  await page.getByRole('link', { name: 'Print layout' }).click();
  const sheet = page.locator('.rca-print');
  await expect(sheet).toContainText('<script>window.__pwned=1</script>');
  await expect(sheet).toContainText(pick(18));
  for (const link of await sheet.locator('a').all()) {
    expect(await link.getAttribute('href') ?? '').not.toMatch(/javascript:/i);
  }
  await sheet.hover();
  expect(await injected()).toBe(0);
  await page.getByRole('link', { name: 'RCAs', exact: true }).click();
  await expect(page.getByRole('row', { name: /RCA-1/ })).toContainText(pick(0));
  expect(await injected()).toBe(0);
  expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
});

test('two tabs on one worksheet: different parts both survive, and the same part is shown before anything is overwritten', async ({ page, context, app }) => {
  await startRcaFromCase(page, app, 'Refund failed twice');
  const url = page.url();
  const other = await context.newPage();
  const otherErrors = [];
  other.on('pageerror', (e) => otherErrors.push(e.message));
  await other.goto(url);
  await expect(other.getByRole('heading', { level: 1 })).toContainText('RCA-1');

  // This tab starts typing first; the other tab saves a different part meanwhile.
  await page.getByLabel('What went well').fill('Refund reissued within the hour');
  await other.getByLabel('Summary').fill('The acquirer rejected refunds over 30 days old');
  await other.getByRole('button', { name: 'Save worksheet' }).click();
  await expect(other.locator('.save-bar')).toContainText('Saved.');

  await page.getByRole('button', { name: 'Save worksheet' }).click();
  await expect(page.locator('.save-bar')).toContainText('Saved.');
  await expect(page.getByLabel('Summary')).toHaveValue('The acquirer rejected refunds over 30 days old');
  await other.reload();
  await expect(other.getByLabel('What went well')).toHaveValue('Refund reissued within the hour');
  await expect(other.getByLabel('Summary')).toHaveValue('The acquirer rejected refunds over 30 days old');

  // Both change the same part: the later save stops and says so, showing its own text.
  await page.getByLabel('Where we got lucky').fill('Mine: the merchant noticed');
  await other.getByLabel('Where we got lucky').fill('Theirs: finance noticed');
  await other.getByRole('button', { name: 'Save worksheet' }).click();
  await expect(other.locator('.save-bar')).toContainText('Saved.');
  await page.getByRole('button', { name: 'Save worksheet' }).click();
  await expect(page.locator('.save-bar .form-error')).toContainText('Another tab saved this worksheet while you edited it');
  await expect(page.locator('.save-bar .form-error')).toContainText('(got lucky)');
  await expect(page.getByLabel('Where we got lucky')).toHaveValue('Mine: the merchant noticed');
  // Saving again, having looked, keeps this tab's text.
  await page.getByRole('button', { name: 'Save worksheet' }).click();
  await expect(page.locator('.save-bar')).toContainText('Saved.');
  await other.reload();
  await expect(other.getByLabel('Where we got lucky')).toHaveValue('Mine: the merchant noticed');
  expect(otherErrors).toEqual([]);
});

test('a partner signs the worksheet in their own profile from a bundle, and the signed copy comes back', async ({ page, app, browser }) => {
  await startRcaFromCase(page, app, 'Chargebacks filed late');
  await sendForReview(page, 'Disputes Operations', 'Evidence reached the network after its deadline');

  // Exporting the case carries its worksheet.
  await page.goto(app.url('/data?cases=ESC-1001'));
  await expect(page.getByLabel('Case keys')).toHaveValue('ESC-1001');
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export', exact: true }).click()]);
  const shared = await readFile(await file.path(), 'utf8');
  expect(JSON.parse(shared).contents.rcas).toHaveLength(1);

  // The partner imports it, signs, and sends it back.
  const partner = await browser.newContext();
  const other = await partner.newPage();
  await other.goto(app.url('/data'));
  await other.getByLabel('Choose a bundle file').setInputFiles({ name: 'rca.json', mimeType: 'application/json', buffer: Buffer.from(shared) });
  await other.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(other.getByText(/Imported/)).toBeVisible();
  await other.goto(app.url('/rcas/RCA-1'));
  const signoffs = other.getByRole('region', { name: 'Partner validation' });
  await signoffs.getByLabel('Validator').fill('Ana Duarte');
  await signoffs.getByRole('button', { name: 'Record sign-off' }).click();
  await expect(other.getByRole('region', { name: 'Status' })).toContainText('Now: Validated');
  await other.goto(app.url('/data?cases=ESC-1001'));
  await expect(other.getByLabel('Case keys')).toHaveValue('ESC-1001');
  const [back] = await Promise.all([other.waitForEvent('download'), other.getByRole('button', { name: 'Export', exact: true }).click()]);
  const signed = await readFile(await back.path(), 'utf8');
  await partner.close();

  // Back here the worksheet differs only by the sign-off: take theirs.
  await page.goto(app.url('/data'));
  await page.getByLabel('Choose a bundle file').setInputFiles({ name: 'signed.json', mimeType: 'application/json', buffer: Buffer.from(signed) });
  const conflict = page.getByRole('group', { name: /RCA worksheet · RCA-1/ });
  await expect(conflict).toContainText('signoffs');
  await conflict.getByLabel('Take theirs').check();
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByText(/Imported/)).toBeVisible();
  await page.goto(app.url('/rcas/RCA-1'));
  await expect(page.getByRole('region', { name: 'Status' })).toContainText('Now: Validated');
  await expect(page.getByRole('region', { name: 'Partner validation' }).getByRole('row', { name: /Disputes Operations/ })).toContainText('Ana Duarte');
});

test('a half-typed new worksheet and a half-typed sign-off come back after a reload', async ({ page, app }) => {
  await page.goto(app.url('/rcas'));
  await page.getByLabel('Title', { exact: true }).fill('Settlement files rejected by the bank');
  await draftSaved(page);
  await page.reload();
  await expect(page.getByLabel('Title', { exact: true })).toHaveValue('Settlement files rejected by the bank');
  await expect(page.getByText('Unsaved changes from your last visit were restored.')).toBeVisible();

  await startRcaFromCase(page, app, 'Payout file rejected');
  await sendForReview(page, 'Treasury Operations', 'The bank changed its file format without notice');
  const signoffs = page.getByRole('region', { name: 'Partner validation' });
  await signoffs.getByLabel('Validator').fill('Noor Hassan');
  await signoffs.getByLabel('Decision').selectOption({ label: 'Agree with changes' });
  await signoffs.getByLabel('Comments').fill('Add the bank notice date to the timeline');
  await draftSaved(page);
  await page.reload();
  await expect(signoffs.getByLabel('Validator')).toHaveValue('Noor Hassan');
  await expect(signoffs.getByLabel('Comments')).toHaveValue('Add the bank notice date to the timeline');
  await expect(signoffs.getByLabel('Decision')).toHaveValue('AgreeWithChanges');
  // Recorded, the form empties and its draft is gone with the same write.
  await signoffs.getByRole('button', { name: 'Record sign-off' }).click();
  await expect(signoffs).toContainText('Every partner team has agreed');
  await expect(signoffs.getByLabel('Validator')).toHaveValue('');
  await page.reload();
  await expect(signoffs.getByLabel('Validator')).toHaveValue('');
  await expect(signoffs.getByRole('row', { name: /Treasury Operations/ })).toContainText('Noor Hassan');
});
