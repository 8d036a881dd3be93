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

  const LEAFLET = '/assets/leaflet/';
  const OWN_STYLES = '/assets/coprod/search-map.css';
  const OPEN_KEY = 'coprod.search-map.open';
  // Closer than this, a plain background shows nothing more, and tile
  // servers seldom draw further in.
  const MAX_ZOOM = 18;
  const SINGLE_PIN_ZOOM = 15;

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
        loadStylesheet(`${LEAFLET}leaflet.css`),
        loadStylesheet(OWN_STYLES),
        loadScript(`${LEAFLET}leaflet.js`),
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
   * A popup's content: a link to each service at the pin, with its place.
   * Built as elements, so no name is ever read as HTML.
   */
  function popupContent(pin) {
    const list = document.createElement('ul');
    list.className = 'coprod-search-map__popup-list';
    for (const service of pin.services) {
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
      if (event.popup.getElement()?.contains(document.activeElement)) {
        marker.getElement()?.focus();
      }
    });
  }

  function drawMap() {
    const L = window.L;
    L.Icon.Default.imagePath = `${LEAFLET}images/`;
    const map = L.map(mapElement, { zoomControl: false, maxZoom: MAX_ZOOM });
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

    const bounds = L.latLngBounds([]);
    for (const pin of data.pins) {
      const marker = L.marker([pin.latitude, pin.longitude], {
        alt: pin.label,
        title: pin.label,
        riseOnHover: true,
      });
      marker.bindPopup(() => popupContent(pin));
      keepFocusWithPopups(marker);
      marker.addTo(map);
      bounds.extend(marker.getLatLng());
    }

    if (data.near) {
      const centre = [data.near.latitude, data.near.longitude];
      const circle = L.circle(centre, {
        radius: data.near.radius_metres,
        interactive: false,
        className: 'coprod-search-map__radius',
      }).addTo(map);
      L.circleMarker(centre, {
        radius: 5,
        interactive: false,
        className: 'coprod-search-map__centre',
      }).addTo(map);
      map.fitBounds(circle.getBounds());
    } else if (data.pins.length === 1) {
      map.setView(bounds.getCenter(), SINGLE_PIN_ZOOM);
    } else {
      map.fitBounds(bounds, { padding: [32, 32] });
    }
    return map;
  }

  let map = null;

  async function open() {
    toggle.setAttribute('aria-expanded', 'true');
    toggle.textContent = toggle.dataset.labelHide;
    panel.hidden = false;
    container.classList.add('coprod-search-map--open');
    try {
      await loadLeaflet();
    } catch (error) {
      close();
      container.hidden = true; // offer nothing that cannot work
      throw error;
    }
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
    container.classList.remove('coprod-search-map--open');
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
