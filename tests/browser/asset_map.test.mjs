// Finding help on the community asset map in a real browser: a search by
// words and postcode with JavaScript switched off (the form is plain HTML),
// opening a result, and axe-core on the results, on a postcode error and on
// a service page.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  button,
  checkErrorSummary,
  checkFieldError,
  currentPath,
  launchBrowser,
  runAxe,
  startServer,
  submit,
  withPage,
} from './harness.mjs';

const TEST_TIMEOUT_MS = 120_000;

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

/** The names of the results on the page, in order. */
function resultNames(page) {
  return page.locator('.ds_search-result__link').allTextContents();
}

function describeViolations(violations) {
  return violations.map((v) => `${v.id} [${v.impact}] ${v.help}\n    at ${v.targets.join('\n    at ')}`).join('\n  ');
}

async function searchNearSeaview(page) {
  const response = await page.goto('/services');
  assert.equal(response.status(), 200, 'GET /services');
  await page.locator('#q').fill('lunch');
  await page.locator('#postcode').fill('av1 1ab');
  await page.locator('#radius').selectOption('3');
  return submit(page, button(page, 'Search'));
}

describe('finding help near you', () => {
  test('search by words and postcode without JavaScript, then open a result', { timeout: TEST_TIMEOUT_MS }, async () => {
    await withPage(browser, server, 'asset-map-no-js', { javaScriptEnabled: false }, async (page) => {
      const searched = await searchNearSeaview(page);
      assert.equal(searched.status(), 200, `the search ended on ${page.url()} with ${searched.status()}`);
      assert.equal(currentPath(page), '/services');
      const query = new URL(page.url()).searchParams;
      assert.equal(query.get('q'), 'lunch');
      assert.equal(query.get('radius'), '3');

      const heading = (await page.locator('.ds_search-results__title').textContent()).trim();
      assert.match(heading, /^\d+ services? found$/, `the results heading says ${JSON.stringify(heading)}`);
      const names = await resultNames(page);
      assert.equal(names[0], 'Seaview Lunch Club', `nearest first, got ${names.join(', ')}`);
      assert.ok(!names.includes('Strathfeorag Lunch Club'), 'the glens are further than 3 km from AV1 1AB');
      assert.equal(await page.locator('#postcode').inputValue(), 'av1 1ab', 'the form keeps what was typed');

      await Promise.all([page.waitForEvent('load'), page.locator('.ds_search-result__link').first().click()]);
      assert.match(currentPath(page), /^\/services\/[0-9a-f-]{36}$/);
      await page.getByRole('heading', { level: 1, name: 'Seaview Lunch Club', exact: true }).waitFor({ timeout: 5_000 });
      const text = await page.locator('main').innerText();
      for (const expected of [
        'Harbourside Food Run',
        'Tuesdays and Thursdays, 12:00 to 14:00',
        'AV1 1AB',
        'Hearing loop in the main hall',
        '£3.50 per two-course meal',
        'For people aged 60 and over',
      ]) {
        assert.ok(text.includes(expected), `the service page does not say ${JSON.stringify(expected)}`);
      }
    });
  });

  test('the search and service pages pass axe-core', { timeout: TEST_TIMEOUT_MS }, async () => {
    await withPage(browser, server, 'asset-map-axe', { bypassCSP: true }, async (page) => {
      const problems = [];

      await searchNearSeaview(page);
      assert.ok((await resultNames(page)).length > 0, 'the search found nothing to check');
      const results = await runAxe(page);
      if (results.length > 0) problems.push(`search results:\n  ${describeViolations(results)}`);

      const serviceHref = await page.locator('.ds_search-result__link').first().getAttribute('href');

      await page.locator('#postcode').fill('AV9 9ZZ');
      const refused = await submit(page, button(page, 'Apply filters'));
      assert.equal(refused.status(), 400, 'an unknown postcode');
      const fields = await checkErrorSummary(page);
      assert.deepEqual(fields, ['postcode']);
      const { messages } = await checkFieldError(page, 'postcode');
      assert.ok(messages.some((m) => m.includes('We do not know that postcode')), messages.join(' / '));
      const errorPage = await runAxe(page);
      if (errorPage.length > 0) problems.push(`postcode error:\n  ${describeViolations(errorPage)}`);

      const response = await page.goto(serviceHref);
      assert.equal(response.status(), 200, `GET ${serviceHref}`);
      const servicePage = await runAxe(page);
      if (servicePage.length > 0) problems.push(`service page:\n  ${describeViolations(servicePage)}`);

      assert.equal(problems.length, 0, problems.join('\n'));
    });
  });
});
