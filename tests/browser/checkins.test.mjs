// Check-in calls in a real browser (with the page's CSP set aside only so
// axe-core can be injected): the demo volunteer opens today's calls, logs
// one of them with a concern (first without saying what was noticed, to
// see every problem named), and the demo coordinator finds the alert at
// the top of the concerns list, acknowledges it and records what was done.
// Every page on the way is checked with axe-core.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { DEMO_PASSWORD, button, currentPath, launchBrowser, runAxe, signIn, startServer, submit, tick, withPage } from './harness.mjs';

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

test('a volunteer raises a concern on a call and the coordinator deals with it', { timeout: TEST_TIMEOUT_MS }, async () => {
  const noticed = `Sounded breathless and said the heating is off ${Date.now().toString(36)}`;
  let person;

  await withPage(browser, server, 'checkins-call', { bypassCSP: true }, async (page) => {
    await signIn(page, 'volunteer@demo.example', DEMO_PASSWORD);
    await page.goto('/checkins');
    await noViolations(page, "the volunteer's calls for today");
    const first = page.locator('#calls-to-make tbody tr').first();
    person = (await first.locator('td').first().innerText()).trim();
    await submit(page, first.getByRole('link'));
    assert.match(currentPath(page), /^\/checkins\/calls\/\d+$/);
    await noViolations(page, 'the log-call form');

    // Worried, but without saying how urgent or what was noticed.
    await tick(page.getByLabel('Spoke with them, and I am worried about them', { exact: true }));
    const refused = await submit(page, button(page, 'Save the call'));
    assert.equal(refused.status(), 422);
    const summary = page.locator('.ds_error-summary');
    assert.equal(await summary.locator('a[href="#urgency"]').count(), 1);
    assert.equal(await summary.locator('a[href="#noticed"]').count(), 1);
    await noViolations(page, 'the log-call form with errors');

    await tick(page.getByLabel('Urgent', { exact: true }));
    await page.locator('#noticed').fill(noticed);
    await page.locator('#note').fill('Rang at ten as planned.');
    const saved = await submit(page, button(page, 'Save the call'));
    assert.equal(saved.status(), 200);
    assert.equal(currentPath(page), '/checkins');
    assert.match(await page.locator('main').innerText(), /the concern sent to the coordinators/);
    assert.match(await page.locator('#calls-logged').innerText(), /I am worried about them/);
    await noViolations(page, 'the calls after logging one');
  });

  await withPage(browser, server, 'checkins-concern', { bypassCSP: true }, async (page) => {
    await signIn(page, 'coordinator@demo.example', DEMO_PASSWORD);
    await page.goto('/concerns');
    await noViolations(page, 'the concerns list');
    // The menu counts the open concerns; the urgent one comes first.
    assert.match(await page.locator('.ds_site-navigation').innerText(), /Concerns \(\d+ open\)/);
    const top = page.locator('#concerns tbody tr').first();
    assert.match(await top.innerText(), new RegExp(noticed));
    assert.match(await top.innerText(), /Urgent/);
    assert.match(await top.innerText(), new RegExp(person));
    await submit(page, top.getByRole('link'));
    assert.match(currentPath(page), /^\/concerns\/\d+$/);
    await noViolations(page, 'an open concern');

    await submit(page, button(page, 'Acknowledge: I am dealing with this'));
    assert.match(await page.locator('main').innerText(), /You have acknowledged the concern/);
    assert.equal((await page.locator('#concern-status').innerText()).trim(), 'Acknowledged');
    await noViolations(page, 'an acknowledged concern');

    await tick(page.getByLabel('Something was done', { exact: true }));
    await page.locator('#action_taken').fill('Rang the family; her son is going round this afternoon.');
    await submit(page, button(page, 'Save'));
    assert.match(await page.locator('main').innerText(), /What was done has been recorded/);
    assert.equal((await page.locator('#concern-status').innerText()).trim(), 'Acted on');
    await noViolations(page, 'a concern acted on');
  });
});
