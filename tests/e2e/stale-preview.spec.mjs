// stale-preview.spec.mjs: an import writes nothing when another tab changed, during the preview, a record the import would write; it names what moved and offers to preview again.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createCipheriv, pbkdf2Sync, randomBytes, randomUUID } from 'node:crypto';
import { test, expect, createCase } from './fixtures.mjs';

/** A device holding one case, one worksheet and one problem, and a bundle that brings one new record of every kind. */
async function deviceAndBundle(page, app) {
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Payouts held for Kopi' });
  await page.getByRole('link', { name: 'Start an RCA' }).click();
  await page.getByRole('button', { name: 'Start worksheet' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('RCA-1');
  await page.getByRole('link', { name: 'Problems' }).click();
  await page.getByLabel('Problem title').fill('JPY refunds multiplied by 100');
  await page.getByLabel('What is known').fill('Acquirer applies a 2-decimal exponent to JPY.');
  await page.getByRole('button', { name: 'Open problem' }).click();
  await expect(page.getByRole('link', { name: 'PRB-1' })).toBeVisible();

  await page.getByRole('link', { name: 'Data' }).click();
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Back up everything', exact: true }).click()]);
  const bundle = JSON.parse(readFileSync(await file.path(), 'utf8'));
  const c = bundle.contents;
  const newCase = structuredClone(c.cases[0]);
  newCase.id = randomUUID();
  newCase.key = 'ESC-1500';
  newCase.title = 'Refunds fail in JPY only';
  newCase.events = newCase.events.map((e) => ({ ...e, id: randomUUID() }));
  c.cases.push(newCase);
  const playbook = structuredClone(c.playbooks[0]);
  playbook.id = randomUUID();
  playbook.versions = playbook.versions.map((v) => ({ ...v, content: { ...v.content, title: 'Imported playbook' } }));
  c.playbooks.push(playbook);
  c.templates.push({ ...c.templates[0], id: 'imported-template', name: 'Imported template' });
  c.partners.push({ name: 'Imported partners', contact: 'imported@example.com', channel: 'Email', ola_minutes: 240 });
  c.problems.push({ ...c.problems[0], id: randomUUID(), key: 2, title: 'Imported problem' });
  c.rcas.push({ ...c.rcas[0], id: randomUUID(), key: 2 });
  return { name: 'teammate.json', text: JSON.stringify(bundle), playbook, problem: c.problems.at(-1) };
}

/**
 * Changes the app's IndexedDB directly, as another tab's save would, in one read-write
 * transaction on `store`; `change` names the change (see the switch below).
 */
async function anotherTab(page, change, bundle) {
  await page.evaluate(({ change, bundle }) => new Promise((done, fail) => {
    const store = { playbook: 'playbooks', problem: 'problems', rca: 'rcas' }[change] ?? 'meta';
    const open = indexedDB.open('escalation-desk');
    open.onerror = () => fail(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction(store, 'readwrite');
      const s = tx.objectStore(store);
      switch (change) {
        // The other tab saved the same record first: readable, so the next preview compares with it.
        case 'playbook': s.put(JSON.stringify({ v: 1, ...bundle.playbook, revision: 7 }), bundle.playbook.id); break;
        case 'problem': s.put(JSON.stringify({ v: 1, ...bundle.problem, revision: 7 }), bundle.problem.id); break;
        case 'rca': {
          const all = s.getAll();
          all.onsuccess = () => { const r = JSON.parse(all.result[0]); r.revision += 1; s.put(JSON.stringify(r), r.id); };
          break;
        }
        case 'templates': s.put(JSON.stringify({ templates: [] }), 'email_templates'); break;
        case 'partners': s.put(JSON.stringify({ teams: [] }), 'partner_directory'); break;
        case 'numbering': {
          const next = s.get('next_case_number');
          next.onsuccess = () => s.put(next.result + 1, 'next_case_number');
          break;
        }
        default: fail(new Error(`unknown change ${change}`));
      }
      tx.oncomplete = () => { db.close(); done(); };
      tx.onerror = () => fail(tx.error);
    };
  }), { change, bundle });
}

const kinds = [
  { change: 'playbook', moved: "playbook 'Imported playbook'" },
  { change: 'problem', moved: "problem 'PRB-2 Imported problem'" },
  { change: 'rca', moved: 'the RCA worksheets' },
  { change: 'templates', moved: 'the email templates' },
  { change: 'partners', moved: 'the partner teams' },
  { change: 'numbering', moved: 'the case numbering (a case was created)' },
];

for (const kind of kinds) {
  test(`another tab changing ${kind.moved} during the preview: nothing is written, it is named, and a new preview imports`, async ({ page, app }) => {
    const bundle = await deviceAndBundle(page, app);
    await page.getByLabel('Choose a bundle file').setInputFiles({ name: bundle.name, mimeType: 'application/json', buffer: Buffer.from(bundle.text) });
    await expect(page.getByRole('heading', { name: `Preview of ${bundle.name}` })).toBeVisible();

    await anotherTab(page, kind.change, bundle);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'was not imported' });
    await expect(refusal).toContainText(`since the preview, another tab changed ${kind.moved}; nothing was written`);

    // Nothing of the file landed: its new case is not here.
    await page.goto(app.url('/cases/ESC-1500'));
    await expect(page.getByRole('heading', { level: 1 })).not.toHaveText('Refunds fail in JPY only');
    await page.goBack();
    await page.getByLabel('Choose a bundle file').setInputFiles({ name: bundle.name, mimeType: 'application/json', buffer: Buffer.from(bundle.text) });
    await expect(page.getByRole('heading', { name: `Preview of ${bundle.name}` })).toBeVisible();
    // What the other tab saved is now part of the comparison: keep it where the two differ.
    for (const keep of await page.getByRole('radio', { name: 'Keep mine' }).all()) await keep.check();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await expect(page.getByText(/Imported teammate\.json: 1 new/)).toBeVisible();
  });
}

/** `text` sealed as the app seals an encrypted export (src/bundle/encrypted.rs), with Node's own crypto. */
function sealed(text, passphrase) {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const key = pbkdf2Sync(passphrase, salt, 600000, 32, 'sha256');
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(text, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return JSON.stringify({
    format: 'escalation-desk.encrypted-bundle', version: 1,
    kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations: 600000, salt: salt.toString('base64') },
    cipher: { name: 'AES-GCM', length: 256, iv: iv.toString('base64') },
    ciphertext: ciphertext.toString('base64'),
  });
}

test('"Preview again" of a decrypted bundle makes a fresh preview without asking for the passphrase again', async ({ page, app }) => {
  const bundle = await deviceAndBundle(page, app);
  const name = 'teammate.edbundle';
  await page.getByLabel('Choose a bundle file').setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(sealed(bundle.text, 'correct horse battery')) });
  await expect(page.getByText(`${name} is encrypted.`)).toBeVisible();
  await page.getByLabel('Bundle passphrase').fill('correct horse battery');
  await page.getByRole('button', { name: 'Decrypt' }).click();
  await expect(page.getByRole('heading', { name: `Preview of ${name}` })).toBeVisible();
  await anotherTab(page, 'numbering', bundle);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'was not imported' })).toContainText('the case numbering');
  await page.getByRole('button', { name: 'Preview again' }).click();
  await expect(page.getByRole('heading', { name: `Preview of ${name}` })).toBeVisible();
  await expect(page.getByLabel('Bundle passphrase')).toHaveCount(0);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByText(/Imported teammate\.edbundle: 1 new/)).toBeVisible();
});

test('"Preview again" makes a fresh preview of the same file after a refusal', async ({ page, app }) => {
  const bundle = await deviceAndBundle(page, app);
  await page.getByLabel('Choose a bundle file').setInputFiles({ name: bundle.name, mimeType: 'application/json', buffer: Buffer.from(bundle.text) });
  await expect(page.getByRole('heading', { name: `Preview of ${bundle.name}` })).toBeVisible();
  await anotherTab(page, 'numbering', bundle);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'was not imported' })).toContainText('the case numbering');
  await page.getByRole('button', { name: 'Preview again' }).click();
  await expect(page.getByRole('heading', { name: `Preview of ${bundle.name}` })).toBeVisible();
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByText(/Imported teammate\.json: 1 new/)).toBeVisible();
});

test('"Preview again" after the picked file was moved away says so and changes nothing; picked again, it imports', async ({ page, app }, testInfo) => {
  const bundle = await deviceAndBundle(page, app);
  const path = testInfo.outputPath(bundle.name);
  writeFileSync(path, bundle.text);
  await page.getByLabel('Choose a bundle file').setInputFiles(path);
  await expect(page.getByRole('heading', { name: `Preview of ${bundle.name}` })).toBeVisible();
  await anotherTab(page, 'numbering', bundle);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'was not imported' })).toContainText('the case numbering');
  renameSync(path, `${path}.moved`);
  await page.getByRole('button', { name: 'Preview again' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'was not imported' })).toContainText('if it was moved, renamed or changed since it was picked, choose it again. Nothing on this device changed.');
  await expect(page.getByRole('heading', { name: `Preview of ${bundle.name}` })).toHaveCount(0);
  await page.goto(app.url('/cases/ESC-1500'));
  await expect(page.getByRole('heading', { level: 1 })).not.toHaveText('Refunds fail in JPY only');
  await page.goto(app.url('/data'));
  await page.getByLabel('Choose a bundle file').setInputFiles(`${path}.moved`);
  await expect(page.getByRole('heading', { name: `Preview of ${bundle.name}.moved` })).toBeVisible();
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByText(/Imported teammate\.json\.moved: 1 new/)).toBeVisible();
});
