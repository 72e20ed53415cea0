"""The browser's round verifier (static/ecoenforce/roundverify.js, run here under Node with its Web Crypto) against
`verify_round_file`: generated rounds of both formats with ties, recent inspections, positive-list exclusion,
cross-region recusal, uncertified officers, public entropy and odd ratios, and the same rounds tampered with in each
field a verifier reads. Both verifiers must pass and fail the same checks, in the same order, saying the same."""

from __future__ import annotations

import copy
import datetime as dt
import json
import random
import shutil
import subprocess
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from ecoenforce.planning.draw import (
    DrawError,
    DrawPolicy,
    EntityRecord,
    InspectorRecord,
    draw,
    draw_seed,
    inclusion_probabilities,
)
from ecoenforce.planning.draw.example import ENTITIES, INSPECTORS, POLICY, SEED
from ecoenforce.planning.roundfile import build_round_file, build_round_file_v2, verify_round_file
from ecoenforce.planning.roundseal import FORMAT_V3, public_pools, seal_pools, target_tie_openings

JS = Path(__file__).resolve().parents[2] / "src" / "ecoenforce" / "static" / "ecoenforce" / "roundverify.js"
HARNESS = """
const verifier = require(process.argv[2]);
const docs = JSON.parse(require("fs").readFileSync(process.argv[3], "utf8"));
const sha256 = verifier.webCryptoSha256(globalThis.crypto.subtle);
(async () => {
  const out = [];
  for (const doc of docs) { out.push(await verifier.verifyRoundFile(doc, sha256)); }
  process.stdout.write(JSON.stringify(out));
})().catch((err) => { console.error(err); process.exit(1); });
"""
# Where a failure's wording carries a Python exception text, only the step and the verdict are compared.
LOOSE = {"read", "seed", "pools", "timestamps"}
T0 = dt.datetime(2026, 10, 8, 9, 30, 0, 123456, tzinfo=dt.timezone(dt.timedelta(hours=8)))
REGIONS = ["320412", "320411", "320402", "320404"]


def _run_js(docs: list[dict], tmp_path: Path) -> list[dict]:
    node = shutil.which("node")
    assert node, "node is needed to run the browser's verifier"
    harness, data = tmp_path / "harness.js", tmp_path / "docs.json"
    harness.write_text(HARNESS, encoding="utf-8")
    data.write_text(json.dumps(docs, ensure_ascii=False), encoding="utf-8")
    out = subprocess.run([node, str(harness), str(JS), str(data)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def _uscc(rng: random.Random) -> str:
    return "91320412" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(10))


def _round(rng: random.Random, n: int, fmt: int) -> dict:
    """One generated round that draws, as published in format `fmt`."""
    while True:
        inspectors = []
        for i in range(rng.randint(3, 9)):
            inspectors.append(InspectorRecord(f"3204{rng.randint(10, 99)}{i:05d}", rng.choice(REGIONS),
                                              certified=rng.random() > 0.15))
        entities = []
        for _ in range(rng.randint(1, 40)):
            recent = frozenset(rng.sample([i.id for i in inspectors], k=rng.choice([0, 0, 1, 2])))
            entities.append(EntityRecord(_uscc(rng), rng.choice(["general", "general", "key", "special"]),
                                         rng.choice(REGIONS), tags=frozenset({"positive_list"})
                                         if rng.random() < 0.2 else frozenset(), recent_inspectors=recent))
        ids = [e.id for e in entities]
        inspectors = [InspectorRecord(i.id, i.region_code, certified=i.certified,
                                      ties=frozenset(rng.sample(ids, k=min(len(ids), rng.choice([0, 0, 1, 3])))))
                      for i in inspectors]
        ratios = {c: Decimal(rng.choice(["0", "0.05", "0.25", "0.333", "0.5", "0.750", "1", "1.0"]))
                  for c in ("general", "key", "special")}
        policy = DrawPolicy(ratios=ratios, inspectors_per_target=rng.choice([2, 2, 3]),
                            cross_region=rng.random() < 0.5, positive_list_mode=rng.choice(["tag", "exclude"]),
                            max_targets=rng.choice([None, None, 60]))
        if fmt == 3:  # a weighted round: probabilities from random weights, a floor, a budget in range
            mode = policy.positive_list_mode
            pool = [e for e in entities if not (mode == "exclude" and e.positive_list)]
            if not pool:
                continue
            floor = Decimal(rng.choice(["0.01", "0.05", "0.1", "0.333333"]))
            least = max(1, int(-(-floor * len(pool) // 1)))
            budget = rng.randint(least, len(pool))
            weights = {e.id: rng.choice([0, 0, 1, 2.5, 10, 40]) * rng.random() for e in pool}
            probs = inclusion_probabilities(weights, budget=budget, floor=floor)
            entities = [replace(e, probability=probs.get(e.id)) for e in entities]
            policy = replace(policy, ratios={}, mode="weighted", floor=floor, budget=budget,
                             max_targets=rng.choice([None, None, 60]))
        seed = bytes(rng.randrange(256) for _ in range(32))
        entropy = rng.choice([None, "", "见证人报数 4711", "双色球 2026137: 03 09 14 21 27 30 + 11"])
        common = {"round_id": f"320412-{n}", "title": f"第{n}轮双随机抽查", "created_at": T0, "committed_at": T0,
                  "revealed_at": T0 + dt.timedelta(days=rng.randint(0, 90), microseconds=rng.randint(0, 999)),
                  "seed": seed, "policy": policy, "public_entropy": entropy}
        try:
            if fmt == 1:
                return build_round_file(**common, entities=entities, inspectors=inspectors)
            s_entities, s_inspectors, openings = seal_pools(entities, inspectors,
                                                            salt_source=lambda k: rng.randbytes(k))
            result = draw(draw_seed(seed, entropy), s_entities, s_inspectors, policy)
            return build_round_file_v2(**common, entities=s_entities, inspectors=s_inspectors,
                                       public_pools=public_pools(s_entities, s_inspectors, openings),
                                       tie_openings=target_tie_openings(openings, [t.entity_id for t in result.targets]),
                                       **({"file_format": FORMAT_V3} if fmt == 3 else {}))
        except DrawError:
            continue  # not drawable (too few eligible officers, nothing to draw): generate another


def _tampered(doc: dict) -> list[dict]:
    """The same round changed in each place a verifier reads."""
    out = []

    def variant(change):
        d = copy.deepcopy(doc)
        change(d)
        out.append(d)

    variant(lambda d: d.update(format="ecoenforce-draw-round/9"))
    variant(lambda d: d.update(algorithm="ecoenforce-draw/2"))
    variant(lambda d: d.update(seed=d["seed"][:-2] + ("00" if d["seed"][-2:] != "00" else "01")))
    variant(lambda d: d.update(seed="xyz"))
    variant(lambda d: d.update(commitment="0" * 64))
    variant(lambda d: d.update(revealed_at="2026-10-08T09:30:00.123455+08:00"))
    variant(lambda d: d.update(committed_at="yesterday"))
    variant(lambda d: d["pools"]["entities"][0].update(region="999999"))
    variant(lambda d: d["pools"]["inspectors"][0].update(certified=not d["pools"]["inspectors"][0]["certified"]))
    if doc["format"] == FORMAT_V3:
        weighted = [e for e in doc["pools"]["entities"] if "p" in e]
        variant(lambda d: d["policy"].update(floor="0.5"))
        variant(lambda d: d["policy"].update(budget=d["policy"]["budget"] + 1))
        variant(lambda d: d.update(format="ecoenforce-draw-round/2"))
        variant(lambda d: d["selection"]["weighted"].update(start=d["selection"]["weighted"]["start"] + 1))
        variant(lambda d: d["selection"]["targets"][0].update(p="1"))
        p0 = weighted[0]["p"]
        moved = "0.999999" if p0 != "0.999999" else "0.5"

        def raise_one(d):  # a probability raised, the pools digest recomputed: the sum no longer meets the budget
            e = next(x for x in d["pools"]["entities"] if "p" in x)
            e["p"] = moved
            d["pools_digest"] = _digest(d["pools"])
        variant(lambda d: next(x for x in d["pools"]["entities"] if "p" in x).update(p=moved))
        variant(raise_one)
    else:
        variant(lambda d: d["policy"]["ratios"].update(general="0.9"))
    variant(lambda d: d.update(policy_digest="f" * 64))
    variant(lambda d: d.update(public_entropy="another witness"))
    variant(lambda d: d.update(public_entropy=7))
    variant(lambda d: d["selection"]["targets"][0]["inspectors"].reverse())
    variant(lambda d: d["selection"]["targets"][0].update(offset=d["selection"]["targets"][0]["offset"] + 1))
    variant(lambda d: d["selection"]["targets"][0].update(positive_list=int(d["selection"]["targets"][0]["positive_list"])))
    variant(lambda d: d["selection"]["targets"].pop())
    if doc["selection"]["classes"]:
        variant(lambda d: d["selection"]["classes"][0].update(rounding="ceil(1 × 1) = 1"))
    else:
        variant(lambda d: d["selection"]["weighted"].update(count=0))
    variant(lambda d: d["selection"].update(extra=True))
    variant(lambda d: d.update(selection_digest="0" * 64))
    if doc["format"] == "ecoenforce-draw-round/2":
        if doc["tie_openings"]:
            variant(lambda d: d["tie_openings"][0].update(salt="00" * 16))
            variant(lambda d: d["tie_openings"].append(dict(d["tie_openings"][0])))
            variant(lambda d: d.update(tie_openings=[]))
        variant(lambda d: d["pools"]["inspectors"][0]["tie_commitments"].append("ab" * 32))
    return out


def _digest(pools: dict) -> str:
    from ecoenforce.planning.roundseal import public_pools_digest

    return public_pools_digest(pools)


def _same(py, js, label: str) -> None:
    """Same steps, same verdicts, same words (the loose steps' failures by step only)."""
    steps = [(c.name, c.ok) for c in py.checks]
    assert steps == [(c["name"], c["ok"]) for c in js["checks"]], label
    for c, j in zip(py.checks, js["checks"], strict=True):
        if c.ok or c.name not in LOOSE:
            assert c.detail == j["detail"], label


def test_the_worked_example_verifies_in_the_browser_as_in_the_documentation(tmp_path):
    doc = build_round_file(round_id="example", title="worked example", created_at=T0, committed_at=T0,
                           revealed_at=T0, seed=SEED, entities=ENTITIES, inspectors=INSPECTORS, policy=POLICY)
    [js] = _run_js([doc], tmp_path)
    assert js["ok"] and js["checks"][-1] == {
        "name": "selection_digest", "ok": True,
        "detail": "78280a537c3f62f4a4f2b88b615befd99aba6185d82673a924fc955087bff384"}
    _same(verify_round_file(doc), js, "example")


@pytest.mark.parametrize("fmt", [1, 2, 3])
def test_generated_rounds_and_their_tamperings_get_the_same_verdict_in_both_verifiers(fmt, tmp_path):
    rng = random.Random(4711 + fmt)
    docs, labels, rounds = [], [], []
    for n in range(12):
        doc = _round(rng, n, fmt)
        rounds.append(doc)
        docs.append(doc)
        labels.append(f"round {n}")
        for i, bad in enumerate(_tampered(doc)):
            docs.append(bad)
            labels.append(f"round {n} tampering {i}")
    reports = _run_js(docs, tmp_path)
    verdicts = {"ok": 0, "failed": 0}
    for doc, js, label in zip(docs, reports, labels, strict=True):
        py = verify_round_file(doc)
        _same(py, js, label)
        verdicts["ok" if py.ok else "failed"] += 1
        if "tampering" not in label:
            assert py.ok, label
    assert verdicts["ok"] >= 12 and verdicts["failed"] >= 12 * 18
    # The generated rounds exercised what the draw reads: opened ties, recusals of every kind, exclusions.
    targets = [t for d in rounds for t in d["selection"]["targets"]]
    assert any(t["recusals"]["recusal.declared_tie"] for t in targets)
    assert any(t["recusals"]["recusal.recent_inspection"] for t in targets)
    assert any(t["recusals"]["recusal.home_region"] for t in targets)
    if fmt == 3:  # every weighted round drew exactly its budget, and a raised probability was caught by both
        assert all(len(d["selection"]["targets"]) == d["policy"]["budget"] for d in rounds)
        caught = [(doc, py) for doc in docs if doc.get("format") == FORMAT_V3
                  for py in [verify_round_file(doc)] if not py.ok and "add up to" in py.first_mismatch.detail]
        assert caught
