/* Repères — the map of places: an enhancement of a page that lists the same places as text.
   Data comes from the JSON script #carte-donnees (territories/maps.py). No external request
   but the tile server named in the settings (none when empty). */
(function () {
  "use strict";
  var container = document.getElementById("carte");
  var source = document.getElementById("carte-donnees");
  if (!container || !source || typeof L === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  container.hidden = false;
  L.Icon.Default.imagePath = source.dataset.images || (document.querySelector('script[src*="leaflet.js"]').src.replace(/leaflet\.js.*$/, "images/"));
  // Leaflet's own words are English: its zoom buttons' titles and the attribution's prefix are
  // set here from the translated words of the data (territories.maps.leaflet_words).
  var words = data.words;
  var map = L.map(container, { keyboard: true, scrollWheelZoom: false, zoomControl: false });
  L.control.zoom({ zoomInTitle: words.zoomIn, zoomOutTitle: words.zoomOut }).addTo(map);
  map.attributionControl.setPrefix('<a href="https://leafletjs.com" title="' + words.leafletTitle + '">Leaflet</a>');
  if (data.tiles) {
    L.tileLayer(data.tiles, { maxZoom: 18, attribution: data.attribution || "" }).addTo(map);
  }

  function text(tag, value, className) {
    var el = document.createElement(tag);
    el.textContent = value;
    if (className) { el.className = className; }
    return el;
  }

  var bounds = [];
  data.markers.forEach(function (m) {
    var popup = document.createElement("div");
    popup.appendChild(text("strong", m.name));
    popup.appendChild(text("div", m.kind + (m.distance_km !== null ? " · " + m.distance_km.toLocaleString("fr-FR") + " " + data.labels.km : "")));
    if (m.address) { popup.appendChild(text("div", m.address)); }
    if (m.approximate) { popup.appendChild(text("div", data.labels.approximate, "meta")); }
    m.hours.forEach(function (line) { popup.appendChild(text("div", line)); });
    var link = text("a", data.labels.open);
    link.href = m.url;
    popup.appendChild(link);
    var marker = L.marker([m.lat, m.lng], { title: m.name, alt: m.name, keyboard: true }).bindPopup(popup).addTo(map);
    // The popup is drawn in Leaflet's last pane, after every marker: its link gets the focus
    // when it opens (the next Tab after the marker), and the marker gets it back on closing.
    marker.on("popupopen", function () { link.focus(); });
    popup.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { map.closePopup(); }
    });
    marker.on("popupclose", function () {
      var icon = marker.getElement();
      if (icon && container.contains(document.activeElement)) { icon.focus(); }
    });
    bounds.push([m.lat, m.lng]);
  });
  if (data.commune) {
    L.circleMarker([data.commune.lat, data.commune.lng], { radius: 9, color: "#5c3c00", weight: 3, fillOpacity: 0.4 })
      .bindTooltip(data.labels.commune + " : " + data.commune.name, { permanent: true, direction: "top" })
      .addTo(map);
    bounds.push([data.commune.lat, data.commune.lng]);
  }
  if (bounds.length === 1) { map.setView(bounds[0], 12); } else { map.fitBounds(bounds, { padding: [24, 24], maxZoom: 13 }); }
}());
