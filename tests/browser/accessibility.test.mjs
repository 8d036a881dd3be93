// Accessibility of every page a person can reach: for visitors and for each
// demo role, follow the links from / breadth first and run axe-core's WCAG
// 2.x A and AA rules on each page, plus a page showing a form error.
//
// axe is injected as a script element, which the server's
// Content-Security-Policy (rightly) forbids, so these contexts alone bypass
// CSP. Forms are never submitted while crawling.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  DEMO_ACCOUNTS,
  DEMO_PASSWORD,
  button,
  launchBrowser,
  runAxe,
  signIn,
  startServer,
  submit,
  withPage,
} from './harness.mjs';

const MAX_PAGES = 150;
const ROLE_TIMEOUT_MS = 15 * 60_000;
const SKIPPED_PREFIXES = ['/api', '/metrics', '/healthz', '/readyz', '/assets'];
// A plain link to these would change the session, not show a page.
const SKIPPED_PATHS = ['/sign-out'];
const ANONYMOUS_SEEDS = ['/', '/sign-in', '/sign-up', '/password-reset'];
const CONTEXT_OPTIONS = { bypassCSP: true };

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

// Pages of one shape (a service, a person, a page of results) share a
// template: a few of each are checked, so the crawl covers every kind of
// page in minutes rather than every listing in the demo.
const PER_SHAPE = 3;
const ID_SEGMENT = /^(\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** The shape of a path: its id segments replaced, its query dropped. */
function shapeOf(path) {
  const pathname = path.split('?')[0];
  return pathname
    .split('/')
    .map((segment) => (ID_SEGMENT.test(segment) ? ':id' : segment))
    .join('/');
}

function skipped(url) {
  const { pathname } = url;
  return (
    SKIPPED_PATHS.includes(pathname) ||
    SKIPPED_PREFIXES.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`))
  );
}

/** The same-origin links on the page worth following, without fragments. */
async function linksOn(page) {
  const hrefs = await page
    .locator('a[href]')
    .evaluateAll((anchors) =>
      anchors
        .filter((a) => !a.getAttribute('href').trim().startsWith('#') && !a.hasAttribute('download'))
        .map((a) => a.href),
    );
  const origin = new URL(server.url).origin;
  const found = [];
  for (const href of hrefs) {
    let url;
    try {
      url = new URL(href);
    } catch {
      continue;
    }
    if (url.origin !== origin || skipped(url)) continue;
    url.hash = '';
    found.push(url.pathname + url.search);
  }
  return found;
}

/**
 * The checks every page gets. `expectedStatus`, when given, is the status
 * the page must have; otherwise any status below 400 will do. Returns a list
 * of problems, each a line.
 */
async function checkPage(page, pageUrl, status, expectedStatus) {
  const problems = [];
  if (expectedStatus !== undefined ? status !== expectedStatus : !(status < 400)) {
    problems.push(`${pageUrl}: HTTP status ${status}${expectedStatus ? `, expected ${expectedStatus}` : ''}`);
  }
  const basics = await page.evaluate(() => ({
    h1: document.querySelectorAll('h1').length,
    lang: document.documentElement.getAttribute('lang'),
    title: document.title.trim(),
  }));
  if (basics.h1 === 0) problems.push(`${pageUrl}: no <h1>`);
  if (!basics.lang || !basics.lang.trim()) problems.push(`${pageUrl}: <html> has no lang attribute`);
  if (!basics.title) problems.push(`${pageUrl}: empty <title>`);
  for (const v of await runAxe(page)) {
    problems.push(`${pageUrl}: axe ${v.id} [${v.impact}] ${v.help}\n      at ${v.targets.join('\n      at ')}`);
  }
  return problems;
}

/** Visits the pages reachable from `seeds`, checking each; returns the pages and problems. */
async function crawl(page, seeds) {
  const queue = [...seeds];
  const seen = new Set(queue);
  const shapes = new Map();
  const checked = [];
  const problems = [];
  while (queue.length > 0 && checked.length < MAX_PAGES) {
    const target = queue.shift();
    let response;
    try {
      response = await page.goto(target);
    } catch (error) {
      if (/Download is starting/i.test(error.message)) continue; // a file, not a page
      problems.push(`${target}: could not be loaded: ${error.message.split('\n')[0]}`);
      continue;
    }
    const type = response?.headers()['content-type'] ?? '';
    if (response && !type.startsWith('text/html')) {
      if (response.status() >= 400) problems.push(`${target}: HTTP status ${response.status()}`);
      continue;
    }
    const landed = new URL(page.url());
    const label = landed.pathname + landed.search === target ? target : `${target} (→ ${landed.pathname}${landed.search})`;
    checked.push(label);
    problems.push(...(await checkPage(page, label, response?.status() ?? 0)));
    for (const link of await linksOn(page)) {
      if (seen.has(link)) continue;
      seen.add(link);
      const shape = shapeOf(link);
      const count = shapes.get(shape) ?? 0;
      if (count >= PER_SHAPE) continue;
      shapes.set(shape, count + 1);
      queue.push(link);
    }
  }
  return { checked, problems, unvisited: queue.length };
}

function report(role, result) {
  return (
    `${result.problems.length} problem(s) on the pages ${role} can reach:\n  ` +
    result.problems.join('\n  ') +
    `\npages checked: ${result.checked.join(', ')}`
  );
}

const ROLES = [{ role: 'anonymous' }, ...DEMO_ACCOUNTS];

describe('every page passes axe-core (WCAG 2.2 A and AA)', () => {
  for (const account of ROLES) {
    test(`pages for ${account.role}`, { timeout: ROLE_TIMEOUT_MS }, async (t) => {
      await withPage(browser, server, `a11y-${account.role}`, CONTEXT_OPTIONS, async (page) => {
        let seeds = ['/'];
        if (account.email) {
          await signIn(page, account.email, DEMO_PASSWORD);
        } else {
          seeds = ANONYMOUS_SEEDS;
        }
        const result = await crawl(page, seeds);
        const capped = result.unvisited > 0 ? ` (stopped at ${MAX_PAGES}; ${result.unvisited} left unvisited)` : '';
        t.diagnostic(`${account.role}: checked ${result.checked.length} pages${capped}`);
        assert.ok(result.checked.length > 0, `no page could be checked for ${account.role}`);
        if (account.email) {
          assert.ok(
            result.checked.some((p) => p.startsWith('/account')),
            `${account.role} reached no /account page by following links from /`,
          );
        }
        if (account.role === 'admin') {
          assert.ok(
            result.checked.some((p) => p.startsWith('/admin')),
            'admin reached no /admin page by following links from /',
          );
        }
        assert.equal(result.problems.length, 0, report(account.role, result));
      });
    });
  }

  test('pages showing a form error', { timeout: ROLE_TIMEOUT_MS }, async () => {
    await withPage(browser, server, 'a11y-form-errors', CONTEXT_OPTIONS, async (page) => {
      const problems = [];

      await page.goto('/sign-in');
      await page.locator('#email').fill('citizen@demo.example');
      await page.locator('#password').fill('not the demo password');
      const refused = await submit(page, button(page, 'Sign in'));
      problems.push(...(await checkPage(page, 'POST /sign-in (wrong password)', refused.status(), 422)));
      assert.equal(await page.locator('.ds_error-summary').count(), 1, 'no error summary after a wrong password');

      await page.goto('/sign-up');
      await page.locator('#display_name').fill('Axe check');
      await page.locator('#email').fill(`axe-${Date.now()}@example.test`);
      await page.locator('#password').fill('axe check password one');
      await page.locator('#password_confirm').fill('axe check password two');
      const mismatched = await submit(page, button(page, 'Create account'));
      problems.push(...(await checkPage(page, 'POST /sign-up (passwords differ)', mismatched.status(), 422)));

      assert.equal(problems.length, 0, `${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
    });
  });
});
