/* A patrol under way (grids/patrol_detail.html): the phone's position from the browser's geolocation is collected
   while the page is open and sent to the patrol's track once a minute (kept and sent again if a post fails).
   Loaded as a static file: the Content-Security-Policy forbids inline scripts. */
(function () {
  var script = document.currentScript;
  var url = script && script.getAttribute("data-track-url");
  var status = document.querySelector("[data-track-status]");
  var count = document.querySelector("[data-track-count]");
  var csrf = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (!url || !status) { return; }
  if (!navigator.geolocation) { status.textContent = status.getAttribute("data-denied"); return; }
  var pending = [];
  var sending = false;
  function send() {
    if (sending || !pending.length) { return; }
    sending = true;
    var batch = pending.slice(0, 500);
    fetch(url, {method: "POST", credentials: "same-origin",
                headers: {"Content-Type": "application/json", "X-CSRFToken": csrf ? csrf.value : ""},
                body: JSON.stringify({points: batch})})
      .then(function (r) { return r.json().then(function (body) { return {ok: r.ok, body: body}; }); })
      .then(function (res) {
        if (res.ok) {
          pending = pending.slice(batch.length);
          if (count) { count.textContent = res.body.total; }
          status.textContent = status.getAttribute("data-recording");
        } else {
          pending = pending.slice(batch.length);  // refused points (not in China, out of time) are not sent again
          status.textContent = res.body.message || status.getAttribute("data-failed");
        }
      })
      .catch(function () { status.textContent = status.getAttribute("data-failed"); })
      .then(function () { sending = false; });
  }
  navigator.geolocation.watchPosition(function (pos) {
    var last = pending[pending.length - 1];
    var now = Math.floor(pos.timestamp / 1000);
    if (last && now - last[2] < 15) { return; }
    pending.push([Number(pos.coords.latitude.toFixed(6)), Number(pos.coords.longitude.toFixed(6)), now,
                  pos.coords.accuracy ? Math.round(pos.coords.accuracy) : null]);
    status.textContent = status.getAttribute("data-recording");
    if (pending.length === 1 && count && count.textContent === "0") { send(); }
  }, function () {
    status.textContent = status.getAttribute("data-denied");
  }, {enableHighAccuracy: true, maximumAge: 10000, timeout: 30000});
  setInterval(send, 60000);
  document.querySelectorAll("form").forEach(function (f) { f.addEventListener("submit", send); });
})();
