// Co-delivery in a real browser (with the page's CSP set aside only so
// axe-core can be injected): a coordinator records a person without email
// who phoned, asks for weekly help on their behalf, picks a candidate from
// the ranked list and proposes; the volunteer accepts and only then sees
// the address; the day is logged in the volunteer's round, and the hour
// shows in both statements. Every page on the way is checked with axe-core.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { DEMO_PASSWORD, button, currentPath, launchBrowser, runAxe, signIn, startServer, submit, tick, withPage } from './harness.mjs';

const TEST_TIMEOUT_MS = 240_000;
const DAY_CODES = ['su', 'mo', 'tu', 'we', 'th', 'fr', 'sa'];

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

/** Today's date as the server's clock in the UK reads it, and its weekday code. */
function todayInTheUk() {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    weekday: 'short',
  }).formatToParts(new Date());
  const get = (type) => parts.find((p) => p.type === type).value;
  const iso = `${get('year')}-${get('month')}-${get('day')}`;
  const day = DAY_CODES[new Date(`${iso}T12:00:00Z`).getUTCDay()];
  return { iso, day };
}

test('a phone request is matched, agreed, logged and paid', { timeout: TEST_TIMEOUT_MS }, async () => {
  const name = `Isobel Testcase ${Date.now().toString(36)}`;
  const today = todayInTheUk();
  let personPath;
  let matchPath;

  await withPage(browser, server, 'coordination-request', { bypassCSP: true }, async (page) => {
    await signIn(page, 'coordinator@demo.example', DEMO_PASSWORD);
    await page.goto('/coordination');
    await noViolations(page, 'the coordination desk');
    assert.match(await page.locator('main').innerText(), /Agnes Ferguson/);

    await submit(page, page.getByRole('link', { name: 'Record someone who got in touch' }).first());
    assert.equal(currentPath(page), '/coordination/people/new');
    await noViolations(page, 'the new person form');
    await page.locator('#channel').selectOption('phone');
    await page.locator('#display_name').fill(name);
    await page.locator('#phone').fill('01632 960999');
    const recorded = await submit(page, button(page, 'Save'));
    assert.equal(recorded.status(), 200);
    personPath = currentPath(page);
    assert.match(personPath, /^\/coordination\/people\/\d+$/);
    assert.match(await page.locator('main').innerText(), /No email/);
    await noViolations(page, 'the person page');

    await submit(page, page.getByRole('link', { name: 'Ask for help on their behalf' }));
    await noViolations(page, 'the request form');
    // Nothing filled in: every problem is named, and nothing is stored.
    await page.locator('#description').fill('');
    const refused = await submit(page, button(page, 'Save the request'));
    assert.equal(refused.status(), 422);
    const summary = page.locator('.ds_error-summary');
    assert.equal(await summary.locator('a[href="#category"]').count(), 1);
    assert.equal(await summary.locator('a[href="#address"]').count(), 1);
    await noViolations(page, 'the request form with errors');

    await page.locator('#channel').selectOption('phone');
    await page.locator('#category').selectOption({ label: 'Food and meals' });
    await page.locator('#description').fill('Shopping from the list on the kitchen table');
    await tick(page.locator('#how_often-weekly'));
    await page.locator('#date').fill(today.iso);
    await tick(page.locator(`#day_${today.day}`));
    await page.locator('#starts').fill('14:00');
    await page.locator('#ends').fill('16:00');
    await page.locator('#duration').fill('60');
    await page.locator('#postcode').fill('AV1 1AD');
    await page.locator('#address').fill('5 Harbour Row, Ardnaveen');
    const saved = await submit(page, button(page, 'Save the request'));
    assert.equal(saved.status(), 200);
    assert.match(currentPath(page), /^\/coordination\/requests\/\d+$/);
    await noViolations(page, 'the request with its candidates');

    const main = await page.locator('main').innerText();
    assert.match(main, /Candidates, best first/);
    assert.match(main, /Valerie Murray/);
    assert.match(main, /PVG valid to/);
    // Tormod is not free in the afternoon: the why-not list says so.
    await page.locator('summary', { hasText: 'Why not the others?' }).click();
    assert.match(await page.locator('.ds_details__text').innerText(), /Tormod MacIver: .*not free at any time/);

    const propose = page.getByRole('button', { name: /^Propose Valerie Murray/ }).first();
    await submit(page, propose);
    matchPath = currentPath(page);
    assert.match(matchPath, /^\/help\/matches\/\d+$/);
    assert.match(await page.locator('main').innerText(), /The volunteer has been asked/);
    await noViolations(page, 'the proposal');
  });

  await withPage(browser, server, 'coordination-accept', { bypassCSP: true }, async (page) => {
    await signIn(page, 'volunteer@demo.example', DEMO_PASSWORD);
    await page.goto('/help');
    await noViolations(page, 'the volunteer’s help page');
    assert.match(await page.locator('main').innerText(), /Asked to help: please answer/);

    await page.goto(matchPath);
    let main = await page.locator('main').innerText();
    assert.doesNotMatch(main, /5 Harbour Row/, 'the address stays hidden until agreed');
    assert.doesNotMatch(main, new RegExp(name));
    await noViolations(page, 'the proposal as the volunteer sees it');

    await submit(page, button(page, 'Yes, I can help'));
    main = await page.locator('main').innerText();
    assert.match(main, /Agreed/);
    assert.match(main, /5 Harbour Row, Ardnaveen/);
    assert.match(main, new RegExp(name));
    assert.match(main, /01632 960999/);
    await noViolations(page, 'the agreed match');

    await page.goto('/help/round');
    await noViolations(page, 'the volunteer’s round');
    const card = page.locator('.ds_card', { hasText: name });
    await tick(card.getByLabel('It happened'));
    await submit(page, card.getByRole('button', { name: /^Save/ }));
    assert.equal(currentPath(page), '/help/round');
    assert.match(await page.locator('main').innerText(), /Saved/);

    await page.goto('/help/hours');
    await noViolations(page, 'the volunteer’s statement');
    const row = page.locator('#statement tr', { hasText: name });
    assert.match(await row.innerText(), /\+1 h/);
  });

  await withPage(browser, server, 'coordination-statement', { bypassCSP: true }, async (page) => {
    await signIn(page, 'coordinator@demo.example', DEMO_PASSWORD);
    await page.goto(`${personPath}/hours`);
    await noViolations(page, 'the person’s statement');
    const row = page.locator('#statement tr', { hasText: 'Valerie Murray' });
    assert.match(await row.innerText(), /-1 h/);
    assert.match(await page.locator('main').innerText(), /Balance: -1 h/);
  });
});
