/* Staff site map (sites/map/map.html) and coverage map (sites/map/coverage.html).

   Configuration comes from <script type="application/json" id="site-map-config"> (Django
   json_script): data and layer URLs, the optional tile template, kind glyphs and colours.
   The base map (the county's own layers with names, or tiles) is county_basemap.js; this
   file adds the clustered sites, the list beside the map and the coverage gaps. */
(function () {
  "use strict";

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
    if (!source || !holder || typeof L === "undefined" || !window.GonghuiBasemap) return;
    var cfg = JSON.parse(source.textContent);
    // Without tiles the county may fill the frame at any zoom (tiles need whole levels).
    var map = L.map(holder, { zoomControl: true, minZoom: 3, maxZoom: 18, zoomSnap: cfg.tile_url ? 1 : 0.25 });
    map.attributionControl.setPrefix("Leaflet");
    ["gaps", "reach"].forEach(function (name, i) { map.createPane(name).style.zIndex = 340 + 5 * i; });
    // The county's own layers with names (and the tiles, when configured).
    var base = window.GonghuiBasemap.create(map, cfg, { mode: cfg.mode });
    var bases = base.bases, overlays = base.overlays, fitted = base.fitted;

    // Sites, clustered.
    var clusters = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 45, spiderfyOnMaxZoom: true });
    clusters.addTo(map);
    // Names keep clear of the markers: lay them out again once the clusters have settled.
    clusters.on("animationend", function () { base.labels.refresh(); });
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
      base.labels.refresh();
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

  // The coverage page while its stored result is outdated or missing: ask every few seconds
  // whether the background refresh is done, then reload (for at most ~10 minutes).
  function pollCoverage() {
    var status = document.getElementById("coverage-status");
    if (!status || status.getAttribute("data-state") === "current") return;
    var url = status.getAttribute("data-status-url"), tries = 0;
    var timer = setInterval(function () {
      tries += 1;
      if (tries > 150) { clearInterval(timer); return; }
      getJSON(url).then(function (data) {
        if (data.state === "current") { clearInterval(timer); window.location.reload(); }
      }).catch(function () { /* try again on the next tick */ });
    }, 4000);
  }

  function start() { init(); pollCoverage(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
