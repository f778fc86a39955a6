// sync-records.spec.mjs: team sync of whole records through a real CouchDB-compatible server: a problem, an email template and a partner team travel, meet offline, are set aside in a review the whole team answers (two answers at once included), removed, and a removal an edit did not see loses to the edit; copies set aside before team reviews are restored or discarded.
import { expect, createCase } from './fixtures.mjs';
import { teamTest, header, bothSynced, storedWithout, signIn, ALICE } from './team.mjs';

/** The template names a Templates list shows, once it shows them: read at once after a
 * navigation, the list can still be empty (it was, once, in a clean-clone run). */
async function namesIn(list) {
  await expect(list.getByRole('button').nth(1)).toBeVisible();
  return list.getByRole('button').allTextContents();
}

teamTest('whole records sync too: a problem opened by one appears for the other; both resolve it offline, the first to reach the team stays, the other is set aside in a review both see, and the teammate takes it for both; a hostile record and a hostile review are refused', async ({ team: { couch, app } }) => {
  const { alice, bob } = await bothSynced(app);

  await alice.goto(app.url('/problems'));
  await alice.getByLabel('Problem title').fill('JPY refunds multiplied by 100');
  await alice.getByLabel('What is known').fill('Acquirer applies a 2-decimal exponent to JPY.');
  await alice.getByRole('button', { name: 'Open problem' }).click();
  const row = (page) => page.getByRole('row', { name: /JPY refunds multiplied by 100/ });
  const key = (await row(alice).getByRole('link').first().textContent()).trim();
  await bob.goto(app.url('/problems'));
  await expect(row(bob)).toBeVisible({ timeout: 20_000 });

  // Both open it, go offline and resolve it with different words.
  for (const page of [alice, bob]) {
    await row(page).getByRole('link').first().click();
    await expect(page.getByRole('heading', { name: 'JPY refunds multiplied by 100' })).toBeVisible();
    await page.context().setOffline(true);
  }
  await expect(header(bob)).toHaveText(/offline/);
  const words = { alice: 'Acquirer deployed the exponent fix on 25 Nov.', bob: 'Bank confirmed the JPY exponent fix; refunds re-run.' };
  for (const [page, text] of [[alice, words.alice], [bob, words.bob]]) {
    await page.getByLabel('Problem resolution').fill(text);
    await page.getByRole('button', { name: 'Resolve problem' }).click();
    await expect(page.getByText('Problem resolved; 0 linked case(s) updated.')).toBeVisible();
  }
  await expect(header(bob)).toHaveText('1 change(s) waiting: offline');

  // Alice's reaches the team first; then Bob comes back.
  const onServer = async () => (await couch.get('_all_docs?include_docs=true')).rows.map((r) => r.doc)
    .find((d) => d._id.startsWith('rec:problem:') && d.record.value.title === 'JPY refunds multiplied by 100');
  await alice.context().setOffline(false);
  await expect.poll(async () => (await onServer())?.record.value.resolution, { timeout: 20_000 }).toBe(words.alice);
  await bob.context().setOffline(false);
  await expect(bob.getByText(`Resolution: ${words.alice}`)).toBeVisible({ timeout: 20_000 });
  // Bob's version is set aside in a review the whole team sees: Bob's device raises it, and
  // Alice's shows it once it syncs.
  const reviews = (page) => page.getByRole('region', { name: /Conflicts to review/ });
  const subject = `Problem "${key} JPY refunds multiplied by 100"`;
  for (const page of [bob, alice]) {
    await page.goto(app.url('/settings'));
    await expect(reviews(page)).toContainText(`${subject}: alice's version reached the team first and is in place; bob's was set aside`, { timeout: 20_000 });
  }
  await expect(header(alice)).toContainText('1 conflict(s) to review');

  // Alice reads Bob's version and takes it, offline, in a second tab of her profile: that tab
  // does not sync, so the syncing one sends both the review and the record once she is back. It
  // replaces hers for the team, and the review is resolved on both devices.
  const aliceTab = await alice.context().newPage();
  aliceTab.errors = [];
  aliceTab.on('pageerror', (e) => aliceTab.errors.push(e.message));
  await aliceTab.goto(app.url('/settings'));
  await expect(header(aliceTab)).toHaveText(/Synced by another tab/);
  await expect(reviews(aliceTab)).toContainText(`${subject}: alice's version reached the team first`);
  await alice.context().setOffline(true);
  await expect(header(alice)).toContainText('offline');
  await reviews(aliceTab).getByText("Show bob's version").click();
  await expect(reviews(aliceTab).locator('pre')).toContainText(words.bob);
  await reviews(aliceTab).getByRole('button', { name: "Take bob's version" }).click();
  await expect(reviews(aliceTab).getByRole('status')).toContainText(`${subject}: alice's version kept; bob's set aside. Resolved by alice: took bob's version.`);
  await expect(reviews(aliceTab).getByRole('button', { name: "Take bob's version" })).toHaveCount(0);
  await expect(reviews(aliceTab)).toContainText('(not yet synced)');
  // Nothing left her device meanwhile: the team still has her version and an open review.
  expect((await onServer()).record.value.resolution).toBe(words.alice);
  expect((await couch.get('_all_docs?include_docs=true')).rows.map((r) => r.doc)
    .filter((d) => d._id.startsWith('cf:rec:problem:')).map((d) => d.record_review.resolution)).toEqual([null]);
  await alice.context().setOffline(false);
  await expect.poll(async () => (await onServer())?.record.value.resolution, { timeout: 20_000 }).toBe(words.bob);
  await expect(reviews(aliceTab)).not.toContainText('(not yet synced)', { timeout: 20_000 });
  expect(aliceTab.errors).toEqual([]);
  await expect(reviews(bob)).toContainText("Resolved by alice: took bob's version", { timeout: 20_000 });
  await expect(reviews(bob).getByRole('button', { name: "Take bob's version" })).toHaveCount(0);
  await expect(header(bob)).not.toContainText('conflict(s) to review');
  await bob.goto(app.url('/problems'));
  await row(bob).getByRole('link').first().click();
  await expect(bob.getByText(`Resolution: ${words.bob}`)).toBeVisible({ timeout: 20_000 });

  // A record written straight to the server with a date before 1970 is refused on arrival.
  const good = await onServer();
  const hostile = { schema: 1, author: 'admin', record: { kind: 'problem', value: { ...good.record.value, id: '00000000-0000-4000-8000-00000000000a', created_at: '1850-01-01T00:00:00Z' } } };
  const hostileId = 'rec:problem:00000000-0000-4000-8000-00000000000a';
  expect((await couch.put(hostileId, hostile)).status).toBe(201);
  await bob.goto(app.url('/settings'));
  await expect(bob.getByRole('region', { name: 'Team sync' }).getByRole('alert')).toContainText(`${hostileId}: created_at`, { timeout: 20_000 });
  await bob.goto(app.url('/problems'));
  await expect(row(bob)).toHaveCount(1);

  // A review of a record written straight to the server, holding a version that breaks the
  // record's own rules, is refused on arrival too, and no review appears.
  const reviewId = `cf:${good._id}:00000000-0000-4000-8000-00000000000b`;
  const hostileReview = {
    schema: 1, author: 'admin',
    record_review: {
      id: '00000000-0000-4000-8000-00000000000b', record: good._id, kept_from: 'alice',
      set_aside: { kind: 'problem', value: { ...good.record.value, created_at: '1850-01-01T00:00:00Z' } },
      raised_by: 'mallory', raised_at: '2026-12-06T09:00:00Z', resolution: null,
    },
  };
  expect((await couch.put(reviewId, hostileReview)).status).toBe(201);
  await bob.goto(app.url('/settings'));
  await expect(bob.getByRole('region', { name: 'Team sync' }).getByRole('alert')).toContainText(`${reviewId}: record_review.set_aside.created_at`, { timeout: 20_000 });
  await expect(reviews(bob)).not.toContainText('mallory');

  // Team settings are one document too: a product area Alice adds reaches Bob's settings.
  await alice.goto(app.url('/settings'));
  const areas = (page) => page.getByLabel('Product areas (one per line)');
  await areas(alice).fill(`${await areas(alice).inputValue()}\nCrypto on-ramp`);
  await alice.getByRole('button', { name: 'Save team settings' }).click();
  await expect(alice.getByText('Team settings saved.')).toBeVisible();
  await expect.poll(async () => (await couch.get('rec:team_settings:team')).record?.value.product_areas, { timeout: 20_000 })
    .toContain('Crypto on-ramp');
  // Bob's form, open and untouched, shows them when they arrive.
  await bob.goto(app.url('/settings'));
  await expect(areas(bob)).toHaveValue(/Crypto on-ramp$/, { timeout: 20_000 });
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});

teamTest('a template removed in one profile is removed in the other; an edit made offline meanwhile wins and comes back for both; an admin\'s deletion of a template on the server is honoured, of a playbook refused', async ({ team: { couch, app } }) => {
  const { alice, bob } = await bothSynced(app);
  const list = (page) => page.getByRole('navigation', { name: 'Templates' });
  const removeTemplate = async (page, name) => {
    await list(page).getByRole('button', { name, exact: true }).click();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('button', { name: 'Save templates' }).click();
    await expect(page.getByText('Templates saved.')).toBeVisible();
    await expect(list(page).getByRole('button', { name, exact: true })).toHaveCount(0);
  };
  await alice.goto(app.url('/templates'));
  await bob.goto(app.url('/templates'));
  const [first, second, third] = await namesIn(list(alice));
  await expect(list(bob).getByRole('button', { name: first, exact: true })).toBeVisible();

  // Online: Alice removes one; Bob's open editor loses it.
  await removeTemplate(alice, first);
  await expect(list(bob).getByRole('button', { name: first, exact: true })).toHaveCount(0, { timeout: 20_000 });
  await bob.reload();
  await expect(list(bob).getByRole('button', { name: second, exact: true })).toBeVisible();
  await expect(list(bob).getByRole('button', { name: first, exact: true })).toHaveCount(0);

  // Offline: Alice removes another while Bob edits it. Alice's removal reaches the team first.
  await alice.context().setOffline(true);
  await bob.context().setOffline(true);
  await expect(header(bob)).toHaveText(/offline/);
  await removeTemplate(alice, second);
  // The removal waits like any change made offline.
  await expect(header(alice)).toHaveText('1 change(s) waiting: offline', { timeout: 20_000 });
  await list(bob).getByRole('button', { name: second, exact: true }).click();
  await bob.getByLabel('Subject').fill('[{{case.key}}] Update from Bob');
  await bob.getByRole('button', { name: 'Save templates' }).click();
  await expect(bob.getByText('Templates saved.')).toBeVisible();
  await alice.context().setOffline(false);
  await expect(header(alice)).toHaveText(/Synced/, { timeout: 20_000 });
  const docId = async () => {
    const all = await couch.get('_all_docs?include_docs=true');
    return all.rows.find((r) => r.id.startsWith('rec:template:') && r.doc?.record?.value?.name === second)?.id;
  };
  // Removed on the server (no live document of that name is left).
  await expect.poll(docId, { timeout: 20_000 }).toBeUndefined();
  await bob.context().setOffline(false);
  // Bob's edit was made after the version Alice removed: it stays for him and comes back for her.
  await expect.poll(async () => (await docId()) ?? null, { timeout: 20_000 }).not.toBeNull();
  await alice.goto(app.url('/templates'));
  await list(alice).getByRole('button', { name: second, exact: true }).click({ timeout: 20_000 });
  await expect(alice.getByLabel('Subject')).toHaveValue('[{{case.key}}] Update from Bob');
  await expect(list(bob).getByRole('button', { name: second, exact: true })).toBeVisible();
  await expect(list(bob).getByRole('button', { name: first, exact: true })).toHaveCount(0);

  // A playbook deleted straight on the server (by an admin, past the design document) is
  // refused on arrival, and the playbook stays.
  const all = await couch.get('_all_docs');
  const playbookId = all.rows.find((r) => r.id.startsWith('rec:playbook:')).id;
  const playbook = await couch.get(encodeURIComponent(playbookId));
  expect((await couch.put(playbookId, { _rev: playbook._rev, _deleted: true, schema: 1, author: 'admin' })).status).toBeLessThan(300);
  await bob.goto(app.url('/settings'));
  await expect(bob.getByRole('region', { name: 'Team sync' }).getByRole('alert'))
    .toContainText(`${playbookId}: _deleted: only an email template or a partner team is removed through sync`, { timeout: 20_000 });
  await bob.goto(app.url('/playbooks'));
  await expect(bob.getByRole('link', { name: playbook.record.value.versions.at(-1).content.title })).toBeVisible();

  // A template deleted by an admin with CouchDB's own API (no author, past the design document)
  // is removed on both devices, which had not changed it since.
  const templates = await couch.get('_all_docs?include_docs=true');
  const target = templates.rows.find((r) => r.id.startsWith('rec:template:') && r.doc?.record?.value?.name === third);
  expect(target, `${third} is on the server`).toBeTruthy();
  expect((await couch.put(target.id, { _rev: target.doc._rev, _deleted: true })).status).toBeLessThan(300);
  await alice.goto(app.url('/templates'));
  await bob.goto(app.url('/templates'));
  for (const page of [alice, bob]) {
    await expect(list(page).getByRole('button', { name: second, exact: true })).toBeVisible();
    await expect(list(page).getByRole('button', { name: third, exact: true })).toHaveCount(0, { timeout: 20_000 });
  }
  await bob.goto(app.url('/settings'));
  await expect(bob.getByRole('region', { name: 'Team sync' })).not.toContainText(target.id);
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});

teamTest('a template both changed offline: the first to reach the team stays, the other is set aside for the team; answered at once with a keep and a take, the keep settles it and the take is recorded beside it on both devices, and the one set aside stays readable', async ({ team: { couch, app } }) => {
  const { alice, bob } = await bothSynced(app);
  const list = (page) => page.getByRole('navigation', { name: 'Templates' });
  await alice.goto(app.url('/templates'));
  await bob.goto(app.url('/templates'));
  const [name] = await namesIn(list(alice));
  const edit = async (page, subject) => {
    await list(page).getByRole('button', { name, exact: true }).click();
    await page.getByLabel('Subject').fill(subject);
    await page.getByRole('button', { name: 'Save templates' }).click();
    await expect(page.getByText('Templates saved.')).toBeVisible();
  };
  await alice.context().setOffline(true);
  await bob.context().setOffline(true);
  await expect(header(bob)).toHaveText(/offline/);
  await edit(alice, '[{{case.key}}] From Alice');
  await edit(bob, '[{{case.key}}] From Bob');
  await alice.context().setOffline(false);
  const onServer = async () => {
    const all = await couch.get('_all_docs?include_docs=true');
    return all.rows.find((r) => r.id.startsWith('rec:template:') && r.doc?.record?.value?.name === name)?.doc.record.value.subject;
  };
  await expect.poll(onServer, { timeout: 20_000 }).toBe('[{{case.key}}] From Alice');
  await bob.context().setOffline(false);
  await expect(bob.getByLabel('Subject')).toHaveValue('[{{case.key}}] From Alice', { timeout: 20_000 });

  // Both see the review, go offline and answer it at once: Bob keeps the team's version (his
  // answer reaches the server first), Alice takes Bob's. Her take has changed the template all
  // the same, so the review says both, on both devices, and Bob's version is the team's.
  const reviews = (page) => page.getByRole('region', { name: /Conflicts to review/ });
  const raised = `"${name}": alice's version reached the team first and is in place; bob's was set aside`;
  for (const page of [bob, alice]) {
    await page.goto(app.url('/settings'));
    await expect(reviews(page)).toContainText(raised, { timeout: 20_000 });
  }
  await reviews(bob).getByText("Show bob's version").click();
  await expect(reviews(bob).locator('pre')).toContainText('From Bob');
  await bob.context().setOffline(true);
  await alice.context().setOffline(true);
  await expect(header(alice)).toHaveText(/offline/);
  await reviews(bob).getByRole('button', { name: "Keep alice's version" }).click();
  await expect(reviews(bob).getByRole('status')).toContainText(`"${name}": alice's version kept; bob's set aside. Resolved by bob: kept alice's version.`);
  await expect(reviews(bob).getByText('Nothing waits for review.')).toBeVisible();
  await reviews(alice).getByRole('button', { name: "Take bob's version" }).click();
  await expect(reviews(alice).getByRole('status')).toContainText("Resolved by alice: took bob's version.");
  await bob.context().setOffline(false);
  const reviewOnServer = async () => (await couch.get('_all_docs?include_docs=true')).rows
    .find((r) => r.id.startsWith('cf:rec:template:'))?.doc.record_review;
  await expect.poll(async () => (await reviewOnServer())?.resolution?.by, { timeout: 20_000 }).toBe('bob');
  await alice.context().setOffline(false);
  const both = "Resolved by bob: kept alice's version. alice answered too, before seeing that: took bob's version, which replaced alice's version";
  await expect(reviews(alice)).toContainText(both, { timeout: 20_000 });
  await expect(reviews(bob)).toContainText(both, { timeout: 20_000 });
  await expect(reviews(alice).getByRole('button', { name: "Take bob's version" })).toHaveCount(0);
  await expect.poll(onServer, { timeout: 20_000 }).toBe('[{{case.key}}] From Bob');
  expect((await reviewOnServer()).late_take.by).toBe('alice');
  // Bob's version stays readable in the resolved review, and survives a reload.
  await reviews(alice).getByText("Show bob's version").click();
  await expect(reviews(alice).locator('pre')).toContainText('From Bob');
  await bob.reload();
  await expect(reviews(bob)).toContainText(both);
  await expect(header(bob)).not.toContainText('conflict(s) to review');
  await expect(header(alice)).not.toContainText('conflict(s) to review');
  await bob.goto(app.url('/templates'));
  await list(bob).getByRole('button', { name, exact: true }).click();
  await expect(bob.getByLabel('Subject')).toHaveValue('[{{case.key}}] From Bob', { timeout: 20_000 });
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});

teamTest('a partner team removed by one leaves the other\'s open form; one removed while the other is editing it is refused as changed elsewhere, and saving hers over it brings it back for both', async ({ team: { couch, app } }) => {
  const { alice, bob } = await bothSynced(app);
  const names = (page) => page.locator('.partner-directory').getByLabel('Team name')
    .evaluateAll((inputs) => inputs.map((i) => i.value));
  const rowOf = (page, name) => page.locator('.partner-table tbody tr').filter({ has: page.getByRole('button', { name: `Remove ${name}`, exact: true }) });
  const onServer = async (name) => {
    const doc = (await couch.get('_all_docs?include_docs=true')).rows
      .find((r) => r.id === `rec:partner:${name.toLowerCase()}`)?.doc;
    return doc ? doc.record.value.contact : null;
  };
  // Bob keeps a worksheet, as every specialist does: a removal is written alongside it.
  await bob.goto(app.url('/'));
  await createCase(bob, { title: 'Payouts held for Kopi' });
  await bob.getByRole('link', { name: 'Start an RCA' }).click();
  await bob.getByRole('button', { name: 'Start worksheet' }).click();
  await expect(bob.getByRole('heading', { level: 1 })).toContainText('RCA-');
  await alice.goto(app.url('/settings'));
  await bob.goto(app.url('/settings'));
  // The directory shows once start-up has read it; reading the form before that finds no rows.
  await expect.poll(async () => (await names(alice)).length).toBeGreaterThan(1);
  const [first, second] = await names(alice);
  await expect.poll(() => onServer(first), { timeout: 20_000 }).not.toBeNull();
  await expect.poll(() => names(bob)).toContain(first);

  // Alice removes one and saves; Bob's form, untouched, follows without a reload.
  await alice.getByRole('button', { name: `Remove ${first}`, exact: true }).click();
  await alice.getByRole('button', { name: 'Save partner teams' }).click();
  await expect(alice.getByText('Partner teams saved.')).toBeVisible();
  await expect.poll(() => onServer(first), { timeout: 20_000 }).toBeNull();
  await expect.poll(() => names(bob), { timeout: 20_000 }).not.toContain(first);
  expect(await names(bob)).toContain(second);

  // Bob starts editing the second while Alice removes it. His typing stays on screen; his save
  // is refused as changed elsewhere, says nothing was saved, and offers to save his over it.
  await rowOf(bob, second).getByLabel('Contact').fill('payouts-oncall@example.com');
  await alice.getByRole('button', { name: `Remove ${second}`, exact: true }).click();
  await alice.getByRole('button', { name: 'Save partner teams' }).click();
  await expect(alice.getByText('Partner teams saved.')).toBeVisible();
  await expect.poll(() => onServer(second), { timeout: 20_000 }).toBeNull();
  // The removal has reached Bob's device (his stored directory lost it) before he saves.
  await expect.poll(() => storedWithout(bob, 'partner_directory', second), { timeout: 20_000 }).toBe(true);
  await expect(rowOf(bob, second).getByLabel('Contact')).toHaveValue('payouts-oncall@example.com');
  await bob.getByRole('button', { name: 'Save partner teams' }).click();
  const clash = bob.getByRole('alert').filter({ hasText: 'saved the partner teams while you were editing, so nothing was saved' });
  await expect(clash).toBeVisible();
  await clash.getByRole('button', { name: 'Save mine over theirs' }).click();
  await expect(bob.getByText('Partner teams saved.')).toBeVisible();
  // His edit did not see the removal, so it wins: back on the server and in Alice's form.
  await expect.poll(() => onServer(second), { timeout: 20_000 }).toBe('payouts-oncall@example.com');
  await expect.poll(() => names(alice), { timeout: 20_000 }).toContain(second);
  await expect(rowOf(alice, second).getByLabel('Contact')).toHaveValue('payouts-oncall@example.com');
  expect(await names(alice)).not.toContain(first);
  await bob.reload();
  await expect.poll(() => names(bob)).toContain(second);
  expect(await names(bob)).not.toContain(first);
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});

teamTest('a template removed by one while the other is typing in it: her typing stays, her save is refused as changed elsewhere, Take theirs removes it with Undo, and saving after Undo brings it back for both', async ({ team: { couch, app } }) => {
  const { alice, bob } = await bothSynced(app);
  const list = (page) => page.getByRole('navigation', { name: 'Templates' });
  const onServer = async (name) => {
    const all = await couch.get('_all_docs?include_docs=true');
    return all.rows.find((r) => r.id.startsWith('rec:template:') && r.doc?.record?.value?.name === name)?.doc.record.value.subject ?? null;
  };
  await alice.goto(app.url('/templates'));
  await bob.goto(app.url('/templates'));
  const [name] = await namesIn(list(alice));
  await expect.poll(() => onServer(name), { timeout: 20_000 }).not.toBeNull();

  await list(bob).getByRole('button', { name, exact: true }).click();
  await bob.getByLabel('Subject').fill('[{{case.key}}] Bob was typing this');
  await list(alice).getByRole('button', { name, exact: true }).click();
  await alice.getByRole('button', { name: 'Delete', exact: true }).click();
  await alice.getByRole('button', { name: 'Save templates' }).click();
  await expect(alice.getByText('Templates saved.')).toBeVisible();
  await expect.poll(() => onServer(name), { timeout: 20_000 }).toBeNull();
  // Bob's editor keeps what he typed until the removal reaches his device; his save then
  // finds the library changed under it.
  await expect(bob.getByLabel('Subject')).toHaveValue('[{{case.key}}] Bob was typing this');
  const clash = bob.getByRole('alert').filter({ hasText: 'saved the email templates while you were editing, so nothing was saved' });
  await expect.poll(() => storedWithout(bob, 'email_templates', name), { timeout: 20_000 }).toBe(true);
  await bob.getByRole('button', { name: 'Save templates' }).click();
  await expect(clash).toBeVisible();
  await expect(bob.getByText('Templates saved.')).toHaveCount(0);
  await clash.getByRole('button', { name: 'Take theirs' }).click();
  await expect(list(bob).getByRole('button', { name, exact: true })).toHaveCount(0);
  await expect(bob.getByText('Took the other tab\'s templates.')).toBeVisible();
  await bob.getByRole('button', { name: 'Undo', exact: true }).click();
  await list(bob).getByRole('button', { name, exact: true }).click();
  await expect(bob.getByLabel('Subject')).toHaveValue('[{{case.key}}] Bob was typing this');
  await bob.getByRole('button', { name: 'Save templates' }).click();
  await expect(bob.getByText('Templates saved.')).toBeVisible();
  // Saved after the removal, his version returns for the team.
  await expect.poll(() => onServer(name), { timeout: 20_000 }).toBe('[{{case.key}}] Bob was typing this');
  await list(alice).getByRole('button', { name, exact: true }).click({ timeout: 20_000 });
  await expect(alice.getByLabel('Subject')).toHaveValue('[{{case.key}}] Bob was typing this');
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});

teamTest('copies set aside on a device before team reviews existed stay under "Your versions set aside": Restore mine puts one back for the team, Discard mine… asks first and drops the other, and the team\'s stays', async ({ team: { couch, app } }) => {
  const alice = await app.person();
  await signIn(alice, app.url, ALICE);
  await expect(header(alice)).toHaveText(/Synced/);
  const list = (page) => page.getByRole('navigation', { name: 'Templates' });
  await alice.goto(app.url('/templates'));
  const [first, second] = await namesIn(list(alice));
  const docOf = async (name) => (await couch.get('_all_docs?include_docs=true')).rows
    .find((r) => r.id.startsWith('rec:template:') && r.doc?.record?.value?.name === name)?.doc;
  await expect.poll(async () => Boolean(await docOf(first) && await docOf(second)), { timeout: 20_000 }).toBe(true);
  const [teamFirst, teamSecond] = [await docOf(first), await docOf(second)];

  // Two copies as a device before stop 46 kept them: this device's versions of both templates,
  // set aside when Bob's reached the team first.
  const copy = (doc, subject) => ({
    doc_id: doc._id, label: doc.record.value.name, kind: 'Email template', kept_from: 'bob',
    at: '2026-12-04T09:30:00Z',
    mine: { ...doc.record, value: { ...doc.record.value, subject } },
  });
  const items = [copy(teamFirst, '[{{case.key}}] Alice kept this one'), copy(teamSecond, '[{{case.key}}] Alice drops this one')];
  await alice.evaluate((items) => new Promise((done, fail) => {
    const { sync } = JSON.parse(localStorage.getItem('escalation-desk.prefs.v1'));
    const open = indexedDB.open('escalation-desk');
    open.onerror = () => fail(open.error);
    open.onsuccess = () => {
      const tx = open.result.transaction('meta', 'readwrite');
      tx.objectStore('meta').put(JSON.stringify({ target: `${sync.server}${sync.database}`, items }), 'sync_set_aside');
      tx.oncomplete = () => { open.result.close(); done(); };
      tx.onerror = () => fail(tx.error);
    };
  }), items);

  await alice.goto(app.url('/settings'));
  const copies = alice.getByRole('region', { name: /Your versions set aside/ });
  await expect(copies.getByRole('heading')).toHaveText('Your versions set aside (2)');
  const row = (name) => copies.locator('li').filter({ hasText: `Email template "${name}"` });
  await expect(row(first)).toContainText(`Email template "${first}": bob's version reached the team first and is in place; yours was set aside on 2026-12-04 09:30 UTC.`);
  await row(first).getByText('Show your version').click();
  await expect(row(first).locator('pre')).toContainText('Alice kept this one');

  // Restore mine: it replaces the team's, here and on the server.
  await row(first).getByRole('button', { name: 'Restore mine' }).click();
  await expect(copies.getByRole('status')).toHaveText(`Email template "${first}" is back as it was here; your teammates get it once this syncs.`);
  await expect(copies.getByRole('heading')).toHaveText('Your versions set aside (1)');
  await expect.poll(async () => (await docOf(first))?.record.value.subject, { timeout: 20_000 }).toBe('[{{case.key}}] Alice kept this one');

  // Discard mine… asks first; Cancel keeps it, Discard drops it and the team's stays.
  await row(second).getByRole('button', { name: 'Discard mine…' }).click();
  await expect(row(second)).toContainText('Discard your version for good?');
  await row(second).getByRole('button', { name: 'Cancel' }).click();
  await expect(row(second).getByRole('button', { name: 'Restore mine' })).toBeVisible();
  await row(second).getByRole('button', { name: 'Discard mine…' }).click();
  await row(second).getByRole('button', { name: 'Discard', exact: true }).click();
  await expect(copies.getByRole('status')).toHaveText(`Your version of Email template "${second}" was discarded; the team's stays.`);
  await expect(copies.getByRole('heading')).toHaveText('Your versions set aside (0)');
  // Nothing is left stored (the list is read from it on every visit), so a reload shows none.
  const stored = () => alice.evaluate(() => new Promise((done, fail) => {
    const open = indexedDB.open('escalation-desk');
    open.onerror = () => fail(open.error);
    open.onsuccess = () => {
      const read = open.result.transaction('meta').objectStore('meta').get('sync_set_aside');
      read.onsuccess = () => { done(JSON.parse(read.result).items.length); open.result.close(); };
      read.onerror = () => fail(read.error);
    };
  }));
  expect(await stored()).toBe(0);
  await alice.reload();
  await expect(alice.getByRole('region', { name: 'Team sync' })).toBeVisible();
  await expect(alice.getByRole('region', { name: /Your versions set aside/ })).toHaveCount(0);
  expect((await docOf(second)).record.value.subject).toBe(teamSecond.record.value.subject);
  await alice.goto(app.url('/templates'));
  await list(alice).getByRole('button', { name: first, exact: true }).click();
  await expect(alice.getByLabel('Subject')).toHaveValue('[{{case.key}}] Alice kept this one');
  await list(alice).getByRole('button', { name: second, exact: true }).click();
  await expect(alice.getByLabel('Subject')).toHaveValue(teamSecond.record.value.subject);
  expect(alice.errors).toEqual([]);
});
