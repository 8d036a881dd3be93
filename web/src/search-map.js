// The map of the asset map's search results (/services), added when
// JavaScript runs. The server renders the list, which is the whole of the
// results for everyone, and a hidden container whose data-search-map
// attribute holds the places of the services on the page as JSON. This
// script shows a button that opens them on a Leaflet map.
//
// Leaflet, its stylesheet and any tiles are fetched only when the map is
// first opened: a page that nobody maps stays as light as before, and no
// tile server learns the area of a search the person did not ask to see.
// Whether the map is open is kept for the browser tab, so it stays open
// from one page of results to the next.

(function searchMap() {
  'use strict';

  // Where Leaflet's images are; its script and the stylesheets come by the
  // content-hashed addresses the page gives (they can be kept for a year).
  const LEAFLET = '/assets/leaflet/';
  const OPEN_KEY = 'coprod.search-map.open';
  // Closer than this, a plain background shows nothing more, and tile
  // servers seldom draw further in.
  const MAX_ZOOM = 18;
  const SINGLE_PIN_ZOOM = 15;
  // Leaflet's marker image, in pixels: pins closer than this overlap.
  const PIN_WIDTH = 25;
  const PIN_HEIGHT = 41;
  // A pin standing for many services scrolls its list rather than
  // overflowing the map.
  const POPUP_MAX_HEIGHT = 240;

  const container = document.querySelector('[data-search-map]');
  if (!container) return;
  let data;
  try {
    data = JSON.parse(container.dataset.searchMap);
  } catch {
    return; // leave the list alone: it is the whole of the results anyway
  }
  const toggle = container.querySelector('.coprod-search-map__toggle');
  const panel = container.querySelector('.coprod-search-map__panel');
  const mapElement = container.querySelector('.coprod-search-map__map');
  if (!toggle || !panel || !mapElement || !Array.isArray(data.pins) || data.pins.length === 0) return;

  function loadStylesheet(href) {
    return new Promise((resolve, reject) => {
      const link = document.createElement('link');
      link.rel = 'stylesheet';
      link.href = href;
      link.onload = resolve;
      link.onerror = () => reject(new Error(`could not load ${href}`));
      document.head.append(link);
    });
  }

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = src;
      script.onload = resolve;
      script.onerror = () => reject(new Error(`could not load ${src}`));
      document.head.append(script);
    });
  }

  let loading = null;
  function loadLeaflet() {
    if (!loading) {
      loading = Promise.all([
        loadStylesheet(container.dataset.leafletStyles || `${LEAFLET}leaflet.css`),
        loadStylesheet(container.dataset.ownStyles || '/assets/coprod/search-map.css'),
        loadScript(container.dataset.leafletScript || `${LEAFLET}leaflet.js`),
      ]);
    }
    return loading;
  }

  /** Text for Leaflet's attribution, which it inserts as HTML. */
  function escapeHtml(text) {
    const holder = document.createElement('div');
    holder.textContent = text;
    return holder.innerHTML;
  }

  /**
   * A popup's content: a link to each service at a pin, with its place.
   * Built as elements, so no name is ever read as HTML.
   */
  function popupContent(services) {
    const list = document.createElement('ul');
    list.className = 'coprod-search-map__popup-list';
    for (const service of services) {
      const item = document.createElement('li');
      const link = document.createElement('a');
      link.href = service.href;
      link.textContent = service.name;
      link.className = 'coprod-search-map__popup-link';
      item.append(link);
      if (service.place) {
        const place = document.createElement('span');
        place.className = 'coprod-search-map__popup-place';
        place.textContent = service.place;
        item.append(place);
      }
      list.append(item);
    }
    return list;
  }

  /**
   * Moves focus into a popup opened from the keyboard, and back to its pin
   * when it closes: popups come after every pin in the page, so otherwise
   * the link would be many Tab presses away.
   */
  function keepFocusWithPopups(marker) {
    marker.on('popupopen', (event) => {
      if (document.activeElement !== marker.getElement()) return;
      event.popup.getElement()?.querySelector('a.coprod-search-map__popup-link')?.focus();
    });
    marker.on('popupclose', (event) => {
      // Focus still in the fading popup, or dropped to the page when the
      // popup went: either way it was in the popup, so it goes to the pin.
      const active = document.activeElement;
      if (event.popup.getElement()?.contains(active) || active === document.body) {
        marker.getElement()?.focus();
      }
    });
  }

  /**
   * Pins that would overlap at the map's zoom, grouped: each group keeps
   * the place of its first pin and the services of all. Every pin joins
   * the first group whose pin it would cover, or starts one, so no two
   * pins drawn overlap and each stays easy to pick, by finger or pointer.
   * Groups follow the order of the results.
   */
  function groupPins(map) {
    const groups = [];
    for (const pin of data.pins) {
      const point = map.latLngToLayerPoint([pin.latitude, pin.longitude]);
      const covered = groups.find(
        (group) => Math.abs(group.point.x - point.x) < PIN_WIDTH && Math.abs(group.point.y - point.y) < PIN_HEIGHT,
      );
      if (covered) {
        covered.pins.push(pin);
      } else {
        groups.push({ point, pins: [pin] });
      }
    }
    return groups;
  }

  /** (Re)draws the pins as they group at the map's zoom. */
  function placePins(map, layer) {
    const L = window.L;
    layer.clearLayers();
    for (const group of groupPins(map)) {
      const [first] = group.pins;
      const services = group.pins.flatMap((pin) => pin.services);
      const label = group.pins.length === 1 ? first.label : data.words.pins_near.replace('{}', String(services.length));
      const marker = L.marker([first.latitude, first.longitude], { alt: label, title: label, riseOnHover: true });
      marker.bindPopup(() => popupContent(services), { maxHeight: POPUP_MAX_HEIGHT });
      keepFocusWithPopups(marker);
      layer.addLayer(marker);
    }
  }

  function drawMap() {
    const L = window.L;
    L.Icon.Default.imagePath = `${LEAFLET}images/`;
    // People who ask their system for less motion get a map that jumps
    // rather than glides, and popups that appear at once.
    const still = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    const map = L.map(mapElement, {
      zoomControl: false,
      maxZoom: MAX_ZOOM,
      fadeAnimation: !still,
      zoomAnimation: !still,
      markerZoomAnimation: !still,
    });
    L.control
      .zoom({ zoomInTitle: data.words.zoom_in, zoomOutTitle: data.words.zoom_out })
      .addTo(map);
    if (data.tiles) {
      L.tileLayer(data.tiles.url, {
        attribution: escapeHtml(data.tiles.attribution),
        maxZoom: MAX_ZOOM,
        // The page's own policy sends no referrer at all; some tile
        // servers insist on one. The origin alone never carries the
        // search (the postcode is in the page's query string).
        referrerPolicy: 'strict-origin',
      }).addTo(map);
    }

    // Leaflet closes a popup on Escape only while the map itself has the
    // focus; from a pin or a link in the popup, Escape should close it too.
    mapElement.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') map.closePopup();
    });

    const bounds = L.latLngBounds(data.pins.map((pin) => [pin.latitude, pin.longitude]));
    if (data.near) {
      const centre = [data.near.latitude, data.near.longitude];
      // A circle measures its bounds only once the map has a view, so
      // the view comes from the centre and radius themselves.
      map.fitBounds(L.latLng(centre).toBounds(data.near.radius_metres * 2), { padding: [16, 16] });
      L.circle(centre, {
        radius: data.near.radius_metres,
        interactive: false,
        className: 'coprod-search-map__radius',
      }).addTo(map);
      L.circleMarker(centre, {
        radius: 5,
        interactive: false,
        className: 'coprod-search-map__centre',
      }).addTo(map);
    } else if (data.pins.length === 1) {
      map.setView(bounds.getCenter(), SINGLE_PIN_ZOOM);
    } else {
      map.fitBounds(bounds, { padding: [32, 32] });
    }

    const markers = L.layerGroup().addTo(map);
    placePins(map, markers);
    map.on('zoomend', () => placePins(map, markers));
    return map;
  }

  let map = null;

  async function open() {
    toggle.setAttribute('aria-expanded', 'true');
    toggle.textContent = toggle.dataset.labelHide;
    panel.hidden = false;
    try {
      await loadLeaflet();
    } catch (error) {
      close();
      container.hidden = true; // offer nothing that cannot work
      throw error;
    }
    // Hidden again while Leaflet loaded: a map drawn now would measure a
    // box of no size. It is drawn when next opened.
    if (panel.hidden) return;
    if (map) {
      map.invalidateSize(); // the panel was hidden, so Leaflet measured nothing
    } else {
      map = drawMap();
    }
  }

  function close() {
    toggle.setAttribute('aria-expanded', 'false');
    toggle.textContent = toggle.dataset.labelShow;
    panel.hidden = true;
  }

  function remember(isOpen) {
    try {
      sessionStorage.setItem(OPEN_KEY, isOpen ? 'yes' : 'no');
    } catch {
      // storage may be switched off; the map then starts closed each page
    }
  }

  function rememberedOpen() {
    try {
      return sessionStorage.getItem(OPEN_KEY) === 'yes';
    } catch {
      return false;
    }
  }

  toggle.addEventListener('click', () => {
    const opening = toggle.getAttribute('aria-expanded') !== 'true';
    remember(opening);
    if (opening) {
      open();
    } else {
      close();
    }
  });

  container.hidden = false;
  if (rememberedOpen()) open();
})();
