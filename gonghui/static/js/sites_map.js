/* Staff site map (sites/map.html) and coverage map (sites/coverage.html).

   Configuration comes from <script type="application/json" id="site-map-config"> (Django
   json_script): data and layer URLs, the optional tile template, kind glyphs and colours.
   With no tile URL the map draws only the county's own GeoJSON layers (boundary, built-up
   areas, roads) on a plain background: nothing is requested from any other host. */
(function () {
  "use strict";

  var LAYER_STYLE = {
    boundary: { color: "#495057", weight: 2, dashArray: "6 4", fillColor: "#ffffff", fillOpacity: 0.55 },
    built_up_area: { color: "#adb5bd", weight: 1, fillColor: "#ced4da", fillOpacity: 0.55 },
    road: { color: "#f08c00", weight: 2.5, opacity: 0.85 },
  };
  var LAYER_ORDER = ["boundary", "built_up_area", "road"];
  var PANE_Z = { boundary: 310, built_up_area: 320, road: 330, gaps: 340, reach: 345 };

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else if (key === "className") node.className = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) throw new Error("请求失败：" + r.status);
      return r.json();
    });
  }

  function boundsOf(bbox) {
    return L.latLngBounds([bbox[1], bbox[0]], [bbox[3], bbox[2]]);
  }

  function pinHtml(cfg, p) {
    var kind = cfg.kinds[p.kind] || { glyph: "站", colour: "#1864ab" };
    return '<span class="site-pin status-' + p.status + '" style="--pin:' + kind.colour + '">' + kind.glyph + "</span>";
  }

  function popup(p) {
    var box = el("div", { className: "site-popup" }, [
      el("strong", { text: p.name }),
      el("div", { className: "mono", text: p.code }),
      el("div", { text: p.kind_label + " · " + p.status_label + (p.status_reason ? "(" + p.status_reason + ")" : "") }),
      el("div", { text: p.hours_today + (p.status === "open" ? (p.open_now ? " · 现在开放" : " · 现在未开放") : "") }),
      p.address ? el("div", { text: p.address }) : null,
      p.facilities && p.facilities.length ? el("div", { className: "muted", text: "设施：" + p.facilities.join("、") }) : null,
      p.url ? el("a", { href: p.url, text: "查看详情 →" }) : null,
    ]);
    return box;
  }

  function init() {
    var source = document.getElementById("site-map-config");
    var holder = document.getElementById("site-map");
    if (!source || !holder || typeof L === "undefined") return;
    var cfg = JSON.parse(source.textContent);
    var map = L.map(holder, { zoomControl: true, minZoom: 3, maxZoom: 18 });
    map.attributionControl.setPrefix("Leaflet");
    Object.keys(PANE_Z).forEach(function (name) {
      map.createPane(name).style.zIndex = PANE_Z[name];
    });

    var bases = {};
    if (cfg.tile_url) {
      bases["底图"] = L.tileLayer(cfg.tile_url, {
        subdomains: "1234", maxZoom: 18, attribution: cfg.tile_attribution || "",
      }).addTo(map);
    } else {
      holder.classList.add("site-map-plain");
    }

    // The county's own layers.
    var overlays = {};
    var fitted = false;
    // The coverage map frames the built-up areas (where the gaps are) and leaves roads off.
    var frame = cfg.mode === "coverage" && cfg.layers.built_up_area ? "built_up_area" : null;
    LAYER_ORDER.forEach(function (kind) {
      var layer = cfg.layers[kind];
      if (!layer) return;
      var group = L.geoJSON(null, { pane: kind, style: LAYER_STYLE[kind], interactive: false });
      if (!(cfg.mode === "coverage" && kind === "road")) group.addTo(map);
      overlays[layer.label] = group;
      if (!fitted && (!frame || frame === kind) && layer.bbox && layer.bbox.length === 4) {
        map.fitBounds(boundsOf(layer.bbox), { padding: [10, 10] });
        fitted = true;
      }
      getJSON(layer.url).then(function (data) {
        group.addData(data);
        holder.setAttribute("data-layer-" + kind, String(data.features.length));
      }).catch(function () { holder.setAttribute("data-layer-" + kind, "error"); });
    });
    if (!fitted) map.setView([35.0, 105.0], 4);

    // Sites, clustered.
    var clusters = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 45, spiderfyOnMaxZoom: true });
    clusters.addTo(map);
    overlays["服务阵地"] = clusters;
    var markers = {};

    // Coverage gaps (fetched when first shown) and suggested sites.
    var gaps = L.layerGroup();
    var gapsLoaded = false;
    var coverageInfo = document.getElementById("coverage-map-info");
    function loadGaps() {
      if (gapsLoaded || !cfg.coverage_url) return;
      gapsLoaded = true;
      getJSON(cfg.coverage_url).then(function (data) {
        L.geoJSON(data.gaps, {
          pane: "gaps", interactive: false,
          style: { color: "#e03131", weight: 0, fillColor: "#e03131", fillOpacity: 0.4 },
        }).addTo(gaps);
        (data.suggestions.features || []).forEach(function (f) {
          var ll = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
          L.circle(ll, { pane: "reach", radius: data.radius_m, color: "#1971c2", weight: 1.5, dashArray: "4 4", fill: false, interactive: false }).addTo(gaps);
          L.marker(ll, {
            title: "建议点 " + f.properties.rank,
            icon: L.divIcon({ className: "", html: '<span class="suggest-pin">' + f.properties.rank + "</span>", iconSize: [26, 26], iconAnchor: [13, 13] }),
          }).bindPopup(
            "<strong>建议新建站点 " + f.properties.rank + "</strong><br>" + f.geometry.coordinates[0].toFixed(6) + ", " +
            f.geometry.coordinates[1].toFixed(6) + "<br>新增覆盖 " + f.properties.cells_added + " 个网格(" +
            (f.properties.share_added * 100).toFixed(1) + "%)"
          ).addTo(gaps);
        });
        holder.setAttribute("data-gaps", String(data.gaps.features.length));
        holder.setAttribute("data-suggestions", String(data.suggestions.features.length));
        if (coverageInfo && data.share !== null) coverageInfo.textContent = "覆盖率 " + (data.share * 100).toFixed(1) + "%";
      }).catch(function () { holder.setAttribute("data-gaps", "error"); });
    }
    if (cfg.coverage_url) {
      overlays["覆盖盲区与建议点"] = gaps;
      map.on("overlayadd", function (e) { if (e.layer === gaps) loadGaps(); });
      if (cfg.mode === "coverage") { gaps.addTo(map); loadGaps(); }
    }
    L.control.layers(bases, overlays, { collapsed: window.innerWidth < 760 }).addTo(map);
    L.control.scale({ imperial: false }).addTo(map);

    // The list beside the map.
    var list = document.getElementById("map-list");
    var count = document.getElementById("map-count");
    function show(id) {
      var marker = markers[id];
      if (!marker) return;
      clusters.zoomToShowLayer(marker, function () { marker.openPopup(); });
      if (window.innerWidth < 1000) holder.scrollIntoView({ behavior: "smooth", block: "center" });
    }
    function render(data) {
      clusters.clearLayers();
      markers = {};
      var added = [];
      data.features.forEach(function (f) {
        var p = f.properties;
        var marker = L.marker([f.geometry.coordinates[1], f.geometry.coordinates[0]], {
          title: p.name,
          icon: L.divIcon({ className: "", html: pinHtml(cfg, p), iconSize: [26, 26], iconAnchor: [13, 13], popupAnchor: [0, -12] }),
        }).bindPopup(function () { return popup(p); });
        markers[p.id] = marker;
        added.push(marker);
      });
      clusters.addLayers(added);
      holder.setAttribute("data-markers", String(added.length));
      if (!fitted && added.length) {
        map.fitBounds(clusters.getBounds(), { padding: [20, 20] });
        fitted = true;
      }
      if (count) count.textContent = data.features.length + " 个" + (data.truncated ? "(仅显示部分)" : "");
      if (!list) return;
      list.textContent = "";
      if (!data.features.length) {
        list.appendChild(el("li", { className: "empty", text: "没有符合条件的站点" }));
        return;
      }
      data.features.forEach(function (f) {
        var p = f.properties;
        var badge = el("span", { className: "badge " + (p.status === "open" ? (p.open_now ? "badge-ok" : "") : "badge-off"), text: p.status === "open" ? (p.open_now ? "开放中" : "未到开放时间") : p.status_label });
        var button = el("button", { type: "button", "data-site": String(p.id) }, [
          el("span", { className: "item-name" }, [el("span", { text: p.name }), badge]),
          el("span", { className: "item-meta", text: p.code + " · " + p.kind_label + (p.township ? " · " + p.township : "") }),
        ]);
        button.addEventListener("click", function () { show(p.id); });
        list.appendChild(el("li", {}, [button]));
      });
    }

    var form = document.getElementById("map-filters");
    function query() {
      if (!form) {
        var params = new URLSearchParams();
        Object.keys(cfg.filters || {}).forEach(function (k) { params.set(k, cfg.filters[k]); });
        return params.toString();
      }
      var data = new FormData(form);
      var params2 = new URLSearchParams();
      data.forEach(function (value, key) { if (value !== "") params2.append(key, value); });
      return params2.toString();
    }
    var pending = 0;
    function load() {
      var q = query();
      var ticket = ++pending;
      holder.setAttribute("aria-busy", "true");
      return getJSON(cfg.data_url + (q ? "?" + q : "")).then(function (data) {
        if (ticket !== pending) return; // a newer filter won
        render(data);
        holder.setAttribute("aria-busy", "false");
        if (form && window.history.replaceState) {
          window.history.replaceState(null, "", window.location.pathname + (q ? "?" + q : ""));
        }
      }).catch(function (err) {
        holder.setAttribute("aria-busy", "false");
        if (count) count.textContent = err.message;
      });
    }
    if (form) {
      form.addEventListener("change", function (e) {
        if (e.target && e.target.name === "county") { form.submit(); return; } // other layers
        load();
      });
      form.addEventListener("submit", function (e) { e.preventDefault(); load(); });
    }
    load();
    window.addEventListener("resize", function () { map.invalidateSize(); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
