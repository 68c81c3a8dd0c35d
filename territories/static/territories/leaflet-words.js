/* Repères — Leaflet's words in French in the admin's location map (territories.widgets.LocationMap).
   wagtailgeowidget draws that map with Leaflet's defaults, in English; they are changed here, from
   the words this script's element carries (data-words), before any map is drawn. */
(function () {
  "use strict";
  if (typeof L === "undefined") { return; }
  var words = JSON.parse(document.currentScript.dataset.words);
  L.Control.Zoom.mergeOptions({ zoomInTitle: words.zoomIn, zoomOutTitle: words.zoomOut });
  var credit = document.createElement("a");
  credit.href = "https://leafletjs.com";
  credit.title = words.leafletTitle;
  credit.textContent = "Leaflet";
  L.Control.Attribution.mergeOptions({ prefix: credit.outerHTML });
})();
