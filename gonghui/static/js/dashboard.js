/* Leaders' dashboard charts (dashboard/home.html). Data comes from the
   <script type="application/json" id="dashboard-data"> block (Django json_script). */
(function () {
  "use strict";
  var PACE_COLOURS = {
    done: "#2f9e44", on_track: "#69db7c", behind: "#f08c00",
    at_risk: "#e03131", manual: "#4dabf7", unknown: "#adb5bd", no_data: "#ced4da"
  };
  function init() {
    var source = document.getElementById("dashboard-data");
    if (!source || typeof echarts === "undefined") return;
    var d = JSON.parse(source.textContent);
    var charts = [];
    function chart(id, option) {
      var el = document.getElementById(id);
      if (!el) return;
      var c = echarts.init(el);
      c.setOption(option);
      charts.push(c);
    }
    if (d.pace && d.pace.length) {
      chart("chart-pace", {
        tooltip: { trigger: "item", formatter: "{b}：{c} 项" },
        legend: { bottom: 0, type: "scroll" },
        series: [{
          type: "pie", radius: ["40%", "68%"], center: ["50%", "44%"],
          label: { formatter: "{c}" },
          data: d.pace.map(function (p) {
            return { name: p.name, value: p.value, itemStyle: { color: PACE_COLOURS[p.key] } };
          })
        }]
      });
    }
    var cmp = d.compare;
    if (cmp && cmp.orgs.length) {
      chart("chart-compare", {
        tooltip: { trigger: "axis" },
        grid: { containLabel: true, top: 24, left: 8, right: 24, bottom: 8 },
        xAxis: { type: "value", name: cmp.unit },
        yAxis: { type: "category", data: cmp.orgs.slice().reverse(), axisLabel: { width: 110, overflow: "truncate" } },
        series: [{ name: cmp.name, type: "bar", data: cmp.values.slice().reverse(), itemStyle: { color: "#c92a2a" } }]
      });
    }
    if (d.map && typeof L !== "undefined") drawMap(d.map);
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  }
  // The township comparison as a map: the county's township boundaries (from the sites
  // module's layer, no tiles: nothing is fetched from another host) shaded by the value in
  // five classes; a click opens that township's dashboard.
  var SHADES = ["#fff0f0", "#ffc9c9", "#ff8787", "#f03e3e", "#a61e1e"];
  function drawMap(m) {
    var el = document.getElementById("compare-map");
    if (!el) return;
    var values = m.geojson.features
      .map(function (f) { return f.properties.value; })
      .filter(function (v) { return v !== null && v !== undefined; })
      .sort(function (a, b) { return a - b; });
    var lo = values.length ? values[0] : 0;
    var hi = values.length ? values[values.length - 1] : 0;
    function shade(v) {
      if (v === null || v === undefined) return "#e9ecef";
      if (hi === lo) return SHADES[2];
      return SHADES[Math.min(4, Math.floor(((v - lo) / (hi - lo)) * 5))];
    }
    var map = L.map(el, { attributionControl: false, zoomSnap: 0.25 });
    var layer = L.geoJSON(m.geojson, {
      style: function (f) {
        return { color: "#7a4a3a", weight: 1, fillColor: shade(f.properties.value), fillOpacity: 0.85 };
      },
      onEachFeature: function (f, lyr) {
        var p = f.properties;
        var v = p.value === null || p.value === undefined ? "—" : p.value + " " + m.unit;
        lyr.bindTooltip(p.name + "：" + v, { sticky: true });
        if (p.org) lyr.on("click", function () { window.location.search = m.link + p.org; });
      }
    }).addTo(map);
    map.fitBounds(layer.getBounds(), { padding: [8, 8] });
    var legend = L.control({ position: "bottomright" });
    legend.onAdd = function () {
      var div = L.DomUtil.create("div", "dash-map-legend");
      var step = (hi - lo) / 5;
      var title = document.createElement("div");
      title.textContent = m.name + "(" + m.unit + ")";
      div.appendChild(title);
      for (var i = 0; i < 5; i++) {
        var a = lo + step * i;
        var row = document.createElement("div");
        var swatch = document.createElement("i");
        swatch.style.background = SHADES[hi === lo ? 2 : i];
        row.appendChild(swatch);
        row.appendChild(document.createTextNode(
          hi === lo ? String(lo) : (Math.round(a * 10) / 10) + (i < 4 ? "–" + (Math.round((a + step) * 10) / 10) : "+")
        ));
        div.appendChild(row);
        if (hi === lo) break;
      }
      return div;
    };
    legend.addTo(map);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
