// On-site record forms: signatures drawn on the screen (signature_pad), the position from the phone, the phone's
// clock sent beside the times, and the witness shown when the party refuses to sign. No inline scripts (CSP).
(function () {
  "use strict";
  var form = document.querySelector("[data-onsite-form]");
  if (!form) return;
  var pads = {};

  function fit(canvas, pad) {
    var ratio = Math.max(window.devicePixelRatio || 1, 1);
    var data = pad.isEmpty() ? null : pad.toData();
    canvas.width = canvas.offsetWidth * ratio;
    canvas.height = canvas.offsetHeight * ratio;
    canvas.getContext("2d").scale(ratio, ratio);
    pad.clear();
    if (data) pad.fromData(data);
  }

  document.querySelectorAll("canvas[data-signature-pad]").forEach(function (canvas) {
    var field = canvas.getAttribute("data-signature-pad");
    var input = form.querySelector('[data-signature-input="' + field + '"]');
    if (typeof SignaturePad === "undefined") return;
    var pad = new SignaturePad(canvas, { backgroundColor: "rgba(255,255,255,0)", penColor: "#111" });
    pads[field] = pad;
    fit(canvas, pad);
    if (input.value) pad.fromDataURL(input.value);
    pad.addEventListener("endStroke", function () { input.value = pad.toDataURL("image/png"); });
    var clear = form.querySelector('[data-signature-clear="' + field + '"]');
    if (clear) clear.addEventListener("click", function () { pad.clear(); input.value = ""; });
  });
  window.addEventListener("resize", function () {
    Object.keys(pads).forEach(function (field) {
      var canvas = form.querySelector('[data-signature-pad="' + field + '"]');
      if (canvas.offsetWidth && canvas.width !== canvas.offsetWidth * Math.max(window.devicePixelRatio || 1, 1)) {
        fit(canvas, pads[field]);
      }
    });
  });

  var gps = form.querySelector("[data-gps]");
  if (gps) {
    var status = form.querySelector("[data-gps-status]");
    gps.addEventListener("click", function () {
      if (!navigator.geolocation) { status.textContent = gps.getAttribute("data-unavailable") || "—"; return; }
      status.textContent = "…";
      navigator.geolocation.getCurrentPosition(function (pos) {
        form.querySelector("[data-gps-lat]").value = pos.coords.latitude.toFixed(6);
        form.querySelector("[data-gps-lon]").value = pos.coords.longitude.toFixed(6);
        form.querySelector("[data-gps-acc]").value = Math.round(pos.coords.accuracy);
        status.textContent = pos.coords.latitude.toFixed(5) + ", " + pos.coords.longitude.toFixed(5) +
          " (±" + Math.round(pos.coords.accuracy) + " m)";
      }, function (err) { status.textContent = err.message; }, { enableHighAccuracy: true, timeout: 20000 });
    });
  }

  var refused = form.querySelector("[data-party-refused]");
  if (refused) {
    var witness = form.querySelector("[data-witness]");
    var sign = form.querySelector("[data-party-sign]");
    var toggle = function () {
      witness.hidden = !refused.checked;
      sign.hidden = refused.checked;
      if (!witness.hidden) window.dispatchEvent(new Event("resize"));
    };
    refused.addEventListener("change", toggle);
    toggle();
  }

  function localNow() {
    var d = new Date();
    var pad2 = function (n) { return (n < 10 ? "0" : "") + n; };
    return d.getFullYear() + "-" + pad2(d.getMonth() + 1) + "-" + pad2(d.getDate()) + "T" + pad2(d.getHours()) +
      ":" + pad2(d.getMinutes());
  }

  form.addEventListener("submit", function () {
    form.querySelector("[data-device-now]").value = new Date().toISOString();
    var ended = form.querySelector("[data-ended-at]");
    if (ended && !ended.value) ended.value = localNow();
  });
})();
