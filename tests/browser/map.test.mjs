// The map of the search results in a real browser: opened from its button,
// one pin per spot holding every result that has a place, reachable and
// usable by keyboard, a popup link that leads to the service, the circle
// of a postcode search, axe-core clean with the map open, nothing at all
// without JavaScript — and, with a tile server of this test's own on
// 127.0.0.1, tiles fetched only once the map is opened, with no search in
// the referrer. Nothing here reaches the internet: the harness aborts (and
// fails on) any request for another host.

import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';

import { currentPath, launchBrowser, runAxe, startServer, withPage } from './harness.mjs';

const TEST_TIMEOUT_MS = 120_000;
const SEARCH = '/services?postcode=AV1+1AB&radius=5';
const MAP_NAME = 'Map of the services on this page';
const SHOW = 'Show these results on a map';
const HIDE = 'Hide the map';

/** Places closer than this many degrees are one spot, as the page has it. */
const SAME_SPOT_DEGREES = 1e-6;

function describeViolations(violations) {
  return violations.map((v) => `${v.id} [${v.impact}] ${v.help}\n    at ${v.targets.join('\n    at ')}`).join('\n  ');
}

/**
 * What the map should hold for the results on `page`, worked out from the
 * HSDS API rather than from the page's own map data: each result's
 * places with coordinates, and how many distinct spots they make.
 */
async function expectedPins(server, page) {
  const hrefs = await page.locator('.ds_search-result__link').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
  assert.ok(hrefs.length > 0, 'the search found nothing to map');
  const placed = [];
  for (const href of hrefs) {
    const id = decodeURIComponent(href.replace('/services/', ''));
    const response = await fetch(`${server.url}/api/hsds/services/${encodeURIComponent(id)}`);
    assert.equal(response.status, 200, `the HSDS API on ${id}`);
    const service = await response.json();
    for (const at of service.service_at_locations ?? []) {
      const { latitude, longitude } = at.location ?? {};
      if (typeof latitude === 'number' && typeof longitude === 'number') {
        placed.push({ href, latitude, longitude });
      }
    }
  }
  const spots = [];
  for (const place of placed) {
    const near = (spot) =>
      Math.abs(spot.latitude - place.latitude) < SAME_SPOT_DEGREES &&
      Math.abs(spot.longitude - place.longitude) < SAME_SPOT_DEGREES;
    if (!spots.some(near)) spots.push(place);
  }
  return { results: hrefs.length, placed, spots: spots.length };
}

function mapToggle(page) {
  return page.locator('.coprod-search-map__toggle');
}

/** Opens the map from its button and waits for Leaflet to draw the pins. */
async function openMap(page) {
  const toggle = mapToggle(page);
  await toggle.waitFor({ state: 'visible', timeout: 10_000 });
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false', 'the map starts closed');
  assert.equal((await toggle.textContent()).trim(), SHOW);
  await toggle.focus();
  await page.keyboard.press('Enter');
  await page.locator('.coprod-search-map__map .leaflet-marker-icon').first().waitFor({ timeout: 10_000 });
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  assert.equal((await toggle.textContent()).trim(), HIDE);
}

async function markerImagesLoaded(page) {
  await page.waitForFunction(
    () => [...document.querySelectorAll('img.leaflet-marker-icon, img.leaflet-marker-shadow')].every((img) => img.complete),
    null,
    { timeout: 10_000 },
  );
}

/** Opens a pin's popup from the keyboard; returns the popup's links. */
async function openPopupByKeyboard(page, marker) {
  await marker.focus();
  await page.keyboard.press('Enter');
  const popup = page.locator('.leaflet-popup');
  await popup.waitFor({ timeout: 5_000 });
  // Leaflet fades a popup in; until it is opaque its text is paler than it
  // will be, and a contrast check made meanwhile measures the fade.
  await page.waitForFunction(() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1', null, { timeout: 5_000 });
  return popup.locator('a.coprod-search-map__popup-link').evaluateAll((links) =>
    links.map((a) => ({ href: a.getAttribute('href'), name: a.textContent.trim(), focused: a === document.activeElement })),
  );
}

/**
 * Opens every pin's popup from the keyboard in turn, checking each has a
 * name, takes the focus into its popup and gets it back on Escape.
 * Returns every popup link's address, sorted.
 */
async function linksOfEveryPin(page, markers) {
  const linked = [];
  const count = await markers.count();
  for (let i = 0; i < count; i += 1) {
    const marker = markers.nth(i);
    const name = await marker.getAttribute('alt');
    assert.ok(name && name.trim().length > 0, `pin ${i} has no accessible name`);
    assert.equal(await marker.getAttribute('role'), 'button');
    const links = await openPopupByKeyboard(page, marker);
    assert.ok(links.length > 0, `the popup of "${name}" has no links`);
    assert.ok(links[0].focused, `opening "${name}" by keyboard did not move the focus to its first link`);
    linked.push(...links.map((link) => link.href));
    await page.keyboard.press('Escape');
    await page.locator('.leaflet-popup').waitFor({ state: 'detached', timeout: 5_000 });
    assert.ok(await marker.evaluate((el) => el === document.activeElement), `the focus did not come back to "${name}"`);
  }
  return linked.sort();
}

describe('the map of the search results, with no tile server', () => {
  let server;
  let browser;

  before(async () => {
    delete process.env.COPROD_MAP_TILE_URL;
    server = await startServer();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('every result with a place is on a pin, each popup reached by keyboard, a link followed', { timeout: TEST_TIMEOUT_MS }, async () => {
    await withPage(browser, server, 'map-pins', {}, async (page) => {
      const response = await page.goto(SEARCH);
      assert.equal(response.status(), 200, `GET ${SEARCH}`);
      const expected = await expectedPins(server, page);
      assert.ok(expected.placed.length > 0, 'no result has a place on a map');
      const expectedLinks = expected.placed.map((place) => place.href).sort();

      await openMap(page);
      const map = page.getByRole('region', { name: MAP_NAME, exact: true });
      await map.waitFor({ state: 'visible' });
      assert.match(await page.locator('.coprod-search-map').innerText(), /No background map has been set up here/);
      assert.equal(await page.locator('img.leaflet-tile').count(), 0, 'no tiles without a tile server');

      // The postcode's circle is drawn, and the map is centred on it.
      const circle = await map.locator('path.coprod-search-map__radius').boundingBox();
      assert.ok(circle, 'no circle for the distance searched within');
      const centreOf = (b) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 });
      const [c, m] = [centreOf(circle), centreOf(await map.boundingBox())];
      assert.ok(Math.abs(c.x - m.x) < 3 && Math.abs(c.y - m.y) < 3, `circle centred at ${JSON.stringify(c)}, map at ${JSON.stringify(m)}`);

      // Seen whole, pins too close to pick apart stand together; every
      // placed result is still in a popup, once for each of its places.
      const markers = map.locator('.leaflet-marker-icon');
      const seenWhole = await markers.count();
      assert.ok(seenWhole >= 1 && seenWhole <= expected.spots, `${seenWhole} pins for ${expected.spots} spots`);
      assert.deepEqual(await linksOfEveryPin(page, markers), expectedLinks);

      // Zoomed all the way in, from the keyboard, every spot has its own pin.
      const zoomIn = map.locator('.leaflet-control-zoom-in');
      for (let presses = 0; !(await zoomIn.getAttribute('class')).includes('leaflet-disabled'); presses += 1) {
        assert.ok(presses < 30, 'the map never reached its closest zoom');
        await zoomIn.focus();
        await page.keyboard.press('Enter');
        await page.waitForTimeout(300); // Leaflet's zoom animation
      }
      assert.equal(await markers.count(), expected.spots, 'one pin per spot where a result is');
      assert.deepEqual(await linksOfEveryPin(page, markers), expectedLinks);

      // Follow the first pin's first link.
      const [first] = await openPopupByKeyboard(page, markers.first());
      await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
      assert.equal(currentPath(page), first.href);
      await page.getByRole('heading', { level: 1, name: first.name, exact: true }).waitFor({ timeout: 5_000 });
    });
  });

  test('the map stays open from page to page until it is hidden', { timeout: TEST_TIMEOUT_MS }, async () => {
    await withPage(browser, server, 'map-remembered', {}, async (page) => {
      await page.goto(SEARCH);
      await openMap(page);
      // A reload cancels whatever the page is still fetching; let the pins'
      // images arrive first, so that no cancelled fetch is taken for a fault.
      await markerImagesLoaded(page);
      await page.reload();
      await page.locator('.coprod-search-map__map .leaflet-marker-icon').first().waitFor({ timeout: 10_000 });
      assert.equal(await mapToggle(page).getAttribute('aria-expanded'), 'true');

      await mapToggle(page).click();
      assert.equal(await mapToggle(page).getAttribute('aria-expanded'), 'false');
      assert.ok(await page.locator('#search-map-panel').isHidden(), 'the map is hidden again');
      await page.reload();
      await mapToggle(page).waitFor({ state: 'visible' });
      assert.equal(await mapToggle(page).getAttribute('aria-expanded'), 'false');
      assert.ok(await page.locator('#search-map-panel').isHidden());
    });
  });

  test('without JavaScript the page offers no map and loads nothing for one', { timeout: TEST_TIMEOUT_MS }, async () => {
    await withPage(browser, server, 'map-no-js', { javaScriptEnabled: false }, async (page) => {
      const requested = [];
      page.on('request', (request) => requested.push(new URL(request.url()).pathname));
      await page.goto(SEARCH);
      assert.ok((await page.locator('.ds_search-result').count()) > 0, 'the results are listed');
      assert.equal(await page.locator('.coprod-search-map').count(), 1, 'the map block is in the page');
      assert.ok(await page.locator('.coprod-search-map').isHidden(), 'but hidden');
      assert.ok(await mapToggle(page).isHidden());
      // Hashed names (`search-map.0123456789ab.css`) or plain ones.
      const forMap = requested.filter((p) => p.startsWith('/assets/leaflet/') || /search-map\.([0-9a-f]{12}\.)?css$/.test(p));
      assert.deepEqual(forMap, []);
    });
  });

  test('axe-core finds nothing wrong with the map open and a popup showing', { timeout: TEST_TIMEOUT_MS }, async () => {
    await withPage(browser, server, 'map-axe', { bypassCSP: true }, async (page) => {
      await page.goto(SEARCH);
      await openMap(page);
      await openPopupByKeyboard(page, page.locator('.coprod-search-map__map .leaflet-marker-icon').first());
      const violations = await runAxe(page);
      assert.equal(violations.length, 0, `search results with the map open:\n  ${describeViolations(violations)}`);
    });
  });
});

// A 1×1 PNG, which the browser stretches over each 256-pixel tile.
const TILE = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/** A tile server on 127.0.0.1 that remembers every request it answers. */
function startTileServer() {
  const requests = [];
  const tileServer = http.createServer((request, response) => {
    requests.push({ path: request.url, referer: request.headers.referer ?? null });
    if (/^\/tiles\/\d+\/\d+\/\d+\.png$/.test(request.url)) {
      response.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'no-store' });
      response.end(TILE);
    } else {
      response.writeHead(404);
      response.end();
    }
  });
  return new Promise((resolve, reject) => {
    tileServer.once('error', reject);
    tileServer.listen(0, '127.0.0.1', () => {
      const { port } = tileServer.address();
      resolve({
        origin: `http://127.0.0.1:${port}`,
        requests,
        stop: () => new Promise((done) => tileServer.close(done)),
      });
    });
  });
}

describe('the map of the search results, with a tile server', () => {
  let tiles;
  let server;
  let browser;

  before(async () => {
    tiles = await startTileServer();
    // The server reads its settings from the environment it starts with.
    process.env.COPROD_MAP_TILE_URL = `${tiles.origin}/tiles/{z}/{x}/{y}.png`;
    process.env.COPROD_MAP_TILE_ATTRIBUTION = 'Test tiles <b>& friends</b>';
    try {
      server = await startServer();
    } finally {
      delete process.env.COPROD_MAP_TILE_URL;
      delete process.env.COPROD_MAP_TILE_ATTRIBUTION;
    }
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await tiles?.stop();
  });

  test('tiles come from the configured server once the map is opened, and never learn the search', { timeout: TEST_TIMEOUT_MS }, async () => {
    await withPage(browser, server, 'map-tiles', {}, async (page) => {
      const response = await page.goto(SEARCH);
      const policy = response.headers()['content-security-policy'];
      assert.match(policy, new RegExp(`img-src 'self' data: ${tiles.origin.replace(/[.]/g, '\\.')};`));
      await mapToggle(page).waitFor({ state: 'visible' });
      assert.equal(tiles.requests.length, 0, 'no tile is fetched before the map is opened');

      await openMap(page);
      await page.locator('img.leaflet-tile-loaded').first().waitFor({ timeout: 10_000 });
      assert.ok(tiles.requests.length > 0);
      for (const { path, referer } of tiles.requests) {
        assert.match(path, /^\/tiles\/\d+\/\d+\/\d+\.png$/);
        assert.equal(referer, `${server.url}/`, `tile ${path} was sent the referrer ${referer}`);
      }
      const attribution = await page.locator('.leaflet-control-attribution').innerText();
      assert.ok(attribution.includes('Test tiles <b>& friends</b>'), `the credit reads ${JSON.stringify(attribution)}`);
      assert.equal(await page.locator('.leaflet-control-attribution b').count(), 0, 'the credit is text, not markup');
      assert.doesNotMatch(await page.locator('.coprod-search-map').innerText(), /No background map/);
    });
  });
});
