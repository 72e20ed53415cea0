/* Installs the platform's service worker (/sw.js) and keeps the day's work on the phone (loaded by base.html).

   - registers /sw.js (scope /) wherever service workers exist (https, or http://localhost / 127.0.0.1);
   - on a page that lists the day's work (an element with data-offline-prefetch, e.g. the work list), asks the
     worker to keep a copy of every page linked inside it (task, checklist, record form, entity facts);
   - on sign-out (the form posting to the logout URL, or any form with data-offline-clear) drops the cached pages;
   - on the offline page, lists the pages saved on this phone (data-offline-cached-list). */
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) { return; }

  function prefetch(registration) {
    var holders = document.querySelectorAll("[data-offline-prefetch]");
    if (!holders.length) { return; }
    var urls = [];
    holders.forEach(function (holder) {
      holder.querySelectorAll("a[href]").forEach(function (a) {
        var url = new URL(a.getAttribute("href"), location.href);
        if (url.origin === location.origin && urls.indexOf(url.href) < 0) { urls.push(url.href); }
      });
      (holder.getAttribute("data-offline-prefetch") || "").split(/\s+/).filter(Boolean).forEach(function (href) {
        urls.push(new URL(href, location.href).href);
      });
    });
    var worker = registration.active || navigator.serviceWorker.controller;
    if (worker && navigator.onLine) { worker.postMessage({type: "prefetch", urls: urls}); }
  }

  navigator.serviceWorker.register("/sw.js", {scope: "/"}).then(function (registration) {
    if (registration.active) { prefetch(registration); }
    navigator.serviceWorker.ready.then(prefetch);
  }).catch(function () { /* an insecure context: the pages still work online */ });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var action = form.getAttribute("action") || "";
    if (form.hasAttribute("data-offline-clear") || /\/accounts\/logout\/?$/.test(action)) {
      if (navigator.serviceWorker.controller) { navigator.serviceWorker.controller.postMessage({type: "clear"}); }
      if (window.caches) { caches.delete("ee-pages"); }
    }
  }, true);

  var list = document.querySelector("[data-offline-cached-list]");
  if (list && window.caches) {
    caches.open("ee-pages").then(function (cache) { return cache.keys(); }).then(function (requests) {
      requests.forEach(function (request) {
        var url = new URL(request.url);
        if (url.pathname.indexOf("/api/") === 0) { return; }
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = url.pathname + url.search;
        a.textContent = url.pathname + url.search;
        li.appendChild(a);
        list.appendChild(li);
      });
    });
  }
})();
