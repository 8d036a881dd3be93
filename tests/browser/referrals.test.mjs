// Social prescribing in a real browser (with the page's CSP set aside only
// so axe-core can be injected): a link worker refers a person, with their
// consent to share their name, phone and what matters to them, to a
// service of the demo coordinator's organisation; the coordinator finds it
// in the incoming queue, accepts it, records the first attendance and a
// review measure, and completes it with a note; the link worker sees the
// message back. Every page on the way is checked with axe-core.

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

async function moveOn(page, label, note = '') {
  await tick(page.getByLabel(label, { exact: true }));
  await page.locator('#channel').selectOption('phone');
  await page.locator('#note').fill(note);
  await submit(page, button(page, 'Save this step'));
  assert.match(await page.locator('main').innerText(), /The referral has moved on/);
}

test('a referral goes to the provider and the message comes back', { timeout: TEST_TIMEOUT_MS }, async () => {
  const why = `Would like company on a weekday ${Date.now().toString(36)}`;
  let referralPath;

  await withPage(browser, server, 'referrals-refer', { bypassCSP: true }, async (page) => {
    await signIn(page, 'linkworker@demo.example', DEMO_PASSWORD);
    await page.goto('/referrals');
    await noViolations(page, 'the referrals overview');
    await submit(page, page.getByRole('link', { name: 'Refer a person' }).first());
    await noViolations(page, 'choosing whom to refer');
    await page.locator('#q').fill('Hamish Kerr');
    await submit(page, button(page, 'Search'));
    await submit(page, page.getByRole('link', { name: 'Refer Hamish Kerr' }));
    assert.equal(currentPath(page), '/referrals/new');
    await noViolations(page, 'the referral form');

    // Without consent or a destination, every problem is named.
    await page.locator('#reason').fill(why);
    const refused = await submit(page, button(page, 'Send the referral'));
    assert.equal(refused.status(), 422);
    const summary = page.locator('.ds_error-summary');
    assert.equal(await summary.locator('a[href="#to"]').count(), 1);
    assert.equal(await summary.locator('a[href="#consent"]').count(), 1);
    await noViolations(page, 'the referral form with errors');

    const option = page.locator('#to option', { hasText: '(Harbourside Food Run)' }).first();
    await page.locator('#to').selectOption(await option.getAttribute('value'));
    await page.locator('#referrer_role').fill('Link worker, Harbour Surgery');
    await tick(page.locator('#consent'));
    const sent = await submit(page, button(page, 'Send the referral'));
    assert.equal(sent.status(), 200);
    referralPath = currentPath(page);
    assert.match(referralPath, /^\/referrals\/\d+$/);
    const main = await page.locator('main').innerText();
    assert.match(main, /The referral has been made/);
    assert.match(main, /Now: Referred/);
    await noViolations(page, 'the referral as sent');

    await page.goto('/referrals/sent');
    assert.match(await page.locator('main').innerText(), /Hamish Kerr/);
    await noViolations(page, 'the referrals sent');
  });

  await withPage(browser, server, 'referrals-provide', { bypassCSP: true }, async (page) => {
    await signIn(page, 'coordinator@demo.example', DEMO_PASSWORD);
    await page.goto('/referrals/incoming');
    await noViolations(page, 'the incoming queue');
    await submit(page, page.locator(`a[href="${referralPath}"]`).first());
    let main = await page.locator('main').innerText();
    assert.match(main, new RegExp(why));
    assert.doesNotMatch(main, /Where it stands/, 'the message back is the referrer’s');
    await noViolations(page, 'the referral as received');

    await moveOn(page, 'Accept');
    await moveOn(page, 'The person attended for the first time');

    await submit(page, page.getByRole('link', { name: 'Record a start or review measure' }));
    await noViolations(page, 'choosing a measure');
    await page.locator('#instrument').selectOption('ucla3');
    await submit(page, button(page, 'Continue'));
    await noViolations(page, 'the measure form');
    await tick(page.getByLabel('At a review', { exact: true }));
    await page.locator('#item_1').fill('1');
    await page.locator('#item_2').fill('7');
    await page.locator('#item_3').fill('1');
    const wrong = await submit(page, button(page, 'Save the measure'));
    assert.equal(wrong.status(), 422);
    assert.equal(await page.locator('.ds_error-summary a[href="#item_2"]').count(), 1);
    await noViolations(page, 'the measure form with errors');
    await page.locator('#item_2').fill('2');
    await submit(page, button(page, 'Save the measure'));
    main = await page.locator('main').innerText();
    assert.match(main, /The measure has been recorded/);
    assert.match(main, /UCLA-3/);

    await moveOn(page, 'Completed', 'Comes to the Tuesday lunch every week');
    await noViolations(page, 'the completed referral');
  });

  await withPage(browser, server, 'referrals-message-back', { bypassCSP: true }, async (page) => {
    await signIn(page, 'linkworker@demo.example', DEMO_PASSWORD);
    await page.goto(referralPath);
    const back = await page.locator('#message-back').innerText();
    assert.match(back, /Completed/);
    assert.match(back, /Comes to the Tuesday lunch every week/);
    assert.match(await page.locator('main').innerText(), /At a review/);
    await noViolations(page, 'the message back');
    await page.goto('/referrals/funnel');
    assert.match(await page.locator('main').innerText(), /By SIMD quintile/);
    await noViolations(page, 'the uptake funnel');
  });
});
