// files.spec.mjs: evidence files on a case end to end: attach (choose, drop, paste), preview, download, remove, reload offline, hostile files that stay inert, and a user's .eml dropped as their reply.
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { test, expect, createCase, moveTo, triage, waitForOfflineReady } from './fixtures.mjs';
import { PDF, PNG, dropFiles, savedEmail } from './evidence.mjs';

const CSV = Buffer.from('date,amount,reference\n2026-12-01,125.00,po_4411\n');
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="window.__pwned=1"><script>window.__pwned=2</script></svg>');
const HTML = Buffer.from('<html><body><script>window.__pwned=3</script><img src=x onerror="window.__pwned=4"></body></html>');

const panel = (page) => page.locator('.files-panel');
const rowOf = (page, name) => panel(page).locator('.file-row').filter({ has: page.locator('.file-name', { hasText: name }) });

async function downloaded(page, row) {
  const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('button', { name: 'Download' }).click()]);
  return { name: download.suggestedFilename(), bytes: await readFile(await download.path()) };
}

test('a PNG, a PDF and a CSV attached to a case preview safely, download byte for byte, survive a reload offline, and one can be removed', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await waitForOfflineReady(page);
  await createCase(page, { title: 'Payout held: bank letter received' });
  await expect(panel(page)).toContainText('No files on this case yet.');
  await panel(page).getByLabel('Attach files').setInputFiles([
    { name: 'error-screenshot.png', mimeType: 'image/png', buffer: PNG },
    { name: 'bank-letter.pdf', mimeType: 'application/pdf', buffer: PDF },
    { name: 'acquirer.csv', mimeType: 'text/csv', buffer: CSV },
  ]);
  await expect(panel(page)).toContainText('Attached acquirer.csv');
  await expect(panel(page).locator('.file-row')).toHaveCount(3);
  await expect(rowOf(page, 'bank-letter.pdf')).toContainText(`${PDF.length} bytes · application/pdf`);
  const timeline = page.getByRole('list', { name: 'Timeline' });
  await expect(timeline).toContainText(`Specialist attached error-screenshot.png (${PNG.length} bytes)`);

  // The image is drawn (it decoded, so the policy allowed its blob: URL); the CSV is text.
  await rowOf(page, 'error-screenshot.png').getByRole('button', { name: 'Open' }).click();
  const image = panel(page).getByRole('img', { name: 'Preview of error-screenshot.png' });
  await expect.poll(() => image.evaluate((img) => img.complete && img.naturalWidth)).toBe(2);
  await rowOf(page, 'acquirer.csv').getByRole('button', { name: 'Open' }).click();
  await expect(panel(page).locator('pre.file-text')).toHaveText(CSV.toString());
  await expect(image).toHaveCount(0);
  await rowOf(page, 'bank-letter.pdf').getByRole('button', { name: 'Open' }).click();
  await expect(panel(page).getByRole('link', { name: "Open bank-letter.pdf in the browser's PDF viewer" })).toHaveAttribute('href', /^blob:/);

  // Downloads are the same bytes (the same SHA-256) under the same name.
  const pdf = await downloaded(page, rowOf(page, 'bank-letter.pdf'));
  expect(pdf.name).toBe('bank-letter.pdf');
  expect(createHash('sha256').update(pdf.bytes).digest('hex')).toBe(createHash('sha256').update(PDF).digest('hex'));
  await expect(timeline).toContainText(createHash('sha256').update(PDF).digest('hex').slice(0, 12));

  // Offline, after a reload, the files and their bytes are still on the case.
  await app.goOffline();
  await page.reload();
  await expect(panel(page).locator('.file-row')).toHaveCount(3);
  await rowOf(page, 'error-screenshot.png').getByRole('button', { name: 'Open' }).click();
  await expect.poll(() => panel(page).getByRole('img').evaluate((img) => img.complete && img.naturalWidth)).toBe(2);

  // Removing asks first; Keep keeps it, Remove takes it off and logs it.
  await rowOf(page, 'acquirer.csv').getByRole('button', { name: 'Remove…' }).click();
  await rowOf(page, 'acquirer.csv').getByRole('button', { name: 'Keep' }).click();
  await expect(panel(page).locator('.file-row')).toHaveCount(3);
  await rowOf(page, 'acquirer.csv').getByRole('button', { name: 'Remove…' }).click();
  await rowOf(page, 'acquirer.csv').getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(panel(page)).toContainText('Removed acquirer.csv from this case.');
  await expect(panel(page).locator('.file-row')).toHaveCount(2);
  await expect(timeline).toContainText('Specialist removed acquirer.csv');
  await page.reload();
  await expect(panel(page).locator('.file-row')).toHaveCount(2);
  await expect(rowOf(page, 'acquirer.csv')).toHaveCount(0);
});

test('a script-bearing SVG named .png and an HTML file are kept but never rendered: Open refuses, Download saves inert bytes', async ({ page, app }) => {
  page.on('dialog', (d) => { throw new Error(`a file ran script: ${d.message()}`); });
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Dispute: merchant sent a statement' });
  await dropFiles(page, [
    { name: 'statement.png', type: 'image/png', bytes: SVG },
    { name: 'statement.html', type: 'text/html', bytes: HTML },
  ]);
  await expect(panel(page).locator('.file-row')).toHaveCount(2);
  for (const name of ['statement.png', 'statement.html']) {
    await rowOf(page, name).getByRole('button', { name: 'Open' }).click();
    await expect(panel(page)).toContainText(`${name} is not a kind of file the app shows`);
    const saved = await downloaded(page, rowOf(page, name));
    expect(saved.name).toBe(name);
  }
  // Nothing in the page points at the files: no image, frame or object was made from them.
  await expect(page.locator('.files-panel img, iframe, object, embed')).toHaveCount(0);
  expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
});

test('a pasted screenshot is attached; a file too large, an empty one and a second copy are refused by name with nothing written', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Account frozen: user sent proof' });
  // A screenshot pasted from the clipboard arrives as a file.
  await page.locator('.case-columns').evaluate((el, base64) => {
    const dt = new DataTransfer();
    dt.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], 'image.png', { type: 'image/png' }));
    el.dispatchEvent(new ClipboardEvent('paste', { bubbles: true, cancelable: true, clipboardData: dt }));
  }, PNG.toString('base64'));
  await expect(panel(page)).toContainText('Attached image.png');
  await expect(panel(page).locator('.file-row')).toHaveCount(1);

  // Over the cap, empty, and the same bytes again under another name: each refused, by name.
  await page.locator('.case-columns').evaluate((el, base64) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(25 * 1024 * 1024 + 1)], 'whole-mailbox.zip', { type: 'application/zip' }));
    dt.items.add(new File([], 'empty.txt', { type: 'text/plain' }));
    dt.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], 'copy.png', { type: 'image/png' }));
    el.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: dt }));
  }, PNG.toString('base64'));
  const outcome = panel(page).locator('ul.form-error');
  await expect(outcome).toContainText('whole-mailbox.zip is 25 MB; files over 25 MB are not attached.');
  await expect(outcome).toContainText('empty.txt is empty (0 bytes)');
  await expect(outcome).toContainText('this case already holds that file, as image.png');
  await expect(panel(page).locator('.file-row')).toHaveCount(1);
  await page.reload();
  await expect(panel(page).locator('.file-row')).toHaveCount(1);
  await expect(page.getByRole('list', { name: 'Timeline' }).getByText('attached')).toHaveCount(1);
});

test('an .eml dropped on a case waiting on the user is logged as their reply, resumes the case and attaches its two files; again, or malformed, it changes nothing', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Payout held: waiting for the bank letter', severity: 'S3' });
  await triage(page);
  await moveTo(page, 'Waiting on user');
  await dropFiles(page, [{ name: 'Re payout stuck.eml', type: 'message/rfc822', bytes: savedEmail() }]);
  await expect(panel(page)).toContainText('Logged the email from Ana Ruiz <ops@kopi.example>: “Re: payout stuck – bank letter”.');
  await expect(panel(page)).toContainText('The user wrote back: the case is in progress again');
  await expect(page.locator('.case-key')).toContainText('In progress');
  const timeline = page.getByRole('list', { name: 'Timeline' });
  await expect(timeline).toContainText('Email from Ana Ruiz <ops@kopi.example>');
  await expect(timeline).toContainText('Sent: Thu, 3 Dec 2026 09:14:00 +0100');
  await expect(timeline).toContainText('Here is the letter from my bank and the error I see.');
  await expect(panel(page).locator('.file-row')).toHaveCount(2);
  await expect(rowOf(page, 'bank letter.pdf')).toContainText(`${PDF.length} bytes · application/pdf`);
  const png = await downloaded(page, rowOf(page, 'error.png'));
  expect(createHash('sha256').update(png.bytes).digest('hex')).toBe(createHash('sha256').update(PNG).digest('hex'));
  // The HTML twin is neither shown nor run.
  expect(await page.evaluate(() => window.__pwned)).toBeUndefined();

  // The same email again, and a file that is no email: refused by name, nothing added.
  await dropFiles(page, [
    { name: 'Re payout stuck.eml', type: 'message/rfc822', bytes: savedEmail() },
    { name: 'notes.eml', type: '', bytes: Buffer.from('\r\n\r\njust some words, no headers') },
  ]);
  const outcome = panel(page).locator('ul.form-error');
  await expect(outcome).toContainText('Re payout stuck.eml is already logged on this case; nothing was added.');
  await expect(outcome).toContainText('notes.eml is not an email the app can read: it has no mail headers.');
  await page.reload();
  await expect(panel(page).locator('.file-row')).toHaveCount(2);
  await expect(timeline.getByText('Email from Ana Ruiz')).toHaveCount(1);
  expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
});

/** Clicks `button` on the Data page and returns the downloaded file's name and text. */
async function exported(page, button) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button, exact: true }).click()]);
  return { name: file.suggestedFilename(), text: await readFile(await file.path(), 'utf8') };
}

/** Drops bundle `text` named `name` on the Data page's import zone. */
async function dropBundle(page, name, text) {
  await page.evaluate(({ name, text }) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([text], name));
    document.querySelector('.drop-zone').dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, { name, text });
}

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

test('a case exported with its files opens the same files in a fresh profile (hashes equal); without the choice, redacted or tampered, no bytes travel', async ({ page, app, browser }) => {
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Payout returned: statement from the bank' });
  const key = decodeURIComponent(new URL(page.url()).pathname.split('/').pop());
  await panel(page).getByLabel('Attach files').setInputFiles([
    { name: 'bank-letter.pdf', mimeType: 'application/pdf', buffer: PDF },
    { name: 'error-screenshot.png', mimeType: 'image/png', buffer: PNG },
  ]);
  await expect(panel(page).locator('.file-row')).toHaveCount(2);

  await page.getByRole('link', { name: 'Data' }).click();
  await page.getByLabel(/^Chosen cases/).check();
  await page.getByLabel('Case keys').fill(key);
  // Without the choice, the bundle names the files but carries no bytes.
  const plain = await exported(page, 'Export');
  expect(JSON.parse(plain.text).files).toBeUndefined();

  // The size is shown before exporting.
  await page.getByLabel(/^Include the attached files/).check();
  await expect(page.getByText(`Adds 2 file(s), ${PDF.length + PNG.length} bytes.`)).toBeVisible();
  const carrying = await exported(page, 'Export');
  await expect(page.getByRole('status').filter({ hasText: 'Carried 2 file(s)' })).toBeVisible();
  const bundle = JSON.parse(carrying.text);
  expect(bundle.files.map((f) => f.sha256).sort()).toEqual([sha256(PDF), sha256(PNG)].sort());

  // Redacted: left out, and said so.
  await page.getByLabel(/^Redact personal data/).check();
  await expect(page.getByLabel(/^Include the attached files/)).toBeDisabled();
  const redacted = await exported(page, 'Export');
  expect(JSON.parse(redacted.text).files).toBeUndefined();
  await expect(page.getByRole('status').filter({ hasText: 'Attached files are left out of a redacted bundle' })).toBeVisible();

  const fresh = await (await browser.newContext()).newPage();
  const errors = [];
  fresh.on('pageerror', (e) => errors.push(e.message));
  await fresh.goto(app.url('/data'));
  await expect(fresh.getByRole('heading', { name: 'Snapshots' })).toBeVisible();

  // One changed byte in a carried file: refused by path and reason before anything is written.
  const tampered = structuredClone(bundle);
  const victim = tampered.files[0];
  victim.base64 = (victim.base64[0] === 'A' ? 'B' : 'A') + victim.base64.slice(1);
  await dropBundle(fresh, 'tampered.json', JSON.stringify(tampered));
  await expect(fresh.getByRole('alert').filter({ hasText: 'tampered.json was not imported' })).toContainText('files[0].sha256: the bytes do not match their hash');

  await dropBundle(fresh, carrying.name, carrying.text);
  await expect(fresh.getByText('Carries 2 attached file(s)')).toBeVisible();
  await fresh.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(fresh.getByText(/1 new and 0 updated case\(s\), 0 unchanged, 2 attached file\(s\) stored/)).toBeVisible();
  await fresh.goto(app.url(`/cases/${key}`));
  await expect(panel(fresh).locator('.file-row')).toHaveCount(2);
  const pdf = await downloaded(fresh, rowOf(fresh, 'bank-letter.pdf'));
  expect(sha256(pdf.bytes)).toBe(sha256(PDF));
  const png = await downloaded(fresh, rowOf(fresh, 'error-screenshot.png'));
  expect(sha256(png.bytes)).toBe(sha256(PNG));
  expect(errors).toEqual([]);
});

test('a bundle file changed on disk between its preview and Import is refused by entry, and nothing is imported', async ({ page, app, browser }, testInfo) => {
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Chargeback evidence from the acquirer' });
  const key = decodeURIComponent(new URL(page.url()).pathname.split('/').pop());
  await panel(page).getByLabel('Attach files').setInputFiles([{ name: 'bank-letter.pdf', mimeType: 'application/pdf', buffer: PDF }]);
  await expect(rowOf(page, 'bank-letter.pdf')).toBeVisible();
  await page.getByRole('link', { name: 'Data' }).click();
  await page.getByLabel(/^Chosen cases/).check();
  await page.getByLabel('Case keys').fill(key);
  await page.getByLabel(/^Include the attached files/).check();
  await expect(page.getByText(/^Adds 1 file\(s\)/)).toBeVisible();
  const carrying = await exported(page, 'Export');

  // A real file on disk, picked through the file chooser, so the page holds a reference to it
  // rather than a copy of its bytes.
  const path = testInfo.outputPath('handover.json');
  await writeFile(path, carrying.text);
  const fresh = await (await browser.newContext()).newPage();
  const errors = [];
  fresh.on('pageerror', (e) => errors.push(e.message));
  await fresh.goto(app.url('/data'));
  await fresh.getByLabel('Choose a bundle file').setInputFiles(path);
  await expect(fresh.getByText('Carries 1 attached file(s)')).toBeVisible();

  // The teammate's file is overwritten while the preview is open: one base64 character changed.
  const changed = JSON.parse(carrying.text);
  changed.files[0].base64 = (changed.files[0].base64[0] === 'A' ? 'B' : 'A') + changed.files[0].base64.slice(1);
  await writeFile(path, JSON.stringify(changed));
  await fresh.getByRole('button', { name: 'Import', exact: true }).click();
  const refusal = fresh.getByRole('alert').filter({ hasText: 'handover.json was not imported' });
  await expect(refusal).toContainText(/files\[0\](: the bundle file could not be read again|\.sha256: the bytes do not match their hash)/);
  await expect(refusal).toContainText('Nothing on this device changed');
  await fresh.goto(app.url('/'));
  await expect(fresh.getByRole('heading', { name: 'No cases yet' })).toBeVisible();
  await fresh.goto(app.url(`/cases/${key}`));
  await expect(fresh.getByRole('heading', { name: `No case ${key} on this device` })).toBeVisible();
  expect(errors).toEqual([]);
});

test('an RCA cites a file on its linked case by hash: picked by name, titled after it, opened on its case, kept through a reload', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Payout held: bank letter received' });
  await panel(page).getByLabel('Attach files').setInputFiles([{ name: 'bank-letter.pdf', mimeType: 'application/pdf', buffer: PDF }]);
  await expect(panel(page)).toContainText('Attached bank-letter.pdf');
  const hash = createHash('sha256').update(PDF).digest('hex');

  await page.getByRole('link', { name: 'Start an RCA' }).click();
  await page.getByRole('button', { name: 'Start worksheet' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('RCA-1');
  await page.getByRole('button', { name: 'Add evidence' }).click();
  await page.getByLabel('Kind of E1').selectOption({ label: 'Case file' });
  const picker = page.getByLabel('File on a linked case');
  await picker.selectOption({ label: `ESC-1001: bank-letter.pdf (${PDF.length} bytes)` });
  await expect(page.locator('#ev-title-1')).toHaveValue('ESC-1001: bank-letter.pdf');
  await expect(page.locator('.rca-evidence')).toContainText(`SHA-256 ${hash}`);
  await page.getByRole('button', { name: 'Save worksheet' }).click();
  await expect(page.locator('.save-bar')).toContainText('Saved.');

  await page.reload();
  await expect(page.getByLabel('File on a linked case')).toHaveValue(hash);
  await page.getByRole('link', { name: 'Open bank-letter.pdf on ESC-1001' }).click();
  await expect(rowOf(page, 'bank-letter.pdf')).toBeVisible();
});

test('a 7 MB file travels byte for byte in a plain and in an encrypted bundle (written and read a piece at a time)', async ({ page, app, browser }) => {
  // Random bytes, so base64 pieces joined at the wrong place or a slice read off by one change the hash.
  const { randomBytes } = await import('node:crypto');
  const LEDGER = randomBytes(7 * 1024 * 1024 + 1);
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Acquirer ledger for the disputed payouts' });
  const key = decodeURIComponent(new URL(page.url()).pathname.split('/').pop());
  await panel(page).getByLabel('Attach files').setInputFiles([{ name: 'ledger.bin', mimeType: 'application/octet-stream', buffer: LEDGER }]);
  await expect(rowOf(page, 'ledger.bin')).toBeVisible();

  await page.getByRole('link', { name: 'Data' }).click();
  await page.getByLabel(/^Chosen cases/).check();
  await page.getByLabel('Case keys').fill(key);
  await page.getByLabel(/^Include the attached files/).check();
  await expect(page.getByText(/^Adds 1 file\(s\), 7 MB/)).toBeVisible();
  const plain = await exported(page, 'Export');
  const carried = JSON.parse(plain.text).files;
  expect(carried).toHaveLength(1);
  expect(sha256(Buffer.from(carried[0].base64, 'base64'))).toBe(sha256(LEDGER));

  await page.getByLabel('Encrypt with a passphrase').check();
  await page.getByLabel('Passphrase', { exact: true }).fill('correct horse battery');
  await page.getByLabel('Repeat passphrase').fill('correct horse battery');
  const sealed = await exported(page, 'Export');
  expect(JSON.parse(sealed.text).ciphertext).toBeTruthy();

  for (const [name, text] of [['plain.json', plain.text], ['sealed.edbundle', sealed.text]]) {
    const fresh = await (await browser.newContext()).newPage();
    const errors = [];
    fresh.on('pageerror', (e) => errors.push(e.message));
    await fresh.goto(app.url('/data'));
    await expect(fresh.getByRole('heading', { name: 'Snapshots' })).toBeVisible();
    await dropBundle(fresh, name, text);
    if (name.endsWith('.edbundle')) {
      await fresh.getByLabel('Bundle passphrase').fill('correct horse battery');
      await fresh.getByRole('button', { name: 'Decrypt' }).click();
    }
    await expect(fresh.getByText('Carries 1 attached file(s)')).toBeVisible();
    await fresh.getByRole('button', { name: 'Import', exact: true }).click();
    await expect(fresh.getByText(/1 new and 0 updated case\(s\), 0 unchanged, 1 attached file\(s\) stored/)).toBeVisible();
    await fresh.goto(app.url(`/cases/${key}`));
    const got = await downloaded(fresh, rowOf(fresh, 'ledger.bin'));
    expect(sha256(got.bytes), name).toBe(sha256(LEDGER));
    expect(errors).toEqual([]);
    await fresh.context().close();
  }
});
