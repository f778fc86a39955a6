// skeleton.spec.mjs: the walking skeleton as a specialist uses it: create, edit, note, reload, offline, update.
import { cp, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect, waitForOfflineReady, waitForCachedShellNaming, loadSample, createCase, DIST, draftSaved } from './fixtures.mjs';

test('first run offers sample data, which loads about 200 realistic cases and stays after a reload', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await expect(page.getByRole('heading', { name: 'No cases yet' })).toBeVisible();
  await loadSample(page);
  await page.getByRole('button', { name: /^Everything/ }).click();
  await expect(page.getByText('200 cases')).toBeVisible();
  // Every status of the workflow is represented.
  for (const status of ['New', 'Triaged', 'In progress', 'Waiting on user', 'Waiting on partner', 'Resolved', 'Closed']) {
    await page.getByLabel('Status', { exact: true }).selectOption({ label: status });
    await expect(page.locator('tr.case-row').first()).toContainText(status);
  }
  await page.reload();
  await expect(page.getByRole('button', { name: /^Everything/ })).toContainText('200');
  await expect(page.getByRole('button', { name: 'Load sample data' })).toHaveCount(0);
});

test('create a case, edit its title, add a note: every change is in the timeline and survives a reload', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Payouts held since Monday — payroll due Friday' });

  await expect(page).toHaveURL(app.url('/cases/ESC-1001'));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Payouts held since Monday — payroll due Friday');

  await page.getByRole('button', { name: 'Edit title' }).click();
  await page.getByLabel('Title').fill('Payouts held: SGD 84,000 payroll due Friday');
  await page.getByRole('button', { name: 'Save title' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Payouts held: SGD 84,000 payroll due Friday');

  await page.getByLabel('Note').fill('Called Wei Ling: bank letter coming by 3pm.\nRisk hold code RH-12.');
  await page.getByRole('button', { name: 'Add note' }).click();
  await expect(page.getByLabel('Note')).toHaveValue('');

  const timeline = page.getByRole('list', { name: 'Timeline' });
  await expect(timeline.getByRole('listitem')).toHaveCount(3);
  await expect(timeline).toContainText('opened the case (P2)');
  await expect(timeline).toContainText('changed the title');
  await expect(timeline).toContainText('Called Wei Ling: bank letter coming by 3pm.');

  // A deep link reloads straight into the case, and the sent note's draft is gone with it
  // (a late debounced draft write used to bring the sent text back into the box).
  await draftSaved(page);
  await page.reload();
  await expect(page.getByLabel('Note')).toHaveValue('');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Payouts held: SGD 84,000 payroll due Friday');
  await expect(timeline.getByRole('listitem')).toHaveCount(3);
  await expect(timeline.locator('.note-body')).toHaveText('Called Wei Ling: bank letter coming by 3pm.\nRisk hold code RH-12.');

  await page.getByRole('link', { name: 'Queue' }).click();
  const row = page.locator('tr.case-row', { hasText: 'ESC-1001' });
  await expect(row).toContainText('Payouts held: SGD 84,000 payroll due Friday');
  await expect(row).toContainText('P2');
  await expect(row).toContainText('New');
});

test('bad intake is rejected inline, keeps what was typed, and creates nothing', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await page.getByRole('button', { name: 'New case' }).click();
  await page.getByLabel('Account').fill('Sakura Mart');
  await page.getByLabel('Contact email').fill('pay.sakura.example');
  await page.getByRole('button', { name: 'Create case' }).click();

  await expect(page.getByText('a case needs a title')).toBeVisible();
  await expect(page.getByText("'pay.sakura.example' has no @")).toBeVisible();
  await expect(page.getByLabel('Title')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Account')).toHaveValue('Sakura Mart');
  await expect(page.getByLabel('Contact email')).toHaveValue('pay.sakura.example');
  await expect(page).toHaveURL(app.url('/'));
  await expect(page.getByRole('heading', { name: 'No cases yet' })).toBeVisible();

  await page.getByLabel('Title').fill('Refunds fail in JPY only');
  await page.getByLabel('Contact email').fill('pay@sakura.example');
  await page.getByRole('button', { name: 'Create case' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Refunds fail in JPY only');
});

test('a half-typed intake form and a half-typed note survive a reload', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await page.getByRole('button', { name: 'New case' }).click();
  await page.getByLabel('Title').fill('Invoice wrong by USD 200,000');
  await draftSaved(page);
  await page.reload();
  await page.getByRole('button', { name: 'New case' }).click();
  await expect(page.getByLabel('Title')).toHaveValue('Invoice wrong by USD 200,000');
  await page.getByLabel('Account').fill('Emerald Insurance');
  await page.getByLabel('Contact email').fill('finance@emerald.example');
  await page.getByRole('button', { name: 'Create case' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Invoice wrong by USD 200,000');

  await page.getByLabel('Note').fill('Customer finance will withhold payment until');
  await draftSaved(page);
  await page.reload();
  await expect(page.getByLabel('Note')).toHaveValue('Customer finance will withhold payment until');
});

test('a 1 MB paste into a note is stored whole and shown folded without freezing the page', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Full call transcript' });
  const big = 'Transcript line with <b>tags</b> & émojis 😊\n'.repeat(24_000).slice(0, 1_048_576);
  // Paste it the way a browser does: one input event carrying the whole text.
  // (Playwright's fill() types through DevTools and takes minutes for 1 MB; a user's paste does not.)
  await page.getByLabel('Note').evaluate((textarea, text) => {
    textarea.value = text;
    textarea.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
  }, big);
  await page.getByRole('button', { name: 'Add note' }).click();
  const expand = page.getByRole('button', { name: /Show the whole note/ });
  await expect(expand).toBeVisible();
  // The page still answers input straight after.
  await page.getByRole('button', { name: 'Edit title' }).click();
  await expect(page.getByLabel('Title')).toBeVisible();
  await page.getByRole('button', { name: 'Cancel' }).click();

  await page.reload();
  await page.getByRole('button', { name: /Show the whole note/ }).click();
  const shown = await page.locator('.note-body').textContent();
  expect(shown.length).toBe(big.length);
  expect(shown).toBe(big);
  await expect(page.locator('.note-body b')).toHaveCount(0);
});

test('after one visit the app loads offline, deep links included, and offline work persists', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await loadSample(page);
  await waitForOfflineReady(page);

  await app.goOffline();
  await page.goto(app.url('/cases/ESC-1005'));
  await expect(page.getByText('ESC-1005 ·')).toBeVisible();
  // Offline is normal here: a quiet note in the header, which goes when the connection is back.
  await expect(page.locator('.offline-note')).toHaveText('Offline · saved on this device');
  await page.getByLabel('Note').fill('Typed on a call with no connection.');
  await page.getByRole('button', { name: 'Add note' }).click();
  await expect(page.getByRole('list', { name: 'Timeline' })).toContainText('Typed on a call with no connection.');

  await page.reload();
  await expect(page.getByRole('list', { name: 'Timeline' })).toContainText('Typed on a call with no connection.');

  await app.goOnline();
  await expect(page.locator('.offline-note')).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole('list', { name: 'Timeline' })).toContainText('Typed on a call with no connection.');
});

test('a new build is used on the next load, with no stale mix, and still loads offline afterwards', async ({ page, app }) => {
  // Make "the next build": the same app whose stylesheet has new content and therefore a new hashed name.
  const next = await mkdtemp(join(tmpdir(), 'escalation-next-'));
  try {
    await cp(DIST, next, { recursive: true });
    const css = (await readdir(next)).find((f) => /^main-[0-9a-f]+\.css$/.test(f));
    const newCss = css.replace(/-[0-9a-f]+\.css$/, '-00000000000000ff.css');
    await writeFile(join(next, newCss), (await readFile(join(next, css), 'utf8')) + '\nbody{--build:"next"}\n');
    await rm(join(next, css));
    const html = await readFile(join(next, 'index.html'), 'utf8');
    await writeFile(join(next, 'index.html'), html.replace(`/${css}`, `/${newCss}`).replace(/ integrity="[^"]*"/g, ''));

    await page.goto(app.url('/'));
    await waitForOfflineReady(page);
    const build = () => page.evaluate(() => getComputedStyle(document.body).getPropertyValue('--build').trim());
    expect(await build()).toBe('');

    await app.goOffline();
    await app.goOnline(next);
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Queue' })).toBeVisible();
    expect(await build()).toBe('"next"');
    await waitForCachedShellNaming(page, newCss);

    await app.goOffline();
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Queue' })).toBeVisible();
    expect(await build()).toBe('"next"');
  } finally {
    await rm(next, { recursive: true, force: true });
  }
});

test('when IndexedDB cannot be opened, a page explains why and the app does not crash', async ({ page, app }) => {
  await page.addInitScript(() => {
    Object.defineProperty(window, 'indexedDB', {
      get() {
        throw new DOMException('Access to IndexedDB is blocked by a site setting', 'SecurityError');
      },
    });
  });
  await page.goto(app.url('/cases/ESC-1001'));
  await expect(page.getByRole('heading', { name: 'Escalation Desk cannot store data in this browser' })).toBeVisible();
  await expect(page.getByRole('alert')).toContainText('private');
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Escalation Desk cannot store data in this browser' })).toBeVisible();
});

test('a damaged stored record is reported and left alone, and every good case still loads', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await loadSample(page);
  await page.evaluate(
    () =>
      new Promise((ok, fail) => {
        const open = indexedDB.open('escalation-desk');
        open.onerror = () => fail(open.error);
        open.onsuccess = () => {
          const db = open.result;
          // Cases are packed onto pages of `<byte length>:<text>` fields, stored as UTF-8
          // bytes (src/storage/page.rs); a half-written record joins the first page's good ones.
          const tx = db.transaction('case_pages', 'readwrite');
          const store = tx.objectStore('case_pages');
          const cursor = store.openCursor();
          cursor.onsuccess = () => {
            const damaged = '{"v":1,"title":';
            const page = new TextDecoder().decode(cursor.result.value);
            cursor.result.update(new TextEncoder().encode(`${page}14:damaged-record${damaged.length}:${damaged}`));
          };
          tx.oncomplete = () => (db.close(), ok());
          tx.onerror = () => fail(tx.error);
        };
      }),
  );
  await page.reload();
  await expect(page.getByRole('button', { name: /^Everything/ })).toContainText('200');
  const warning = page.getByRole('alert').filter({ hasText: 'could not be read' });
  await expect(warning).toContainText('1 stored case(s) could not be read');
  await expect(warning).toContainText('damaged-record');
});

test('a failure inside a page shows the error there and the rest of the app keeps working', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Timeline will fail to load' });
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Timeline will fail to load');
  // From now on, reading the event log fails as a broken disk would.
  await page.evaluate(() => {
    const original = IDBDatabase.prototype.transaction;
    IDBDatabase.prototype.transaction = function (stores, ...rest) {
      if ([].concat(stores).includes('log_pages')) throw new DOMException('simulated read failure', 'UnknownError');
      return original.call(this, stores, ...rest);
    };
  });
  await page.getByRole('link', { name: 'Queue' }).click();
  await page.getByRole('link', { name: 'ESC-1001' }).click();
  const failure = page.getByRole('alert').filter({ hasText: 'Something went wrong on this page' });
  await expect(failure).toContainText('the timeline could not be loaded');
  await expect(failure).toContainText('simulated read failure');
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Settings', exact: true })).toBeVisible();
  await expect(failure).toHaveCount(0);
  await page.getByRole('link', { name: 'Queue' }).click();
  await expect(page.locator('tr.case-row', { hasText: 'ESC-1001' })).toBeVisible();
});

test('preferences: the display name signs new events and times follow the chosen time zone', async ({ page, app }) => {
  await page.clock.setFixedTime(new Date('2026-11-25T02:00:00Z'));
  await page.goto(app.url('/settings'));
  await page.getByLabel('Display name').fill('Mei Lin');
  await page.getByLabel('Time zone', { exact: true }).fill('Asia/Singapore');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();

  await page.getByRole('link', { name: 'Queue' }).click();
  await createCase(page, { title: 'Refund stuck for JPY merchant' });
  const timeline = page.getByRole('list', { name: 'Timeline' });
  await expect(timeline).toContainText('Mei Lin opened the case (P2)');
  await expect(timeline.locator('time').first()).toHaveText('Nov 25, 2026, 10:00 AM');
  // The case's clocks run on Singapore time, which is the viewer's too: nothing to add on hover.
  await expect(timeline.locator('time').first()).not.toHaveAttribute('title');

  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByLabel('Time zone', { exact: true }).fill('Mars/Olympus_Mons');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText("'Mars/Olympus_Mons' is not a time zone this browser knows")).toBeVisible();
  await page.getByLabel('Time zone', { exact: true }).fill('America/New_York');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();

  // The same instant, shown in New York: the previous evening.
  await page.goto(app.url('/cases/ESC-1001'));
  await expect(timeline.locator('time').first()).toHaveText('Nov 24, 2026, 9:00 PM');
  // Hovering shows the same instant in the case's own (SLA calendar) zone.
  await expect(timeline.locator('time').first()).toHaveAttribute('title', "Nov 25, 2026, 10:00 AM in Asia/Singapore, the case's time zone");
  await expect(page.locator('.facts time')).toHaveAttribute('title', /in Asia\/Singapore, the case's time zone$/);
  await page.reload();
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByLabel('Display name')).toHaveValue('Mei Lin');
  await expect(page.getByLabel('Time zone', { exact: true })).toHaveValue('America/New_York');
});

test('the theme follows the system colour scheme and keyboard focus is visible', async ({ browser, app }) => {
  const background = async (colorScheme) => {
    const context = await browser.newContext({ colorScheme });
    const page = await context.newPage();
    await page.goto(app.url('/'));
    await expect(page.getByRole('heading', { name: 'Queue' })).toBeVisible();
    const color = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    if (colorScheme === 'dark') {
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');
      const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
      expect(outline).toBe('solid');
    }
    await context.close();
    return color;
  };
  const light = await background('light');
  const dark = await background('dark');
  expect(light).toBe('rgb(246, 247, 249)');
  expect(dark).toBe('rgb(17, 20, 24)');
});
