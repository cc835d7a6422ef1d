/* The land map: draw the parcels (GeoJSON from #land-parcels) as SVG polygons filled with their status colour.
 * No online tiles: a plain background unless the page names an intranet tile server (PARKS_MAP_TILE_URL). */
(function () {
  "use strict";
  // Choosing a park reloads the page with it (no inline onchange= under the Content-Security-Policy).
  var parkFilter = document.getElementById("park-filter");
  if (parkFilter) { parkFilter.addEventListener("change", function () { parkFilter.form.submit(); }); }

  var element = document.getElementById("land-map");
  var data = JSON.parse(document.getElementById("land-parcels").textContent);
  var map = L.map(element, { preferCanvas: false, attributionControl: false, zoomSnap: 0.25 });
  var tiles = element.getAttribute("data-tile-url");
  if (tiles) { L.tileLayer(tiles, { maxZoom: 19 }).addTo(map); }

  function escape(text) {
    return String(text || "").replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  var layer = L.geoJSON(data, {
    style: function (feature) {
      var colour = feature.properties.colour;
      return { color: colour, weight: 2, fillColor: colour, fillOpacity: 0.7, className: "zj-parcel zj-parcel--" + feature.properties.status };
    },
    onEachFeature: function (feature, shape) {
      var p = feature.properties;
      shape.bindTooltip(escape(p.code), { permanent: true, direction: "center", className: "zj-parcel-label" });
      shape.bindPopup(
        "<strong>" + escape(p.code) + "</strong> " + escape(p.name) + "<br>" +
        escape(p.park) + " · " + escape(p.land_use) + " · " + escape(p.area) + "<br>" +
        "状态：" + escape(p.status_label) +
        (p.project ? "<br>项目：" + escape(p.project) : "") +
        (p.transferred_on ? "<br>出让日期：" + escape(p.transferred_on) : "") +
        '<br><a href="' + escape(p.url) + '">打开地块</a>'
      );
    }
  }).addTo(map);

  if (data.features.length) {
    map.fitBounds(layer.getBounds(), { padding: [48, 48] });
  } else {
    map.setView([30.30, 120.08], 14);
  }
  L.control.scale({ imperial: false }).addTo(map);
})();
