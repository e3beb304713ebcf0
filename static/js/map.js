// Tiled maps, only where a tile server is configured (MAP_TILE_URL); pages are complete without them
// (the search draws its own SVG map on the server, which these enhance).
// A map element names its tiles and attribution in data attributes and its points in a
// <script type="application/json"> block (no inline script: the CSP forbids it).
// data-pin-for="prefix": one draggable pin that writes its position into the form's
// latitude/longitude fields, so a facilitator can correct where the pin landed.
(function () {
  "use strict";
  if (!window.L) return;
  document.querySelectorAll(".js-map").forEach(function (element) {
    var source = document.getElementById(element.dataset.points);
    var points = source ? JSON.parse(source.textContent) : [];
    if (!points.length) return;
    element.hidden = false;
    // The map drawn on the server stays for print and as the fallback; on screen the tiles replace it.
    var drawn = element.previousElementSibling;
    if (drawn && drawn.classList.contains("svg-map-figure")) drawn.classList.add("svg-map-figure--replaced");
    var map = L.map(element, { scrollWheelZoom: false });
    L.tileLayer(element.dataset.tiles, { attribution: element.dataset.attribution, maxZoom: 18 }).addTo(map);
    var markers = points.map(function (point) {
      var marker = L.marker([point.lat, point.lng], { draggable: Boolean(element.dataset.pinFor), title: point.name || "" });
      if (point.url) {
        var link = document.createElement("a");
        link.href = point.url;
        link.textContent = point.name;
        marker.bindPopup(link);
      }
      return marker.addTo(map);
    });
    if (markers.length === 1) {
      map.setView(markers[0].getLatLng(), 14);
    } else {
      map.fitBounds(L.featureGroup(markers).getBounds().pad(0.15));
    }
    if (element.dataset.pinFor) {
      var prefix = element.dataset.pinFor;
      var lat = document.getElementById("id_" + prefix + "-latitude");
      var lng = document.getElementById("id_" + prefix + "-longitude");
      markers[0].on("dragend", function (event) {
        var position = event.target.getLatLng();
        lat.value = position.lat.toFixed(5);
        lng.value = position.lng.toFixed(5);
      });
    }
  });
})();
