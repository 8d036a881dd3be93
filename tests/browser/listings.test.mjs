// Keeping the asset map right, in a real browser (with the page's CSP set
// aside only so axe-core can be injected):
// a coordinator adds a listing, a member of the public reports a problem
// with it, and the coordinator resolves the report. Every page on the way
// is checked with axe-core.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { DEMO_PASSWORD, button, currentPath, launchBrowser, runAxe, signIn, startServer, submit, tick, withPage } from './harness.mjs';

const TEST_TIMEOUT_MS = 180_000;

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

test('a listing is added, reported and put right', { timeout: TEST_TIMEOUT_MS }, async () => {
  const name = `Kilbrannan Knit and Natter ${Date.now().toString(36)}`;
  let serviceId;

  await withPage(browser, server, 'listing-added', { bypassCSP: true }, async (page) => {
    await signIn(page, 'coordinator@demo.example', DEMO_PASSWORD);
    await page.goto('/listings');
    await noViolations(page, 'the listings page');
    await page.goto('/listings/new');
    await noViolations(page, 'the new listing form');

    // A wrong postcode first: the error summary says so and links to it.
    await page.locator('#name').fill(name);
    await page.locator('#description').fill('Bring your knitting, or learn. Tea and a blether.');
    await page.locator('#address').fill('The Old School, Main Street');
    await page.locator('#town').fill('Kilbrannan');
    await page.locator('#postcode').fill('AV9 9ZZ');
    await tick(page.locator('#day_we'));
    await page.locator('#opens').fill('14:00');
    await page.locator('#closes').fill('16:00');
    await tick(page.locator('#free'));
    const refused = await submit(page, button(page, 'Save the listing'));
    assert.equal(refused.status(), 422);
    const summary = page.locator('.ds_error-summary');
    assert.match(await summary.innerText(), /do not know that postcode/);
    assert.equal(await summary.locator('a[href="#postcode"]').count(), 1);
    await noViolations(page, 'the listing form with an error');

    await page.locator('#postcode').fill('AV2 3BA');
    const saved = await submit(page, button(page, 'Save the listing'));
    assert.equal(saved.status(), 200);
    assert.equal(currentPath(page), '/listings');
    const row = page.getByRole('link', { name, exact: true });
    const href = await row.getAttribute('href');
    serviceId = href.split('/')[2];
    assert.ok(serviceId, `no listing link for ${name}`);
  });

  await withPage(browser, server, 'listing-reported', { bypassCSP: true }, async (page) => {
    const form = await page.goto(`/services/${serviceId}/report`);
    assert.equal(form.status(), 200);
    await noViolations(page, 'the report form');
    await tick(page.getByLabel('The contact details are wrong'));
    await page.locator('#details').fill('Nobody answers the phone on Wednesdays.');
    const sent = await submit(page, button(page, 'Send the report'));
    assert.equal(sent.status(), 200);
    assert.match(await page.locator('main').innerText(), /Thank you/);
    await noViolations(page, 'the report confirmation');
  });

  await withPage(browser, server, 'listing-report-resolved', { bypassCSP: true }, async (page) => {
    await signIn(page, 'coordinator@demo.example', DEMO_PASSWORD);
    await page.goto('/listings/reports');
    assert.match(await page.locator('main').innerText(), /Nobody answers the phone on Wednesdays/);
    await noViolations(page, 'the report queue');
    const report = page.locator('.ds_inset-text', { hasText: 'Nobody answers the phone on Wednesdays' });
    await report.locator('textarea').fill('Added the mobile number of the organiser.');
    await submit(page, report.getByRole('button', { name: new RegExp(`^Mark as resolved`) }));
    assert.equal(currentPath(page), '/listings/reports');
    assert.doesNotMatch(await page.locator('main').innerText(), /Nobody answers the phone on Wednesdays/);
  });
});
