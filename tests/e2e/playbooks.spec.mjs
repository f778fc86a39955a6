// playbooks.spec.mjs: playbooks end to end: write one, apply it to a case, work the checklist, revise it, and the case keeps its version.
import { test, expect, createCase, draftSaved } from './fixtures.mjs';

const rows = (page) => page.locator('tr.case-row');

test('create a playbook, apply it, tick steps, edit the playbook, and the checklist in flight is unchanged', async ({ page, app }) => {
  page.on('dialog', (dialog) => {
    throw new Error(`a dialog opened: ${dialog.message()}`);
  });
  await page.goto(app.url('/playbooks'));
  // The starter pack is there from the first visit.
  await expect(page.getByRole('link', { name: 'Payout delayed or held' })).toBeVisible();
  await expect(page.locator('.playbook-list li')).toHaveCount(6);

  await page.getByRole('link', { name: 'New playbook' }).click();
  await page.getByLabel('Title', { exact: true }).fill('Refund failed');
  await page.getByLabel('Step title').fill('');
  await page.getByRole('button', { name: 'Create playbook' }).click();
  // A duplicate title and a step without a title are both named.
  const refusal = page.getByRole('alert').filter({ hasText: 'Not saved' });
  await expect(refusal).toContainText("another playbook is already called 'Refund failed'");
  await expect(refusal).toContainText('step 1 needs a title');

  await page.getByLabel('Title', { exact: true }).fill('Payroll payout rescue');
  await page.getByLabel('Description').fill('Payroll depends on this payout.');
  await page.getByLabel('Product areas (comma-separated)').fill('Payouts');
  await page.getByLabel('Tags (comma-separated)').fill('payroll-rescue');
  await page.getByLabel('Step title').fill('Confirm the payroll date');
  await page.getByLabel('Instructions (Markdown)').fill('Ask **when** payroll runs. <script>window.__pwned=1</script> <img src=x onerror="window.__pwned=1">');
  await page.getByText('Preview').click();
  await expect(page.locator('.md-preview strong')).toHaveText('when');
  await expect(page.locator('.md-preview')).toContainText('<script>window.__pwned=1</script>');
  await page.getByRole('button', { name: 'Add a step' }).click();
  await page.getByLabel('Step title').nth(1).fill('Find the payout');
  await page.getByLabel('Evidence required').nth(1).check();
  await page.getByRole('button', { name: 'Add a step' }).click();
  await page.getByLabel('Step title').nth(2).fill('Ask Risk to release it');
  await page.getByRole('button', { name: 'Create playbook' }).click();
  await expect(page.getByRole('heading', { name: 'Payroll payout rescue' })).toBeVisible();
  await expect(page.locator('.playbook-steps > li')).toHaveCount(3);
  await expect(page.locator('.playbook-steps .markdown strong')).toHaveText('when');
  await expect(page.locator('.playbook-steps .markdown script, .playbook-steps .markdown img')).toHaveCount(0);

  // A case that matches the triggers gets it suggested.
  await page.getByRole('link', { name: 'Queue' }).click();
  await createCase(page, { title: 'Payroll payout missing', severity: 'S2' });
  await page.locator('#d-area').selectOption('Payouts');
  await page.locator('#d-tags').fill('payroll-rescue');
  await page.getByRole('button', { name: 'Save details' }).click();
  await expect(page.getByText('Details saved.')).toBeVisible();
  const panel = page.locator('.checklist-panel');
  await panel.getByRole('button', { name: 'Apply Payroll payout rescue' }).click();
  const checklist = panel.locator('.checklist');
  await expect(checklist.locator('h3')).toHaveText('Payroll payout rescue · v1');
  await expect(checklist).toContainText('0 of 3 done');

  await checklist.getByRole('button', { name: 'Tick Confirm the payroll date' }).click();
  await expect(checklist).toContainText('1 of 3 done');
  // Evidence is required for this one.
  await checklist.getByRole('button', { name: 'Tick Find the payout' }).click();
  await expect(panel.getByRole('alert')).toContainText("step 'Find the payout' needs a note or link as evidence");
  await checklist.getByLabel('Evidence or reason for Find the payout').fill('po_991 held by rule R12');
  await checklist.getByRole('button', { name: 'Tick Find the payout' }).click();
  await expect(checklist).toContainText('2 of 3 done');
  await expect(checklist).toContainText('po_991 held by rule R12');
  await checklist.getByLabel('Evidence or reason for Ask Risk to release it').fill('Released automatically overnight');
  await checklist.getByRole('button', { name: 'Skip Ask Risk to release it' }).click();
  await expect(checklist).toContainText('2 of 3 done, 1 skipped');
  await checklist.getByRole('button', { name: 'Reopen Confirm the payroll date' }).click();
  await expect(checklist).toContainText('1 of 3 done, 1 skipped');
  const timeline = page.getByRole('list', { name: 'Timeline' });
  await expect(timeline).toContainText("applied the playbook 'Payroll payout rescue' (v1)");
  await expect(timeline).toContainText("skipped 'Ask Risk to release it'");
  await expect(timeline).toContainText("reopened 'Confirm the payroll date'");
  const caseUrl = page.url();

  // The queue row shows progress.
  await page.getByRole('link', { name: 'Queue' }).click();
  await expect(rows(page).first().locator('.checklist-badge')).toHaveText('2/3');

  // Revise the playbook: drop a step, add two.
  await page.getByRole('link', { name: 'Playbooks' }).click();
  await page.getByRole('link', { name: 'Payroll payout rescue' }).click();
  await page.getByRole('button', { name: 'Edit' }).click();
  await page.getByRole('button', { name: 'Remove step' }).first().click();
  await page.getByRole('button', { name: 'Add a step' }).click();
  await page.getByLabel('Step title').nth(2).fill('Tell the merchant the new date');
  await page.getByRole('button', { name: 'Save as a new version' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Not saved' })).toContainText('say what changed in this version');
  await page.getByLabel('What changed (kept with the version)').fill('Payroll date is on the intake form now');
  await page.getByRole('button', { name: 'Save as a new version' }).click();
  await expect(page.locator('.playbook-view')).toContainText('Version 2');
  const diff = page.getByRole('list', { name: 'Step changes' });
  await expect(diff).toContainText('Removed: Confirm the payroll date');
  await expect(diff).toContainText('Added: Tell the merchant the new date');
  await expect(diff).toContainText('Changed: Find the payout · moved from step 2 to 1');
  await expect(page.locator('.playbook-stats')).toContainText('1 on 1 cases');
  await expect(page.locator('.playbook-stats')).toContainText('Ask Risk to release it (1)');

  // The case still works from version 1, with its three steps and their states.
  await page.goto(caseUrl);
  await expect(checklist.locator('h3')).toHaveText('Payroll payout rescue · v1');
  await expect(checklist.locator('.checklist-steps > li')).toHaveCount(3);
  await expect(checklist).toContainText('Confirm the payroll date');
  await expect(checklist).not.toContainText('Tell the merchant the new date');
  await expect(checklist).toContainText('1 of 3 done, 1 skipped');
  expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
});

test('a half-written playbook survives a reload, and an archived one leaves the library list until asked for', async ({ page, app }) => {
  await page.goto(app.url('/playbooks/new'));
  await page.getByLabel('Title', { exact: true }).fill('Chargeback fee refunds');
  await page.getByLabel('Step title').fill('Check the fee was charged twice');
  await draftSaved(page);
  await page.reload();
  await expect(page.getByText('Unsaved playbook changes from your last visit were restored.')).toBeVisible();
  await expect(page.getByLabel('Title', { exact: true })).toHaveValue('Chargeback fee refunds');
  await expect(page.getByLabel('Step title')).toHaveValue('Check the fee was charged twice');

  await page.getByRole('link', { name: 'Playbooks' }).click();
  await page.getByRole('link', { name: 'Refund failed' }).click();
  await page.getByRole('button', { name: 'Archive' }).click();
  await expect(page.locator('.playbook-view')).toContainText('archived: not suggested or offered on cases');
  await page.getByRole('link', { name: '← Playbooks' }).click();
  await expect(page.getByRole('link', { name: 'Refund failed' })).toHaveCount(0);
  await page.getByLabel('Show archived playbooks').check();
  await expect(page.getByRole('link', { name: 'Refund failed' })).toBeVisible();
});

test('a checklist step with a linked template starts the composer from it', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await createCase(page, { title: 'Held payout for a marketplace seller', severity: 'S2' });
  const panel = page.locator('.checklist-panel');
  await panel.getByLabel('Apply a playbook').selectOption({ label: 'Payout delayed or held' });
  await panel.getByRole('button', { name: 'Apply', exact: true }).click();
  await expect(panel.locator('.checklist h3')).toHaveText('Payout delayed or held · v1');
  await panel.getByRole('button', { name: 'Write “Acknowledge held payout”' }).click();
  const composer = page.locator('.composer-panel');
  await expect(composer.getByLabel('Template')).toHaveValue('ack-payout-held');
  await expect(composer.getByLabel('Subject')).toHaveValue(/^\[ESC-\d+\] Your held payout: we're on it$/);
  await expect(composer.getByLabel('Template')).toBeFocused();
});
