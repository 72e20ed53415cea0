/* The outbox: what an inspector finishes on the phone waits here (IndexedDB, through the vendored idb) until the
   network lets it go, and nothing is sent twice or lost.

   A form marked data-offline-outbox is never posted directly. On submit it becomes a job:
     - the record as JSON (every named field; "a.b" names nest, "x[]" names collect, data-offline-json fields are
       parsed, data-offline-number fields are numbers, checkboxes are true/false), with its idempotency key —
       the form's idempotency_key field, generated once per record and kept with the form, or a new one;
     - its files (input[type=file][data-offline-evidence="photo|video|audio|document"]) as Blobs, each with its
       SHA-256 computed on the phone.
   Sending a job (on load, on the "online" event, every 30 s while jobs wait, and on "Send now"):
     1. each file goes up in 512 KiB chunks (/api/v1/uploads), resuming from the offset the server reports;
     2. the record is POSTed to data-offline-api with the Idempotency-Key header: a replay gets the first answer;
     3. each file is attached to the record as evidence by its upload (data-offline-evidence-api, {upload} and
        {record} replaced), each with its own idempotency key.
   A 409 (e.g. "this task's result is already recorded", the task reassigned) or a refusal stops the job: it stays
   on the phone with the server's message for the inspector to read; nothing is overwritten or sent again by itself.
   A lost network, a 5xx or an expired sign-in leave the job waiting.

   Texts come from the data-msg-* attributes of the [data-outbox] element (translated by the template). */
(function () {
  "use strict";
  if (!window.indexedDB || !window.idb) { return; }
  var CHUNK = 512 * 1024;
  var DB_NAME = "ecoenforce-outbox";
  var box = document.querySelector("[data-outbox]");
  var userMeta = document.querySelector('meta[name="ecoenforce-user"]');
  var owner = userMeta ? userMeta.getAttribute("content") : "";
  var dbPromise = window.idb.openDB(DB_NAME, 1, {
    upgrade: function (db) { db.createObjectStore("jobs", {keyPath: "id"}); }
  });
  var running = null;
  var fromThisPage = null; // the job this page just queued: once sent, the page opens the record

  function msg(name, n) {
    var text = (box && box.getAttribute("data-msg-" + name)) || name;
    return n === undefined ? text : text.replace("%(n)s", String(n));
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) { return "rec-" + crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return "rec-" + Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function sha256(blob) {
    return blob.arrayBuffer().then(function (buf) { return crypto.subtle.digest("SHA-256", buf); }).then(hex);
  }

  function csrf() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function put(obj, path, value) {
    var parts = path.split(".");
    var here = obj;
    for (var i = 0; i < parts.length - 1; i++) {
      if (typeof here[parts[i]] !== "object" || here[parts[i]] === null) { here[parts[i]] = {}; }
      here = here[parts[i]];
    }
    var last = parts[parts.length - 1];
    if (last.slice(-2) === "[]") {
      last = last.slice(0, -2);
      (here[last] = here[last] || []).push(value);
    } else {
      here[last] = value;
    }
  }

  /* Forms whose page posts fields of its own shape name an adapter (data-offline-outbox="NAME") that turns them
     into the API's JSON. "onsite-record": the on-site record form (templates/onsite/record_form.html) → POST
     /api/v1/onsite/records, photos attached by hash (/api/v1/onsite/records/{record}/evidence/by-hash). */
  function isoFromLocal(value) {
    if (!value) { return null; }
    var moment = new Date(value); // "YYYY-MM-DDTHH:MM" is the phone's local time
    return isNaN(moment.getTime()) ? value : moment.toISOString();
  }
  function num(value) { return value === "" || value === null || value === undefined ? null : Number(value); }

  var ADAPTERS = {
    "onsite-record": function (form, raw) {
      var f = raw.body;
      var where = (form.getAttribute("action") || location.pathname).match(/\/onsite\/new\/(\w+)\/(\d+)\//) ||
        location.pathname.match(/\/onsite\/new\/(\w+)\/(\d+)\//) || [];
      var findings = {};
      Object.keys(f).forEach(function (name) {
        if (name.indexOf("f_") === 0) { findings[name.slice(2)] = {result: f[name], note: f["n_" + name.slice(2)] || ""}; }
      });
      form.querySelectorAll("[data-item]").forEach(function (item) { // an item left unanswered is sent as such
        var code = item.getAttribute("data-item");
        if (!findings[code]) { findings[code] = {result: "", note: f["n_" + code] || ""}; }
      });
      var officers = [{user_id: Number((document.querySelector('meta[name="ecoenforce-user"]') || {}).content || 0),
                       signature_png: f.sig_me || ""}];
      if (f.officer2) { officers.push({user_id: Number(f.officer2), signature_png: f.sig_officer2 || ""}); }
      return {
        api: "/api/v1/onsite/records",
        evidenceApi: "/api/v1/onsite/records/{record}/evidence/by-hash",
        doneUrl: "/onsite/records/{record}/",
        body: {
          idempotency_key: f.idempotency_key, subject: where[1] || "", subject_id: Number(where[2] || 0),
          started_at: isoFromLocal(f.started_at), ended_at: isoFromLocal(f.ended_at),
          device_now: f.device_now || new Date().toISOString(), latitude: num(f.latitude),
          longitude: num(f.longitude), accuracy_m: num(f.accuracy_m), location: f.location || "",
          officers: officers, party_name: f.party_name || "", party_post: f.party_post || "",
          party_id_last4: f.party_id_last4 || "", party_signature_png: f.party_refused ? null : (f.sig_party || null),
          party_refused: !!f.party_refused, witness_name: f.witness_name || "",
          witness_signature_png: f.party_refused ? (f.sig_witness || null) : null, findings: findings,
          summary: f.summary || "", party_statement: f.party_statement || "", open_case: !!f.open_case
        },
        files: raw.files.map(function (file) { file.kind = file.kind || "photo"; return file; })
      };
    }
  };

  /* The form as {body, files}. */
  function serialize(form) {
    var body = {};
    var files = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled || el.name === "csrfmiddlewaretoken") { return; }
      if (el.type === "file") {
        var kind = el.getAttribute("data-offline-evidence") ||
          (form.getAttribute("data-offline-outbox") in ADAPTERS ? "photo" : "");
        if (!kind) { return; }
        Array.prototype.forEach.call(el.files || [], function (file) {
          files.push({field: el.name, kind: kind, blob: file, name: file.name, type: file.type, size: file.size,
                      capturedAt: file.lastModified ? new Date(file.lastModified).toISOString() : null});
        });
        return;
      }
      if ((el.type === "radio") && !el.checked) { return; }
      if (el.type === "submit" || el.type === "button") { return; }
      var value = el.value;
      if (el.type === "checkbox") {
        if (el.name.slice(-2) === "[]") { if (!el.checked) { return; } } else { value = el.checked; }
      } else if (el.hasAttribute("data-offline-json")) {
        try { value = value ? JSON.parse(value) : null; } catch (e) { value = null; }
      } else if (el.hasAttribute("data-offline-number")) {
        value = value === "" ? null : Number(value);
      }
      put(body, el.name, value);
    });
    return {body: body, files: files};
  }

  function db() { return dbPromise; }
  function allJobs() {
    return db().then(function (d) { return d.getAll("jobs"); }).then(function (jobs) {
      return jobs.filter(function (j) { return !owner || !j.owner || j.owner === owner; })
        .sort(function (a, b) { return a.created < b.created ? -1 : 1; });
    });
  }
  function save(job) { return db().then(function (d) { return d.put("jobs", job); }); }
  function drop(id) { return db().then(function (d) { return d.delete("jobs", id); }); }

  /* --- what the inspector sees ----------------------------------------------------------------------------- */

  function render() {
    if (!box) { return Promise.resolve(); }
    return allJobs().then(function (jobs) {
      var waiting = jobs.filter(function (j) { return j.state === "waiting" || j.state === "sending"; });
      var stopped = jobs.filter(function (j) { return j.state === "conflict" || j.state === "refused"; });
      var badge = box.querySelector("[data-outbox-badge]");
      var list = box.querySelector("[data-outbox-list]");
      badge.textContent = waiting.length ? msg("waiting", waiting.length) : "";
      badge.hidden = !waiting.length;
      var note = box.querySelector("[data-outbox-note]");
      box.hidden = !jobs.length && (!note || note.hidden);
      list.textContent = "";
      stopped.concat(waiting).forEach(function (job) {
        var li = document.createElement("li");
        li.className = "mb-2";
        li.setAttribute("data-outbox-job", job.id);
        li.setAttribute("data-state", job.state);
        var title = document.createElement("strong");
        title.textContent = job.title || job.id;
        li.appendChild(title);
        var state = document.createElement("div");
        state.className = job.state === "conflict" || job.state === "refused" ? "text-danger" : "text-secondary";
        state.setAttribute("data-testid", "outbox-state");
        var stateText = job.state === "conflict" ? msg("conflict") : job.state === "refused" ? msg("refused")
          : msg("waiting-one");
        state.textContent = stateText + (job.message ? " " + job.message : "");
        li.appendChild(state);
        if (job.state === "conflict" || job.state === "refused") {
          var discard = document.createElement("button");
          discard.type = "button";
          discard.className = "btn btn-sm btn-outline-danger mt-1";
          discard.textContent = msg("discard");
          discard.addEventListener("click", function () {
            if (window.confirm(msg("discard-confirm"))) { drop(job.id).then(render); }
          });
          li.appendChild(discard);
        }
        list.appendChild(li);
      });
      var sent = box.querySelector("[data-outbox-sent]");
      if (sent) { sent.hidden = true; }
    });
  }

  function announce(text) {
    var note = box && box.querySelector("[data-outbox-note]");
    if (note) { note.textContent = text; note.hidden = !text; }
  }

  /* --- sending -------------------------------------------------------------------------------------------- */

  function Stop(state, message) { this.state = state; this.message = message; }
  function Wait(message) { this.message = message; }

  function call(method, url, body, headers) {
    var h = Object.assign({"X-CSRFToken": csrf(), "Accept": "application/json"}, headers || {});
    var init = {method: method, credentials: "same-origin", headers: h};
    if (body instanceof Blob) {
      h["Content-Type"] = "application/octet-stream";
      init.body = body;
    } else if (body !== undefined) {
      h["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(url, init).catch(function () { throw new Wait(msg("offline")); }).then(function (response) {
      return response.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
        return {status: response.status, data: data || {}};
      });
    });
  }

  function judge(answer) {
    var s = answer.status;
    if (s >= 200 && s < 300) { return answer.data; }
    var message = (answer.data && answer.data.message) || "";
    // A refusal by the platform (403 with its code: e.g. the task's officers are someone else) stops the job with
    // its words; a 401 or a bare 403 (sign-in expired, CSRF token of an old session) waits for the next sign-in.
    if (s === 403 && answer.data && answer.data.code === "PermissionDenied") { throw new Stop("refused", message); }
    if (s === 401 || s === 403) { throw new Wait(msg("signin")); }
    if (s === 409) { throw new Stop("conflict", message); }
    if (s >= 400 && s < 500 && s !== 408 && s !== 429) { throw new Stop("refused", message); }
    throw new Wait(message);
  }

  function uploadFile(job, file) {
    if (file.uploaded) { return Promise.resolve(); }
    var start = file.uploadId ? call("GET", "/api/v1/uploads/" + file.uploadId).then(function (answer) {
      if (answer.status === 404) { file.uploadId = null; return null; }
      return judge(answer);
    }) : Promise.resolve(null);
    return start.then(function (session) {
      if (session) { return session; }
      return call("POST", "/api/v1/uploads", {sha256: file.sha256, size: file.size, filename: file.name,
                                              content_type: file.type || ""}).then(judge);
    }).then(function (session) {
      file.uploadId = session.id;
      return save(job).then(function () { return session; });
    }).then(function send(session) {
      if (session.state === "complete") { return session; }
      if (session.received >= file.size) {
        return call("POST", "/api/v1/uploads/" + session.id + "/complete").then(judge);
      }
      var end = Math.min(session.received + CHUNK, file.size);
      return call("PUT", "/api/v1/uploads/" + session.id + "/chunks?offset=" + session.received,
                  file.blob.slice(session.received, end)).then(function (answer) {
        if (answer.status === 409 && answer.data && answer.data.code === "OffsetConflict") {
          return call("GET", "/api/v1/uploads/" + session.id).then(judge); // resume where the server is
        }
        return judge(answer);
      }).then(function (next) {
        file.received = next.received;
        return save(job).then(function () { render(); return send(next); });
      });
    }).then(function (done) {
      file.uploaded = done.sha256 === file.sha256;
      return save(job);
    });
  }

  function attach(job, file, index) {
    if (file.attached || !job.evidenceApi) { return Promise.resolve(); }
    var url = job.evidenceApi.replace("{upload}", file.uploadId).replace("{record}", job.recordId);
    var payload = {sha256: file.sha256, kind: file.kind, captured_at: file.capturedAt, original_name: file.name || "",
                   latitude: job.body.latitude || null, longitude: job.body.longitude || null};
    return call("POST", url, payload, {"Idempotency-Key": job.id + ":ev:" + index}).then(judge).then(function () {
      file.attached = true;
      return save(job);
    });
  }

  function sendJob(job) {
    job.state = "sending";
    return save(job).then(function () {
      return job.files.reduce(function (p, f) { return p.then(function () { return uploadFile(job, f); }); },
                              Promise.resolve());
    }).then(function () {
      if (job.recordId) { return null; }
      return call("POST", job.api, job.body, {"Idempotency-Key": job.id}).then(judge).then(function (data) {
        job.recordId = data.id;
        job.recordUrl = data.url || "";
        return save(job);
      });
    }).then(function () {
      return job.files.reduce(function (p, f, i) { return p.then(function () { return attach(job, f, i); }); },
                              Promise.resolve());
    }).then(function () {
      return drop(job.id).then(function () { return "sent"; });
    }).catch(function (problem) {
      if (problem instanceof Stop) {
        job.state = problem.state;
        job.message = problem.message;
      } else {
        job.state = "waiting";
        job.message = problem instanceof Wait ? problem.message : String(problem);
      }
      return save(job).then(function () { return job.state; });
    });
  }

  function sync() {
    if (running) { return running; }
    if (!navigator.onLine) { return render(); }
    running = allJobs().then(function (jobs) {
      var due = jobs.filter(function (j) { return j.state === "waiting" || j.state === "sending"; });
      var sent = 0;
      return due.reduce(function (p, job) {
        return p.then(function () { return sendJob(job); }).then(function (state) {
          if (state === "sent") {
            sent++;
            if (job.id === fromThisPage && job.doneUrl) {
              location.assign(job.doneUrl.replace("{record}", job.recordId));
            }
          } else if (job.id === fromThisPage && (state === "refused" || state === "conflict")) {
            announce(msg(state) + (job.message ? " " + job.message : ""));
            var button = document.querySelector("[data-offline-queued] [type=submit]");
            if (button) { button.disabled = false; }
          }
        });
      }, Promise.resolve()).then(function () {
        if (sent) { announce(msg("sent", sent)); }
      });
    }).then(render, render).then(function () { running = null; });
    return running;
  }

  /* --- queuing a form ------------------------------------------------------------------------------------- */

  function enqueue(form) {
    var keyField = form.querySelector('[name="idempotency_key"]');
    var key = (keyField && keyField.value) || newKey();
    if (keyField && !keyField.value) { keyField.value = key; }
    var data = serialize(form);
    data.body.idempotency_key = key;
    var adapter = ADAPTERS[form.getAttribute("data-offline-outbox")];
    if (adapter) { data = adapter(form, data); }
    data.body.idempotency_key = key;
    return Promise.all(data.files.map(function (f) {
      return sha256(f.blob).then(function (sum) { f.sha256 = sum; return f; });
    })).then(function (files) {
      var job = {id: key, owner: owner, created: new Date().toISOString(), state: "waiting", message: "",
                 title: form.getAttribute("data-offline-title") || document.title,
                 api: data.api || form.getAttribute("data-offline-api"),
                 evidenceApi: data.evidenceApi || form.getAttribute("data-offline-evidence-api") || "",
                 doneUrl: data.doneUrl || form.getAttribute("data-offline-done-url") || "",
                 body: data.body, files: files, recordId: null};
      return db().then(function (d) { return d.get("jobs", key); }).then(function (existing) {
        // The same record submitted again (a double tap) while it waits: the job already holds it. A record the
        // server refused, corrected on the form and submitted again, replaces the refused one (same key).
        if (existing && existing.state !== "refused") { return existing; }
        return save(job).then(function () { return job; });
      });
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-offline-outbox")) { return; }
    event.preventDefault();
    var button = form.querySelector("[type=submit]");
    if (button) { button.disabled = true; }
    enqueue(form).then(function (job) {
      fromThisPage = job.id;
      announce(navigator.onLine ? msg("queued-online") : msg("queued-offline"));
      form.setAttribute("data-offline-queued", "true");
      return render();
    }).then(sync).catch(function (error) {
      announce(String(error));
      if (button) { button.disabled = false; }
    });
  });

  if (box) {
    var now = box.querySelector("[data-outbox-send]");
    if (now) { now.addEventListener("click", function () { sync(); }); }
  }
  window.addEventListener("online", function () { sync(); });
  window.addEventListener("offline", function () { render(); });
  setInterval(function () { if (navigator.onLine) { sync(); } }, 30000);
  // For tests and the page's own buttons: run a sync now, read the jobs.
  window.ecoenforceOutbox = {sync: sync, jobs: allJobs, render: render};
  render().then(sync);
})();
