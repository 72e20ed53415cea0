/* The tip form's map (social/tip_form.html): the citizen taps the spot where they saw the problem and the form's
   latitude and longitude fields take it; "use my phone's location" (tip.js) and typed coordinates move the marker.
   Leaflet draws the patrol grids' own outlines on a plain background — no tile server, nothing from the internet.
   Without JavaScript the map stays hidden and the two fields are typed by hand: the form posts the same fields.
   On a tip's lead (social/_lead_tip.html) the same map shows the spot only: data-tip-point="lat,lon". */
(function () {
  var el = document.querySelector("[data-tip-map]");
  var source = el && document.getElementById(el.getAttribute("data-tip-map"));
  if (!el || !source || !window.L || el.tipMap) { return; }
  var data = JSON.parse(source.textContent);
  var features = data.features || [];

  function outlinesOn(map) {
    return L.geoJSON({type: "FeatureCollection", features: features}, {
      style: function () { return {color: "#206bc4", weight: 1.5, fillColor: "#206bc4", fillOpacity: 0.06}; },
      onEachFeature: function (f, layer) {
        var p = f.properties || {};
        // Short labels on the areas so a citizen can find their bearings; with many grids, on tap only.
        layer.bindTooltip((p.town ? p.town + " · " : "") + (p.name || ""), {
          permanent: features.length <= 30, direction: "center", className: "tip-map-label"
        });
      }
    }).addTo(map);
  }
  function spot(latlng) {
    return L.circleMarker(latlng, {radius: 9, color: "#d63939", weight: 3, fillColor: "#d63939", fillOpacity: 0.4,
                                   interactive: false});
  }

  var point = el.getAttribute("data-tip-point");
  if (point) {  // the lead page: the tipster's spot, nothing to change
    var ll = point.split(",").map(parseFloat);
    var shown = L.map(el, {attributionControl: false, zoomSnap: 0.25});
    outlinesOn(shown);
    spot(ll).addTo(shown);
    shown.setView(ll, 14);
    el.tipMap = shown;
    return;
  }

  var lat = document.getElementById("id_latitude");
  var lon = document.getElementById("id_longitude");
  var county = document.getElementById("id_region");
  var wrap = el.closest("[data-tip-map-wrap]");
  if (!lat || !lon) { return; }
  if (wrap) { wrap.hidden = false; }

  var map = L.map(el, {attributionControl: false, zoomSnap: 0.25});
  var outlines = outlinesOn(map);

  function countyBounds() {
    if (!county || !county.value) { return null; }
    var bounds = null;
    outlines.eachLayer(function (layer) {
      if (String(layer.feature.properties.county) === county.value) {
        bounds = bounds ? bounds.extend(layer.getBounds()) : layer.getBounds();
      }
    });
    return bounds;
  }

  function home() {
    // The chosen county's grids; else the bureau's area (the box around its registered entities) and every grid.
    var bounds = countyBounds();
    if (!bounds) {
      var e = data.extent;
      bounds = e && e.length === 4 ? L.latLngBounds([e[0], e[2]], [e[1], e[3]]) : null;
      if (outlines.getLayers().length) { bounds = bounds ? bounds.extend(outlines.getBounds()) : outlines.getBounds(); }
    }
    if (bounds && bounds.isValid()) { map.fitBounds(bounds, {padding: [8, 8]}); } else { map.setView([35, 105], 4); }
  }

  var marker = null;
  function place(latlng, pan) {
    if (marker) { marker.setLatLng(latlng); } else { marker = spot(latlng).addTo(map); }
    if (pan) { map.setView(latlng, Math.max(map.getZoom(), 14)); }
  }
  function unplace() {
    if (marker) { map.removeLayer(marker); marker = null; }
  }
  function fromFields(pan) {
    var a = parseFloat(lat.value), b = parseFloat(lon.value);
    if (isFinite(a) && isFinite(b) && Math.abs(a) <= 90 && Math.abs(b) <= 180) { place([a, b], pan); } else { unplace(); }
  }

  map.on("click", function (event) {
    var ll = event.latlng.wrap();
    lat.value = ll.lat.toFixed(6);
    lon.value = ll.lng.toFixed(6);
    lat.classList.remove("is-invalid");
    place(ll, false);
  });
  lat.addEventListener("change", function () { fromFields(true); });
  lon.addEventListener("change", function () { fromFields(true); });
  if (county) { county.addEventListener("change", function () { if (!marker) { home(); } }); }
  var clear = wrap && wrap.querySelector("[data-tip-map-clear]");
  if (clear) {
    clear.addEventListener("click", function () { lat.value = ""; lon.value = ""; unplace(); });
  }

  home();
  // A spot the server refused (another province, say) keeps its marker but not the view: the map opens on the
  // bureau's area, where the citizen taps the right spot.
  fromFields(!lat.classList.contains("is-invalid") && !lon.classList.contains("is-invalid"));
  el.tipMap = map;
})();
