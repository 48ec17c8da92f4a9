/* The county base map of the staff maps (site map, coverage, map settings preview, site form).

   GonghuiBasemap.create(map, cfg, options) draws the county's own GeoJSON layers — boundary,
   township boundaries, built-up areas, roads — with names, or a configured XYZ tile source
   under them. Nothing is requested from any other host unless a tile URL is configured.

   cfg (from the page's json_script block): {layers: {kind: {url, label, bbox}}, tile_url,
   tile_attribution, tile_subdomains}. options: {mode: "map" | "coverage" | "preview" |
   "form", fit: true, overTiles: false}.

   Feature properties read (all optional): name; roads: ref (G235, S212, X301: drawn as a
   shield), class (national / provincial / county / urban / street, or OpenStreetMap
   highway=* values, or 国道 / 省道 / 县道 / 乡道); built-up areas: class (town / village).

   Labels are laid out after every move and zoom: by priority (county name, townships, road
   shields, towns, road names, villages, streets), each only from its zoom level on, and a
   label that would overlap one already placed is left out. Road names run along the road. */
(function () {
  "use strict";

  var PANES = { countyfill: 300, township: 305, built_up_area: 315, roadcasing: 322, road: 326, boundary: 335, labels: 620 };
  var TOWNSHIP_FILLS = ["#f3e6c4", "#d9ebc8", "#d3e3f1", "#f0d8d8", "#e4daef", "#d5ede6", "#efe0cf"];
  var ROAD = {
    national: { casing: "#c2580a", core: "#ffb54d", width: 4.4, minZoom: 0, shieldZoom: 9, nameZoom: 99 },
    provincial: { casing: "#c49b1c", core: "#ffe27a", width: 3.8, minZoom: 0, shieldZoom: 9, nameZoom: 99 },
    county: { casing: "#b2a386", core: "#ffffff", width: 2.8, minZoom: 9, shieldZoom: 11, nameZoom: 12 },
    urban: { casing: "#a7a7a7", core: "#ffffff", width: 3.0, minZoom: 11, shieldZoom: 12, nameZoom: 13 },
    street: { casing: "#c6c6c6", core: "#ffffff", width: 2.2, minZoom: 13, shieldZoom: 14, nameZoom: 14 },
  };
  var OSM_CLASS = {
    motorway: "national", trunk: "national", primary: "provincial", secondary: "county",
    tertiary: "county", unclassified: "county", residential: "street", living_street: "street", service: "street",
  };
  // Label kinds: CSS class, priority (lower first), zoom range, how much of the area's
  // on-screen width the text may take before it is left out.
  var LABEL = {
    county: { cls: "map-label map-label-county", priority: 0, minZoom: 0, maxZoom: 9 },
    township: { cls: "map-label map-label-township", priority: 1, minZoom: 9, maxZoom: 18, fit: 1.6 },
    shield: { priority: 2 },
    town: { cls: "map-label map-label-town", priority: 3, minZoom: 11, maxZoom: 18, fit: 2.2 },
    road: { cls: "map-label map-label-road", priority: 4 },
    village: { cls: "map-label map-label-village", priority: 5, minZoom: 13, maxZoom: 18, fit: 3 },
    street: { cls: "map-label map-label-street", priority: 6 },
  };

  function roadClass(p) {
    var raw = String(p["class"] || p.highway || p.fclass || p.type || "").toLowerCase();
    if (ROAD[raw]) return raw;
    if (OSM_CLASS[raw.replace(/_link$/, "")]) return OSM_CLASS[raw.replace(/_link$/, "")];
    if (/国道|高速/.test(raw)) return "national";
    if (/省道/.test(raw)) return "provincial";
    if (/县道|乡道/.test(raw)) return "county";
    var ref = String(p.ref || "").toUpperCase();
    if (/^G/.test(ref)) return "national";
    if (/^S/.test(ref)) return "provincial";
    if (/^[XYZ]/.test(ref)) return "county";
    return "county";
  }

  function widthAt(zoom) {
    return Math.max(0.45, Math.min(2.2, (zoom - 8) / 4));
  }

  // --- geometry helpers ---------------------------------------------------------------------

  function outerRings(geometry) {
    if (!geometry) return [];
    if (geometry.type === "Polygon") return [geometry.coordinates[0]];
    if (geometry.type === "MultiPolygon") return geometry.coordinates.map(function (poly) { return poly[0]; });
    return [];
  }

  function lines(geometry) {
    if (!geometry) return [];
    if (geometry.type === "LineString") return [geometry.coordinates];
    if (geometry.type === "MultiLineString") return geometry.coordinates;
    return [];
  }

  function ringBox(ring) {
    var box = [Infinity, Infinity, -Infinity, -Infinity];
    ring.forEach(function (p) {
      box[0] = Math.min(box[0], p[0]); box[1] = Math.min(box[1], p[1]);
      box[2] = Math.max(box[2], p[0]); box[3] = Math.max(box[3], p[1]);
    });
    return box;
  }

  // Signed distance (in the ring's units, x scaled by cos(lat)) from a point to the ring:
  // positive inside.
  function ringDistance(x, y, ring, k) {
    var inside = false, best = Infinity;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var ax = ring[i][0] * k, ay = ring[i][1], bx = ring[j][0] * k, by = ring[j][1];
      if ((ay > y) !== (by > y) && x < ((bx - ax) * (y - ay)) / (by - ay) + ax) inside = !inside;
      var dx = bx - ax, dy = by - ay, len = dx * dx + dy * dy;
      var t = len ? Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len)) : 0;
      var ex = ax + t * dx - x, ey = ay + t * dy - y;
      best = Math.min(best, ex * ex + ey * ey);
    }
    return (inside ? 1 : -1) * Math.sqrt(best);
  }

  // The point of the ring farthest from its edges (a coarse-to-fine grid search, like
  // polylabel): where an area's name reads best. Returns [lng, lat].
  function labelPoint(ring) {
    var box = ringBox(ring);
    var k = Math.cos(((box[1] + box[3]) / 2) * Math.PI / 180);
    var x0 = box[0] * k, x1 = box[2] * k, y0 = box[1], y1 = box[3];
    var best = { x: (x0 + x1) / 2, y: (y0 + y1) / 2, d: -Infinity };
    var stepX = (x1 - x0) / 12, stepY = (y1 - y0) / 12;
    function scan(cx, cy, n) {
      for (var i = -n; i <= n; i++) {
        for (var j = -n; j <= n; j++) {
          var x = cx + i * stepX, y = cy + j * stepY;
          var d = ringDistance(x, y, ring, k);
          if (d > best.d) best = { x: x, y: y, d: d };
        }
      }
    }
    scan((x0 + x1) / 2, (y0 + y1) / 2, 6);
    for (var round = 0; round < 3; round++) {
      stepX /= 3; stepY /= 3;
      scan(best.x, best.y, 3);
    }
    return [best.x / k, best.y];
  }

  // --- labels -------------------------------------------------------------------------------

  // An oriented box: centre, half sizes, angle (radians).
  function box(x, y, w, h, angle) {
    var c = Math.cos(angle), s = Math.sin(angle);
    var ux = [c, s], uy = [-s, c];
    var corners = [[-1, -1], [1, -1], [1, 1], [-1, 1]].map(function (m) {
      return [x + m[0] * w * ux[0] + m[1] * h * uy[0], y + m[0] * w * ux[1] + m[1] * h * uy[1]];
    });
    return { corners: corners, axes: [ux, uy] };
  }

  function overlaps(a, b) {
    var axes = a.axes.concat(b.axes);
    for (var i = 0; i < axes.length; i++) {
      var ax = axes[i];
      var pa = a.corners.map(function (p) { return p[0] * ax[0] + p[1] * ax[1]; });
      var pb = b.corners.map(function (p) { return p[0] * ax[0] + p[1] * ax[1]; });
      if (Math.max.apply(null, pa) < Math.min.apply(null, pb) || Math.max.apply(null, pb) < Math.min.apply(null, pa)) return false;
    }
    return true;
  }

  function LabelManager(map) {
    this.map = map;
    this.sets = [];
    this.pane = map.getPane("labels");
    this.pane.classList.add("leaflet-zoom-hide", "map-labels");
    this.frame = 0;
    var self = this;
    map.on("zoomend moveend resize viewreset", function () { self.refresh(); });
  }

  LabelManager.prototype.add = function (set) {
    if (this.sets.indexOf(set) < 0) this.sets.push(set);
    this.refresh();
  };

  LabelManager.prototype.remove = function (set) {
    this.sets = this.sets.filter(function (s) { return s !== set; });
    set.items.forEach(function (item) { (item.nodes || []).forEach(function (n) { n.style.display = "none"; }); });
    this.refresh();
  };

  LabelManager.prototype.refresh = function () {
    var self = this;
    if (this.frame) return;
    var run = function () { self.frame = 0; self.layout(); };
    this.frame = window.requestAnimationFrame ? window.requestAnimationFrame(run) : setTimeout(run, 16);
  };

  LabelManager.prototype.node = function (item, index) {
    item.nodes = item.nodes || [];
    var node = item.nodes[index];
    if (!node) {
      node = document.createElement("span");
      node.className = item.cls;
      node.textContent = item.text;
      node.style.display = "block";
      node.style.visibility = "hidden";
      this.pane.appendChild(node);
      item.nodes[index] = node;
    }
    if (!item.size) {
      node.style.display = "block";
      item.size = [node.offsetWidth, node.offsetHeight];
    }
    return node;
  };

  // Where a road's label may go at this zoom: points on its straightest stretches on screen
  // long enough for the text (the middle first, then towards the ends), with the stretch's
  // direction; longest stretches first.
  LabelManager.prototype.lineSpots = function (item, textWidth, rotate) {
    var map = this.map, size = map.getSize(), runs = [];
    item.lines.forEach(function (line) {
      var pts = line.map(function (ll) { return map.latLngToContainerPoint(ll); });
      var i = 0;
      while (i < pts.length - 1) {
        var dir = Math.atan2(pts[i + 1].y - pts[i].y, pts[i + 1].x - pts[i].x);
        var run = [pts[i]], length = 0, j = i;
        while (j < pts.length - 1) {
          var a = pts[j], b = pts[j + 1];
          var turn = Math.abs(Math.atan2(b.y - a.y, b.x - a.x) - dir);
          if (turn > Math.PI) turn = 2 * Math.PI - turn;
          if (rotate && turn > 0.35 && run.length > 1) break;
          length += a.distanceTo(b);
          run.push(b);
          j++;
        }
        if (length >= textWidth + 12) runs.push({ pts: run, length: length });
        i = Math.max(j, i + 1);
      }
    });
    runs.sort(function (a, b) { return b.length - a.length; });
    var spots = [], textHeight = item.size[1];
    runs.forEach(function (run, index) {
      var end = run.pts[run.pts.length - 1];
      var angle = rotate ? Math.atan2(end.y - run.pts[0].y, end.x - run.pts[0].x) : 0;
      if (angle > Math.PI / 2) angle -= Math.PI;
      if (angle < -Math.PI / 2) angle += Math.PI;
      // Half the size of the rotated text's bounding box: the whole name stays on screen.
      var c = Math.abs(Math.cos(angle)), sn = Math.abs(Math.sin(angle));
      var ex = (textWidth * c + textHeight * sn) / 2 + 2, ey = (textWidth * sn + textHeight * c) / 2 + 2;
      var room = (textWidth / 2 + 6) / run.length;
      [0.5, 0.32, 0.68, 0.18, 0.82].forEach(function (f) {
        if (f < room || f > 1 - room) return;
        var goal = run.length * f, walked = 0;
        for (var k = 0; k < run.pts.length - 1; k++) {
          var a = run.pts[k], b = run.pts[k + 1], seg = a.distanceTo(b);
          if (walked + seg >= goal) {
            var t = seg ? (goal - walked) / seg : 0;
            var x = a.x + (b.x - a.x) * t, y = a.y + (b.y - a.y) * t;
            if (x - ex > 0 && y - ey > 0 && x + ex < size.x && y + ey < size.y) spots.push({ x: x, y: y, angle: angle, run: index });
            return;
          }
          walked += seg;
        }
      });
    });
    return spots;
  };

  // The site markers on the map (boxes in container pixels): labels keep clear of them.
  LabelManager.prototype.obstacles = function () {
    var pane = this.map.getPane("markerPane");
    if (!pane) return [];
    var frame = this.map.getContainer().getBoundingClientRect();
    var found = [];
    Array.prototype.forEach.call(pane.querySelectorAll(".leaflet-marker-icon"), function (el) {
      var r = el.getBoundingClientRect();
      if (r.width && r.height) {
        found.push(box((r.left + r.right) / 2 - frame.left, (r.top + r.bottom) / 2 - frame.top, r.width / 2, r.height / 2, 0));
      }
    });
    return found;
  };

  LabelManager.prototype.layout = function () {
    var map = this.map, zoom = map.getZoom(), size = map.getSize(), self = this;
    var origin = map.containerPointToLayerPoint([0, 0]);
    var items = [];
    this.sets.forEach(function (set) { items = items.concat(set.items); });
    items.sort(function (a, b) { return a.priority - b.priority || b.rank - a.rank; });
    var placed = [], obstacles = this.obstacles(), shown = 0, view = map.getBounds();
    var hits = function (b, boxes) { return boxes.some(function (other) { return overlaps(b, other); }); };
    items.forEach(function (item) {
      var used = 0;
      // Only what is in view and meant for this zoom level (a county may have thousands of
      // roads: the others cost nothing).
      if (zoom >= item.minZoom && zoom <= item.maxZoom && (!item.lines || view.intersects(item.bounds))) {
        self.node(item, 0);
        var w = item.size[0], h = item.size[1];
        var spots = [];
        if (item.lines) {
          spots = self.lineSpots(item, w, item.rotate);
        } else {
          var p = map.latLngToContainerPoint(item.latlng);
          var fits = true;
          if (item.fit && item.bounds) {
            var sw = map.latLngToContainerPoint(item.bounds.getSouthWest());
            var ne = map.latLngToContainerPoint(item.bounds.getNorthEast());
            fits = Math.abs(ne.x - sw.x) * item.fit >= w;
          }
          if (fits) {
            // The area's own point, else just above, below, left or right of it; the whole
            // name on screen.
            [[0, 0], [0, -(h + 14)], [0, h + 14], [-(w / 2 + 20), 0], [w / 2 + 20, 0]].forEach(function (d) {
              var x = p.x + d[0], y = p.y + d[1];
              if (x - w / 2 >= 2 && y - h / 2 >= 2 && x + w / 2 <= size.x - 2 && y + h / 2 <= size.y - 2) {
                spots.push({ x: x, y: y, angle: 0, run: 0 });
              }
            });
          }
        }
        var most = item.lines ? 1 + Math.floor((size.x + size.y) / 700) : 1;
        var chosen = [], fallback = null;
        for (var s = 0; s < spots.length && used < most; s++) {
          var spot = spots[s];
          var far = chosen.every(function (c) { return c.run !== spot.run && Math.abs(c.x - spot.x) + Math.abs(c.y - spot.y) > 260; });
          if (!far) continue;
          var b = box(spot.x, spot.y, w / 2 + 3, h / 2 + 1, spot.angle);
          if (hits(b, placed)) continue;
          if (hits(b, obstacles)) {
            if (!fallback) fallback = { spot: spot, box: b };
            continue;
          }
          placed.push(b);
          chosen.push(spot);
          self.show(item, used++, spot, origin);
        }
        // A township's or the county's name shows even where markers crowd it (the names
        // lie above the markers and let clicks through to them).
        if (!used && fallback && item.priority <= LABEL.township.priority) {
          placed.push(fallback.box);
          self.show(item, used++, fallback.spot, origin);
        }
      }
      (item.nodes || []).forEach(function (node, index) { if (index >= used) node.style.display = "none"; });
      shown += used;
    });
    map.getContainer().setAttribute("data-labels", String(shown));
  };

  LabelManager.prototype.show = function (item, index, spot, origin) {
    var node = this.node(item, index), w = item.size[0], h = item.size[1];
    node.style.display = "block";
    node.style.visibility = "visible";
    node.style.transform = "translate(" + Math.round(origin.x + spot.x - w / 2) + "px," + Math.round(origin.y + spot.y - h / 2) + "px)" +
      (spot.angle ? " rotate(" + (spot.angle * 180 / Math.PI).toFixed(1) + "deg)" : "");
  };

  var LabelSet = L.Layer.extend({
    initialize: function (manager) { this._manager = manager; this.items = []; },
    onAdd: function () { this._manager.add(this); },
    onRemove: function () { this._manager.remove(this); },
    setItems: function (items) { this.items = items; if (this._map) this._manager.refresh(); },
  });

  // --- label items per layer ----------------------------------------------------------------

  function areaItems(features, kindOf) {
    return features.map(function (f) {
      var name = f.properties && f.properties.name;
      var rings = outerRings(f.geometry);
      if (!name || !rings.length) return null;
      var biggest = rings.reduce(function (a, b) {
        var ba = ringBox(a), bb = ringBox(b);
        return (bb[2] - bb[0]) * (bb[3] - bb[1]) > (ba[2] - ba[0]) * (ba[3] - ba[1]) ? b : a;
      });
      var rb = ringBox(biggest), kind = LABEL[kindOf(f)];
      var at = labelPoint(biggest);
      return {
        text: String(name), cls: kind.cls, priority: kind.priority, minZoom: kind.minZoom, maxZoom: kind.maxZoom,
        fit: kind.fit, rank: (rb[2] - rb[0]) * (rb[3] - rb[1]),
        latlng: L.latLng(at[1], at[0]), bounds: L.latLngBounds([rb[1], rb[0]], [rb[3], rb[2]]),
      };
    }).filter(Boolean);
  }

  function roadItems(features) {
    var items = [];
    features.forEach(function (f) {
      var p = f.properties || {}, cls = roadClass(p), style = ROAD[cls];
      var parts = lines(f.geometry).map(function (line) { return line.map(function (c) { return L.latLng(c[1], c[0]); }); });
      if (!parts.length) return;
      var span = 0;
      parts.forEach(function (line) { if (line.length > 1) span += line[0].distanceTo(line[line.length - 1]); });
      var ref = p.ref ? String(p.ref) : "", name = p.name ? String(p.name) : "";
      var bounds = L.latLngBounds([]);
      parts.forEach(function (line) { line.forEach(function (ll) { bounds.extend(ll); }); });
      if (ref) {
        items.push({ text: ref, cls: "map-shield map-shield-" + cls, priority: LABEL.shield.priority, rank: span,
          minZoom: style.shieldZoom, maxZoom: 18, lines: parts, bounds: bounds, rotate: false });
      }
      if (name && (!ref || name.indexOf(ref) < 0)) {
        var kind = cls === "street" ? LABEL.street : LABEL.road;
        items.push({ text: name, cls: kind.cls, priority: kind.priority, rank: span,
          minZoom: style.nameZoom, maxZoom: 18, lines: parts, bounds: bounds, rotate: true });
      }
    });
    return items;
  }

  // --- the base map ---------------------------------------------------------------------------

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) throw new Error("请求失败：" + r.status);
      return r.json();
    });
  }

  function escapeText(text) {
    var div = document.createElement("div");
    div.textContent = text || "";
    return div.innerHTML;
  }

  // Colours for the township areas: neighbours (overlapping boxes) get different ones.
  function colourIndexes(features) {
    var boxes = features.map(function (f) { return outerRings(f.geometry).map(ringBox); });
    var touches = function (a, b) {
      return a.some(function (x) { return b.some(function (y) { return x[0] <= y[2] && y[0] <= x[2] && x[1] <= y[3] && y[1] <= x[3]; }); });
    };
    var colours = [];
    features.forEach(function (_f, i) {
      var used = {};
      for (var j = 0; j < i; j++) if (touches(boxes[i], boxes[j])) used[colours[j]] = (used[colours[j]] || 0) + 1;
      var pick = 0, fewest = Infinity;
      for (var c = 0; c < TOWNSHIP_FILLS.length; c++) {
        if (!used[c]) { pick = c; break; }
        if (used[c] < fewest) { fewest = used[c]; pick = c; }
      }
      colours.push(pick);
    });
    return colours;
  }

  function create(map, cfg, options) {
    options = options || {};
    var mode = options.mode || "map";
    // Drawn over tiles: no fills that would hide them (options.overTiles: a page that adds
    // its own tile layer, such as the settings page's test).
    var tiles = !!cfg.tile_url || !!options.overTiles;
    var holder = map.getContainer();
    Object.keys(PANES).forEach(function (name) {
      if (!map.getPane(name)) map.createPane(name).style.zIndex = PANES[name];
    });
    map.getPane("labels").style.pointerEvents = "none";
    var labels = new LabelManager(map);
    holder.gonghuiMap = map; // for browser tests and the console: the Leaflet map of this frame
    var bases = {}, overlays = {};

    if (cfg.tile_url) {
      bases["底图"] = L.tileLayer(cfg.tile_url, {
        subdomains: cfg.tile_subdomains || "1234", maxZoom: 18, attribution: escapeText(cfg.tile_attribution),
      }).addTo(map);
    } else if (!tiles) {
      holder.classList.add("site-map-plain");
    }

    var layers = cfg.layers || {};
    var fitted = false;
    var frameKind = mode === "coverage" && layers.built_up_area ? "built_up_area" : "boundary";
    ["boundary", "township", "built_up_area", "road"].forEach(function (kind) {
      var layer = layers[kind];
      if (!layer) return;
      if (options.fit !== false && !fitted && (frameKind === kind || !layers[frameKind]) && layer.bbox && layer.bbox.length === 4) {
        map.fitBounds(L.latLngBounds([layer.bbox[1], layer.bbox[0]], [layer.bbox[3], layer.bbox[2]]), { padding: [10, 10] });
        fitted = true;
      }
    });
    if (!fitted && options.fit !== false) map.setView([35.0, 105.0], 4);

    function zoomStyles() {
      var z = map.getZoom(), f = widthAt(z);
      Object.keys(overlays).forEach(function (name) {
        var group = overlays[name];
        if (group._restyle) group._restyle(z, f);
      });
    }
    map.on("zoomend", zoomStyles);

    function build(kind, data) {
      var group = L.layerGroup(), set = new LabelSet(labels), features = data.features || [];
      if (kind === "boundary") {
        if (!tiles) {
          L.geoJSON(data, { pane: "countyfill", interactive: false, style: { stroke: false, fillColor: "#f8f6f1", fillOpacity: 1 } }).addTo(group);
        }
        L.geoJSON(data, { pane: "boundary", interactive: false, style: { color: "#9b87f5", weight: 7, opacity: 0.35, fill: false } }).addTo(group);
        L.geoJSON(data, { pane: "boundary", interactive: false, style: { color: "#5f3dc4", weight: 2, dashArray: "10 4 2 4", fill: false } }).addTo(group);
        set.setItems(areaItems(features, function () { return "county"; }));
      } else if (kind === "township") {
        var colours = colourIndexes(features), index = 0;
        var fill = !tiles && mode !== "coverage";
        L.geoJSON(data, {
          pane: "township", interactive: false,
          style: function () {
            var c = TOWNSHIP_FILLS[colours[index++ % colours.length]];
            return { color: "#7950f2", weight: 1.3, opacity: 0.85, dashArray: "5 3", fillColor: c, fillOpacity: fill ? 0.55 : 0 };
          },
        }).addTo(group);
        set.setItems(areaItems(features, function () { return "township"; }));
      } else if (kind === "built_up_area") {
        L.geoJSON(data, {
          pane: "built_up_area", interactive: false,
          style: function (f) {
            var village = (f.properties || {})["class"] === "village";
            return { color: "#cdb497", weight: village ? 0.8 : 1, fillColor: "#ead9c2", fillOpacity: mode === "coverage" ? 0.75 : 0.9 };
          },
        }).addTo(group);
        set.setItems(areaItems(features, function (f) { return (f.properties || {})["class"] === "village" ? "village" : "town"; }));
      } else if (kind === "road") {
        var styleOf = function (part) {
          return function (f) {
            var s = ROAD[roadClass(f.properties || {})], z = map.getZoom(), hidden = z < s.minZoom, w = s.width * widthAt(z);
            return part === "casing"
              ? { color: s.casing, weight: hidden ? 0 : w + 2, opacity: hidden ? 0 : 1, lineCap: "round", lineJoin: "round" }
              : { color: s.core, weight: hidden ? 0 : w, opacity: hidden ? 0 : 1, lineCap: "round", lineJoin: "round" };
          };
        };
        var casing = L.geoJSON(data, { pane: "roadcasing", interactive: false, style: styleOf("casing") }).addTo(group);
        var core = L.geoJSON(data, { pane: "road", interactive: false, style: styleOf("core") }).addTo(group);
        group._restyle = function () { casing.setStyle(styleOf("casing")); core.setStyle(styleOf("core")); };
        set.setItems(roadItems(features));
      }
      group.addLayer(set);
      holder.setAttribute("data-layer-" + kind, String(features.length));
      return { group: group };
    }

    var order = ["boundary", "township", "built_up_area", "road"];
    var pending = order.filter(function (kind) { return layers[kind]; }).map(function (kind) {
      var placeholder = L.layerGroup();
      overlays[layers[kind].label] = placeholder;
      return getJSON(layers[kind].url).then(function (data) {
        var built = build(kind, data);
        placeholder.addLayer(built.group);
        placeholder._restyle = built.group._restyle;
      }).catch(function () { holder.setAttribute("data-layer-" + kind, "error"); });
    });
    // Overlays on by default are added at once (their data arrives later), so the layer
    // control shows them ticked; the others wait for their data.
    order.forEach(function (kind) {
      if (!layers[kind]) return;
      var off = (kind === "built_up_area" && tiles) || (kind === "road" && (tiles || mode === "coverage"));
      if (!off) overlays[layers[kind].label].addTo(map);
    });
    var ready = Promise.all(pending).then(function () { holder.setAttribute("data-basemap", "ready"); labels.refresh(); });
    return { bases: bases, overlays: overlays, fitted: fitted, ready: ready, labels: labels };
  }

  window.GonghuiBasemap = { create: create, roadClass: roadClass, labelPoint: labelPoint, escapeText: escapeText };
})();
