/* Verify a published double-random round in the visitor's browser: the same steps, in the same order, as
   `ecoenforce draw verify ROUND_FILE` (src/ecoenforce/planning/roundfile.py, docs/draw-algorithm.md §7 and §10),
   with the browser's own SHA-256 (Web Crypto). Reads round files of format 1, 2 and 3 (weighted rounds, §11).

   On a page, an element with [data-round-verify] names the round file (data-round-file) and carries the
   translated words (data-msg-*, data-step-*); the verdict is written into it with textContent only.
   Under Node (tests/planning/test_roundverify_js.py) the module exports verifyRoundFile(doc, sha256).
   tests/planning/test_roundverify_js.py holds this file to the Python verifier, check by check. */
(function (root) {
  "use strict";

  var ALGORITHM = "ecoenforce-draw/1";
  var PREFIX = ALGORITHM + "|";
  var FORMAT_V1 = "ecoenforce-draw-round/1";
  var FORMAT_V2 = "ecoenforce-draw-round/2";
  var FORMAT_V3 = "ecoenforce-draw-round/3";
  var FORMATS = [FORMAT_V1, FORMAT_V2, FORMAT_V3];
  var SCALE = 1000000;
  var CLASSES = ["general", "key", "special"];
  var TIE = "recusal.declared_tie";
  var RECENT = "recusal.recent_inspection";
  var HOME = "recusal.home_region";
  var REASON_TEXT = {
    "recusal.declared_tie": "has declared a kin, interest or own-entity tie to the entity",
    "recusal.recent_inspection": "inspected the same entity within the recent-inspection window",
    "recusal.home_region": "works in the entity's own region and this is a cross-region round"
  };
  var MAX_LISTED = 50;
  var encoder = new TextEncoder();

  function DrawError(code, message) {
    this.code = code;
    this.message = message;
  }

  // ---- bytes, hashes and Python's conversions --------------------------------------------------------------

  function utf8(text) { return encoder.encode(text); }

  function concat(a, b) {
    var out = new Uint8Array(a.length + b.length);
    out.set(a, 0);
    out.set(b, a.length);
    return out;
  }

  function toHex(bytes) {
    var s = "";
    for (var i = 0; i < bytes.length; i++) { s += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16); }
    return s;
  }

  function fromHex(text) {
    // bytes.fromhex: pairs of hex digits, ASCII whitespace between them allowed.
    var clean = String(text).replace(/[ \t\n\r\f\v]/g, "");
    if (!/^([0-9a-fA-F]{2})*$/.test(clean)) { throw new Error("non-hexadecimal number found in fromhex() arg"); }
    var out = new Uint8Array(clean.length / 2);
    for (var i = 0; i < out.length; i++) { out[i] = parseInt(clean.substr(i * 2, 2), 16); }
    return out;
  }

  function cmp(a, b) { return a < b ? -1 : (a > b ? 1 : 0); }

  function pyStr(v) {
    if (v === null || v === undefined) { return "None"; }
    if (v === true) { return "True"; }
    if (v === false) { return "False"; }
    return String(v);
  }

  function pyBool(v) {
    if (Array.isArray(v)) { return v.length > 0; }
    if (v && typeof v === "object") { return Object.keys(v).length > 0; }
    return !!v;
  }

  function pyInt(v) {
    if (typeof v === "boolean") { return v ? 1 : 0; }
    if (typeof v === "number" && isFinite(v)) { return Math.trunc(v); }
    if (typeof v === "string" && /^\s*[+-]?\d+\s*$/.test(v)) { return parseInt(v, 10); }
    throw new Error("invalid literal for int(): " + JSON.stringify(v));
  }

  function need(obj, key) {
    if (obj === null || typeof obj !== "object" || !(key in obj)) { throw new Error("KeyError: '" + key + "'"); }
    return obj[key];
  }

  // Canonical JSON (§2): keys sorted, no spaces, non-ASCII as is.
  function canonical(v) {
    if (v === null || v === undefined) { return "null"; }
    if (Array.isArray(v)) { return "[" + v.map(canonical).join(",") + "]"; }
    if (typeof v === "object") {
      return "{" + Object.keys(v).sort(cmp).map(function (k) { return JSON.stringify(k) + ":" + canonical(v[k]); })
        .join(",") + "}";
    }
    return JSON.stringify(v);
  }

  // repr() of a JSON value, for messages.
  function pyRepr(v) {
    if (typeof v === "string") { return v.indexOf("'") >= 0 && v.indexOf('"') < 0 ? JSON.stringify(v) : "'" + v.replace(/\\/g, "\\\\").replace(/'/g, "\\'") + "'"; }
    return pyStr(v);
  }

  // json.dumps(value, ensure_ascii=False) with Python's default separators, for messages.
  function pyDumps(v) {
    if (v === null || v === undefined) { return "null"; }
    if (Array.isArray(v)) { return "[" + v.map(pyDumps).join(", ") + "]"; }
    if (typeof v === "object") {
      return "{" + Object.keys(v).map(function (k) { return JSON.stringify(k) + ": " + pyDumps(v[k]); })
        .join(", ") + "}";
    }
    return JSON.stringify(v);
  }

  // ---- exact decimals for the ratios -----------------------------------------------------------------------

  function parseRatio(value, cls) {
    var invalid = new DrawError("policy.ratio_invalid",
      "The ratio for class '" + cls + "' must be a decimal such as \"0.25\", not " + pyDumps(value) + ".");
    if (typeof value === "boolean" || (typeof value === "number" && !Number.isInteger(value))) { throw invalid; }
    if (typeof value !== "number" && typeof value !== "string") { throw invalid; }
    var text = String(value).trim();
    if (/^[+-]?(nan|snan|inf|infinity)$/i.test(text)) {
      throw new DrawError("policy.ratio_invalid",
        "The ratio for class '" + cls + "' must be a finite decimal between 0 and 1.");
    }
    var m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
    if (!m || (m[2] === "" && !m[3])) { throw invalid; }
    var frac = m[3] || "";
    return { neg: m[1] === "-", coef: BigInt((m[2] + frac) || "0"), exp: (m[4] ? parseInt(m[4], 10) : 0) - frac.length };
  }

  function pow10(n) { return BigInt("1" + "0".repeat(n)); }

  // Decimal.normalize() then format "f": no exponent, no trailing zeros.
  function ratioText(r) {
    var coef = r.coef, exp = r.exp;
    if (coef === 0n) { exp = 0; }
    while (coef !== 0n && coef % 10n === 0n) { coef /= 10n; exp += 1; }
    var digits = coef.toString(), text;
    if (exp >= 0) {
      text = digits + "0".repeat(exp);
    } else {
      var point = -exp;
      if (digits.length <= point) { digits = "0".repeat(point - digits.length + 1) + digits; }
      text = digits.slice(0, digits.length - point) + "." + digits.slice(digits.length - point);
    }
    return (r.neg ? "-" : "") + text;
  }

  // Compare r with an integer: -1, 0 or 1.
  function ratioCmp(r, n) {
    var num = r.neg ? -r.coef : r.coef, left, right;
    if (r.exp >= 0) { left = num * pow10(r.exp); right = BigInt(n); } else { left = num; right = BigInt(n) * pow10(-r.exp); }
    return left < right ? -1 : (left > right ? 1 : 0);
  }

  // ceil(ratio × pool size), exact.
  function classCount(r, n) {
    var num = (r.neg ? -r.coef : r.coef) * BigInt(n);
    if (r.exp >= 0) { return Number(num * pow10(r.exp)); }
    var den = pow10(-r.exp), q = num / den;
    if (num > 0n && q * den !== num) { q += 1n; }
    return Number(q);
  }

  // An inclusion probability or a floor (canonical.parse_probability): a decimal with at most 6 places, read into
  // whole millionths; {r: the decimal, units: Number}.
  function parseProbability(value, what) {
    var bad = new DrawError("pool.probability_invalid", "The probability of " + what +
      " must be a decimal string with at most 6 places such as \"0.05\", not " + pyRepr(value) + ".");
    if (typeof value === "boolean" || (typeof value === "number" && !Number.isInteger(value))) { throw bad; }
    if (typeof value !== "number" && typeof value !== "string") { throw bad; }
    var r;
    try { r = parseRatio(value, what); } catch (err) { throw bad; }
    var units = (r.neg ? -r.coef : r.coef), shift = r.exp + 6;
    if (shift >= 0) {
      units = units * pow10(shift);
    } else {
      if (units % pow10(-shift) !== 0n) { throw bad; }
      units = units / pow10(-shift);
    }
    return { r: r, units: Number(units) };
  }

  function unitsText(units) { return ratioText({ neg: units < 0, coef: BigInt(Math.abs(units)), exp: -6 }); }

  // ---- the records, read as the Python reads them ----------------------------------------------------------

  function entityFrom(data) {
    var recent = data && typeof data === "object" && "recent_inspectors" in data ? data.recent_inspectors : [];
    var e = {
      id: pyStr(need(data, "id")), cls: pyStr(need(data, "class")), region: pyStr(need(data, "region")),
      positive: pyBool(data.positive_list),
      recent: Array.from(new Set(Array.from(recent || [], pyStr))), p: null
    };
    if ("p" in data) { e.p = parseProbability(data.p, "entity " + pyStr(data.id)); }
    return e;
  }

  function entityCanonical(e) {
    var out = { id: e.id, "class": e.cls, region: e.region, positive_list: e.positive, recent_inspectors: e.recent.slice().sort(cmp) };
    if (e.p !== null) { out.p = ratioText(e.p.r); }
    return out;
  }

  function inspectorFromV1(data) {
    var ties = data && typeof data === "object" && "ties" in data ? data.ties : [];
    return { id: pyStr(need(data, "id")), region: pyStr(need(data, "region")),
             ties: Array.from(new Set(Array.from(ties || [], pyStr))), certified: pyBool(need(data, "certified")) };
  }

  function inspectorsFromPublic(pools, ties) {
    return need(pools, "inspectors").map(function (i) {
      var id = pyStr(need(i, "id"));
      return { id: id, region: pyStr(need(i, "region")), certified: pyBool(need(i, "certified")),
               ties: Object.prototype.hasOwnProperty.call(ties, id) ? Array.from(ties[id]) : [] };
    });
  }

  function byId(a, b) { return cmp(a.id, b.id); }

  function policyFrom(data) {
    var ratios = need(data, "ratios"), parsed = {};
    if (ratios === null || typeof ratios !== "object") { throw new Error("ratios is not an object"); }
    Object.keys(ratios).forEach(function (c) { parsed[c] = parseRatio(ratios[c], c); });
    var maxTargets = data.max_targets === undefined || data.max_targets === null ? null : pyInt(data.max_targets);
    return {
      ratios: parsed, k: pyInt(need(data, "inspectors_per_target")),
      recentWindow: pyInt(need(data, "recent_window_days")), cross: pyBool(need(data, "cross_region")),
      mode: need(data, "positive_list_mode"), maxTargets: maxTargets,
      drawMode: data.mode === undefined ? "strata" : data.mode,
      floor: data.floor === undefined || data.floor === null ? null : parseProbability(data.floor, "the floor"),
      budget: data.budget === undefined || data.budget === null ? null : pyInt(data.budget)
    };
  }

  function policyCanonical(p) {
    var ratios = {};
    Object.keys(p.ratios).sort(cmp).forEach(function (c) { ratios[c] = ratioText(p.ratios[c]); });
    var out = { ratios: ratios, inspectors_per_target: p.k, recent_window_days: p.recentWindow, cross_region: p.cross,
                positive_list_mode: p.mode, max_targets: p.maxTargets };
    if (p.drawMode !== "strata") {
      out.mode = p.drawMode;
      out.floor = p.floor === null ? null : ratioText(p.floor.r);
      out.budget = p.budget;
    }
    return out;
  }

  // ---- the draw (§3–§6) ------------------------------------------------------------------------------------

  function validatePolicy(p) {
    if (p.drawMode !== "strata" && p.drawMode !== "weighted") {
      throw new DrawError("policy.mode_invalid", "mode must be 'strata' or 'weighted', not " + pyRepr(p.drawMode) + ".");
    }
    if (p.drawMode === "weighted") {
      if (Object.keys(p.ratios).length) {
        throw new DrawError("policy.weighted_with_ratios", "A weighted round draws by each entity's probability; leave the class ratios empty.");
      }
      if (p.floor === null || p.floor.units <= 0 || p.floor.units > SCALE) {
        throw new DrawError("policy.floor_invalid", "A weighted round needs a floor between 0 and 1 (e.g. 0.02): every entity keeps at least that chance.");
      }
      if (p.budget === null || p.budget < 1) {
        throw new DrawError("policy.budget_invalid", "A weighted round needs a budget of at least 1 target.");
      }
      validateCommon(p);
      return;
    }
    Object.keys(p.ratios).forEach(function (c) {
      if (CLASSES.indexOf(c) < 0) {
        throw new DrawError("pool.invalid_risk_class", "Unknown risk class '" + c + "'. Use one of: " + CLASSES.join(", ") + ".");
      }
    });
    var missing = CLASSES.filter(function (c) { return !(c in p.ratios); });
    if (missing.length) {
      throw new DrawError("policy.ratio_missing", "No ratio for class(es) " + missing.join(", ") +
        ". Give every class a ratio; use 0 to skip a class.");
    }
    CLASSES.forEach(function (c) {
      var r = p.ratios[c];
      if (ratioCmp(r, 0) < 0 || ratioCmp(r, 1) > 0) {
        throw new DrawError("policy.ratio_out_of_range", "The ratio for class '" + c + "' is " + ratioText(r) +
          "; it must be between 0 and 1 (e.g. 0.25 for 25%).");
      }
    });
    validateCommon(p);
  }

  function validateCommon(p) {
    if (p.k < 2) {
      throw new DrawError("policy.inspectors_per_target_too_low", "Each target needs at least 2 certified " +
        "inspectors (行政处罚法 art. 42); the policy asks for " + p.k + ".");
    }
    if (p.mode !== "exclude" && p.mode !== "tag") {
      throw new DrawError("policy.positive_list_mode_invalid", "positive_list_mode must be 'exclude' or 'tag', not " +
        pyRepr(p.mode) + ".");
    }
    if (p.maxTargets !== null && p.maxTargets < 0) {
      throw new DrawError("policy.max_targets_invalid", "max_targets must be empty (no cap) or a non-negative number of targets.");
    }
    if (p.recentWindow < 0) {
      throw new DrawError("policy.recent_window_invalid", "recent_window_days must be zero or more days.");
    }
  }

  function checkUnique(ids, kind) {
    var seen = new Set();
    ids.forEach(function (i) {
      if (!i) { throw new DrawError("pool.empty_" + kind + "_id", "Every " + kind + " needs a non-empty id."); }
      if (seen.has(i)) {
        throw new DrawError("pool.duplicate_" + kind + "_id", "The " + kind + " id '" + i +
          "' appears twice in the pool. Remove the duplicate and freeze the pool again.");
      }
      seen.add(i);
    });
  }

  async function ranked(sha256, seed, prefix, items) {
    var digests = await Promise.all(items.map(function (item) { return sha256(concat(seed, utf8(prefix + item.id))); }));
    var keyed = items.map(function (item, j) { return { item: item, hash: toHex(digests[j]) }; });
    keyed.sort(function (a, b) { return cmp(a.hash, b.hash) || cmp(a.item.id, b.item.id); });
    return keyed;
  }

  async function draw(sha256, seed, entities, inspectors, policy) {
    validatePolicy(policy);
    checkUnique(entities.map(function (e) { return e.id; }), "entity");
    checkUnique(inspectors.map(function (i) { return i.id; }), "inspector");

    var weighted = policy.drawMode === "weighted", summary = null, classes = [], chosen = [];
    if (weighted) {
      var stage = await selectWeighted(sha256, seed, entities, policy);
      summary = stage.summary;
      chosen = stage.chosen;
    } else {
      var strata = await selectStrata(sha256, seed, entities, policy);
      classes = strata.classes;
      chosen = strata.chosen;
    }
    return staff(sha256, seed, inspectors, policy, chosen, classes, summary);
  }

  // Stage 1 of a weighted round (§11): systematic sampling over the hash order with the published probabilities.
  async function selectWeighted(sha256, seed, entities, policy) {
    var pool = [], excluded = 0;
    entities.forEach(function (e) {
      if (CLASSES.indexOf(e.cls) < 0) {
        throw new DrawError("pool.invalid_risk_class", "Unknown risk class '" + e.cls + "'. Use one of: " + CLASSES.join(", ") + ".");
      }
      if (policy.mode === "exclude" && e.positive) { excluded += 1; return; }
      pool.push(e);
    });
    if (!pool.length) {
      throw new DrawError("pool.empty_entities", "The entity pool is empty" +
        (excluded ? " after leaving out positive-list entities" : "") +
        ". Freeze a pool with regulated entities before drawing.");
    }
    var total = 0;
    pool.forEach(function (e) {
      if (e.p === null) {
        throw new DrawError("pool.probability_missing", "Entity " + e.id + " has no probability; every entity of a weighted round needs one.");
      }
      if (e.p.units < policy.floor.units || e.p.units > SCALE) {
        throw new DrawError("pool.probability_out_of_range", "Entity " + e.id + " has probability " + ratioText(e.p.r) +
          "; it must lie between the floor " + ratioText(policy.floor.r) + " and 1.");
      }
      total += e.p.units;
    });
    if (total !== policy.budget * SCALE) {
      throw new DrawError("pool.probabilities_sum", "The probabilities add up to " + unitsText(total) + " but the budget is " +
        policy.budget + "; they must add up to the budget exactly.");
    }
    if (policy.maxTargets !== null && policy.budget > policy.maxTargets) {
      throw new DrawError("policy.budget_exceeded", "The budget selects " + policy.budget + " targets but the round allows at most " +
        policy.maxTargets + ". Lower the budget or raise the cap.");
    }
    var keyed = await ranked(sha256, seed, PREFIX + "weighted|", pool);
    var startHash = await sha256(concat(seed, utf8(PREFIX + "weighted-start"))), start = 0n;
    for (var b = 0; b < 8; b++) { start = start * 256n + BigInt(startHash[b]); }
    start = Number(start % BigInt(SCALE));
    // The next sampling point never falls behind the current stretch; additions and comparisons of integers only.
    var chosen = [], after = 0, point = start;
    keyed.forEach(function (k) {
      after += k.item.p.units;
      if (point < after) {
        chosen.push({ entity: k.item, rank: chosen.length + 1, hash: k.hash });
        point += SCALE;
      }
    });
    return { chosen: chosen, summary: { pool_size: pool.length, excluded_positive_list: excluded,
      floor: ratioText(policy.floor.r), budget: policy.budget, total_units: total, start: start, count: chosen.length } };
  }

  async function selectStrata(sha256, seed, entities, policy) {
    // Stage 1: targets.
    var pools = {}, excluded = {};
    CLASSES.forEach(function (c) { pools[c] = []; excluded[c] = 0; });
    entities.forEach(function (e) {
      if (!(e.cls in pools)) {
        throw new DrawError("pool.invalid_risk_class", "Unknown risk class '" + e.cls + "'. Use one of: " + CLASSES.join(", ") + ".");
      }
      if (policy.mode === "exclude" && e.positive) { excluded[e.cls] += 1; return; }
      pools[e.cls].push(e);
    });
    var totalExcluded = CLASSES.reduce(function (s, c) { return s + excluded[c]; }, 0);
    if (CLASSES.every(function (c) { return pools[c].length === 0; })) {
      throw new DrawError("pool.empty_entities", "The entity pool is empty" +
        (totalExcluded ? " after leaving out positive-list entities" : "") +
        ". Freeze a pool with regulated entities before drawing.");
    }
    var classes = [], chosen = [];
    for (var ci = 0; ci < CLASSES.length; ci++) {
      var c = CLASSES[ci], pool = pools[c], n = pool.length, ratio = policy.ratios[c], count = classCount(ratio, n);
      classes.push({ "class": c, pool_size: n, excluded_positive_list: excluded[c], ratio: ratioText(ratio), count: count,
                     rounding: "ceil(" + ratioText(ratio) + " × " + n + ") = " + count });
      if (!count) { continue; }
      var order1 = await ranked(sha256, seed, PREFIX + "target|" + c + "|", pool);
      order1.slice(0, count).forEach(function (k, i) { chosen.push({ entity: k.item, rank: i + 1, hash: k.hash }); });
    }
    var total = classes.reduce(function (s, x) { return s + x.count; }, 0);
    if (total === 0) {
      throw new DrawError("policy.nothing_to_draw", "Every class ratio is 0 (or its pool is empty), so the draw would " +
        "select nobody. Set a ratio above 0.");
    }
    if (policy.maxTargets !== null && total > policy.maxTargets) {
      throw new DrawError("policy.budget_exceeded", "The ratios select " + total + " targets but the round allows at most " +
        policy.maxTargets + ". Lower a ratio or raise the cap.");
    }
    return { classes: classes, chosen: chosen };
  }

  async function staff(sha256, seed, inspectors, policy, chosen, classes, summary) {
    // Stage 2: inspectors.
    var k = policy.k;
    var certified = inspectors.filter(function (i) { return i.certified; });
    var uncertified = inspectors.filter(function (i) { return !i.certified; }).map(function (i) { return i.id; }).sort(cmp);
    if (certified.length < k) {
      throw new DrawError("pool.too_few_inspectors", "The inspector pool has " + certified.length +
        " certified inspector(s) but each target needs " + k + ". Add certified inspectors to the pool.");
    }
    var order = (await ranked(sha256, seed, PREFIX + "inspector|", certified)).map(function (x) { return x.item; });
    var N = order.length, pos = new Map(), ties = new Map(), regions = new Map(), load = new Array(N).fill(0);
    order.forEach(function (insp, p) {
      pos.set(insp.id, p);
      insp.ties.forEach(function (eid) { if (!ties.has(eid)) { ties.set(eid, []); } ties.get(eid).push(p); });
      if (!regions.has(insp.region)) { regions.set(insp.region, []); }
      regions.get(insp.region).push(p);
    });
    var offsets = await Promise.all(chosen.map(function (t) { return sha256(concat(seed, utf8(PREFIX + "assign|" + t.entity.id))); }));
    var targets = [], failures = [];
    chosen.forEach(function (t, ti) {
      var e = t.entity, offset = 0n;
      for (var b = 0; b < 8; b++) { offset = offset * 256n + BigInt(offsets[ti][b]); }
      offset = Number(offset % BigInt(N));
      var tied = ties.get(e.id) || [];
      var recent = e.recent.filter(function (x) { return pos.has(x); }).map(function (x) { return pos.get(x); });
      var home = policy.cross ? (regions.get(e.region) || []) : [];
      var excl = new Set(tied.concat(recent, home));
      var recusals = {};
      recusals[TIE] = tied.length;
      recusals[RECENT] = recent.length;
      recusals[HOME] = home.length;
      if (N - excl.size < k) {
        failures.push({ entity: e.id, eligible: N - excl.size, recusals: recusals });
        return;
      }
      var eligible = [];
      for (var p = 0; p < N; p++) {
        if (!excl.has(p)) { eligible.push({ p: p, load: load[p], distance: ((p - offset) % N + N) % N }); }
      }
      eligible.sort(function (x, y) { return (x.load - y.load) || (x.distance - y.distance); });
      var picks = eligible.slice(0, k);
      picks.forEach(function (x) { load[x.p] += 1; });
      var row = {
        entity: e.id, "class": e.cls, rank: t.rank, rank_hash: t.hash, positive_list: e.positive, offset: offset,
        inspectors: picks.map(function (x) { return { id: order[x.p].id, load_before: x.load, distance: x.distance }; }),
        recusals: recusals
      };
      if (summary !== null) { row.p = ratioText(e.p.r); }
      targets.push(row);
    });
    if (failures.length) {
      var first = failures[0];
      var why = [TIE, RECENT, HOME].filter(function (code) { return first.recusals[code]; })
        .map(function (code) { return REASON_TEXT[code] + ": " + first.recusals[code]; }).join(", ") || "none";
      throw new DrawError("recusal.not_enough_inspectors", "Target " + first.entity + " has " + first.eligible +
        " eligible inspector(s) but needs " + k + " (recused — " + why + "). " + failures.length +
        " target(s) are affected. Add certified inspectors from other regions, turn off cross-region for this round, " +
        "or correct the declared ties.");
    }
    var result = { algorithm: ALGORITHM, classes: classes, inspector_order: order.map(function (i) { return i.id; }),
                   uncertified: uncertified, targets: targets };
    if (summary !== null) { result.weighted = summary; }
    return result;
  }

  // ---- the verifier (roundfile.verify_round_file) ----------------------------------------------------------

  function isObject(v) { return v !== null && typeof v === "object" && !Array.isArray(v); }

  function sameScalar(a, b) {
    if (a === null || b === null || a === undefined || b === undefined) { return (a === null || a === undefined) && (b === null || b === undefined); }
    return typeof a === typeof b && a === b;
  }

  // The first place the recomputed selection and the file's differ, as a path.
  function firstDifference(expected, found, path) {
    if (isObject(expected) && isObject(found)) {
      var keys = Array.from(new Set(Object.keys(expected).concat(Object.keys(found)))).sort(cmp);
      for (var i = 0; i < keys.length; i++) {
        var key = keys[i];
        if (!(key in found)) {
          return { path: path + "/" + key, expected: pyDumps(expected[key]), found: null,
                   text: path + "/" + key + ": missing in the file (expected " + pyDumps(expected[key]) + ")" };
        }
        if (!(key in expected)) {
          return { path: path + "/" + key, expected: null, found: pyDumps(found[key]),
                   text: path + "/" + key + ": not produced by the algorithm" };
        }
        var diff = firstDifference(expected[key], found[key], path + "/" + key);
        if (diff) { return diff; }
      }
      return null;
    }
    if (Array.isArray(expected) && Array.isArray(found)) {
      for (var j = 0; j < Math.min(expected.length, found.length); j++) {
        var d = firstDifference(expected[j], found[j], path + "/" + j);
        if (d) { return d; }
      }
      if (expected.length !== found.length) {
        return { path: path, expected: expected.length + " item(s)", found: found.length + " item(s)",
                 text: path + ": the file has " + found.length + " item(s), the algorithm gives " + expected.length };
      }
      return null;
    }
    if (isObject(expected) || Array.isArray(expected) || isObject(found) || Array.isArray(found) || !sameScalar(expected, found)) {
      return { path: path, expected: pyDumps(expected), found: pyDumps(found),
               text: path + ": the file says " + pyDumps(found) + ", the algorithm gives " + pyDumps(expected) };
    }
    return null;
  }

  // ISO 8601 with an optional offset, to microseconds since the epoch (a naive time is read as UTC).
  function isoMicros(text) {
    var m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,6}))?)?)?(Z|[+-]\d{2}:?\d{2}(?::?\d{2})?)?$/.exec(
      typeof text === "string" ? text : "");
    if (!m) { throw new Error("Invalid isoformat string: " + pyDumps(text)); }
    var ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] || 0), +(m[5] || 0), +(m[6] || 0));
    var micros = ms * 1000 + (m[7] ? +(m[7] + "000000").slice(0, 6) : 0);
    if (m[8] && m[8] !== "Z") {
      var sign = m[8][0] === "-" ? -1 : 1, digits = m[8].slice(1).replace(/:/g, "");
      var secs = +digits.slice(0, 2) * 3600 + +digits.slice(2, 4) * 60 + (+digits.slice(4, 6) || 0);
      micros -= sign * secs * 1000000;
    }
    return micros;
  }

  function tieCommitmentHex(sha256, p, entity, salt) {
    return sha256(concat(salt, utf8(FORMAT_V2 + "|tie|" + p + "|" + entity))).then(toHex);
  }

  async function checkTieOpenings(sha256, pools, openings) {
    var commitments = new Map(), entityIds = new Set(), ties = {}, seen = new Set();
    need(pools, "inspectors").forEach(function (i) { commitments.set(pyStr(i.id), new Set(i.tie_commitments || [])); });
    need(pools, "entities").forEach(function (e) { entityIds.add(pyStr(e.id)); });
    for (var n = 0; n < openings.length; n++) {
      var o = openings[n], p, entity, salt;
      try {
        p = pyStr(need(o, "inspector"));
        entity = pyStr(need(o, "entity"));
        salt = fromHex(pyStr(need(o, "salt")));
      } catch (err) {
        return { ties: ties, problem: "tie_openings/" + n + ": needs inspector, entity and a hex salt" };
      }
      if (!commitments.has(p)) { return { ties: ties, problem: "tie_openings/" + n + ": " + p + " is not in the inspector pool" }; }
      if (!entityIds.has(entity)) { return { ties: ties, problem: "tie_openings/" + n + ": " + entity + " is not in the entity pool" }; }
      if (!commitments.get(p).has(await tieCommitmentHex(sha256, p, entity, salt))) {
        return { ties: ties, problem: "tie_openings/" + n + ": the salt does not open any tie commitment of " + p + " to " + entity };
      }
      if (seen.has(p + "\u0000" + entity)) {
        return { ties: ties, problem: "tie_openings/" + n + ": the tie " + p + " – " + entity + " is opened twice" };
      }
      seen.add(p + "\u0000" + entity);
      if (!ties[p]) { ties[p] = new Set(); }
      ties[p].add(entity);
    }
    return { ties: ties, problem: "" };
  }

  async function digestOf(sha256, obj) { return toHex(await sha256(utf8(canonical(obj)))); }

  // verify_round_file(doc): {ok, checks: [{name, ok, detail, expected?, found?}]}, stopping at the first failure.
  async function verifyRoundFile(doc, sha256) {
    var checks = [];
    function pass(name, detail) { checks.push({ name: name, ok: true, detail: detail }); }
    function fail(name, detail, expected, found) {
      checks.push({ name: name, ok: false, detail: detail, expected: expected, found: found });
      return { ok: false, checks: checks };
    }
    if (!isObject(doc)) { return fail("read", "cannot read the round file: it is not a JSON object"); }
    var fileFormat = doc.format;
    if (FORMATS.indexOf(fileFormat) < 0) {
      return fail("format", "expected format " + FORMATS.map(function (f) { return "'" + f + "'"; }).join(" or ") +
                  ", found " + pyRepr(fileFormat), FORMAT_V3, pyDumps(fileFormat));
    }
    if (doc.algorithm !== ALGORITHM) {
      return fail("algorithm", "this verifier implements '" + ALGORITHM + "', the file uses " + pyRepr(doc.algorithm),
                  ALGORITHM, pyDumps(doc.algorithm));
    }
    pass("format", fileFormat + ", algorithm " + ALGORITHM);

    // 1. The revealed seed is the committed one.
    var seed;
    try {
      seed = fromHex(pyStr(need(doc, "seed")));
      if (seed.length !== 32) { throw new Error("the seed must be exactly 32 bytes"); }
    } catch (err) {
      return fail("seed", "the revealed seed is not 64 hex digits: " + err.message);
    }
    var seedCommitment = toHex(await sha256(seed));
    if (seedCommitment !== doc.commitment) {
      return fail("commitment", "SHA-256 of the revealed seed is " + seedCommitment + ", the published commitment is " +
                  pyStr(doc.commitment), seedCommitment, pyStr(doc.commitment));
    }
    pass("commitment", "SHA-256(seed) = " + seedCommitment);

    // 2. Timeline: committed before revealed.
    var committed, revealed;
    try {
      committed = isoMicros(need(doc, "committed_at"));
      revealed = isoMicros(need(doc, "revealed_at"));
    } catch (err) {
      return fail("timestamps", "committed_at / revealed_at are not ISO 8601 times: " + err.message);
    }
    if (committed > revealed) {
      return fail("timestamps", "the seed was revealed (" + doc.revealed_at + ") before it was committed (" + doc.committed_at + ")",
                  doc.committed_at, doc.revealed_at);
    }
    pass("timestamps", "committed " + doc.committed_at + ", revealed " + doc.revealed_at);

    // 3. The pools and policy are the ones published with the commitment.
    var entities, inspectors, policy, foundPools, pools = doc.pools;
    try {
      entities = need(pools, "entities").map(entityFrom);
      if (fileFormat === FORMAT_V1) {
        inspectors = need(pools, "inspectors").map(inspectorFromV1);
      } else {
        inspectors = inspectorsFromPublic(pools, {});
      }
      policy = policyFrom(need(doc, "policy"));
    } catch (err) {
      return fail("pools", "the pools or policy cannot be read: " + (err instanceof DrawError ? err.code + ": " + err.message : err.message));
    }
    var weightedFile = policy.drawMode !== "strata" || entities.some(function (e) { return e.p !== null; });
    if (weightedFile && fileFormat !== FORMAT_V3) {
      return fail("pools", "inclusion probabilities or a weighted policy appear in a file of format " + pyRepr(fileFormat) +
                  "; only '" + FORMAT_V3 + "' carries them");
    }
    var sortedEntities = entities.slice().sort(byId).map(entityCanonical);
    if (fileFormat === FORMAT_V1) {
      foundPools = await digestOf(sha256, { entities: sortedEntities, inspectors: inspectors.slice().sort(byId).map(function (i) {
        return { id: i.id, region: i.region, certified: i.certified, ties: i.ties.slice().sort(cmp) };
      }) });
    } else {
      // Format 2: the digest is over the published form (pseudonyms, tie commitments) exactly as committed.
      var published = pools.inspectors.map(function (i) {
        return { id: pyStr(i.id), region: pyStr(i.region), certified: pyBool(i.certified),
                 tie_commitments: Array.from(i.tie_commitments || [], pyStr).sort(cmp) };
      }).sort(byId);
      foundPools = await digestOf(sha256, { entities: sortedEntities, inspectors: published });
    }
    if (foundPools !== doc.pools_digest) {
      return fail("pools_digest", "the published pools hash to " + foundPools + ", the file's pools_digest is " +
                  pyStr(doc.pools_digest) + " (the pools were changed after they were frozen, or the digest is wrong)",
                  foundPools, pyStr(doc.pools_digest));
    }
    pass("pools_digest", foundPools + " (" + entities.length + " entities, " + inspectors.length + " inspectors)");
    var foundPolicy = await digestOf(sha256, policyCanonical(policy));
    if (foundPolicy !== doc.policy_digest) {
      return fail("policy_digest", "the policy hashes to " + foundPolicy + ", the file says " + pyStr(doc.policy_digest),
                  foundPolicy, pyStr(doc.policy_digest));
    }
    pass("policy_digest", foundPolicy);

    if (fileFormat !== FORMAT_V1) {
      // 3b. The ties the draw used: each published opening must open one of its officer's commitments.
      var opened = await checkTieOpenings(sha256, pools, doc.tie_openings || []);
      if (opened.problem) { return fail("tie_openings", opened.problem); }
      inspectors = inspectorsFromPublic(pools, opened.ties);
      var tieCount = Object.keys(opened.ties).reduce(function (s, p) { return s + opened.ties[p].size; }, 0);
      pass("tie_openings", tieCount + " ties to drawn targets open to their published commitments");
    }

    // 4. Re-run the draw and compare the selection field by field.
    var entropy = doc.public_entropy === undefined ? null : doc.public_entropy, result;
    if (entropy !== null && typeof entropy !== "string") {
      return fail("public_entropy", "public_entropy must be a string or null");
    }
    try {
      var drawSeed = entropy ? await sha256(concat(seed, utf8(ALGORITHM + "|entropy|" + entropy))) : seed;
      result = await draw(sha256, drawSeed, entities, inspectors, policy);
    } catch (err) {
      if (!(err instanceof DrawError)) { throw err; }
      return fail("selection", "the draw cannot be re-run from this file: " + err.code + ": " + err.message);
    }
    var diff = firstDifference(result, doc.selection === undefined ? null : doc.selection, "selection");
    if (diff) { return fail("selection", diff.text, diff.expected, diff.found); }
    pass("selection", result.targets.length + " targets re-drawn identically");
    var digest = await digestOf(sha256, result);
    if (digest !== doc.selection_digest) {
      return fail("selection_digest", "the selection hashes to " + digest + ", the file says " + pyStr(doc.selection_digest),
                  digest, pyStr(doc.selection_digest));
    }
    pass("selection_digest", digest);
    if (fileFormat !== FORMAT_V1) {
      var drawn = new Set(result.targets.map(function (t) { return t.entity; }));
      var stray = (doc.tie_openings || []).map(function (t) { return t.entity; })
        .filter(function (e) { return !drawn.has(e); }).sort(cmp);
      if (stray.length) {
        return fail("tie_openings", "ties to firms that were not drawn are opened (" + stray[0] + "…): they must stay sealed");
      }
    }
    return { ok: true, checks: checks };
  }

  function webCryptoSha256(subtle) {
    return function (bytes) { return subtle.digest("SHA-256", bytes).then(function (b) { return new Uint8Array(b); }); };
  }

  // ---- the page --------------------------------------------------------------------------------------------

  function line(parent, tag, text, className) {
    var el = document.createElement(tag);
    el.textContent = text;
    if (className) { el.className = className; }
    parent.appendChild(el);
    return el;
  }

  // The translated name of a check, from data-step-<name> on the box.
  function stepLabel(d, name) {
    return d["step" + name.replace(/(^|_)([a-z])/g, function (_m, _u, c) { return c.toUpperCase(); })] || name;
  }

  function show(box, state, report) {
    var d = box.dataset, status = box.querySelector("[data-verify-status]") || box;
    box.setAttribute("data-state", state);
    box.classList.remove("alert-secondary", "alert-success", "alert-danger", "alert-warning");
    status.textContent = "";
    if (state === "ok") {
      box.classList.add("alert-success");
      line(status, "strong", d.msgVerified);
      line(status, "div", d.msgVerifiedDetail, "small");
      var list = line(status, "div", report.checks.map(function (c) { return "✓ " + stepLabel(d, c.name); }).join(" · "),
                      "small text-secondary mt-1");
      list.setAttribute("data-testid", "verify-checks");
      return;
    }
    if (state === "mismatch") {
      var bad = report.checks[report.checks.length - 1];
      box.classList.add("alert-danger");
      line(status, "strong", d.msgMismatch);
      var dl = document.createElement("dl");
      dl.className = "row mb-0 small mt-2";
      var rows = [[d.msgStep, stepLabel(d, bad.name), "step"]];
      if (bad.expected !== undefined && bad.expected !== null) { rows.push([d.msgExpected, bad.expected, "expected"]); }
      if (bad.found !== undefined && bad.found !== null) { rows.push([d.msgFound, bad.found, "found"]); }
      rows.push([d.msgDetail, bad.detail, "detail"]);
      rows.forEach(function (row) {
        line(dl, "dt", row[0], "col-sm-3");
        line(dl, "dd", row[1], "col-sm-9 text-break").setAttribute("data-testid", "verify-" + row[2]);
      });
      status.appendChild(dl);
      return;
    }
    box.classList.add("alert-warning");
    line(status, "span", report);
  }

  function start(box) {
    var d = box.dataset;
    if (!(root.crypto && root.crypto.subtle)) { show(box, "unavailable", d.msgUnavailable); return; }
    var sha256 = webCryptoSha256(root.crypto.subtle);
    fetch(d.roundFile, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.text();
      })
      .then(function (text) {
        var doc;
        try { doc = JSON.parse(text); } catch (err) {
          return { ok: false, checks: [{ name: "read", ok: false, detail: "cannot read the round file: " + err.message }] };
        }
        return verifyRoundFile(doc, sha256);
      })
      .then(function (report) { show(box, report.ok ? "ok" : "mismatch", report); })
      .catch(function (err) { show(box, "error", d.msgError + " (" + err.message + ")"); });
  }

  var api = { verifyRoundFile: verifyRoundFile, webCryptoSha256: webCryptoSha256, canonical: canonical };
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.ecoenforceRoundVerify = api;
    var boot = function () { document.querySelectorAll("[data-round-verify]").forEach(start); };
    if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", boot); } else { boot(); }
  }
})(typeof window !== "undefined" ? window : globalThis);
