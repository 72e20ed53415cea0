/* The tip form's "use my phone's location" button: fills latitude and longitude from the browser's geolocation
   (asked only on the click). Loaded by social/tip_form.html (the Content-Security-Policy forbids inline scripts). */
(function () {
  var button = document.querySelector("[data-geolocate]");
  if (!button) { return; }
  var status = document.querySelector("[data-geolocate-status]");
  if (!navigator.geolocation) { button.hidden = true; return; }
  button.addEventListener("click", function () {
    status.textContent = button.getAttribute("data-wait");
    navigator.geolocation.getCurrentPosition(function (position) {
      var lat = document.getElementById("id_latitude"), lon = document.getElementById("id_longitude");
      lat.value = position.coords.latitude.toFixed(6);
      lon.value = position.coords.longitude.toFixed(6);
      status.textContent = "";
      // The tip form's map (tip-map.js) moves its marker to the new spot.
      lon.dispatchEvent(new Event("change", {bubbles: true}));
    }, function () {
      status.textContent = button.getAttribute("data-failed");
    }, {enableHighAccuracy: true, timeout: 15000, maximumAge: 60000});
  });
})();
