// A team's shared caseload in a real browser (CSP set aside only so
// axe-core can be injected): the demo link worker opens their team's view
// of today, opens a person they lead, hands them over to a colleague
// (forgetting the note first, which the form names), and the colleague
// finds the person in their own caseload with the note. Every page on the
// way is checked with axe-core.

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

test('a team member hands a person over to a colleague', { timeout: TEST_TIMEOUT_MS }, async () => {
  const note = 'Bowling club on Thursday; Iain drives. Ask about the summer league.';
  let entryPath;
  await withPage(browser, server, 'teams-handover', { bypassCSP: true }, async (page) => {
    await signIn(page, 'linkworker@demo.example', DEMO_PASSWORD);
    await page.locator('nav').getByRole('link', { name: 'Teams', exact: true }).first().click();
    await page.waitForURL('**/teams');
    await noViolations(page, 'the list of teams');

    await page.getByRole('link', { name: 'Ardnaveen link-worker service', exact: true }).click();
    await page.waitForURL(/\/teams\/\d+$/);
    await noViolations(page, "the team's view of today");
    assert.ok(await page.getByRole('heading', { name: 'Plan reviews due' }).isVisible());

    await page.getByRole('link', { name: 'Morag Campbell', exact: true }).first().click();
    await page.waitForURL(/\/teams\/\d+\/caseload\/\d+$/);
    entryPath = currentPath(page);
    assert.equal((await page.locator('#current-lead').textContent()).trim(), 'Lachlan Stewart');
    await noViolations(page, "the person's place on the caseload");

    // The note forgotten: the form says so beside the field.
    await page.locator('#to_id').selectOption({ label: 'Ailsa Munro' });
    await submit(page, button(page, 'Hand over'));
    assert.ok(await page.locator('#note-error').isVisible(), 'the missing note is named');
    await noViolations(page, 'the handover form with an error');

    await page.locator('#to_id').selectOption({ label: 'Ailsa Munro' });
    await page.locator('#note').fill(note);
    await submit(page, button(page, 'Hand over'));
    assert.equal(currentPath(page), entryPath);
    assert.equal((await page.locator('#current-lead').textContent()).trim(), 'Ailsa Munro');
    const newest = page.locator('table tbody tr').first();
    assert.ok((await newest.textContent()).includes(note), 'the handover is first in the history');
    assert.ok((await newest.textContent()).includes('Lachlan Stewart'));
    await noViolations(page, 'the caseload entry after the handover');

    await page.getByRole('link', { name: /Their record/ }).click();
    await page.waitForURL(/\/people\/\d+$/);
    assert.ok(await page.getByRole('heading', { name: 'Team caseload' }).isVisible());
    await noViolations(page, "the person's record on the team's caseload");
  });

  await withPage(browser, server, 'teams-colleague', { bypassCSP: true }, async (page) => {
    await signIn(page, 'ailsa.munro@demo.example', DEMO_PASSWORD);
    await page.goto('/teams');
    await page.getByRole('link', { name: 'Ardnaveen link-worker service', exact: true }).click();
    await page.waitForURL(/\/teams\/\d+$/);
    const mine = page.locator('h2', { hasText: "Ailsa Munro's caseload" });
    assert.ok(await mine.isVisible());
    const list = mine.locator('xpath=following-sibling::ul[1]');
    assert.ok((await list.textContent()).includes('Morag Campbell'));
    assert.ok((await list.textContent()).includes('Ask about the summer league'));
    await noViolations(page, "the colleague's view of today");

    await page.goto(`${entryPath.split('/caseload/')[0]}/caseload`);
    await noViolations(page, "the team's caseload");
    await page.goto(`${entryPath.split('/caseload/')[0]}/members`);
    await noViolations(page, "the team's members");
  });
});
