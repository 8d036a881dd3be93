// Surveys in a real browser (with the page's CSP set aside only so
// axe-core can be injected): a manager builds a two-audience survey and
// opens it, a citizen answers it online and another in easy read, the
// manager types in a paper response from a member of staff, a few more
// people answer, and the results show the perception-gap chart. Every page
// on the way is checked with axe-core.

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

/** Ticks a design-system checkbox or radio by its label. */
async function tick(page, label) {
  await tickInput(page.getByLabel(label, { exact: true }));
}

/** Sends one response straight to the survey's form, as a browser would. */
async function answerDirectly(context, path, fields) {
  const cookies = await context.cookies(server.url);
  const csrf = cookies.find((c) => c.name === 'coprod_csrf')?.value;
  assert.ok(csrf, 'a CSRF cookie to send with the form');
  const response = await context.request.post(path, {
    form: { csrf_token: csrf, ...fields },
    maxRedirects: 0,
  });
  assert.equal(response.status(), 303, `${path}: ${await response.text()}`);
}

test('a two-audience survey is built, answered three ways and shows its perception gap', { timeout: TEST_TIMEOUT_MS }, async () => {
  const title = `Getting out and about ${Date.now().toString(36)}`;
  let surveyId;
  let citizensLink;
  let staffLink;

  await withPage(browser, server, 'survey-built', { bypassCSP: true }, async (page) => {
    await signIn(page, 'manager@demo.example', DEMO_PASSWORD);
    await page.goto('/surveys');
    await noViolations(page, 'the list of surveys');
    await page.getByRole('link', { name: 'Create a survey', exact: true }).click();
    await page.waitForURL('**/surveys/new');
    await noViolations(page, 'the new survey form');

    // Forgetting the title is caught, with a link to the field.
    await tick(page, 'Staff');
    const refused = await submit(page, button(page, 'Save the settings'));
    assert.equal(refused.status(), 422);
    assert.equal(await page.locator('.ds_error-summary a[href="#title"]').count(), 1);
    await noViolations(page, 'the new survey form with an error');

    await page.locator('#title').fill(title);
    await page.locator('#introduction').fill('Tell us what would help you get out more.');
    const created = await submit(page, button(page, 'Save the settings'));
    assert.equal(created.status(), 200);
    surveyId = currentPath(page).split('/')[2];
    assert.match(surveyId, /^\d+$/);
    await noViolations(page, 'the new survey');

    await page.locator('#title').fill('What would help');
    await submit(page, button(page, 'Add a section'));
    await page.getByRole('link', { name: /^Add a question/ }).click();
    await noViolations(page, 'the choice of question type');
    await tick(page, 'Choose any');
    await submit(page, button(page, 'Continue'));
    await noViolations(page, 'the question form');
    await page.locator('#text').fill('What would help you get out more?');
    await page.locator('#easy_text').fill('What would help you go out?');
    await page.locator('#text_staff').fill('What do you think would help the people you support get out more?');
    await page.locator('#options').fill('Meeting people | Making friends\nFinding out what is on | What is on\nGetting a lift | A lift');
    await page.locator('#id').fill('help_most');
    const saved = await submit(page, button(page, 'Save the question'));
    assert.equal(saved.status(), 200);
    assert.match(await page.locator('main').innerText(), /What would help you get out more\?/);

    await submit(page, button(page, 'Open the survey'));
    assert.match(await page.locator('main').innerText(), /The survey is open/);
    await noViolations(page, 'the open survey');
    citizensLink = new URL(await page.locator('a[href$="/citizens"]').first().getAttribute('href')).pathname;
    staffLink = new URL(await page.locator('a[href$="/staff"]').first().getAttribute('href')).pathname;
  });

  await withPage(browser, server, 'survey-online', { bypassCSP: true }, async (page) => {
    await page.goto(citizensLink);
    assert.match(await page.locator('main').innerText(), /Your answers are anonymous/);
    await noViolations(page, 'the start page');
    await page.getByRole('link', { name: 'Start', exact: true }).click();
    await page.waitForURL(`**${citizensLink}/online`);
    assert.match(await page.locator('main').innerText(), /What would help you get out more\?/);
    await noViolations(page, 'a page of questions');
    await tick(page, 'Meeting people');
    await tick(page, 'Getting a lift');
    await submit(page, button(page, 'Continue'));
    await noViolations(page, 'the page about the respondent');
    await page.locator('#fact-postcode').fill('AV9 9ZZ');
    const wrong = await submit(page, button(page, 'Send my answers'));
    assert.equal(wrong.status(), 422);
    assert.equal(await page.locator('.ds_error-summary a[href="#fact-postcode"]').count(), 1);
    await noViolations(page, 'the page about the respondent with an error');
    await page.locator('#fact-postcode').fill('AV1 1AB');
    await page.locator('#fact-age_band').selectOption('75_84');
    await submit(page, button(page, 'Send my answers'));
    assert.equal(currentPath(page), `${citizensLink}/thanks`);
    await noViolations(page, 'the thanks page');
  });

  await withPage(browser, server, 'survey-easy-read', { bypassCSP: true }, async (page) => {
    await page.goto(citizensLink);
    await page.getByRole('link', { name: 'Start the easy-read version', exact: true }).click();
    await page.waitForURL(`**${citizensLink}/easy-read`);
    const prompt = page.locator('.coprod-easy-read .coprod-answer__prompt').first();
    assert.match(await prompt.innerText(), /What would help you go out\?/);
    const size = await prompt.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    assert.ok(size >= 24, `easy-read questions are in large type (${size}px)`);
    assert.equal(await page.getByLabel('Making friends', { exact: true }).count(), 1, 'the options in plain words');
    await noViolations(page, 'an easy-read page');
    await tick(page, 'Making friends');
    await submit(page, button(page, 'Continue'));
    await submit(page, button(page, 'Send my answers'));
    assert.equal(currentPath(page), `${citizensLink}/thanks`);
  });

  await withPage(browser, server, 'survey-paper', { bypassCSP: true }, async (page, context) => {
    await signIn(page, 'manager@demo.example', DEMO_PASSWORD);
    await page.goto(`/surveys/${surveyId}/paper`);
    await noViolations(page, 'the choice of paper form');
    await page.getByRole('link', { name: 'The form for Staff', exact: true }).click();
    assert.match(await page.locator('main').innerText(), /What do you think would help the people you support/);
    await noViolations(page, 'the paper form');
    await tick(page, 'Finding out what is on');
    await submit(page, button(page, 'Save this response'));
    assert.match(await page.locator('main').innerText(), /The response was saved/);

    // Enough others answer for the gap to be shown: five citizens and five
    // staff at least, sent as the forms send them.
    for (const options of [['meeting_people'], ['meeting_people', 'getting_a_lift'], ['finding_out_what_is_on'], ['meeting_people']]) {
      const fields = { page: '1', go: 'next' };
      for (const option of options) fields[`q-help_most-${option}`] = 'yes';
      await answerDirectly(context, `${citizensLink}/online`, fields);
    }
    for (const options of [['finding_out_what_is_on'], ['finding_out_what_is_on', 'getting_a_lift'], ['finding_out_what_is_on'], ['getting_a_lift']]) {
      const fields = { page: '0', go: 'next' };
      for (const option of options) fields[`q-help_most-${option}`] = 'yes';
      await answerDirectly(context, `${staffLink}/online`, fields);
    }

    await page.goto(`/surveys/${surveyId}/results`);
    const main = page.locator('main');
    assert.match(await main.innerText(), /Version 1: 11 responses\./);
    const chart = page.locator('svg[role="img"]', { has: page.locator('title', { hasText: 'Citizens and staff compared' }) });
    assert.equal(await chart.count(), 1, 'the perception-gap chart');
    assert.ok((await chart.locator('rect').count()) >= 4, 'bars for both sides');
    const row = page.locator('tr.coprod-largest-gap');
    assert.match(await row.innerText(), /Meeting people/);
    assert.match(await row.innerText(), /Largest gap/);
    await noViolations(page, 'the results');
    await page.getByRole('link', { name: 'Printable version', exact: true }).click();
    assert.match(await page.locator('main').innerText(), /print this page/);
    await noViolations(page, 'the printable results');
  });
});
