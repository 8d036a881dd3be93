// A complaint in a real browser (with the page's CSP set aside only so
// axe-core can be injected): the demo manager takes a complaint by phone
// for someone, gives the frontline response, takes it to investigation
// when the person is not satisfied, acknowledges it and decides it with
// what was learned and what changes (first without the learning, to see
// it named). The person then follows it by its reference without an
// account and is told about the ombudsman. Every page is checked with
// axe-core.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { DEMO_PASSWORD, button, currentPath, launchBrowser, runAxe, signIn, startServer, submit, withPage } from './harness.mjs';

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

test('a complaint by phone goes from frontline response to a decision with learning', { timeout: TEST_TIMEOUT_MS }, async () => {
  const learned = `Cancelled runs were told to nobody ${Date.now().toString(36)}`;
  let reference;

  await withPage(browser, server, 'feedback-staff', { bypassCSP: true }, async (page) => {
    await signIn(page, 'manager@demo.example', DEMO_PASSWORD);
    await page.goto('/feedback');
    await noViolations(page, 'the feedback queue');
    assert.ok(await page.locator('#overdue tbody tr').count() >= 1, 'the demo has an overdue complaint');

    await page.goto('/feedback/on-behalf');
    await noViolations(page, 'the form for entering a complaint for someone');
    await page.getByLabel('Complaint', { exact: true }).check();
    await page.locator('#about').selectOption({ label: 'Organisation: Ardnaveen Health and Social Care Partnership' });
    await page.locator('#body').fill('The day centre bus did not come and nobody rang to say.');
    await page.locator('#channel').selectOption('phone');
    await page.locator('#name').fill('Kirsty Henderson');
    await page.locator('#phone').fill('01555 010 404');
    const saved = await submit(page, button(page, 'Save'));
    assert.equal(saved.status(), 200);
    assert.match(currentPath(page), /^\/feedback\/\d+$/);
    assert.match(await page.locator('#clock').innerText(), /Frontline response due by/);
    reference = (await page.locator('h1').innerText()).match(/FB-[A-Z0-9-]+/)[0];
    await noViolations(page, 'a new complaint');

    // Stage 1: the frontline response.
    await page.locator('#respond_outcome').selectOption('not_upheld');
    await page.locator('#respond_text').fill('The bus broke down on the way; we are sorry nobody rang.');
    await submit(page, button(page, 'Give the frontline response'));
    assert.match(await page.locator('#status').innerText(), /Answered at stage 1/);
    await noViolations(page, 'a complaint answered at stage 1');

    // Not satisfied: stage 2.
    await page.locator('#escalate_text').fill('She wants to know why nobody rang.');
    await submit(page, button(page, 'Take to investigation (stage 2)'));
    assert.match(await page.locator('#clock').innerText(), /Acknowledgement due by/);
    await submit(page, button(page, 'Acknowledge the investigation'));
    assert.match(await page.locator('#clock').innerText(), /Decision due by/);
    await noViolations(page, 'a complaint under investigation');

    // A decision without what was learned is refused, naming the field.
    await page.locator('#decide_outcome').selectOption('upheld');
    await page.locator('#decide_text').fill('We should have rung everyone booked on the bus.');
    const refused = await submit(page, button(page, 'Give the decision'));
    assert.equal(refused.status(), 422);
    assert.equal(await page.locator('.ds_error-summary a[href="#decide_learning"]').count(), 1);
    await noViolations(page, 'the decision form with an error');

    await page.locator('#decide_learning').fill(learned);
    await page.locator('#decide_changes').fill('The driver now rings the office, and the office rings everyone booked.');
    await submit(page, button(page, 'Give the decision'));
    assert.match(await page.locator('#status').innerText(), /Decided/);
    assert.match(await page.locator('#learning').innerText(), new RegExp(learned));
    await noViolations(page, 'a decided complaint');
  });

  await withPage(browser, server, 'feedback-person', { bypassCSP: true }, async (page) => {
    await page.goto(`/feedback/track/${reference}`);
    const main = await page.locator('main').innerText();
    assert.match(main, new RegExp(learned));
    assert.match(main, /Scottish Public Services Ombudsman/);
    assert.doesNotMatch(main, /Kirsty Henderson/);
    await noViolations(page, 'the page a reference opens');
    await page.goto('/feedback/published');
    await noViolations(page, 'the published feedback');
    await page.goto('/feedback/new');
    await noViolations(page, 'the public feedback form');
  });
});
