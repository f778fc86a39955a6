// security.spec.mjs: user text stays text, and the app never talks to anyone but its own origin.
import { test, expect, loadSample, createCase } from './fixtures.mjs';
import { XSS } from './xss-corpus.mjs';

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

test(`an XSS corpus of ${XSS.length} payloads in every free-text field shows as typed and never runs`, async ({ page, app }) => {
  test.setTimeout(120_000);
  page.on('dialog', (dialog) => {
    throw new Error(`a dialog opened: ${dialog.message()}`);
  });
  const corpus = XSS.join('\n');
  // Nothing the app rendered may carry an event-handler attribute or an active element.
  const injected = () => page.evaluate(() => {
    const active = document.querySelectorAll('body script, body iframe, body object, body embed, body frameset, body img, body svg, body math, body base, body meta, body form[action^="javascript"], body link');
    const handlers = [...document.querySelectorAll('body *')].filter((el) => [...el.attributes].some((a) => a.name.startsWith('on')));
    const jsLinks = [...document.querySelectorAll('body a[href]')].filter((a) => a.getAttribute('href').trim().toLowerCase().startsWith('javascript'));
    return active.length + handlers.length + jsLinks.length;
  });
  await page.goto(app.url('/'));
  await createCase(page, { title: XSS[8], account: XSS[6] });
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(XSS[8]);

  await page.getByLabel('Note').fill(corpus);
  await page.getByRole('button', { name: 'Add note' }).click();
  const timeline = page.getByRole('list', { name: 'Timeline' });
  // Long notes are folded; unfolded, the text is exactly what was typed.
  await timeline.getByRole('button', { name: /^Show the whole note/ }).first().click();
  await expect(timeline.locator('.note-body').first()).toHaveText(corpus);

  await page.locator('#d-tags').fill(XSS.slice(0, 5).join(', ').replaceAll(',', ' '));
  await page.getByLabel('Contact name').fill(XSS[33]);
  await page.getByRole('button', { name: 'Save details' }).click();
  await expect(page.getByText('Details saved.')).toBeVisible();

  await page.getByRole('link', { name: 'Start a call' }).click();
  await page.getByLabel('Call notes').fill(corpus);
  await page.getByLabel('Next steps').fill(XSS[47]);
  await page.getByRole('button', { name: 'End call and log it' }).click();
  await expect(timeline).toContainText('called the user');
  await timeline.getByRole('button', { name: /^Show the whole note/ }).first().click();
  await expect(timeline.locator('.note-body').first()).toHaveText(corpus);
  expect(await injected()).toBe(0);

  await page.getByRole('link', { name: 'Templates' }).click();
  await page.getByRole('button', { name: 'New template' }).click();
  await page.getByLabel('Name', { exact: true }).fill(XSS[32]);
  // Braces are template syntax, so the one template-injection payload is spaced out here.
  const templateText = corpus.replaceAll('{{', '{ {').replaceAll('}}', '} }');
  await page.getByLabel('Body').fill(templateText);
  await expect(page.locator('.preview-body')).toHaveText(templateText);
  await page.getByRole('button', { name: 'Save templates' }).click();
  await expect(page.getByText('Templates saved.')).toBeVisible();

  await page.goto(app.url('/playbooks/new'));
  await page.getByLabel('Title', { exact: true }).fill(XSS[0]);
  await page.getByLabel('Description').fill(XSS[1]);
  await page.getByLabel('Step title').fill(XSS[2]);
  await page.getByLabel('Instructions (Markdown)').fill(corpus);
  await page.getByRole('button', { name: 'Create playbook' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(XSS[0]);
  await expect(page.locator('.playbook-steps .markdown')).toContainText('<script>window.__pwned=1</script>');
  expect(await injected()).toBe(0);

  await page.getByRole('link', { name: 'Queue' }).click();
  const search = page.getByRole('searchbox', { name: 'Search cases' });
  for (const payload of XSS) {
    await search.fill(payload);
  }
  await search.fill('');
  await expect(page.locator('tr.case-row').first()).toContainText(XSS[8]);
  await page.keyboard.press('Control+k');
  await page.keyboard.type(XSS[53]);
  await page.keyboard.press('Escape');

  expect(await injected()).toBe(0);
  expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
});

test(`an imported bundle carrying the ${XSS.length}-payload corpus in every text field shows it as text and runs nothing`, async ({ page, app }) => {
  test.setTimeout(120_000);
  page.on('dialog', (dialog) => {
    throw new Error(`a dialog opened: ${dialog.message()}`);
  });
  const { readFileSync } = await import('node:fs');
  const golden = JSON.parse(readFileSync(new URL('../fixtures/bundle-v1.json', import.meta.url), 'utf8'));
  const corpus = XSS.join('\n');
  const pick = (i) => XSS[i % XSS.length];
  golden.exported_by.name = pick(3);
  golden.contents.cases.forEach((c, i) => {
    c.title = pick(i * 5);
    c.owner = pick(i * 5 + 1);
    c.account.name = pick(i * 5 + 2);
    c.contacts[0].name = pick(i * 5 + 3);
    c.tags = [pick(i * 5 + 4)];
    c.events.push({ id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, at: c.updated_at, actor: pick(i + 7), kind: { type: 'NoteAdded', text: corpus } });
  });
  golden.contents.templates[0].name = pick(40);
  golden.contents.templates[0].body = corpus.replaceAll('{{', '{ {').replaceAll('}}', '} }');
  golden.contents.playbooks[0].versions.at(-1).content.title = pick(41);
  golden.contents.playbooks[0].versions.at(-1).content.steps[0].instructions = corpus;
  golden.contents.problems[0].title = pick(42);

  await page.goto(app.url('/data'));
  await page.getByLabel('Choose a bundle file').setInputFiles({ name: `${XSS[0]}.json`, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(golden)) });
  await expect(page.getByRole('heading', { name: `Preview of ${XSS[0]}.json` })).toBeVisible();
  await expect(page.getByText(`Exported by ${pick(3)}`)).toBeVisible();
  await page.getByText(`ESC-1001 ${pick(0)}`).click();
  // Its first template and playbook are edited copies of the starter ones here: conflicts.
  await expect(page.getByRole('group', { name: /^Template · / })).toContainText(pick(40));
  await page.getByRole('button', { name: 'Take theirs for all' }).click();
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByText(/6 new and 0 updated/)).toBeVisible();

  const injected = () => page.evaluate(() => {
    const active = document.querySelectorAll('body script, body iframe, body object, body embed, body img, body svg, body math, body base, body meta, body link');
    const handlers = [...document.querySelectorAll('body *')].filter((el) => [...el.attributes].some((a) => a.name.startsWith('on')));
    const jsLinks = [...document.querySelectorAll('body a[href]')].filter((a) => a.getAttribute('href').trim().toLowerCase().startsWith('javascript'));
    return active.length + handlers.length + jsLinks.length;
  });
  await page.getByRole('link', { name: 'Queue' }).click();
  await expect(page.locator('tr.case-row', { hasText: 'ESC-1001' })).toContainText(pick(0));
  await page.goto(app.url('/cases/ESC-1002'));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(pick(5));
  const timeline = page.getByRole('list', { name: 'Timeline' });
  await timeline.getByRole('button', { name: /^Show the whole note/ }).first().click();
  await expect(timeline.locator('.note-body', { hasText: XSS[1] })).toHaveText(corpus);
  await page.goto(app.url(`/playbooks/${golden.contents.playbooks[0].id}`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(pick(41));
  await expect(page.locator('.playbook-steps .markdown').first()).toContainText('<script>window.__pwned=1</script>');
  await page.goto(app.url('/problems'));
  await expect(page.getByRole('cell', { name: pick(42), exact: true })).toBeVisible();
  expect(await injected()).toBe(0);
  expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
});

test('a full disk: the save is refused with a clear message, nothing half-written, and the typed text stays', async ({ page, app }) => {
  // Chromium 156 accepts DevTools' Storage.overrideQuotaForOrigin but ignores it (the quota in
  // navigator.storage.estimate() and the writes it allows stay the same), so the full disk is
  // made at the IndexedDB API, in the shape browsers give it: every put is accepted, and the
  // transaction that holds a large one is aborted when it commits, asynchronously, with a
  // QuotaExceededError on it. Nothing is thrown where the write was made.
  await page.addInitScript(() => {
    const put = IDBObjectStore.prototype.put;
    const tooLarge = new WeakSet();
    IDBObjectStore.prototype.put = function (value, ...rest) {
      // Pages of cases and logs are stored as bytes, other records as text.
      const size = typeof value === 'string' ? value.length : (value && value.byteLength) || 0;
      if (window.__diskFull && size > 100_000) tooLarge.add(this.transaction);
      return put.call(this, value, ...rest);
    };
    const commit = IDBTransaction.prototype.commit;
    IDBTransaction.prototype.commit = function () {
      if (!tooLarge.has(this)) return commit.call(this);
      const full = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      Object.defineProperty(this, 'error', { get: () => full });
      // The disk is found full while committing: commit() returns, and the abort event (with the
      // error on the transaction) reaches the app later, as an event. (Aborting now, before the
      // transaction could commit on its own, is what makes that event come.)
      this.abort();
    };
  });
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Quota probe' });
  await page.getByLabel('Note').fill('A first note that fits.');
  await page.getByRole('button', { name: 'Add note' }).click();
  const timeline = page.getByRole('list', { name: 'Timeline' });
  await expect(timeline).toContainText('A first note that fits.');

  const storedRevision = () => page.evaluate(() => new Promise((done, fail) => {
    const open = indexedDB.open('escalation-desk');
    open.onsuccess = () => {
      const all = open.result.transaction('case_pages').objectStore('case_pages').getAll();
      all.onsuccess = () => {
        // One case, so one page of UTF-8 bytes: 'page1\n', then `<byte length>:<text>` for its
        // key and its record (ASCII here, so bytes and characters agree).
        let rest = new TextDecoder().decode(all.result[0]).slice('page1\n'.length);
        const field = () => {
          const colon = rest.indexOf(':');
          const text = rest.slice(colon + 1, colon + 1 + Number(rest.slice(0, colon)));
          rest = rest.slice(colon + 1 + text.length);
          return text;
        };
        field();
        done(JSON.parse(field()).revision);
        open.result.close();
      };
      all.onerror = () => fail(all.error);
    };
  }));
  const before = await storedRevision();
  await page.evaluate(() => { window.__diskFull = true; });
  const big = 'Call transcript that will not fit. '.repeat(6_000);
  await page.getByLabel('Note').evaluate((textarea, text) => {
    textarea.value = text;
    textarea.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
  }, big);
  await page.getByRole('button', { name: 'Add note' }).click();
  await expect(page.getByText("the disk or the browser's storage quota is full; nothing was saved").first()).toBeVisible();
  // What was typed is still in the field, to copy out or to save once there is space.
  expect(await page.getByLabel('Note').inputValue()).toHaveLength(big.length);
  await expect(timeline.getByText('added a note')).toHaveCount(1);

  // The case record was written before the note's event failed; the transaction took it back.
  await page.evaluate(() => { window.__diskFull = false; });
  await page.reload();
  await expect(timeline.getByText('added a note')).toHaveCount(1);
  await expect(timeline).toContainText('A first note that fits.');
  expect(await storedRevision()).toBe(before);
  // With space again, the same note saves.
  await page.getByLabel('Note').evaluate((textarea, text) => {
    textarea.value = text;
    textarea.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
  }, big);
  await page.getByRole('button', { name: 'Add note' }).click();
  await expect(timeline.getByText('added a note')).toHaveCount(2);
});

test(`SQL console results carrying the ${XSS.length}-payload corpus (values, column names, stored notes, errors) show as text and run nothing`, async ({ page, app }) => {
  test.setTimeout(120_000);
  page.on('dialog', (dialog) => {
    throw new Error(`a dialog opened: ${dialog.message()}`);
  });
  await page.goto(app.url('/'));
  await createCase(page, { title: XSS[0] });
  await page.getByLabel('Note').fill(XSS.join('\n'));
  await page.getByRole('button', { name: 'Add note' }).click();
  await expect(page.locator('.note-body').last()).toContainText(XSS[1]);

  await page.goto(app.url('/sql'));
  await expect(page.getByText(/rows in all, as of/)).toBeVisible({ timeout: 20_000 });
  const grid = page.getByRole('region', { name: 'Query results' });
  const sqlText = (s) => `'${s.replaceAll("'", "''")}'`;
  const values = XSS.map((p) => `(${sqlText(p)})`).join(',\n');
  await page.getByLabel('Query', { exact: true }).fill(`SELECT column1 AS "<img src=x onerror=window.__pwned=1>" FROM (VALUES ${values})`);
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.locator('.sql-summary')).toHaveText(new RegExp(`^${XSS.length} rows in`));
  await expect(grid.locator('th')).toHaveText(['<img src=x onerror=window.__pwned=1>']);
  const seen = new Set();
  const collect = async () => {
    for (const text of await grid.locator('tbody td').allTextContents()) seen.add(text);
  };
  await collect();
  await grid.evaluate((el) => { el.scrollTop = el.scrollHeight; });
  await expect(grid.getByRole('cell', { name: XSS.at(-1), exact: true })).toBeAttached();
  await collect();
  expect(XSS.filter((p) => !seen.has(p)), 'payloads not shown exactly as stored').toEqual([]);

  // What was typed into the app comes back through SQL as text too.
  await page.getByLabel('Query', { exact: true }).fill("SELECT title, (SELECT body FROM events WHERE kind = 'NoteAdded') AS note FROM cases");
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(grid.locator('tbody td').first()).toHaveText(XSS[0]);
  await expect(grid.locator('tbody td').nth(1)).toHaveText(XSS.join('\n'));

  // SQLite's error message quotes the statement: still text.
  await page.getByLabel('Query', { exact: true }).fill('SELECT <script>window.__pwned=1</script>');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('syntax error');

  const injected = await page.evaluate(() => {
    const active = document.querySelectorAll('body script, body iframe, body object, body embed, body img, body math, body base, body meta, body link');
    const handlers = [...document.querySelectorAll('body *')].filter((el) => [...el.attributes].some((a) => a.name.startsWith('on')));
    return active.length + handlers.length;
  });
  expect(injected).toBe(0);
  expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
});
