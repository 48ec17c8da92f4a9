/* The caravans' route map (outreach/caravans/stop_map.html): the county base map drawn by
   county_basemap.js (its own layers with names, or the configured GCJ-02 tiles), the stops
   as coloured points (one colour per caravan), each caravan's stops joined in time order.
   Data from the page's json_script blocks; every text is set with textContent. */
(function () {
  "use strict";
  var COLOURS = ["#b71c1c", "#1565c0", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f", "#5d4037"];

  function json(id) {
    var source = document.getElementById(id);
    return source ? JSON.parse(source.textContent) : null;
  }

  function popup(point) {
    var box = document.createElement("div");
    var title = document.createElement("a");
    title.href = point.url;
    title.textContent = point.place;
    var line = document.createElement("div");
    line.textContent = point.caravan + " · " + point.when + " · " + point.status;
    box.appendChild(title);
    box.appendChild(line);
    return box;
  }

  function init() {
    var el = document.getElementById("outreach-stop-map");
    if (!el || typeof L === "undefined") return;
    var points = json("outreach-stop-points") || [];
    var basemap = json("outreach-stop-basemap");
    var boundaryData = json("outreach-stop-boundary");
    var map = L.map(el, { attributionControl: !!(basemap && basemap.tile_url), zoomSnap: 0.25 });
    if (map.attributionControl) map.attributionControl.setPrefix("");
    var bounds = points.length ? L.latLngBounds(points.map(function (p) { return [p.lat, p.lng]; })) : null;
    if (bounds && bounds.isValid()) {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 14 });
    } else if (boundaryData) {
      map.fitBounds(L.geoJSON(boundaryData).getBounds(), { padding: [10, 10] });
    } else {
      map.setView([29.1, 119.72], 11);
    }
    if (window.GonghuiBasemap && basemap) {
      window.GonghuiBasemap.create(map, basemap, { mode: "map", fit: false });
    }
    var colours = {}, routes = {}, names = {};
    points.forEach(function (p) {
      if (!(p.caravan_id in colours)) {
        colours[p.caravan_id] = COLOURS[Object.keys(colours).length % COLOURS.length];
        routes[p.caravan_id] = [];
        names[p.caravan_id] = p.caravan;
      }
      routes[p.caravan_id].push([p.lat, p.lng]);
    });
    Object.keys(routes).forEach(function (id) {
      if (routes[id].length > 1) {
        L.polyline(routes[id], { color: colours[id], weight: 2, opacity: 0.6, dashArray: "6 6" }).addTo(map);
      }
    });
    points.forEach(function (p) {
      L.circleMarker([p.lat, p.lng], {
        radius: 7, color: "#fff", weight: 2, fillColor: colours[p.caravan_id], fillOpacity: 1,
        className: "outreach-stop-pin",
      }).bindPopup(popup(p)).addTo(map);
    });
    var legend = document.getElementById("outreach-stop-legend");
    if (legend) {
      Object.keys(names).forEach(function (id) {
        var item = document.createElement("li");
        var swatch = document.createElement("span");
        swatch.className = "outreach-swatch";
        swatch.style.background = colours[id];
        item.appendChild(swatch);
        item.appendChild(document.createTextNode(names[id]));
        legend.appendChild(item);
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
