"""Risk-proportional (weighted) draws, docs/draw-algorithm.md §11: inclusion probabilities from weights with a floor
and a cap, systematic sampling over the seeded hash order, round files of format 3 that `draw verify` reproduces,
and tampering with a probability caught."""

from __future__ import annotations

import collections
import copy
import hashlib
import io
import json
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from ecoenforce.planning.draw import (
    DrawError,
    DrawPolicy,
    draw,
    draw_seed,
    inclusion_probabilities,
    result_to_canonical,
)
from ecoenforce.planning.draw.example import ENTITIES, INSPECTORS, SEED
from ecoenforce.planning.roundfile import build_round_file_v2, cli_main, verify_round_file, write_round_file
from ecoenforce.planning.roundseal import (
    FORMAT_V2,
    FORMAT_V3,
    public_pools,
    public_pools_digest,
    seal_pools,
    target_tie_openings,
)

T0 = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
FLOOR = Decimal("0.05")
WEIGHTS = {"E01": 1, "E02": 0, "E03": 3, "E04": 8, "E05": 2, "E06": 20, "E07": 5, "E08": 0.5, "E09": 12}
POLICY = DrawPolicy(ratios={}, mode="weighted", floor=FLOOR, budget=4)


def weighted_entities(budget: int = 4, floor: Decimal = FLOOR):
    probs = inclusion_probabilities(WEIGHTS, budget=budget, floor=floor)
    return [replace(e, probability=probs[e.id]) for e in ENTITIES], probs


def reference_weighted(seed: bytes, entities, policy) -> list[str]:
    """A naive second implementation of §11 stage 1, written from the page: fractions, no shortcuts."""
    from fractions import Fraction

    pool = [e for e in entities if not (policy.positive_list_mode == "exclude" and e.positive_list)]

    def h(label: str) -> bytes:
        return hashlib.sha256(seed + ("ecoenforce-draw/1|" + label).encode()).digest()

    pool.sort(key=lambda e: (h("weighted|" + e.id), e.id))
    u = Fraction(int.from_bytes(h("weighted-start")[:8], "big") % 1_000_000, 1_000_000)
    picked, lo = [], Fraction(0)
    for e in pool:
        hi = lo + Fraction(e.probability)
        if any(lo <= u + k < hi for k in range(0, int(hi) + 1)):
            picked.append(e.id)
        lo = hi
    return picked


def test_probabilities_are_proportional_floored_capped_and_add_up_to_the_budget():
    probs = inclusion_probabilities(WEIGHTS, budget=4, floor=FLOOR)
    assert sum(probs.values()) == 4
    assert all(FLOOR <= p <= 1 for p in probs.values())
    assert all(p == p.quantize(Decimal("0.000001")) for p in probs.values())
    assert probs["E02"] == FLOOR  # a zero weight keeps the floor: the draw stays random for everyone
    assert probs["E06"] == 1  # the largest weight is capped at certainty
    ranked = sorted(WEIGHTS, key=WEIGHTS.get)
    assert [probs[i] for i in ranked] == sorted(probs[i] for i in ranked)  # more weight never less chance
    # proportional between the floor and the cap
    assert abs(probs["E04"] / probs["E03"] - Decimal(8) / 3) < Decimal("0.001")


@pytest.mark.parametrize("budget", [0, 10])
def test_a_budget_the_floor_or_the_pool_cannot_meet_is_refused(budget):
    with pytest.raises(DrawError) as err:
        inclusion_probabilities(WEIGHTS, budget=budget, floor=FLOOR)
    assert err.value.code == "pool.budget_out_of_range"
    assert "between 1 and 9" in err.value.message


def test_a_weighted_draw_takes_exactly_the_budget_and_agrees_with_the_reference():
    entities, probs = weighted_entities()
    for i in range(200):
        seed = hashlib.sha256(b"weighted %d" % i).digest()
        result = draw(seed, entities, INSPECTORS, POLICY)
        ids = [t.entity_id for t in result.targets]
        assert len(ids) == 4 and "E06" in ids  # p = 1 is always drawn
        assert ids == reference_weighted(seed, entities, POLICY)
        assert all(t.probability == str(probs[t.entity_id].normalize()) for t in result.targets)
        assert result.weighted["count"] == 4 and result.classes == ()


def test_each_entity_is_drawn_with_its_published_probability():
    """Over 3,000 fixed seeds the share of draws holding an entity is its probability (±0.03)."""
    entities, probs = weighted_entities()
    counts: collections.Counter = collections.Counter()
    n = 3000
    for i in range(n):
        seed = hashlib.sha256(b"frequency %d" % i).digest()
        counts.update(t.entity_id for t in draw(seed, entities, INSPECTORS, POLICY).targets)
    for entity_id, p in probs.items():
        assert abs(counts[entity_id] / n - float(p)) < 0.03, entity_id


@pytest.mark.parametrize("change, code", [
    (lambda es: [replace(es[0], probability=Decimal("0.01"))] + es[1:], "pool.probability_out_of_range"),
    (lambda es: [replace(es[0], probability=None)] + es[1:], "pool.probability_missing"),
    (lambda es: [replace(es[1], probability=es[1].probability + Decimal("0.1"))] + es[:1] + es[2:],
     "pool.probabilities_sum"),
])
def test_probabilities_off_the_floor_missing_or_not_adding_up_are_refused(change, code):
    entities, _ = weighted_entities()
    with pytest.raises(DrawError) as err:
        draw(SEED, change(entities), INSPECTORS, POLICY)
    assert err.value.code == code


def test_a_weighted_policy_needs_a_floor_and_a_budget_and_no_ratios():
    entities, _ = weighted_entities()
    for policy, code in [(replace(POLICY, floor=None), "policy.floor_invalid"),
                         (replace(POLICY, budget=0), "policy.budget_invalid"),
                         (replace(POLICY, ratios={"general": Decimal("0.5")}), "policy.weighted_with_ratios"),
                         (replace(POLICY, mode="lottery"), "policy.mode_invalid"),
                         (replace(POLICY, max_targets=3), "policy.budget_exceeded")]:
        with pytest.raises(DrawError) as err:
            draw(SEED, entities, INSPECTORS, policy)
        assert err.value.code == code


def v3_doc() -> dict:
    entities, _ = weighted_entities()
    s_entities, s_inspectors, openings = seal_pools(entities, INSPECTORS, salt_source=lambda k: b"\x07" * k)
    result = draw(draw_seed(SEED, "witness 42"), s_entities, s_inspectors, POLICY)
    return build_round_file_v2(
        round_id="R-2026-12-W", title="2026年12月风险比例抽查", created_at=T0, committed_at=T0, revealed_at=T0,
        seed=SEED, entities=s_entities, inspectors=s_inspectors, policy=POLICY, public_entropy="witness 42",
        public_pools=public_pools(s_entities, s_inspectors, openings),
        tie_openings=target_tie_openings(openings, [t.entity_id for t in result.targets]), file_format=FORMAT_V3)


def test_draw_verify_reproduces_a_risk_proportional_round(tmp_path):
    doc = v3_doc()
    assert doc["format"] == FORMAT_V3 and doc["policy"]["mode"] == "weighted"
    assert all("p" in e for e in doc["pools"]["entities"])  # every probability is in the frozen, published pool
    assert all("p" in t for t in doc["selection"]["targets"])
    report = verify_round_file(doc)
    assert report.ok, report.render()
    path = tmp_path / "round.json"
    write_round_file(doc, path)
    out = io.StringIO()
    assert cli_main(["draw", "verify", str(path)], out=out) == 0
    assert "VERDICT: OK" in out.getvalue()
    assert result_to_canonical(draw(draw_seed(SEED, "witness 42"), *_inputs(doc))) == doc["selection"]


def _inputs(doc):
    from ecoenforce.planning.draw import entity_from_canonical, policy_from_canonical
    from ecoenforce.planning.roundseal import check_tie_openings, inspectors_from_public

    ties, _ = check_tie_openings(doc["pools"], doc["tie_openings"])
    return ([entity_from_canonical(e) for e in doc["pools"]["entities"]], inspectors_from_public(doc["pools"], ties),
            policy_from_canonical(doc["policy"]))


def test_draw_verify_detects_a_tampered_probability(tmp_path):
    doc = v3_doc()
    drawn = {t["entity"] for t in doc["selection"]["targets"]}
    victim = next(e for e in doc["pools"]["entities"] if e["id"] not in drawn and e["p"] != "1")
    # 1. a probability changed after the pools were frozen: the pools digest no longer matches
    bad = copy.deepcopy(doc)
    next(e for e in bad["pools"]["entities"] if e["id"] == victim["id"])["p"] = "0.9"
    report = verify_round_file(bad)
    assert not report.ok and report.first_mismatch.name == "pools_digest"
    # 2. the digest recomputed too: the probabilities no longer add up to the budget, the draw is refused
    bad["pools_digest"] = public_pools_digest(bad["pools"])
    report = verify_round_file(bad)
    assert report.first_mismatch.name == "selection" and "add up to" in report.first_mismatch.detail
    path = tmp_path / "forged.json"
    write_round_file(bad, path)
    out = io.StringIO()
    assert cli_main(["draw", "verify", str(path)], out=out) == 1 and "FAILED" in out.getvalue()
    # 3. a probability in the published selection changed
    bad = copy.deepcopy(doc)
    bad["selection"]["targets"][0]["p"] = "0.5"
    assert verify_round_file(bad).first_mismatch.name == "selection"
    # 4. probabilities passed off as a format 2 file (which older verifiers would read without them)
    bad = copy.deepcopy(doc)
    bad["format"] = FORMAT_V2
    report = verify_round_file(bad)
    assert report.first_mismatch.name == "pools" and "only 'ecoenforce-draw-round/3'" in report.first_mismatch.detail


def test_class_rounds_keep_their_digests_and_bytes():
    """A class policy's canonical form has no mode/floor/budget keys: older rounds verify and hash as before."""
    from ecoenforce.planning.draw import policy_to_canonical
    from ecoenforce.planning.draw.example import POLICY as CLASS_POLICY

    assert set(policy_to_canonical(CLASS_POLICY)) == {"ratios", "inspectors_per_target", "recent_window_days",
                                                       "cross_region", "positive_list_mode", "max_targets"}
    result = draw(SEED, ENTITIES, INSPECTORS, CLASS_POLICY)
    assert "weighted" not in result_to_canonical(result)
    assert all("p" not in t for t in json.loads(json.dumps(result_to_canonical(result)))["targets"])
