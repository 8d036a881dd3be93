// The administrators' page of background jobs in a real browser (CSP set
// aside only so axe-core can be injected): the demo administrator finds it
// from the administration page, sees the recurring sweeps the server has
// queued under their headings, and a coordinator is refused the page.
// Failing a job and trying it again is covered by tests/app/jobs.rs, which
// can make a job fail on purpose.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  DEMO_PASSWORD,
  currentPath,
  launchBrowser,
  runAxe,
  signIn,
  startServer,
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

async function noViolations(page, what) {
  const violations = await runAxe(page);
  assert.deepEqual(
    violations,
    [],
    `${what} (${page.url()}) has accessibility violations:\n${JSON.stringify(violations, null, 2)}`,
  );
}

test('an administrator reads the background jobs', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withPage(browser, server, 'jobs-admin', { bypassCSP: true }, async (page) => {
    await signIn(page, 'admin@demo.example', DEMO_PASSWORD);
    await page.goto('/admin');
    await page.getByRole('link', { name: 'Background jobs', exact: true }).click();
    await page.waitForURL('**/admin/jobs');
    assert.equal(currentPath(page), '/admin/jobs');
    for (const heading of ['Failed', 'Running', 'Waiting']) {
      assert.ok(await page.getByRole('heading', { name: heading, exact: true }).isVisible(), heading);
    }
    // The server queues its recurring sweeps as soon as it starts; each
    // one is a job that is waiting, running or done, never failed here.
    const main = await page.locator('main').innerText();
    assert.match(main, /Failed\s+0 in all\./);
    await noViolations(page, 'the background jobs');
  });

  await withPage(browser, server, 'jobs-coordinator', { bypassCSP: true }, async (page) => {
    await signIn(page, 'coordinator@demo.example', DEMO_PASSWORD);
    const response = await page.goto('/admin/jobs');
    assert.equal(response.status(), 403);
    await noViolations(page, 'the refusal');
  });
});
