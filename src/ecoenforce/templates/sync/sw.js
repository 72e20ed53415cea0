/* The platform's service worker (served by sync.views.service_worker at /sw.js, scope /). Version __VERSION__.

   - install: caches the shell (styles, scripts, icons, the work list and the offline page);
   - static files (hashed names, immutable): cache first;
   - the day's work (work list, tasks, checklists and record forms, entity facts, and their API twins): network
     first, the last copy when offline;
   - any other page offline: the offline page. Writes (POST, PUT…) are never cached: the page's outbox
     (ecoenforce/offline/outbox.js) keeps them in IndexedDB until the network returns.
   - a "clear" message (sign-out) drops the cached pages, so the next person on this phone sees none of them. */
"use strict";
var CONFIG = {{ config|safe }};
var SHELL = "ee-shell-__VERSION__";
var PAGES = "ee-pages";

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) {
    // Each file on its own: one missing page (e.g. the work list for a visitor not signed in) must not fail the rest.
    return Promise.all(CONFIG.shell.concat(CONFIG.pages).map(function (url) {
      return fetch(url, {credentials: "same-origin"}).then(function (response) {
        if (response.ok && !response.redirected) { return cache.put(url, response); }
      }).catch(function () {});
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("ee-shell-") === 0 && name !== SHELL;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function kept(url) {
  return CONFIG.prefixes.some(function (prefix) { return url.pathname.indexOf(prefix) === 0; });
}

function networkFirst(request) {
  return fetch(request).then(function (response) {
    if (response.ok && !response.redirected && response.type === "basic") {
      var copy = response.clone();
      caches.open(PAGES).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(request, {ignoreVary: true}).then(function (hit) {
      if (hit) { return hit; }
      if (request.mode === "navigate") { return caches.match(CONFIG.offline); }
      return new Response(JSON.stringify({code: "Offline", message: "offline"}),
                          {status: 503, headers: {"Content-Type": "application/json"}});
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (url.pathname.indexOf(CONFIG.static) === 0) {
    event.respondWith(caches.match(request).then(function (hit) {
      return hit || fetch(request).then(function (response) {
        if (response.ok) {
          var copy = response.clone();
          caches.open(SHELL).then(function (cache) { cache.put(request, copy); });
        }
        return response;
      });
    }));
    return;
  }
  if (kept(url) || CONFIG.pages.indexOf(url.pathname) >= 0) {
    event.respondWith(networkFirst(request));
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(function () { return caches.match(CONFIG.offline); }));
  }
});

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "clear") {
    event.waitUntil(caches.delete(PAGES));
  } else if (data.type === "prefetch" && Array.isArray(data.urls)) {
    // The work list names the day's pages; keep a copy of each for offline use.
    event.waitUntil(caches.open(PAGES).then(function (cache) {
      return Promise.all(data.urls.slice(0, 200).map(function (href) {
        var url = new URL(href, self.location.origin);
        if (url.origin !== self.location.origin || !kept(url)) { return null; }
        return fetch(url.href, {credentials: "same-origin"}).then(function (response) {
          if (response.ok && !response.redirected) { return cache.put(url.href, response); }
        }).catch(function () {});
      }));
    }));
  }
});
