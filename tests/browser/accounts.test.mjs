// Accounts in a real browser: signing up, out and in, the error summary a
// wrong password or a bad form brings, and all of it again without
// JavaScript, since every form must work as plain HTML.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import {
  DEMO_ACCOUNTS,
  DEMO_PASSWORD,
  button,
  checkErrorSummary,
  checkFieldError,
  currentPath,
  headerSignInLinks,
  headerSignOutButtons,
  launchBrowser,
  signIn,
  signOut,
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

function uniqueEmail(label) {
  return `browser-${label}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}@example.test`;
}

async function expectYourAccount(page) {
  assert.equal(currentPath(page), '/account', `expected to land on /account, got ${page.url()}`);
  await assert.doesNotReject(
    page.getByRole('heading', { level: 1, name: 'Your account', exact: true }).waitFor({ timeout: 5_000 }),
    'the account page has no h1 "Your account"',
  );
}

async function expectSignedOut(page) {
  const response = await page.goto('/');
  assert.equal(response.status(), 200, 'GET / after signing out');
  assert.ok((await headerSignInLinks(page).count()) > 0, 'the header shows no "Sign in" link after signing out');
  assert.equal(await headerSignOutButtons(page).count(), 0, 'the header still offers "Sign out" after signing out');
}

async function fillSignUp(page, { displayName, email, password, confirm }) {
  const response = await page.goto('/sign-up');
  assert.equal(response.status(), 200, 'GET /sign-up');
  await page.locator('#display_name').fill(displayName);
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(password);
  await page.locator('#password_confirm').fill(confirm);
  return submit(page, button(page, 'Create account'));
}

async function journey(page, label) {
  const email = uniqueEmail(label);
  const password = `journey ${randomBytes(6).toString('hex')} pass`;

  // Sign up: straight to "Your account", signed in.
  const created = await fillSignUp(page, {
    displayName: `Browser ${label}`,
    email,
    password,
    confirm: password,
  });
  assert.equal(created.status(), 200, `creating an account ended on ${page.url()} with status ${created.status()}`);
  await expectYourAccount(page);
  assert.ok((await headerSignOutButtons(page).count()) > 0, 'the header shows no "Sign out" button when signed in');

  await signOut(page);
  await expectSignedOut(page);

  // A wrong password: 422 and an error summary whose links lead to fields.
  await page.goto('/sign-in');
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(`${password} but wrong`);
  const refused = await submit(page, button(page, 'Sign in'));
  assert.equal(refused.status(), 422, 'signing in with a wrong password');
  assert.equal(currentPath(page), '/sign-in', 'a refused sign-in stays on /sign-in');
  const fields = await checkErrorSummary(page);
  assert.ok(
    fields.some((id) => id === 'email' || id === 'password'),
    `the error summary links to ${fields.join(', ')}, expected the email or password field`,
  );
  assert.equal(
    await headerSignOutButtons(page).count(),
    0,
    'a refused sign-in must not sign in',
  );

  // The right password, from the form the refusal showed.
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(password);
  const accepted = await submit(page, button(page, 'Sign in'));
  assert.equal(accepted.status(), 200, `signing in ended on ${page.url()} with status ${accepted.status()}`);
  await expectYourAccount(page);

  await signOut(page);
  await expectSignedOut(page);
}

async function signUpError(page, label) {
  const password = `mismatch ${randomBytes(6).toString('hex')} pass`;
  const refused = await fillSignUp(page, {
    displayName: `Browser ${label}`,
    email: uniqueEmail(label),
    password,
    confirm: `${password} not the same`,
  });
  assert.equal(refused.status(), 422, 'signing up with passwords that differ');
  assert.equal(currentPath(page), '/sign-up', 'a refused sign-up stays on /sign-up');
  const fields = await checkErrorSummary(page);
  assert.ok(
    fields.some((id) => id === 'password' || id === 'password_confirm'),
    `the error summary links to ${fields.join(', ')}, expected a password field`,
  );
  for (const id of fields) {
    await checkFieldError(page, id);
  }
  assert.ok(
    (await page.locator('.ds_question__error-message').count()) >= fields.length,
    'fewer field error messages than links in the error summary',
  );
  assert.equal(
    await headerSignOutButtons(page).count(),
    0,
    'a refused sign-up must not sign in',
  );
}

for (const javaScriptEnabled of [true, false]) {
  const mode = javaScriptEnabled ? 'with JavaScript' : 'without JavaScript';
  const tag = javaScriptEnabled ? 'js' : 'nojs';

  describe(`accounts ${mode}`, () => {
    test('sign up, sign out, a wrong password, sign in, sign out', { timeout: TEST_TIMEOUT_MS }, async () => {
      await withPage(browser, server, `journey-${tag}`, { javaScriptEnabled }, (page) => journey(page, tag));
    });

    test('a sign-up form error shows the summary and field messages', { timeout: TEST_TIMEOUT_MS }, async () => {
      await withPage(browser, server, `sign-up-error-${tag}`, { javaScriptEnabled }, (page) =>
        signUpError(page, `${tag}-err`),
      );
    });
  });
}

test('signing in returns to the page asked for', { timeout: TEST_TIMEOUT_MS }, async () => {
  const citizen = DEMO_ACCOUNTS.find((a) => a.role === 'citizen');
  await withPage(browser, server, 'return-to', {}, async (page) => {
    await signIn(page, citizen.email, DEMO_PASSWORD, { returnTo: '/account/password' });
    assert.equal(currentPath(page), '/account/password');
    await signOut(page);
    await expectSignedOut(page);
  });
});
