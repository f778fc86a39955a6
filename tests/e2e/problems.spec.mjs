// problems.spec.mjs: problem records and team settings, end to end.
import { test, expect, loadSample, createCase } from './fixtures.mjs';

async function firstKeyWithStatus(page, status) {
  await page.getByRole('link', { name: 'Queue' }).click();
  await page.getByLabel('Status', { exact: true }).selectOption({ label: status });
  return (await page.locator('tr.case-row td.key').first().textContent()).trim();
}

test('a problem links cases and resolving it resolves what may be resolved, after a preview', async ({ page, app }) => {
  await page.goto(app.url('/'));
  await loadSample(page);
  const fresh = await firstKeyWithStatus(page, 'New');
  const working = await firstKeyWithStatus(page, 'In progress');
  const waiting = await firstKeyWithStatus(page, 'Waiting on partner');

  await page.getByRole('link', { name: 'Problems' }).click();
  // The sample desk comes with its own problems, each linking several cases.
  const sampleProblem = page.getByRole('row', { name: /Risk rule R-17 holds payouts/ });
  await expect(sampleProblem).toBeVisible();
  expect(Number(await sampleProblem.locator('td').last().textContent())).toBeGreaterThanOrEqual(2);
  await page.getByLabel('Problem title').fill('JPY refunds multiplied by 100');
  await page.getByLabel('What is known').fill('Acquirer applies a 2-decimal exponent to JPY.');
  await page.getByRole('button', { name: 'Open problem' }).click();
  const ours = page.getByRole('row', { name: /JPY refunds multiplied by 100/ }).getByRole('link').first();
  const key = (await ours.textContent()).trim();
  expect(key).toMatch(/^PRB-\d+$/);
  await ours.click();
  await expect(page.getByRole('heading', { name: 'JPY refunds multiplied by 100' })).toBeVisible();

  for (const [bad, message] of [['abc', "'abc' is not a case key"], ['ESC-99999', 'No case ESC-99999 on this device']]) {
    await page.getByLabel('Case key').fill(bad);
    await page.getByRole('button', { name: 'Link case' }).click();
    await expect(page.getByRole('alert').filter({ hasText: message })).toBeVisible();
  }
  for (const key of [fresh, working, waiting]) {
    await page.getByLabel('Case key').fill(key);
    await page.getByRole('button', { name: 'Link case' }).click();
    await expect(page.locator('ul.linked')).toContainText(key);
  }

  await page.getByLabel('Problem resolution').fill('Acquirer deployed the exponent fix on 25 Nov.');
  const preview = page.locator('.cascade-preview');
  await expect(preview).toContainText('Will update 2 case(s)');
  await expect(preview).toContainText(`${fresh}: triage the case first`);
  await page.getByRole('button', { name: 'Resolve problem' }).click();
  await expect(page.getByText('Problem resolved; 2 linked case(s) updated.')).toBeVisible();

  await page.reload();
  await expect(page.locator('.case-key')).toContainText('Resolved');
  await page.getByRole('link', { name: working }).click();
  await expect(page.locator('.case-key')).toContainText('Resolved');
  await expect(page.locator('.facts')).toContainText(`Resolved with problem ${key}: Acquirer deployed the exponent fix`);
  await page.goBack();
  await page.getByRole('link', { name: fresh }).click();
  await expect(page.locator('.case-key')).toContainText('New');
  await expect(page.getByRole('list', { name: 'Timeline' })).toContainText(`${key} JPY refunds multiplied by 100`);
});

test('team settings: an edited matrix, product areas and triage requirements apply to new work', async ({ page, app }) => {
  await page.goto(app.url('/settings'));
  await page.getByLabel('Priority for Moderate impact, Medium urgency').selectOption('P1');
  // Raising a milder cell above its neighbours flags the more severe cells it now outranks.
  await expect(page.getByText('Check the marked cells')).toContainText('Extensive × Medium');
  await page.getByLabel('Product areas (one per line)').fill('Payouts\nCrypto on-ramp\n\npayouts\n');
  await page.getByLabel('Money at risk').uncheck();
  await page.getByRole('button', { name: 'Save team settings' }).click();
  await expect(page.getByText('Team settings saved.')).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('Priority for Moderate impact, Medium urgency')).toHaveValue('P1');

  await page.getByRole('link', { name: 'Queue' }).click();
  await createCase(page, { title: 'Card on-ramp failing', severity: 'S3' });
  await expect(page.locator('.case-key')).toContainText('P1');
  const areas = await page.getByLabel('Product area').locator('option').allTextContents();
  expect(areas).toEqual(expect.arrayContaining(['Payouts', 'Crypto on-ramp']));
  expect(areas.filter((a) => a.toLowerCase() === 'payouts')).toHaveLength(1);

  await page.getByLabel('What is affected').fill('On-ramp card purchases');
  await page.getByLabel('Since when').fill('2026-11-25T08:00');
  await page.getByRole('button', { name: 'Save scoping' }).click();
  await expect(page.getByText('Scoping complete')).toBeVisible();
  await page.getByLabel('Move to').selectOption({ label: 'Triaged' });
  await page.getByRole('button', { name: 'Change status' }).click();
  await expect(page.locator('.case-key')).toContainText('Triaged');

  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByLabel('Product areas (one per line)').fill('   ');
  await page.getByRole('button', { name: 'Save team settings' }).click();
  await expect(page.getByText('Product areas: keep at least one product area.')).toBeVisible();
});
