// bundles.spec.mjs: export, import, merge, conflicts, encryption, redaction, snapshots and bad files on the Data page.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv from 'ajv/dist/2020.js';
import { test, expect, createCase, loadSample, DIST } from './fixtures.mjs';

const schema = JSON.parse(readFileSync(resolve(DIST, '../public/bundle.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

/** Clicks `button` on the Data page and returns the downloaded file's name and text. */
async function download(page, button) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button, exact: true }).click()]);
  const text = readFileSync(await file.path(), 'utf8');
  return { name: file.suggestedFilename(), text };
}

async function importFile(page, name, text) {
  await page.getByLabel('Choose a bundle file').setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
}

const today = new Date().toISOString().slice(0, 10);

test('export everything, clear the data, import it back: every case, event and playbook returns, and a second import changes nothing', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await loadSample(page);
  await createCase(page, { title: 'JPY refunds rejected by the acquirer exponent check', account: 'Tan Maya Trading', email: 'maya.tan@kopi.example' });
  await page.getByLabel('Note').fill('Acquirer confirmed the exponent bug.');
  await page.getByRole('button', { name: 'Add note' }).click();
  await expect(page.getByLabel('Note')).toHaveValue('');

  await page.getByRole('link', { name: 'Data' }).click();
  await expect(page.getByText('Never backed up from this browser; 201 case(s) exist only here.')).toBeVisible();
  const backup = await download(page, 'Back up everything');
  expect(backup.name).toBe(`escalation-desk-${today}-everything-201.json`);
  const bundle = JSON.parse(backup.text);
  expect(validate(bundle), JSON.stringify(validate.errors)).toBe(true);
  expect(bundle.format).toBe('escalation-desk.bundle');
  expect(bundle.contents.cases).toHaveLength(201);
  await expect(page.getByText(/Last backup .*0 case\(s\) changed since\./)).toBeVisible();

  // Clear this profile's data: the app lets go of its connection and asks for a reload.
  await page.evaluate(() => new Promise((done) => { const r = indexedDB.deleteDatabase('escalation-desk'); r.onsuccess = r.onerror = r.onblocked = done; }));
  await page.goto(app.url('/'));
  await expect(page.getByRole('button', { name: 'Load sample data' })).toBeVisible();

  await page.getByRole('link', { name: 'Data' }).click();
  await importFile(page, backup.name, backup.text);
  const counts = page.getByRole('table', { name: 'What the import would do' });
  await expect(counts.getByRole('row', { name: /^Cases/ })).toHaveText(/Cases\s*201\s*0\s*0\s*0/);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByText(/Imported escalation-desk-.*: 201 new and 0 updated case\(s\), 0 unchanged/)).toBeVisible();

  await page.getByRole('link', { name: 'Queue' }).click();
  await expect(page.getByRole('button', { name: /^Everything/ })).toContainText('201');
  await page.goto(app.url('/cases/ESC-1201'));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('JPY refunds rejected by the acquirer exponent check');
  await expect(page.getByRole('list', { name: 'Timeline' })).toContainText('Acquirer confirmed the exponent bug.');
  // A new case after the import takes the next free key, never one the import brought.
  await page.getByRole('link', { name: 'Queue' }).click();
  await createCase(page, { title: 'Payout held after KYC refresh' });
  await expect(page).toHaveURL(app.url('/cases/ESC-1202'));

  await page.getByRole('link', { name: 'Data' }).click();
  await importFile(page, backup.name, backup.text);
  await expect(page.getByText('Every record in this file is already here; importing it changes nothing.')).toBeVisible();
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByText(/Nothing to import from .*: every record in it is already here\./)).toBeVisible();
});

test('a teammate edits the same case in another profile: the conflict is reviewed, both titles kept, and the snapshot undoes it', async ({ page, app, browser }) => {
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Dispute fees charged twice' });
  await page.goto(app.url('/data?cases=ESC-1001'));
  await expect(page.getByLabel('Case keys')).toHaveValue('ESC-1001');
  const shared = await download(page, 'Export');
  expect(shared.name).toBe(`escalation-desk-${today}-cases-1.json`);
  expect(validate(JSON.parse(shared.text)), JSON.stringify(validate.errors)).toBe(true);

  // The teammate imports it into their own browser profile and edits the title.
  const teammate = await browser.newContext();
  const other = await teammate.newPage();
  await other.goto(app.url('/data'));
  await importFile(other, shared.name, shared.text);
  await other.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(other.getByText(/1 new and 0 updated/)).toBeVisible();
  await other.goto(app.url('/cases/ESC-1001'));
  await other.getByRole('button', { name: 'Edit title' }).click();
  await other.getByLabel('Title', { exact: true }).fill('Dispute fees charged twice (Visa)');
  await other.getByRole('button', { name: 'Save title' }).click();
  await expect(other.getByRole('heading', { level: 1 })).toHaveText('Dispute fees charged twice (Visa)');
  await other.getByLabel('Note').fill('Visa confirmed the duplicate fee.');
  await other.getByRole('button', { name: 'Add note' }).click();
  await expect(other.getByLabel('Note')).toHaveValue('');
  await other.goto(app.url('/data?cases=ESC-1001'));
  const theirs = await download(other, 'Export');
  await teammate.close();

  // Meanwhile this profile retitled it too.
  await page.goto(app.url('/cases/ESC-1001'));
  await page.getByRole('button', { name: 'Edit title' }).click();
  await page.getByLabel('Title', { exact: true }).fill('Dispute fees charged twice — refund due');
  await page.getByRole('button', { name: 'Save title' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Dispute fees charged twice — refund due');

  await page.getByRole('link', { name: 'Data' }).click();
  await importFile(page, theirs.name, theirs.text);
  const counts = page.getByRole('table', { name: 'What the import would do' });
  await expect(counts.getByRole('row', { name: /^Cases/ })).toHaveText(/Cases\s*0\s*0\s*0\s*1/);
  const conflict = page.getByRole('group', { name: 'ESC-1001 · Title' });
  await expect(conflict).toContainText('Dispute fees charged twice — refund due');
  await expect(conflict).toContainText('Dispute fees charged twice (Visa)');
  const importButton = page.getByRole('button', { name: 'Import', exact: true });
  await expect(importButton).toBeDisabled();
  await conflict.getByLabel('Keep both').check();
  await importButton.click();
  await expect(page.getByText(/Imported .*0 new and 1 updated/)).toBeVisible();

  await page.goto(app.url('/cases/ESC-1001'));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Dispute fees charged twice — refund due / Dispute fees charged twice (Visa)');
  const timeline = page.getByRole('list', { name: 'Timeline' });
  await expect(timeline).toContainText('Visa confirmed the duplicate fee.');
  await expect(timeline.getByText('Visa confirmed the duplicate fee.')).toHaveCount(1);

  // The same file again: its events are all here already, and my title stays.
  await page.getByRole('link', { name: 'Data' }).click();
  await importFile(page, theirs.name, theirs.text);
  await expect(page.getByText('Every record in this file is already here; importing it changes nothing.')).toBeVisible();
  await page.getByRole('button', { name: 'Cancel' }).click();

  // The snapshot taken before the import puts the case back as it was.
  const snapshots = page.getByRole('table').filter({ hasText: 'Before importing' });
  await snapshots.getByRole('button', { name: 'Restore…' }).first().click();
  await page.getByRole('button', { name: 'Yes, restore' }).click();
  await expect(page.getByText(/Restored the snapshot from/)).toBeVisible();
  await page.goto(app.url('/cases/ESC-1001'));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Dispute fees charged twice — refund due');
  await expect(page.getByRole('list', { name: 'Timeline' })).not.toContainText('Visa confirmed the duplicate fee.');
});

test('bad files are refused with what, where and why, and nothing changes', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Payouts held since Monday' });
  await page.getByRole('link', { name: 'Data' }).click();
  const good = JSON.parse((await download(page, 'Back up everything')).text);
  const variant = (edit) => { const copy = structuredClone(good); edit(copy); return JSON.stringify(copy); };
  const cases = [
    ['notes.txt', 'Dear team, the payouts…', 'not JSON'],
    ['cut.json', JSON.stringify(good).slice(0, 500), 'looks truncated'],
    ['other.json', variant((b) => { b.format = 'excalidraw'; }), 'format: expected "escalation-desk.bundle"'],
    ['future.json', variant((b) => { b.version = 2; }), 'made by a newer Escalation Desk (format version 2); update first'],
    ['status.json', variant((b) => { b.contents.cases[0].status = 'Pending'; }), "contents.cases[0].status: unknown value 'Pending'"],
    ['date.json', variant((b) => { b.contents.cases[0].created_at = '2026-02-30T10:00:00Z'; }), 'contents.cases[0].created_at:'],
    ['dupes.json', variant((b) => { b.contents.cases.push(structuredClone(b.contents.cases[0])); }), 'contents.cases[1].id: duplicate id'],
  ];
  for (const [name, text, message] of cases) {
    await importFile(page, name, text);
    const alert = page.getByRole('alert').filter({ hasText: `${name} was not imported` });
    await expect(alert).toContainText(message);
    await expect(alert).toContainText('Nothing on this device changed.');
  }
  // A 1.1 GB file dropped on the page is refused by its size, before it is read (nine views of
  // one 128 MB Blob, so the test itself stays small); 200 MB of zeros at its first byte.
  const drop = (name, megabytes) => page.evaluate(([name, megabytes]) => {
    const slab = new Blob([new Uint8Array(128 * 1024 * 1024)]);
    const parts = [];
    for (let left = megabytes; left > 0; left -= 128) parts.push(left >= 128 ? slab : slab.slice(0, left * 1024 * 1024));
    const transfer = new DataTransfer();
    transfer.items.add(new File(parts, name, { type: 'application/json' }));
    document.querySelector('.drop-zone').dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, [name, megabytes]);
  await drop('huge.json', 1152);
  await expect(page.getByRole('alert').filter({ hasText: 'huge.json was not imported' })).toContainText('the file is 1152 MB; bundle files over 1024 MB are refused');
  await drop('zeros.json', 200);
  await expect(page.getByRole('alert').filter({ hasText: 'zeros.json was not imported' })).toContainText('not JSON: a bundle starts with {, this file with byte 0x00 at 0');
  await expect(page.getByText('No snapshots yet.')).toBeVisible();
  await page.getByRole('link', { name: 'Queue' }).click();
  await expect(page.locator('tr.case-row')).toHaveCount(1);
});

test('an encrypted export opens only with its passphrase, and a dropped file imports like a picked one', async ({ page, app, browser }) => {
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Enterprise invoice double-billed', account: 'Harbour Freight Pte' });
  await page.getByRole('link', { name: 'Data' }).click();
  await page.getByLabel('Encrypt with a passphrase').check();
  await page.getByLabel('Passphrase', { exact: true }).fill('short');
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Passphrase: use at least 10 characters' })).toBeVisible();
  await page.getByLabel('Passphrase', { exact: true }).fill('correct horse battery');
  await page.getByLabel('Repeat passphrase').fill('correct horse battery');
  const sealed = await download(page, 'Export');
  expect(sealed.name).toBe(`escalation-desk-${today}-everything-1.edbundle`);
  const envelope = JSON.parse(sealed.text);
  expect(envelope).toMatchObject({ format: 'escalation-desk.encrypted-bundle', kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations: 600000 }, cipher: { name: 'AES-GCM', length: 256 } });
  expect(sealed.text).not.toContain('Harbour Freight');

  const fresh = await (await browser.newContext()).newPage();
  await fresh.goto(app.url('/data'));
  await expect(fresh.getByRole('heading', { name: 'Snapshots' })).toBeVisible();
  await fresh.evaluate((text) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([text], 'from-maya.edbundle'));
    document.querySelector('.drop-zone').dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, sealed.text);
  await expect(fresh.getByText('from-maya.edbundle is encrypted.')).toBeVisible();
  await fresh.getByLabel('Bundle passphrase').fill('wrong horse battery');
  await fresh.getByRole('button', { name: 'Decrypt' }).click();
  await expect(fresh.getByRole('alert').filter({ hasText: 'from-maya.edbundle' })).toContainText('that passphrase does not open this bundle');
  await fresh.getByLabel('Bundle passphrase').fill('correct horse battery');
  await fresh.getByRole('button', { name: 'Decrypt' }).click();
  await fresh.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(fresh.getByText(/1 new and 0 updated/)).toBeVisible();
  await fresh.goto(app.url('/cases/ESC-1001'));
  await expect(fresh.getByRole('heading', { level: 1 })).toHaveText('Enterprise invoice double-billed');
});

test('a redacted export replaces contact details with pseudonyms and says what it replaced', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Card 4242 4242 4242 4242 declined for Harbour Freight', account: 'Harbour Freight Pte', email: 'wei.ling@harbour.example' });
  await page.getByLabel('Note').fill('Called Wei Ling on +65 6123 4567; she read the card number 4242 4242 4242 4242.');
  await page.getByRole('button', { name: 'Add note' }).click();
  await expect(page.getByLabel('Note')).toHaveValue('');
  await page.getByRole('link', { name: 'Queue' }).click();
  await page.getByLabel('Select ESC-1001').check();
  await page.getByRole('link', { name: 'Export selected…' }).click();
  await expect(page.getByLabel('Case keys')).toHaveValue('ESC-1001');
  await page.getByLabel('Redact personal data').check();
  const redacted = await download(page, 'Export');
  expect(redacted.name).toBe(`escalation-desk-${today}-cases-1-redacted.json`);
  for (const secret of ['wei.ling@harbour.example', 'Harbour Freight', '6123 4567', '4242 4242 4242 4242']) {
    expect(redacted.text).not.toContain(secret);
  }
  const bundle = JSON.parse(redacted.text);
  expect(validate(bundle), JSON.stringify(validate.errors)).toBe(true);
  expect(bundle.redaction).toMatchObject({ names: 1, accounts: 1, phones: 1, cards: 1 });
  expect(redacted.text).not.toContain('Wei Ling');
  expect(bundle.contents.cases[0].title).toBe('Card [card 1] declined for Account 1');
  await expect(page.getByRole('status').filter({ hasText: 'Redacted:' })).toContainText('1 person name(s), 1 account(s)');
});

test('the golden v1 bundles validate against the published schema', async () => {
  for (const name of ['bundle-v1.json', 'bundle-v1-rca.json', 'bundle-v1-files.json']) {
    const golden = JSON.parse(readFileSync(resolve(DIST, `../tests/fixtures/${name}`), 'utf8'));
    expect(validate(golden), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
  }
  // The schema is not a formality: a sign-off hash that is not SHA-256 hex is refused.
  const broken = JSON.parse(readFileSync(resolve(DIST, '../tests/fixtures/bundle-v1-rca.json'), 'utf8'));
  broken.contents.rcas[0].signoffs[0].content_hash = 'not-a-hash';
  expect(validate(broken)).toBe(false);
});
