/* <atlas-map>: the interactive map of partnerships between municipalities.
 *
 * Leaflet draws the bundled country outlines and a selected town's lines; the places
 * themselves (about 21,000 at the full European view) are drawn by PointsLayer onto one
 * canvas, in one path per colour, with a grid for hit-testing: that stays smooth where
 * 21,000 Leaflet markers would not. Strings, labels and addresses come from the page
 * (json_script "atlas-map-config"), so everything shown is translated. See docs/map.md.
 *
 * data-mode="full": the map page. Its state (filters, selected town, centre, zoom) lives in
 *   the address; the filter form and the list below the map are the page's own.
 * data-mode="embed": a municipality (data-town), network or country (data-filters) page.
 */
(() => {
  "use strict";

  const config = JSON.parse(document.getElementById("atlas-map-config").textContent);
  const S = config.strings;
  const LANG = document.documentElement.lang || "en";
  const FILTERS = ["country", "kind", "status", "theme", "since", "until", "scope", "network"];
  const EUROPE = { lat: 51, lon: 12, zoom: 4 };
  const MAX_ZOOM = config.tiles.url ? 18 : 12;
  // Shades by number of partnerships, darkest first: [at least, colour].
  const BUCKETS = [
    [100, "#08306b"],
    [30, "#08519c"],
    [10, "#2171b5"],
    [4, "#4292c6"],
    [2, "#6baed6"],
    [1, "#9ecae1"],
    [0, "#8a939e"],
  ];
  const COLOURS = { line: "#143a66", partner: "#f4b942", town: "#1d4e89", land: "#f7f4ec", border: "#b9b3a3" };
  const numbers = new Intl.NumberFormat(LANG);
  // Dates come as YYYY-MM-DD; shown in the page's language, read as UTC so the day stays put.
  const dates = new Intl.DateTimeFormat(LANG, { dateStyle: "medium", timeZone: "UTC" });

  const format = (template, values) =>
    template.replace(/%\((\w+)\)s/g, (_, key) => (key in values ? values[key] : ""));

  // The same folding as atlas.lib.text.fold: "Škofja Loka" and "skofja loka" match.
  const SPECIAL = {
    ß: "ss", ẞ: "ss", æ: "ae", Æ: "ae", œ: "oe", Œ: "oe", ø: "o", Ø: "o", ł: "l", Ł: "l",
    đ: "d", Đ: "d", ð: "d", Ð: "d", þ: "th", Þ: "th", ı: "i", ħ: "h", Ħ: "h",
  };
  const fold = (text) =>
    text
      .replace(/[ßẞæÆœŒøØłŁđĐðÐþÞıħĦ]/g, (c) => SPECIAL[c])
      .normalize("NFKD")
      .replace(/\p{M}/gu, "")
      .toLowerCase()
      .replace(/[^0-9a-z]+/g, " ")
      .trim();

  // Builds elements with text nodes only: names from the database are never parsed as HTML.
  function h(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === false || value == null) continue;
      if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      // Styles go through the CSSOM: the Content-Security-Policy blocks style="…" attributes.
      else if (name === "style") Object.assign(node.style, value);
      else node.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child == null || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  async function fetchJSON(url) {
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    const body = await response.json().catch(() => null);
    if (!response.ok) {
      const error = new Error(`${response.status} ${url}`);
      error.messages = body && body.errors ? Object.values(body.errors).flat() : [];
      throw error;
    }
    return body;
  }

  function filterQuery(filters) {
    const params = new URLSearchParams();
    for (const name of FILTERS) if (filters[name]) params.set(name, filters[name]);
    return params;
  }

  const townURL = (id) => config.urls.town.replace(/0\.json$/, `${id}.json`);
  const pageURL = (slug) => config.urls.municipality.replace(config.slug, encodeURIComponent(slug));
  const countryName = (code) => config.countries[code] || code;
  const bucketOf = (n) => BUCKETS.findIndex(([least]) => n >= least);

  /* Places: columnar arrays from /map/data/places.json, decoded once. */
  function decodePlaces(data) {
    const count = data.count;
    const lat = new Float64Array(count);
    const lon = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      lat[i] = data.lat[i] / data.scale;
      lon[i] = data.lon[i] / data.scale;
    }
    const index = new Map();
    data.id.forEach((id, i) => index.set(id, i));
    return {
      count,
      id: data.id,
      name: data.name,
      country: data.country.map((i) => data.countries[i]),
      partners: data.partners,
      lat,
      lon,
      index,
      folded: null,
    };
  }

  /* One canvas for all places, redrawn when the map stops moving (Leaflet moves it with
   * the map while panning and scales it while zooming, so panning redraws nothing). */
  const PointsLayer = L.Layer.extend({
    options: { pane: "atlas-points", padding: 0.25, cell: 24 },

    initialize(places, handlers) {
      this._places = places;
      this._handlers = handlers;
      this._dimmed = false;
      this._hovered = -1;
    },

    onAdd(map) {
      this._canvas = L.DomUtil.create("canvas", "atlas-points leaflet-zoom-animated");
      this.getPane().appendChild(this._canvas);
      this._ctx = this._canvas.getContext("2d");
      const { count, lat, lon, partners } = this._places;
      // Projected once at zoom 0; any zoom is a multiple of these.
      this._x0 = new Float64Array(count);
      this._y0 = new Float64Array(count);
      for (let i = 0; i < count; i++) {
        const point = map.project([lat[i], lon[i]], 0);
        this._x0[i] = point.x;
        this._y0[i] = point.y;
      }
      this._buckets = BUCKETS.map(() => []);
      for (let i = 0; i < count; i++) this._buckets[bucketOf(partners[i])].push(i);
      this._x = new Float32Array(count);
      this._y = new Float32Array(count);
      this._r = new Float32Array(count);
      this._next = new Int32Array(count);
      this._tooltip = L.tooltip({ direction: "top", className: "atlas-tooltip", opacity: 1 });
      this._reset();
    },

    onRemove(map) {
      map.closeTooltip(this._tooltip);
      L.DomUtil.remove(this._canvas);
      map.getContainer().classList.remove("atlas-pointer");
    },

    getEvents() {
      return {
        moveend: this._reset,
        resize: this._reset,
        zoom: this._onZoom,
        zoomanim: this._onZoomAnim,
        mousemove: this._onMove,
        mouseout: this._onOut,
        click: this._onClick,
      };
    },

    setDimmed(dimmed) {
      if (dimmed !== this._dimmed) {
        this._dimmed = dimmed;
        this._draw();
      }
    },

    // Leaflet's own renderers do the same: keep the canvas where it was drawn, scaled.
    _onZoomAnim(event) {
      this._updateTransform(event.center, event.zoom);
    },

    _onZoom() {
      this._updateTransform(this._map.getCenter(), this._map.getZoom());
    },

    _updateTransform(center, zoom) {
      const map = this._map;
      const scale = map.getZoomScale(zoom, this._zoom);
      const viewHalf = map.getSize().multiplyBy(0.5 + this.options.padding);
      const offset = viewHalf
        .multiplyBy(-scale)
        .add(map.project(this._center, zoom))
        .subtract(map._getNewPixelOrigin(center, zoom));
      L.DomUtil.setTransform(this._canvas, offset, scale);
    },

    _reset() {
      const map = this._map;
      const size = map.getSize();
      const pad = size.multiplyBy(this.options.padding).round();
      const topLeft = map.containerPointToLayerPoint([0, 0]).subtract(pad);
      const ratio = window.devicePixelRatio || 1;
      this._pad = pad;
      this._width = size.x + 2 * pad.x;
      this._height = size.y + 2 * pad.y;
      this._center = map.getCenter();
      this._zoom = map.getZoom();
      this._offset = map.getPixelOrigin().add(topLeft);
      this._canvas.width = Math.round(this._width * ratio);
      this._canvas.height = Math.round(this._height * ratio);
      this._canvas.style.width = `${this._width}px`;
      this._canvas.style.height = `${this._height}px`;
      L.DomUtil.setPosition(this._canvas, topLeft);
      this._draw();
    },

    _draw() {
      const map = this._map;
      if (!map) return;
      const ctx = this._ctx;
      const ratio = window.devicePixelRatio || 1;
      const zoom = this._zoom;
      const scale = map.options.crs.scale(zoom) / map.options.crs.scale(0);
      const shrink = zoom <= 3 ? 0.4 : zoom === 4 ? 0.5 : zoom === 5 ? 0.65 : zoom === 6 ? 0.8 : 1;
      const width = this._width;
      const height = this._height;
      const cell = this.options.cell;
      this._columns = Math.ceil(width / cell);
      this._rows = Math.ceil(height / cell);
      this._heads = new Int32Array(this._columns * this._rows).fill(-1);
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, width, height);
      ctx.globalAlpha = this._dimmed ? 0.3 : 1;
      // A thin light rim tells overlapping places apart; at a wide view it would wash out.
      ctx.lineWidth = zoom <= 4 ? 0.35 : 0.8;
      ctx.strokeStyle = zoom <= 4 ? "rgba(255, 255, 255, 0.5)" : "rgba(255, 255, 255, 0.9)";
      const { partners } = this._places;
      let drawn = 0;
      // Darkest (most partners, largest) first, so small places stay visible on top.
      this._buckets.forEach((members, bucket) => {
        if (!members.length) return;
        ctx.beginPath();
        for (const i of members) {
          const x = this._x0[i] * scale - this._offset.x;
          const y = this._y0[i] * scale - this._offset.y;
          const r = shrink * (2.4 + 1.1 * Math.sqrt(partners[i]));
          if (x < -r || y < -r || x > width + r || y > height + r) {
            this._r[i] = 0;
            continue;
          }
          this._x[i] = x;
          this._y[i] = y;
          this._r[i] = r;
          ctx.moveTo(x + r, y);
          ctx.arc(x, y, r, 0, 2 * Math.PI);
          const c = Math.min(this._columns - 1, Math.max(0, Math.floor(x / cell)));
          const row = Math.min(this._rows - 1, Math.max(0, Math.floor(y / cell)));
          const key = row * this._columns + c;
          this._next[i] = this._heads[key];
          this._heads[key] = i;
          drawn++;
        }
        ctx.fillStyle = BUCKETS[bucket][1];
        ctx.fill();
        ctx.stroke();
      });
      this._drawn = drawn;
      this._handlers.drawn(drawn);
    },

    // The place under a container point: the nearest whose circle (plus a little) is hit.
    _hit(containerPoint) {
      if (!this._heads) return -1;
      const x = containerPoint.x + this._pad.x;
      const y = containerPoint.y + this._pad.y;
      const cell = this.options.cell;
      const column = Math.floor(x / cell);
      const row = Math.floor(y / cell);
      let best = -1;
      let bestDistance = Infinity;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const c = column + dx;
          const r = row + dy;
          if (c < 0 || r < 0 || c >= this._columns || r >= this._rows) continue;
          for (let i = this._heads[r * this._columns + c]; i !== -1; i = this._next[i]) {
            const distance = Math.hypot(this._x[i] - x, this._y[i] - y);
            if (distance <= this._r[i] + 2 && distance < bestDistance) {
              best = i;
              bestDistance = distance;
            }
          }
        }
      }
      return best;
    },

    _onMove(event) {
      const i = this._hit(event.containerPoint);
      if (i === this._hovered) return;
      this._hovered = i;
      const map = this._map;
      map.getContainer().classList.toggle("atlas-pointer", i !== -1);
      if (i === -1) {
        map.closeTooltip(this._tooltip);
        return;
      }
      const places = this._places;
      this._tooltip.options.offset = L.point(0, -this._r[i]);
      this._tooltip
        .setLatLng([places.lat[i], places.lon[i]])
        .setContent(placeLabel(places, i));
      map.openTooltip(this._tooltip);
    },

    _onOut() {
      this._hovered = -1;
      this._map.closeTooltip(this._tooltip);
      this._map.getContainer().classList.remove("atlas-pointer");
    },

    _onClick(event) {
      const i = this._hit(event.containerPoint);
      if (i !== -1) this._handlers.select(this._places.id[i], i);
    },
  });

  function placeLabel(places, i) {
    return h(
      "span",
      {},
      h("strong", {}, places.name[i]),
      ` · ${countryName(places.country[i])} · `,
      format(S.partners, { count: numbers.format(places.partners[i]) })
    );
  }

  const Legend = L.Control.extend({
    options: { position: "bottomleft", zero: false },
    onAdd() {
      const labels = BUCKETS.slice(0, this.options.zero ? undefined : -1).reverse();
      return h(
        "div",
        { class: "atlas-legend" },
        h("p", {}, S.legend),
        h(
          "ul",
          {},
          labels.map(([least, colour], i) => {
            const next = labels[i + 1];
            const text = next ? (next[0] - 1 === least ? `${least}` : `${least}–${next[0] - 1}`) : `${least}+`;
            const size = Math.min(16, 2 * 0.65 * (2.4 + 1.1 * Math.sqrt(least)));
            return h(
              "li",
              {},
              h("span", { class: "swatch", style: { background: colour, width: `${size}px`, height: `${size}px` } }),
              text
            );
          })
        )
      );
    },
  });

  class AtlasMap extends HTMLElement {
    connectedCallback() {
      if (this.map) return;
      this.full = this.dataset.mode === "full";
      this.places = null;
      this.points = null;
      this.town = null;
      this.loads = 0;
      this.readState();
      this.build();
      this.createMap();
      this.load(true);
    }

    readState() {
      if (this.full) {
        const params = new URLSearchParams(window.location.search);
        this.filters = {};
        for (const name of FILTERS) if (params.get(name)) this.filters[name] = params.get(name);
        this.town = Number(params.get("town")) || null;
        this.page = params.get("page");
        const lat = Number.parseFloat(params.get("lat"));
        const lon = Number.parseFloat(params.get("lon"));
        const zoom = Number.parseInt(params.get("zoom"), 10);
        this.view = [lat, lon, zoom].every(Number.isFinite) ? { lat, lon, zoom } : null;
      } else {
        this.filters = Object.fromEntries(new URLSearchParams(this.dataset.filters || ""));
        this.town = Number(this.dataset.town) || null;
        this.view = null;
      }
    }

    build() {
      this.status = h("p", { class: "map-status", role: "status" }, S.loading);
      this.canvas = h("div", {
        class: "map-canvas",
        role: "region",
        "aria-label": this.dataset.label || S.map,
      });
      const stage = h("div", { class: "map-stage" }, this.canvas, this.status);
      for (const old of this.querySelectorAll(".map-noscript")) old.remove();
      // The static map stays as the fallback until the interactive one has failed.
      this.fallback = this.querySelector(".map-fallback");
      if (this.fallback) this.fallback.hidden = true;
      this.prepend(stage);
      if (!this.full) return;
      // The panel beside the map is the page's: the picker and the selection go first.
      this.selection = h("div", { class: "map-selection", "aria-live": "polite" });
      const panel = document.getElementById(this.dataset.panel) || this;
      panel.prepend(this.buildPicker(), this.selection);
      const form = document.getElementById("map-filters");
      if (form) {
        this.form = form;
        form.addEventListener("change", (event) => {
          if (event.target.name && FILTERS.includes(event.target.name)) this.applyForm();
        });
        form.addEventListener("submit", (event) => {
          event.preventDefault();
          this.applyForm();
        });
      }
      document.addEventListener("click", (event) => {
        const link = event.target.closest("#map-list [data-map-select], #map-list [data-map-clear]");
        if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
        event.preventDefault();
        if (link.hasAttribute("data-map-clear")) this.clear();
        else this.select(Number(link.dataset.mapSelect), { fit: true });
        this.canvas.focus({ preventScroll: true });
        this.scrollIntoView({ behavior: "smooth", block: "nearest" });
      });
    }

    createMap() {
      const map = L.map(this.canvas, {
        preferCanvas: true,
        minZoom: 2,
        maxZoom: MAX_ZOOM,
        zoomSnap: 1,
        worldCopyJump: false,
        scrollWheelZoom: this.full,
      });
      this.map = map;
      if (!this.full) {
        // On a page that scrolls, the wheel zooms only once the map has the focus.
        map.on("focus", () => map.scrollWheelZoom.enable());
        map.on("blur", () => map.scrollWheelZoom.disable());
      }
      map.createPane("atlas-land").style.zIndex = 250;
      map.createPane("atlas-points").style.zIndex = 450;
      map.createPane("atlas-selection").style.zIndex = 460;
      this.landRenderer = L.canvas({ pane: "atlas-land", padding: 0.25 });
      this.selectionRenderer = L.canvas({ pane: "atlas-selection", padding: 0.25 });
      this.selectionLayer = L.layerGroup().addTo(map);
      const view = this.view || EUROPE;
      map.setView([view.lat, view.lon], view.zoom);
      if (config.tiles.url) {
        L.tileLayer(config.tiles.url, { attribution: config.tiles.attribution, maxZoom: MAX_ZOOM }).addTo(map);
      } else {
        map.attributionControl.addAttribution(S.basemapCredit);
        fetchJSON(config.urls.basemap)
          .then((data) => this.drawLand(data))
          .catch((error) => this.fail(error));
      }
      if (this.full) map.on("moveend", () => this.writeURL());
    }

    drawLand(data) {
      const scale = data.scale;
      for (const rings of data.countries) {
        const latlngs = rings.map((ring) => {
          const points = [];
          let x = 0;
          let y = 0;
          for (let i = 0; i < ring.length; i += 2) {
            x += ring[i];
            y += ring[i + 1];
            points.push([y / scale, x / scale]);
          }
          return points;
        });
        // All rings in one path, filled even-odd: islands are filled, lakes are not.
        L.polygon(latlngs, {
          renderer: this.landRenderer,
          interactive: false,
          color: COLOURS.border,
          weight: 0.6,
          fillColor: COLOURS.land,
          fillOpacity: 1,
          smoothFactor: 1.5,
        }).addTo(this.map);
      }
    }

    // Loads what the state asks for; `first` keeps the view from the address.
    async load(first) {
      const load = ++this.loads;
      if (this.hasAttribute("data-invalid")) {
        this.setStatus(S.invalid);
        return;
      }
      this.setStatus(S.loading);
      try {
        if (this.full || !this.town) {
          const query = filterQuery(this.filters).toString();
          const data = await fetchJSON(config.urls.places + (query ? `?${query}` : ""));
          if (load !== this.loads) return;
          this.showPlaces(decodePlaces(data), first);
        }
        if (this.town) await this.select(this.town, { fit: !this.full || (first && !this.view), load });
        else this.drawSelection(null);
        if (load !== this.loads) return;
        this.dataset.state = "ready";
        performance.mark("atlas-map:ready");
      } catch (error) {
        if (load === this.loads) this.fail(error);
      }
    }

    showPlaces(places, first) {
      this.places = places;
      if (this.points) this.map.removeLayer(this.points);
      this.points = null;
      if (this.legend) this.legend.remove();
      this.legend = new Legend({ zero: places.partners.includes(0) }).addTo(this.map);
      this.dataset.points = places.count;
      this.dataset.drawn = 0;
      if (!places.count) {
        this.setStatus(S.noPlaces);
        return;
      }
      this.setStatus(format(S.placesShown, { count: numbers.format(places.count) }));
      this.points = new PointsLayer(places, {
        select: (id) => this.select(id, { fit: false }),
        drawn: (count) => {
          this.dataset.drawn = count;
        },
      }).addTo(this.map);
      if (this.town) this.points.setDimmed(true);
      const focused = this.filters.country || this.filters.network || !this.full;
      if ((!first || !this.view) && focused && !this.town) this.fitTo(places.lat, places.lon);
    }

    // Fits the view to the points, leaving out the farthest 2.5% on each side when there
    // are many (a country's overseas places would otherwise zoom out to the whole world).
    fitTo(lats, lons) {
      if (!lats.length) return;
      const sorted = (values) => Float64Array.from(values).sort();
      const la = sorted(lats);
      const lo = sorted(lons);
      const cut = la.length >= 40 ? Math.floor(la.length * 0.025) : 0;
      const last = la.length - 1 - cut;
      const bounds = L.latLngBounds([la[cut], lo[cut]], [la[last], lo[last]]);
      this.map.fitBounds(bounds.pad(cut ? 0.25 : 0.1), { maxZoom: 9, animate: false });
    }

    async select(id, { fit = false, load = this.loads } = {}) {
      this.town = id;
      if (this.full) {
        this.page = null;
        this.writeURL();
      }
      let data;
      try {
        const query = filterQuery(this.filters).toString();
        data = await fetchJSON(townURL(id) + (query ? `?${query}` : ""));
      } catch (error) {
        if (load === this.loads) this.fail(error);
        return;
      }
      if (load !== this.loads || id !== this.town) return;
      this.drawSelection(data, fit);
      if (this.full) this.refreshList();
    }

    clear() {
      this.town = null;
      this.page = null;
      this.drawSelection(null);
      this.writeURL();
      this.refreshList();
    }

    drawSelection(data, fit) {
      this.selectionLayer.clearLayers();
      if (this.points) this.points.setDimmed(Boolean(data));
      if (this.full) this.renderPanel(data);
      if (!data) {
        delete this.dataset.town;
        delete this.dataset.lines;
        return;
      }
      const scale = data.scale;
      const town = data.town;
      const here = town.lat == null ? null : L.latLng(town.lat / scale, town.lon / scale);
      const bounds = here ? [here] : [];
      let lines = 0;
      for (let i = 0; i < data.count; i++) {
        if (data.lat[i] == null) continue;
        const there = L.latLng(data.lat[i] / scale, data.lon[i] / scale);
        bounds.push(there);
        if (here) {
          L.polyline([here, there], {
            renderer: this.selectionRenderer,
            interactive: false,
            color: COLOURS.line,
            weight: 1.6,
            opacity: 0.8,
          }).addTo(this.selectionLayer);
          lines++;
        }
        this.marker(there, 5, COLOURS.partner, data.name[i], data.country[i], data.id[i], data.slug[i]).addTo(
          this.selectionLayer
        );
      }
      if (here) this.marker(here, 8, COLOURS.town, town.name, town.country, town.id, town.slug, true).addTo(this.selectionLayer);
      this.dataset.town = town.id;
      this.dataset.lines = lines;
      if (fit && bounds.length) {
        this.map.fitBounds(L.latLngBounds(bounds).pad(0.15), { maxZoom: 8, animate: false });
      }
      if (!this.places) this.setStatus(format(S.partners, { count: numbers.format(data.count) }));
    }

    marker(latlng, radius, fill, name, country, id, slug, isTown) {
      const marker = L.circleMarker(latlng, {
        renderer: this.selectionRenderer,
        radius,
        fillColor: fill,
        fillOpacity: 1,
        color: isTown ? "#ffffff" : COLOURS.line,
        weight: isTown ? 2.5 : 1.2,
        bubblingMouseEvents: false,
      });
      marker.bindTooltip(h("span", {}, h("strong", {}, name), ` · ${countryName(country)}`), {
        direction: "top",
        offset: [0, -radius],
        className: "atlas-tooltip",
        opacity: 1,
      });
      marker.on("click", () => {
        if (this.full && !isTown) {
          this.select(id, { fit: false });
        } else {
          L.popup({ offset: [0, -radius] })
            .setLatLng(latlng)
            .setContent(h("div", { class: "atlas-popup" }, h("strong", {}, name), h("br"), h("a", { href: pageURL(slug) }, S.openPage)))
            .openOn(this.map);
        }
      });
      return marker;
    }

    renderPanel(data) {
      const panel = this.selection;
      panel.replaceChildren();
      if (!data) return;
      const town = data.town;
      panel.append(
        h("h2", { class: "map-town-name" }, town.name),
        h(
          "p",
          { class: "meta" },
          countryName(town.country),
          " · ",
          h("a", { href: pageURL(town.slug) }, S.openPage),
          " · ",
          h("button", { type: "button", class: "link-button", onclick: () => this.clear() }, S.clear)
        ),
        h("h3", {}, format(S.partners, { count: numbers.format(data.count) }))
      );
      if (!data.count) {
        panel.append(h("p", { class: "empty" }, S.noPartners));
        return;
      }
      const items = [];
      for (let i = 0; i < data.count; i++) {
        const details = [config.kinds[data.kind[i]] || data.kind[i]];
        if (data.since[i]) details.push(format(S.since, { year: data.since[i] }));
        if (data.last && data.last[i]) {
          details.push(format(S.lastActivity, { date: dates.format(new Date(`${data.last[i]}T00:00:00Z`)) }));
        }
        const themes = data.themes[i].map((slug) => config.themes[slug] || slug);
        items.push(
          h(
            "li",
            { "data-place": data.id[i] },
            h("a", { href: pageURL(data.slug[i]) }, data.name[i]),
            " ",
            h("span", { class: "meta" }, countryName(data.country[i])),
            h(
              "span",
              { class: "map-partner-details" },
              details.join(" · "),
              " ",
              h("span", { class: `status status-${data.status[i]}` }, config.statuses[data.status[i]] || data.status[i]),
              themes.length ? ` · ${themes.join(", ")}` : ""
            ),
            h(
              "button",
              {
                type: "button",
                class: "link-button",
                onclick: () => this.select(data.id[i], { fit: true }),
              },
              format(S.showOnMap, { name: data.name[i] })
            )
          )
        );
      }
      panel.append(h("ul", { class: "map-partners" }, items));
    }

    buildPicker() {
      const input = h("input", {
        id: "map-picker",
        type: "search",
        role: "combobox",
        autocomplete: "off",
        spellcheck: "false",
        placeholder: S.pickerPlaceholder,
        "aria-autocomplete": "list",
        "aria-expanded": "false",
        "aria-controls": "map-picker-options",
      });
      const list = h("ul", { id: "map-picker-options", role: "listbox", class: "map-picker-options", hidden: true });
      const none = h("p", { class: "map-picker-none", hidden: true }, S.pickerNone);
      let options = [];
      let active = -1;
      const close = () => {
        list.hidden = true;
        none.hidden = true;
        input.setAttribute("aria-expanded", "false");
        input.removeAttribute("aria-activedescendant");
        active = -1;
      };
      const choose = (i) => {
        const places = this.places;
        input.value = places.name[i];
        close();
        this.select(places.id[i], { fit: true });
      };
      const highlight = (next) => {
        if (!options.length) return;
        active = (next + options.length) % options.length;
        list.querySelectorAll("[role=option]").forEach((node, n) => node.setAttribute("aria-selected", String(n === active)));
        input.setAttribute("aria-activedescendant", `map-picker-option-${active}`);
        list.children[active].scrollIntoView({ block: "nearest" });
      };
      input.addEventListener("input", () => {
        const key = fold(input.value);
        options = key && this.places ? this.match(key) : [];
        list.replaceChildren(
          ...options.map((i, n) =>
            h(
              "li",
              {
                id: `map-picker-option-${n}`,
                role: "option",
                "aria-selected": "false",
                onmousedown: (event) => {
                  event.preventDefault();
                  choose(i);
                },
              },
              this.places.name[i],
              h("span", { class: "meta" }, ` ${countryName(this.places.country[i])} · ${numbers.format(this.places.partners[i])}`)
            )
          )
        );
        active = -1;
        list.hidden = !options.length;
        none.hidden = Boolean(options.length) || !key;
        input.setAttribute("aria-expanded", String(options.length > 0));
        input.removeAttribute("aria-activedescendant");
      });
      input.addEventListener("keydown", (event) => {
        if (event.key === "ArrowDown") {
          event.preventDefault();
          highlight(active + 1);
        } else if (event.key === "ArrowUp") {
          event.preventDefault();
          highlight(active - 1);
        } else if (event.key === "Enter" && options.length) {
          event.preventDefault();
          choose(options[Math.max(active, 0)]);
        } else if (event.key === "Escape") {
          close();
        }
      });
      input.addEventListener("blur", () => setTimeout(close, 100));
      return h("div", { class: "map-picker" }, h("label", { for: "map-picker" }, S.pickerLabel), input, list, none);
    }

    // Names on the map matching a folded key: whole name, then the start of the name, then
    // the start of a word, then anywhere; more partners first within each.
    match(key, limit = 10) {
      const places = this.places;
      if (!places.folded) places.folded = places.name.map(fold);
      const found = [];
      const wordKey = ` ${key}`;
      for (let i = 0; i < places.count; i++) {
        const name = places.folded[i];
        let rank;
        if (name === key) rank = 0;
        else if (name.startsWith(key)) rank = 1;
        else if (name.includes(wordKey)) rank = 2;
        else if (name.includes(key)) rank = 3;
        else continue;
        found.push([rank, -places.partners[i], places.name[i], i]);
      }
      found.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2].localeCompare(b[2], LANG));
      return found.slice(0, limit).map((entry) => entry[3]);
    }

    applyForm() {
      const data = new FormData(this.form);
      const filters = {};
      for (const name of FILTERS) {
        const value = String(data.get(name) || "").trim();
        if (value) filters[name] = value;
      }
      this.filters = filters;
      this.page = null;
      this.removeAttribute("data-invalid");
      for (const error of this.form.querySelectorAll(".field-error")) error.remove();
      this.writeURL();
      this.load(false).then(() => this.refreshList());
    }

    writeURL() {
      if (!this.full || !this.map) return;
      const params = filterQuery(this.filters);
      if (this.town) params.set("town", this.town);
      const centre = this.map.getCenter().wrap();
      params.set("lat", centre.lat.toFixed(4));
      params.set("lon", centre.lng.toFixed(4));
      params.set("zoom", this.map.getZoom());
      if (this.page) params.set("page", this.page);
      window.history.replaceState(null, "", `${window.location.pathname}?${params}`);
      if (this.form) {
        for (const name of ["town", "lat", "lon", "zoom"]) {
          const field = this.form.elements.namedItem(name);
          if (field) field.value = params.get(name) || "";
        }
      }
    }

    // The list beside the map is the page's own, rendered by the server for the same
    // address: fetched again so it always shows what the map shows.
    async refreshList() {
      const current = document.getElementById("map-list");
      if (!current) return;
      const request = (this.listRequest = (this.listRequest || 0) + 1);
      const params = filterQuery(this.filters);
      if (this.town) params.set("town", this.town);
      try {
        const response = await fetch(`${window.location.pathname}?${params}`, { headers: { Accept: "text/html" } });
        const html = await response.text();
        if (request !== this.listRequest) return;
        const fresh = new DOMParser().parseFromString(html, "text/html").getElementById("map-list");
        if (fresh) document.getElementById("map-list").replaceWith(fresh);
      } catch (error) {
        this.fail(error);
      }
    }

    setStatus(text) {
      this.status.textContent = text;
    }

    fail(error) {
      this.dataset.state = "error";
      if (this.fallback) this.fallback.hidden = false;
      this.setStatus(error.messages && error.messages.length ? error.messages.join(" ") : S.loadError);
    }

    // For tests and benchmarks: where a place is on the page, in CSS pixels.
    pagePointOf(id) {
      const i = this.places ? this.places.index.get(id) : undefined;
      if (i === undefined) return null;
      const point = this.map.latLngToContainerPoint([this.places.lat[i], this.places.lon[i]]);
      const box = this.canvas.getBoundingClientRect();
      return { x: box.left + point.x, y: box.top + point.y };
    }
  }

  customElements.define("atlas-map", AtlasMap);
})();
