/* The map and sign settings page (sites/map/settings.html): "填入高德地图" fills in Gaode's
   tile template, and "测试瓦片地址" loads the typed template's tiles for the county in a
   preview map under the county boundary, in this browser, without saving anything. */
(function () {
  "use strict";

  var PLACEHOLDER = /\{([^{}]*)\}/g;
  var ALLOWED = { s: 1, z: 1, x: 1, y: 1, "-y": 1, r: 1 };

  // The same rules as the server (mapsettings.tile_url_problem), to answer before loading.
  function problem(template) {
    if (!/^https?:\/\/[^/\s]+/.test(template)) return "瓦片地址应以 https:// 或 http:// 开头，并包含服务器地址。";
    if (/\s/.test(template)) return "瓦片地址中不能有空格或换行。";
    var names = {}, match, unknown = [];
    PLACEHOLDER.lastIndex = 0;
    while ((match = PLACEHOLDER.exec(template))) {
      names[match[1]] = 1;
      if (!ALLOWED[match[1]]) unknown.push("{" + match[1] + "}");
    }
    if (unknown.length) return "瓦片地址中有不支持的占位符 " + unknown.join("、") + "。";
    if (!names.z || !names.x || !(names.y || names["-y"])) return "瓦片地址须同时包含 {z}、{x}、{y}。";
    return "";
  }

  function init() {
    var form = document.getElementById("map-settings-form");
    var holder = document.getElementById("tile-preview");
    var source = document.getElementById("tile-preview-config");
    if (!form || !holder || !source || typeof L === "undefined" || !window.GonghuiBasemap) return;
    var cfg = JSON.parse(source.textContent);
    var url = document.getElementById("id_tile_url");
    var attribution = document.getElementById("id_tile_attribution");
    var result = document.getElementById("tile-test-result");
    var online = form.querySelector('input[name="tile_mode"][value="tiles"]');

    var gaode = document.getElementById("fill-gaode");
    if (gaode) {
      gaode.addEventListener("click", function () {
        url.value = gaode.getAttribute("data-url");
        attribution.value = gaode.getAttribute("data-attribution");
        if (online) online.checked = true;
      });
    }

    var map = null, layer = null;
    function preview() {
      if (map) return map;
      holder.classList.add("tile-preview-open");
      map = L.map(holder, { zoomControl: true, maxZoom: 18 });
      map.attributionControl.setPrefix("");
      window.GonghuiBasemap.create(map, { layers: cfg.layers, tile_subdomains: cfg.tile_subdomains }, { mode: "preview", overTiles: true });
      return map;
    }

    document.getElementById("test-tiles").addEventListener("click", function () {
      var template = (url.value || "").trim();
      var why = template ? problem(template) : "请先填写瓦片地址模板。";
      holder.setAttribute("data-test", why ? "invalid" : "loading");
      if (why) { result.textContent = why; result.className = "test-bad"; return; }
      var m = preview();
      if (layer) m.removeLayer(layer);
      var loaded = 0, failed = 0, done = false;
      result.className = "muted";
      result.textContent = "正在加载瓦片…";
      layer = L.tileLayer(template, {
        subdomains: cfg.tile_subdomains || "1234", maxZoom: 18,
        attribution: window.GonghuiBasemap.escapeText(attribution.value),
      });
      function report() {
        if (done) return;
        done = true;
        holder.setAttribute("data-test", loaded ? "ok" : "failed");
        holder.setAttribute("data-tiles-loaded", String(loaded));
        if (loaded && !failed) {
          result.className = "test-ok";
          result.textContent = "已加载 " + loaded + " 张瓦片。请核对紫色虚线县界与底图是否吻合，吻合即可保存。";
        } else if (loaded) {
          result.className = "test-warn";
          result.textContent = "加载 " + loaded + " 张，失败 " + failed + " 张：地图服务可能不稳定或部分级别没有瓦片。";
        } else {
          result.className = "test-bad";
          result.textContent = "瓦片加载失败：请检查地址是否正确，以及这台电脑能否访问该地图服务器(内网可能无法访问互联网)。";
        }
      }
      layer.on("tileload", function () { loaded += 1; });
      layer.on("tileerror", function () { failed += 1; });
      layer.on("load", report);
      setTimeout(report, 10000);
      layer.addTo(m);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
