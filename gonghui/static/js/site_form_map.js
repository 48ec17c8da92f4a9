/* The site form's click map (sites/site_form.html): click to set the point (GCJ-02).
   The base map is the county's own layers with their names (county_basemap.js, from the
   <script type="application/json" id="site-form-basemap"> block), or the configured tiles;
   the county boundary block frames the map. Typing coordinates in GCJ-02 moves the marker;
   other systems are converted on save. */
(function () {
  "use strict";
  var DEFAULT_CENTER = [29.1, 119.72];

  function json(id) {
    var source = document.getElementById(id);
    return source ? JSON.parse(source.textContent) : null;
  }

  function init() {
    var el = document.getElementById("site-form-map");
    if (!el || typeof L === "undefined") return;
    var lng = document.getElementById("id_lng");
    var lat = document.getElementById("id_lat");
    var crs = document.getElementById("id_crs");
    var basemap = window.GonghuiBasemap ? json("site-form-basemap") : null;
    var tileUrl = basemap ? basemap.tile_url : el.getAttribute("data-tile-url");
    var map = L.map(el, { attributionControl: !!tileUrl, zoomControl: true, zoomSnap: tileUrl ? 1 : 0.25 });
    if (tileUrl && map.attributionControl) map.attributionControl.setPrefix("");
    var data = json("site-form-boundary");
    var boundary = data ? L.geoJSON(data, { interactive: false }) : null;
    var marker = null;

    function current() {
      if (crs && crs.value !== "gcj02") return null;
      var x = parseFloat(lng.value), y = parseFloat(lat.value);
      if (!isFinite(x) || !isFinite(y) || Math.abs(y) > 90 || Math.abs(x) > 180) return null;
      return L.latLng(y, x);
    }

    function place(latlng) {
      if (!marker) {
        marker = L.circleMarker(latlng, { radius: 8, color: "#fff", weight: 2, fillColor: "#b71c1c", fillOpacity: 1 }).addTo(map);
      } else {
        marker.setLatLng(latlng);
      }
    }

    // Set the view before adding any vector layer: Leaflet's renderer needs one.
    var start = current();
    if (start) {
      map.setView(start, 15);
    } else if (boundary && boundary.getBounds().isValid()) {
      map.fitBounds(boundary.getBounds(), { padding: [10, 10] });
    } else {
      map.setView(DEFAULT_CENTER, 12);
    }
    if (basemap) {
      window.GonghuiBasemap.create(map, basemap, { mode: "form", fit: false });
    } else {
      if (tileUrl) L.tileLayer(tileUrl, { maxZoom: 18, subdomains: "1234" }).addTo(map);
      if (boundary) {
        boundary.setStyle({ color: "#b71c1c", weight: 2, fillColor: "#b71c1c", fillOpacity: 0.04 });
        boundary.addTo(map);
      }
    }
    if (start) place(start);

    map.on("click", function (e) {
      if (crs) crs.value = "gcj02";
      lng.value = e.latlng.lng.toFixed(6);
      lat.value = e.latlng.lat.toFixed(6);
      place(e.latlng);
      lng.dispatchEvent(new Event("change", { bubbles: true }));
    });

    function typed() {
      var p = current();
      if (p) {
        place(p);
        map.panTo(p);
      }
    }
    lng.addEventListener("input", typed);
    lat.addEventListener("input", typed);
    if (crs) crs.addEventListener("change", typed);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
