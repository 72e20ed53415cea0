/* Grid maps (grids/grid_map.html, grid_detail.html, patrol_detail.html): Leaflet draws the grids' own GeoJSON
   boundaries, coloured by coverage, the entities inside them as points and a patrol's track, on a plain background —
   no tile server, nothing loaded from the internet. Data comes from a json_script element named by data-grid-map. */
(function () {
  var COLOURS = {good: "#2fb344", fair: "#f59f00", poor: "#d63939", none: "#868e96"};
  document.querySelectorAll("[data-grid-map]").forEach(function (el) {
    var source = document.getElementById(el.getAttribute("data-grid-map"));
    if (!source || !window.L) { return; }
    var data = JSON.parse(source.textContent);
    el.style.height = window.innerWidth < 576 ? "300px" : "460px";
    el.style.background = "#f1f3f5";
    var map = L.map(el, {attributionControl: false, zoomSnap: 0.25});
    var coverageLabel = el.getAttribute("data-coverage-label") || "Coverage";
    var patrolsLabel = el.getAttribute("data-patrols-label") || "Patrols";
    var layer = L.geoJSON({type: "FeatureCollection", features: data.features || []}, {
      style: function (f) {
        var c = COLOURS[f.properties.band] || COLOURS.none;
        return {color: c, weight: 2, fillColor: c, fillOpacity: 0.25};
      },
      onEachFeature: function (f, l) {
        var p = f.properties;
        var box = document.createElement("div");
        var title = document.createElement("strong");
        title.textContent = p.code + " " + p.name;
        box.appendChild(title);
        var line = document.createElement("div");
        line.textContent = coverageLabel + ": " + (p.coverage === null ? "—" : p.coverage + " %") + " · " +
          patrolsLabel + ": " + p.done + " / " + p.planned;
        box.appendChild(line);
        l.bindPopup(box);
      }
    }).addTo(map);
    (data.points || []).forEach(function (pt) {
      L.circleMarker([pt.lat, pt.lon], {radius: 4, color: "#1d273b", weight: 1, fillColor: "#206bc4", fillOpacity: 0.9})
        .bindTooltip(pt.name).addTo(map);
    });
    var bounds = layer.getBounds();
    if (data.track && data.track.length) {
      var line = L.polyline(data.track, {color: "#ae3ec9", weight: 3}).addTo(map);
      bounds = bounds.isValid() ? bounds.extend(line.getBounds()) : line.getBounds();
    }
    if (bounds.isValid()) { map.fitBounds(bounds, {padding: [12, 12]}); } else { map.setView([31.78, 119.95], 10); }
    el.gridMap = map;
  });
})();
