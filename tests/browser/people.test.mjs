// The person's record in a real browser (CSP set aside only so axe-core
// can be injected): the demo link worker starts a person's record with
// their consent, writes what matters to them, adds a goal with an action
// to the agreed plan, adds two people to the circle of support and sees
// them in the rings picture and the table. Every page on the way is
// checked with axe-core.

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

test('a link worker starts a record with consent, agrees a plan and draws the circle', { timeout: TEST_TIMEOUT_MS }, async () => {
  const suffix = Date.now().toString(36);
  const name = `Morag MacLeod ${suffix}`;
  await withPage(browser, server, 'people-journey', { bypassCSP: true }, async (page) => {
    await signIn(page, 'linkworker@demo.example', DEMO_PASSWORD);
    await page.locator('nav').getByRole('link', { name: "People's records", exact: true }).first().click();
    await page.waitForURL('**/people');
    await noViolations(page, "the list of people's records");

    await page.getByRole('link', { name: "Start a person's record", exact: true }).click();
    await page.waitForURL('**/people/new');
    await noViolations(page, 'the new record form');
    // Consent forgotten first: the form says so beside the box.
    await page.locator('#display_name').fill(name);
    const refused = await submit(page, button(page, 'Save the record'));
    assert.equal(refused.status(), 422);
    assert.ok(await page.locator('#consent_given-error').isVisible());
    await noViolations(page, 'the new record form with an error');

    await page.locator('#preferred_name').fill('Mo');
    await page.locator('#date_of_birth').fill('14/03/1948');
    await page.locator('#phone').fill('01632 960123');
    await page.locator('#contact_by').selectOption('phone');
    await page.locator('#what_matters').fill('I want to get back to the bowling club on a Thursday.');
    await page.locator('label[for="consent_given"]').click();
    assert.ok(await page.locator('#consent_given').isChecked(), 'consent is ticked');
    await submit(page, button(page, 'Save the record'));
    assert.match(currentPath(page), /^\/people\/\d+$/);
    const recordPath = currentPath(page);
    assert.ok(await page.getByText('I want to get back to the bowling club on a Thursday.').isVisible());
    await noViolations(page, "the person's record");

    // The plan: a goal, then an action for it.
    await page.getByRole('link', { name: 'The conversation and agreed plan' }).first().click();
    await page.waitForURL('**/plan');
    await noViolations(page, 'the plan page');
    await page.locator('#goal').fill('Back to the bowling club');
    await page.locator('#goal_outcome').selectOption('seeing_people');
    await submit(page, button(page, 'Add the goal'));
    await page.locator('#action').fill('Find out when the club meets');
    await page.locator('#by_whom').selectOption('team');
    await submit(page, button(page, 'Add the action'));
    assert.ok(await page.getByRole('cell', { name: 'Find out when the club meets', exact: true }).isVisible());
    await noViolations(page, 'the plan with a goal and an action');

    // The circle: two ties.
    await page.goto(`${recordPath}/circle`);
    await noViolations(page, 'the empty circle');
    for (const [who, layer, role] of [
      ['Iain MacLeod', 'household', 'Son'],
      ['Seaview Dementia Cafe', 'informal', 'Weekly cafe'],
    ]) {
      await page.locator('#name').fill(who);
      await page.locator('#layer').selectOption(layer);
      await page.locator('#role').fill(role);
      await submit(page, button(page, 'Add to the circle'));
      assert.equal(currentPath(page), `${recordPath}/circle`);
    }
    const picture = page.getByRole('img', { name: `Circle of support of ${name}` });
    assert.ok(await picture.isVisible(), 'the rings picture is shown');
    assert.equal(await page.locator('svg.coprod-rings g').count(), 2);
    assert.ok(await page.getByRole('cell', { name: 'Iain MacLeod', exact: true }).isVisible());
    assert.ok(await page.getByRole('cell', { name: 'Seaview Dementia Cafe', exact: true }).isVisible());
    await noViolations(page, 'the circle with two ties');

    await page.goto(recordPath);
    assert.ok(await page.getByText('Back to the bowling club').first().isVisible());
    await noViolations(page, 'the record with its plan and circle');
  });
});
