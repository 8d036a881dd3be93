// Shared helpers for the browser tests: start `coprod demo` on a free port
// with a fresh data directory, drive Debian's Chromium through
// playwright-core, keep every request on this machine, and inject axe-core.
//
// The packages come from web/node_modules (installed by scripts/test).

import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const webRequire = createRequire(path.join(repoRoot, 'web', 'package.json'));

export const { chromium } = webRequire('playwright-core');
export const axePath = webRequire.resolve('axe-core/axe.min.js');

export const DEMO_PASSWORD = 'coprod-demo-pass';
export const DEMO_ACCOUNTS = [
  { role: 'admin', email: 'admin@demo.example' },
  { role: 'manager', email: 'manager@demo.example' },
  { role: 'coordinator', email: 'coordinator@demo.example' },
  { role: 'linkworker', email: 'linkworker@demo.example' },
  { role: 'volunteer', email: 'volunteer@demo.example' },
  { role: 'citizen', email: 'citizen@demo.example' },
];

const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const ARTIFACTS = path.join(repoRoot, 'tests', 'browser', 'artifacts');
const READY_TIMEOUT_MS = 60_000;
const LOG_LIMIT = 64 * 1024;

/** A TCP port nobody listens on right now, found by binding port 0. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

function serverBinary() {
  const bin = process.env.COPROD_BIN || 'target/debug/coprod';
  return path.isAbsolute(bin) ? bin : path.resolve(repoRoot, bin);
}

/** Keeps the last LOG_LIMIT characters a stream wrote. */
function tail(stream) {
  const kept = { text: '' };
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    kept.text = (kept.text + chunk).slice(-LOG_LIMIT);
  });
  return kept;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts `coprod demo` and waits until GET /readyz answers 200.
 * Returns { url, stop(), stderr() }; stop() ends it and removes its data.
 */
export async function startServer() {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'coprod-browser-'));
  const env = { ...process.env, COPROD_PUBLIC_URL: url };
  // The demo keeps its data in its own directory, whatever the caller's shell says.
  delete env.COPROD_DATABASE_URL;
  delete env.COPROD_CONFIG;

  const bin = serverBinary();
  const child = spawn(bin, ['demo', '--listen', `127.0.0.1:${port}`, '--data-dir', dataDir], {
    cwd: dataDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout = tail(child.stdout);
  const stderr = tail(child.stderr);
  let exited = null;
  const exit = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
    child.once('error', (error) => {
      exited = { error };
      resolve(exited);
    });
  });

  // Should this process end without calling stop(), take the server along.
  const killOnExit = () => {
    if (!exited) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (!exited) {
      child.kill('SIGTERM');
      const done = await Promise.race([exit, sleep(10_000).then(() => null)]);
      if (!done) {
        child.kill('SIGKILL');
        await exit;
      }
    }
    await rm(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(
        `${bin} demo exited before it was ready (${JSON.stringify(exited, errorFields)})\n` +
          `--- stderr ---\n${stderr.text}\n--- stdout ---\n${stdout.text}`,
      );
    }
    try {
      const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `${bin} demo did not answer 200 on /readyz within ${READY_TIMEOUT_MS / 1000} s\n` +
          `--- stderr ---\n${stderr.text}`,
      );
    }
    await sleep(200);
  }

  return { url, stop, stderr: () => stderr.text };
}

function errorFields(key, value) {
  return value instanceof Error ? value.message : value;
}

/** Debian's Chromium, headless, with no background traffic of its own. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/**
 * A fresh browser context aimed at `server`. Every request for another host
 * than 127.0.0.1 is aborted and remembered; `finish()` closes the context
 * and fails if any happened, or if a page broke its own Content-Security-Policy,
 * threw an uncaught error or could not load one of its style sheets, scripts,
 * images or fonts.
 */
export async function newContext(browser, server, options = {}) {
  const context = await browser.newContext({ baseURL: server.url, ...options });
  const offsite = [];
  const problems = [];
  await context.route('**/*', (route) => {
    const target = new URL(route.request().url());
    if (target.hostname === '127.0.0.1') return route.continue();
    offsite.push(target.href);
    return route.abort('blockedbyclient');
  });
  context.on('page', (page) => watchPage(page, problems));

  context.finish = async () => {
    await context.close();
    const messages = [];
    if (offsite.length > 0) {
      messages.push(`requests to other hosts were made (and blocked):\n  ${[...new Set(offsite)].join('\n  ')}`);
    }
    if (problems.length > 0) {
      messages.push(`problems while loading pages:\n  ${problems.join('\n  ')}`);
    }
    if (messages.length > 0) throw new Error(messages.join('\n'));
  };
  return context;
}

function watchPage(page, problems) {
  // Style sheets, scripts, images and fonts must all load.
  page.on('response', (response) => {
    if (!response.request().isNavigationRequest() && response.status() >= 400) {
      problems.push(`${page.url()}: ${response.url()} answered ${response.status()}`);
    }
  });
  page.on('requestfailed', (request) => {
    const target = new URL(request.url());
    if (target.hostname === '127.0.0.1' && !request.isNavigationRequest()) {
      problems.push(`${page.url()}: ${request.url()} failed: ${request.failure()?.errorText}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`${page.url()}: uncaught ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content.Security.Policy/i.test(message.text())) {
      problems.push(`${page.url()}: ${message.text()}`);
    }
  });
}

/**
 * Runs `body(page)` in a fresh context and page; on failure, saves a
 * screenshot and the HTML under tests/browser/artifacts/ before rethrowing.
 */
export async function withPage(browser, server, name, options, body) {
  const context = await newContext(browser, server, options);
  const page = await context.newPage();
  try {
    await body(page, context);
  } catch (error) {
    await saveArtifacts(page, name);
    await context.close().catch(() => {});
    throw error;
  }
  await context.finish();
}

export async function saveArtifacts(page, name) {
  try {
    await mkdir(ARTIFACTS, { recursive: true });
    const base = path.join(ARTIFACTS, name.replace(/[^A-Za-z0-9_-]+/g, '-'));
    await page.screenshot({ path: `${base}.png`, fullPage: true, timeout: 5_000 });
    await writeFile(`${base}.html`, `<!-- ${page.url()} -->\n${await page.content()}`);
  } catch {
    // the page may already be gone; the error being reported matters more
  }
}

/** The path of the page's current URL. */
export function currentPath(page) {
  return new URL(page.url()).pathname;
}

/**
 * Clicks `locator` (a submit button) and waits for the page the form leads
 * to, after any redirects. Returns the response that page came with.
 */
export async function submit(page, locator) {
  const finalResponse = page.waitForResponse(
    (r) =>
      r.request().isNavigationRequest() &&
      r.request().frame() === page.mainFrame() &&
      !(r.status() >= 300 && r.status() < 400),
  );
  const loaded = page.waitForEvent('load');
  await locator.click();
  const [response] = await Promise.all([finalResponse, loaded]);
  return response;
}

/** The visible button with exactly this text (a form's submit button). */
export function button(page, name) {
  return page.getByRole('button', { name, exact: true }).filter({ visible: true });
}

/** Signs in through /sign-in and waits for the page it leads to. */
export async function signIn(page, email, password, { returnTo } = {}) {
  const target = returnTo ? `/sign-in?return_to=${encodeURIComponent(returnTo)}` : '/sign-in';
  const response = await page.goto(target);
  if (!response || response.status() !== 200) {
    throw new Error(`GET ${target} answered ${response?.status()}`);
  }
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(password);
  const posted = await submit(page, button(page, 'Sign in'));
  const landed = currentPath(page);
  const expected = returnTo ?? '/account';
  if (landed !== expected) {
    throw new Error(
      `signing in as ${email} led to ${page.url()} (status ${posted.status()}), expected ${expected}`,
    );
  }
}

/**
 * The visible "Sign out" buttons in the page header. (The design system's
 * header may hold both a desktop and a mobile navigation, one hidden.)
 */
export function headerSignOutButtons(page) {
  return page.locator('header').getByRole('button', { name: 'Sign out', exact: true }).filter({ visible: true });
}

/** The visible "Sign in" links in the page header. */
export function headerSignInLinks(page) {
  return page.locator('header').getByRole('link', { name: 'Sign in', exact: true }).filter({ visible: true });
}

/** Clicks "Sign out" in the page header. */
export async function signOut(page) {
  const buttons = headerSignOutButtons(page);
  if ((await buttons.count()) === 0) throw new Error(`no visible "Sign out" button in the header of ${page.url()}`);
  await submit(page, buttons.first());
}

/**
 * Checks an error summary: present, role="alert", with at least one link,
 * each pointing by fragment at a form field on the page. Returns the ids of
 * the fields it points at.
 */
export async function checkErrorSummary(page) {
  const summary = page.locator('.ds_error-summary');
  const count = await summary.count();
  if (count !== 1) throw new Error(`expected one .ds_error-summary on ${page.url()}, found ${count}`);
  const role = await summary.getAttribute('role');
  if (role !== 'alert') throw new Error(`.ds_error-summary has role=${JSON.stringify(role)}, expected "alert"`);
  const links = await summary.locator('a[href]').evaluateAll((anchors) =>
    anchors.map((a) => {
      const href = a.getAttribute('href');
      const id = href.startsWith('#') ? decodeURIComponent(href.slice(1)) : null;
      const target = id ? document.getElementById(id) : null;
      return {
        href,
        text: a.textContent.trim(),
        id,
        focusable: a.tabIndex >= 0,
        targetTag: target ? target.tagName.toLowerCase() : null,
        targetType: target ? target.getAttribute('type') : null,
      };
    }),
  );
  if (links.length === 0) throw new Error('the error summary has no links to the fields at fault');
  for (const link of links) {
    if (!link.id) throw new Error(`error summary link ${JSON.stringify(link)} is not a link to a field on the page`);
    if (!['input', 'select', 'textarea', 'fieldset'].includes(link.targetTag) || link.targetType === 'hidden') {
      throw new Error(`error summary link ${link.href} points at ${link.targetTag ?? 'nothing'}, not a visible form field`);
    }
    if (!link.focusable) throw new Error(`error summary link ${link.href} is not focusable`);
  }
  return links.map((link) => link.id);
}

/**
 * Checks that the field with this id shows an error message: a
 * .ds_question__error-message in its .ds_question, or one its
 * aria-describedby names.
 */
export async function checkFieldError(page, id) {
  const found = await page.evaluate((fieldId) => {
    const field = document.getElementById(fieldId);
    if (!field) return { error: 'no such field' };
    const question = field.closest('.ds_question');
    const inQuestion = question ? [...question.querySelectorAll('.ds_question__error-message')] : [];
    const described = (field.getAttribute('aria-describedby') || '')
      .split(/\s+/)
      .filter(Boolean)
      .map((ref) => document.getElementById(ref))
      .filter((el) => el && el.classList.contains('ds_question__error-message'));
    const messages = [...inQuestion, ...described].map((el) => el.textContent.trim()).filter(Boolean);
    return { messages, describedBy: described.length > 0 };
  }, id);
  if (found.error) throw new Error(`#${id}: ${found.error}`);
  if (found.messages.length === 0) {
    throw new Error(`field #${id} has no non-empty .ds_question__error-message`);
  }
  return found;
}

/** Injects axe-core (by path: the page's CSP allows no inline script). */
export async function injectAxe(page) {
  await page.addScriptTag({ path: axePath });
  const loaded = await page.evaluate(() => typeof window.axe?.run === 'function');
  if (!loaded) throw new Error(`axe-core did not load on ${page.url()}`);
}

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** Runs axe on the page and returns its violations. */
export async function runAxe(page) {
  await injectAxe(page);
  return page.evaluate(async (values) => {
    const results = await window.axe.run(document, { runOnly: { type: 'tag', values } });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((node) => node.target.join(' ')),
    }));
  }, AXE_TAGS);
}

/**
 * Ticks a design-system radio button or checkbox. Their inputs sit under a
 * styled label, and a forced click at the input's centre now and then lands
 * on the label's drawing instead; clicking the element itself always
 * toggles it and fires the same input and change events a person's click
 * would.
 */
export async function tick(locator) {
  await locator.waitFor({ state: 'attached' });
  await locator.evaluate((input) => {
    if (!input.checked) input.click();
  });
  if (!(await locator.isChecked())) throw new Error(`could not tick ${locator}`);
}
