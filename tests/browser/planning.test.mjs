// Community planning in a real browser (CSP set aside only so axe-core can
// be injected): the demo manager, who keeps the partnership's LOIP, adds a
// figure to an indicator (forgetting the source first, which the form
// names), links a co-production initiative to an outcome, drafts a "you
// said, we did" entry and signs it off; a visitor then finds it on the
// public page, and the public plan and its easy-read version pass axe.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  DEMO_PASSWORD,
  button,
  currentPath,
  launchBrowser,
  runAxe,
  signIn,
  startServer,
  submit,
  withPage,
} from './harness.mjs';

const TEST_TIMEOUT_MS = 240_000;
const LOIP = 'Ardnaveen Local Outcomes Improvement Plan 2023 to 2028';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function noViolations(page, what) {
  const violations = await runAxe(page);
  assert.deepEqual(
    violations,
    [],
    `${what} (${page.url()}) has accessibility violations:\n${JSON.stringify(violations, null, 2)}`,
  );
}

test('a manager records progress and signs off what changed', { timeout: TEST_TIMEOUT_MS }, async () => {
  const said = 'You said the community fridge was hard to find.';
  const did = 'We put signs up in the library and on the harbour front.';
  let planPath;
  await withPage(browser, server, 'planning-manager', { bypassCSP: true }, async (page) => {
    await signIn(page, 'manager@demo.example', DEMO_PASSWORD);
    await page.locator('nav').getByRole('link', { name: 'Plans', exact: true }).first().click();
    await page.waitForURL('**/planning');
    await noViolations(page, 'the plans a manager keeps');

    await page.getByRole('link', { name: LOIP, exact: true }).click();
    await page.waitForURL(/\/planning\/plans\/\d+$/);
    planPath = currentPath(page).replace('/planning', '');
    await noViolations(page, "the plan's page for managers");

    // A figure without its source: the form names the field.
    const indicator = 'Residents who feel they can influence decisions affecting their area';
    await page.locator('#figure_indicator').selectOption({ label: indicator });
    await page.locator('#figure_period').fill('2025');
    await page.locator('#figure_value').fill('34.5');
    await submit(page, button(page, 'Add the figure'));
    assert.ok(await page.locator('#figure_source-error').isVisible(), 'the missing source is named');
    await noViolations(page, 'the plan page with an error');

    await page.locator('#figure_indicator').selectOption({ label: indicator });
    await page.locator('#figure_period').fill('2025');
    await page.locator('#figure_value').fill('34.5');
    await page.locator('#figure_source').fill('Community survey 2025');
    await submit(page, button(page, 'Add the figure'));
    assert.ok((await page.locator('[role=status]').textContent()).includes('The figure is added'));
    const table = page.locator('table', { hasText: 'Figures for Residents who feel' });
    assert.ok((await table.textContent()).includes('34.5'));

    // Link a co-production initiative to the first outcome.
    await page.locator('#link_outcome').selectOption({ label: 'People have a real say in the services they use' });
    const initiative = await page
      .locator('#link_record optgroup[label="Co-production initiative"] option')
      .first()
      .textContent();
    await page.locator('#link_record').selectOption({ label: initiative.trim() });
    await submit(page, button(page, 'Link it'));
    assert.ok((await page.locator('[role=status]').textContent()).includes('linked to the outcome'));
    const outcome = page.locator('section', { hasText: 'People have a real say' }).first();
    assert.ok((await outcome.textContent()).includes(initiative.trim()));
    await noViolations(page, 'the plan page after linking');

    // Draft an entry, then sign it off.
    await page.getByRole('link', { name: 'You said, we did: draft and sign off' }).click();
    await page.waitForURL(/\/entries$/);
    await noViolations(page, 'the entries of a plan');
    await page.locator('#said').fill(said);
    await page.locator('#did').fill(did);
    await page.locator('#happened_on').fill('2026-11-30');
    await submit(page, button(page, 'Save the draft'));
    await page.waitForURL(/\/planning\/entries\/\d+/);
    await noViolations(page, 'a draft entry');

    await page.locator('#evidence_kind').selectOption({ label: 'Theme from feedback and complaints' });
    await page.locator('#evidence_reference').fill('7');
    await page.locator('#evidence_label').fill('Feedback theme: finding the fridge');
    await submit(page, button(page, 'Add the evidence'));
    assert.ok((await page.locator('[role=status]').textContent()).includes('The evidence is added'));

    await submit(page, button(page, 'Sign off and publish'));
    assert.ok((await page.locator('[role=status]').textContent()).includes('Signed off'));
    await noViolations(page, 'a signed-off entry');
  });

  await withPage(browser, server, 'planning-public', { bypassCSP: true }, async (page) => {
    await page.goto('/');
    await page.locator('nav').getByRole('link', { name: 'You said, we did', exact: true }).click();
    await page.waitForURL('**/you-said-we-did');
    const body = await page.locator('main').textContent();
    assert.ok(body.includes(said), 'the signed-off entry is public');
    assert.ok(body.includes(did));
    assert.ok(body.includes('Feedback theme: finding the fridge'));
    assert.ok(!body.includes('every second meeting in the evening'), 'a draft stays private');
    await noViolations(page, 'you said, we did');

    await page.locator('nav').getByRole('link', { name: 'Local plans', exact: true }).click();
    await page.waitForURL('**/plans');
    await noViolations(page, 'the list of plans');
    await page.getByRole('link', { name: LOIP, exact: true }).click();
    await page.waitForURL(/\/plans\/\d+$/);
    assert.equal(currentPath(page), planPath);
    assert.ok(await page.locator('svg.coprod-plan-chart').first().isVisible(), 'a chart is drawn');
    assert.ok((await page.locator('main').textContent()).includes('34.5'));
    await noViolations(page, 'the public plan');

    await page.getByRole('link', { name: 'Read this plan in easy read' }).click();
    await page.waitForURL(/\/easy-read$/);
    const easy = await page.locator('main').textContent();
    assert.ok(easy.includes('This is our plan for Ardnaveen.'));
    assert.ok(easy.includes('In 2025 it was 34.5 %.'));
    await noViolations(page, 'the easy-read plan');

    const locality = await page.goto('/you-said-we-did');
    assert.equal(locality.status(), 200);
    await page.getByRole('link', { name: 'Ardnaveen Coast', exact: true }).click();
    await page.waitForURL(/\/you-said-we-did\/localities\/\d+$/);
    assert.ok((await page.locator('main').textContent()).includes('minibus to the lunch club'));
    await noViolations(page, "a locality's you said, we did");
  });
});
