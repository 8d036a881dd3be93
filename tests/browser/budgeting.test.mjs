// A participatory budget from start to finish, in a real browser (with the
// page's CSP set aside only so axe-core can be injected): a coordinator sets
// up a process, a citizen sends in a proposal and staff type in another from
// paper, both pass the feasibility review, the citizen votes online, staff
// enter a paper ballot with a one-time code, voting closes, and the results
// page explains why each project was or was not funded. Every page on the
// way is checked with axe-core.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { DEMO_PASSWORD, button, checkErrorSummary, checkFieldError, currentPath, launchBrowser, runAxe, signIn, startServer, submit, tick, withPage } from './harness.mjs';

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

/** The date `days` from today (UTC) as YYYY-MM-DD. */
function day(days) {
  const date = new Date(Date.now() + days * 24 * 60 * 60 * 1000);
  return date.toISOString().slice(0, 10);
}

async function startNextStage(page, stage) {
  await submit(page, button(page, `Start the next stage now: ${stage}`));
  assert.match(await page.locator('main').innerText(), /The next stage has started/);
}

test('a budget goes from proposals to explained results', { timeout: TEST_TIMEOUT_MS }, async () => {
  const suffix = Date.now().toString(36);
  const title = `Kilbrannan Pier Fund ${suffix}`;
  const benches = `Benches on the pier ${suffix}`;
  const railings = `Paint the pier railings ${suffix}`;
  let processId;

  await withPage(browser, server, 'budget-set-up', { bypassCSP: true }, async (page) => {
    await signIn(page, 'coordinator@demo.example', DEMO_PASSWORD);
    await page.goto('/budgeting/manage');
    await noViolations(page, 'the processes organisers run');
    await page.goto('/budgeting/new');
    await noViolations(page, 'the new process form');
    await page.locator('#title').fill(title);
    await page.locator('#description').fill('Small improvements to the pier, chosen by the people who use it.');
    await page.locator('#budget').fill('10000');
    await page.locator('#proposals_open').fill(day(0));
    await page.locator('#review_starts').fill(day(14));
    await page.locator('#voting_opens').fill(day(28));
    await page.locator('#voting_last_day').fill(day(42));
    await page.locator('#delivery_starts').fill(day(90));
    await submit(page, button(page, 'Save the process'));
    const path = currentPath(page);
    assert.match(path, /^\/budgeting\/\d+\/manage$/);
    processId = path.split('/')[2];
    assert.match(await page.locator('main').innerText(), /Proposals \(now\)/);
    await noViolations(page, 'the process dashboard');
  });

  await withPage(browser, server, 'budget-proposal', { bypassCSP: true }, async (page) => {
    await signIn(page, 'citizen@demo.example', DEMO_PASSWORD);
    await page.goto(`/budgeting/${processId}`);
    await noViolations(page, 'the process page');
    await submit(page, page.getByRole('link', { name: 'Send in a proposal' }));
    await noViolations(page, 'the proposal form');
    await page.locator('#title').fill(benches);
    await page.locator('#description').fill('Somewhere to sit and watch the boats.');
    await page.locator('#location').fill('Kilbrannan pier');
    const refused = await submit(page, button(page, 'Send the proposal'));
    assert.equal(refused.status(), 422);
    assert.deepEqual(await checkErrorSummary(page), ['estimated_cost']);
    await checkFieldError(page, 'estimated_cost');
    await noViolations(page, 'the proposal form with an error');
    await page.locator('#estimated_cost').fill('4000');
    const sent = await submit(page, button(page, 'Send the proposal'));
    assert.equal(sent.status(), 200);
    assert.match(await page.locator('main').innerText(), /Thank you for your proposal/);
    await noViolations(page, 'the proposal page');
  });

  await withPage(browser, server, 'budget-review', { bypassCSP: true }, async (page) => {
    await signIn(page, 'coordinator@demo.example', DEMO_PASSWORD);
    await page.goto(`/budgeting/${processId}/proposals/new`);
    await noViolations(page, 'the staff proposal form');
    await tick(page.getByLabel('On paper'));
    await page.locator('#title').fill(railings);
    await page.locator('#description').fill('Written on a card at the harbour open day.');
    await page.locator('#estimated_cost').fill('7000');
    await submit(page, button(page, 'Send the proposal'));
    assert.equal(currentPath(page), `/budgeting/${processId}/manage`);
    await startNextStage(page, 'Feasibility review');

    for (const name of [benches, railings]) {
      await submit(page, page.getByRole('link', { name, exact: true }));
      await noViolations(page, 'the review form');
      await tick(page.getByLabel('It can be done: put it on the ballot'));
      await page.locator('#reason').fill('Checked with the harbour master.');
      await submit(page, button(page, 'Save the review'));
      assert.equal(currentPath(page), `/budgeting/${processId}/manage`);
    }
    await startNextStage(page, 'Voting');
  });

  await withPage(browser, server, 'budget-vote-online', { bypassCSP: true }, async (page) => {
    await signIn(page, 'citizen@demo.example', DEMO_PASSWORD);
    await page.goto(`/budgeting/${processId}`);
    await submit(page, page.getByRole('link', { name: 'Vote online' }));
    assert.match(await page.locator('main').innerText(), /tell us where you live/);
    await noViolations(page, 'the eligibility check');
    await page.locator('#postcode').fill('AV1 1AB');
    await submit(page, button(page, 'Continue'));
    await noViolations(page, 'the ballot');
    await tick(page.getByLabel(new RegExp(`^${benches}`)));
    await submit(page, button(page, 'Send my vote'));
    assert.match(await page.locator('main').innerText(), /Your vote has been recorded/);
    assert.ok(await page.getByLabel(new RegExp(`^${benches}`)).isChecked(), 'the vote is shown back');
    await noViolations(page, 'the recorded vote');
  });

  await withPage(browser, server, 'budget-paper-and-results', { bypassCSP: true }, async (page) => {
    await signIn(page, 'coordinator@demo.example', DEMO_PASSWORD);
    await page.goto(`/budgeting/${processId}/manage`);
    await page.locator('#count').fill('1');
    await submit(page, button(page, 'Issue voting codes'));
    await noViolations(page, 'the new voting codes');
    const code = (await page.locator('main code').first().innerText()).trim();
    assert.match(code, /^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);

    await page.goto(`/budgeting/${processId}/paper-ballots`);
    await noViolations(page, 'the paper ballot form');
    await page.locator('#code').fill(code);
    await tick(page.getByLabel(new RegExp(`^${benches}`)));
    await tick(page.getByLabel(new RegExp(`^${railings}`)));
    await submit(page, button(page, 'Enter the ballot'));
    assert.match(await page.locator('main').innerText(), /The ballot has been entered/);
    // The same code again is refused: each paper ballot is entered once.
    await page.locator('#code').fill(code);
    await tick(page.getByLabel(new RegExp(`^${railings}`)));
    const twice = await submit(page, button(page, 'Enter the ballot'));
    assert.equal(twice.status(), 422);
    assert.deepEqual(await checkErrorSummary(page), ['code']);
    await noViolations(page, 'the paper ballot form with an error');

    await page.goto(`/budgeting/${processId}/manage`);
    await startNextStage(page, 'Results');
    await submit(page, button(page, 'Count the votes and publish the results'));
    assert.equal(currentPath(page), `/budgeting/${processId}/results`);
    const results = await page.locator('main').innerText();
    assert.match(
      results,
      /Funded: it was number 1 by score \(2 votes\), and its cost of £4,000 fitted in the £10,000 still left\./,
    );
    assert.match(
      results,
      /Not funded: it was number 2 by score \(1 vote\), but only £6,000 was left when its turn came, less than its cost of £7,000\./,
    );
    assert.match(results, /Online\s+1\s+50%/);
    assert.match(results, /On paper\s+1\s+50%/);
    assert.equal(await page.locator('svg[role="img"] rect').count(), 2, 'one bar per project');
    await noViolations(page, 'the results page');
  });
});
