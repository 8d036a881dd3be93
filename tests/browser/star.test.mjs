// The Co-Production Star in a real browser (CSP set aside only so axe-core
// can be injected): the demo manager adds an initiative, builds its
// business case, runs a self-assessment round with two raters who
// disagree, publishes a charter and sees the star chart. Every page on the
// way is checked with axe-core.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { DEMO_PASSWORD, button, currentPath, launchBrowser, runAxe, signIn, startServer, submit, tick as tickInput, withPage } from './harness.mjs';

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

async function tick(page, label) {
  await tickInput(page.getByLabel(label, { exact: true }));
}

/** Rates every statement `level`, the first co-design statement `coDesign`. */
async function rateRound(page, roundPath, rater, roleLabel, level, coDesign) {
  await page.goto(`${roundPath}/rate`);
  await page.locator('#rater').fill(rater);
  await tick(page, roleLabel);
  for (let i = 0; i < 18; i += 1) {
    const value = i === 2 ? coDesign : level;
    const id = value === '1' ? `#s${i}_level` : `#s${i}_level_${value}`;
    await tickInput(page.locator(id));
  }
  await page.locator('#s2_evidence').fill(`${rater}: what we saw at the last meeting`);
  await submit(page, button(page, 'Save the ratings'));
  assert.equal(currentPath(page), roundPath);
}

test('an initiative is mapped, costed, rated by two people, chartered and drawn as a star', { timeout: TEST_TIMEOUT_MS }, async () => {
  const suffix = Date.now().toString(36);
  await withPage(browser, server, 'star-journey', { bypassCSP: true }, async (page) => {
    await signIn(page, 'manager@demo.example', DEMO_PASSWORD);
    await page.goto('/star');
    await noViolations(page, 'the list of organisations');
    await page.locator('#main-content').getByRole('link', { name: 'Ardnaveen Health and Social Care Partnership', exact: true }).click();
    await page.waitForURL('**/star/*');
    const orgPath = currentPath(page);
    await noViolations(page, "the organisation's star page");
    assert.ok(await page.locator('#grid').isVisible(), 'the Explorer grid is shown');

    // Map it: an initiative, first with its name forgotten.
    await page.getByRole('link', { name: 'Add an initiative', exact: true }).click();
    await page.locator('#service').fill('Carer support');
    const refused = await submit(page, button(page, 'Save the initiative'));
    assert.equal(refused.status(), 422);
    await page.locator('#error-summary a[href="#name"]').waitFor();
    await noViolations(page, 'the initiative form with errors');
    await page.locator('#name').fill(`Carers design the respite service ${suffix}`);
    await tick(page, 'Co-design');
    await tick(page, 'Carers');
    await tick(page, 'Having a say');
    await submit(page, button(page, 'Save the initiative'));
    assert.match(currentPath(page), /^\/star\/initiatives\/\d+$/);
    await noViolations(page, 'the initiative');

    // Focus it: the business case, every step shown.
    await page.getByRole('link', { name: 'Build the business case', exact: true }).click();
    await noViolations(page, 'the empty business case');
    await page.locator('#money').fill('2000');
    await page.locator('#staff_hours').fill('50');
    await page.locator('#staff_hourly_cost').fill('20');
    await page.locator('#o0_description').fill('Carers who get a break before they reach crisis');
    await page.locator('#o0_quantity').fill('5');
    await page.locator('#o0_proxy').fill('1000');
    await page.locator('#o0_source').fill('Worked example');
    await page.locator('#o0_year').fill('2024');
    await page.locator('#o0_deadweight').fill('20');
    await page.locator('#o0_displacement').fill('0');
    await page.locator('#o0_attribution').fill('50');
    await page.locator('#o0_drop_off').fill('0');
    await page.locator('#o0_duration').fill('1');
    await submit(page, button(page, 'Save and work it out'));
    // 5 × £1,000 × 0.8 × 0.5 = £2,000 in year 1; ÷ 1.035 = £1,932.37;
    // inputs £2,000 + 50 × £20 = £3,000; ratio 0.64.
    await page.getByText('£1,932.37').first().waitFor();
    assert.ok(await page.getByText('£3,000.00').first().isVisible());
    await noViolations(page, 'the business case with its working');

    // People it: a round rated by two people who disagree.
    await page.goto(`${orgPath}/rounds`);
    await noViolations(page, 'the self-assessment rounds');
    await page.locator('#name').fill(`Winter ${suffix}`);
    await page.locator('#held_on').fill('01/12/2026');
    await submit(page, button(page, 'Start the round'));
    const roundPath = currentPath(page);
    assert.match(roundPath, /^\/star\/rounds\/\d+$/);
    await page.goto(`${roundPath}/rate`);
    await noViolations(page, 'the rating form');
    await rateRound(page, roundPath, 'Morven', 'Manager', '4', '5');
    await rateRound(page, roundPath, 'Iona', 'Person who uses the service', '3', '2');
    await page.getByText('People see 1 statement differently.').waitFor();
    assert.ok(await page.locator('svg.coprod-radar').isVisible(), 'the star chart is drawn');
    await noViolations(page, 'the round with its star chart');

    // Market it: a charter, approved and published.
    await page.goto(`${orgPath}/charters`);
    await noViolations(page, 'the charters');
    await page.locator('#service').fill(`Respite ${suffix}`);
    await page.locator('#carers_role').fill('Say what kind of break works for you');
    await page.locator('#carers_incentives').fill('A break you chose');
    await submit(page, button(page, 'Save the draft'));
    await noViolations(page, 'the draft charter');
    await submit(page, button(page, 'Approve and publish this version'));
    assert.match(currentPath(page), /^\/charters\/\d+$/);
    await page.getByText('Say what kind of break works for you').waitFor();
    await noViolations(page, 'the published charter');

    // Grow it: the organisation's page and the impact report show the star.
    await page.goto(orgPath);
    assert.ok(await page.locator('svg.coprod-radar').isVisible());
    await page.goto(`${orgPath}/report`);
    await page.getByText(`Carers design the respite service ${suffix}`).first().waitFor();
    await noViolations(page, 'the impact report');
  });
});
