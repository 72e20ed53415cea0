"""Property tests of the draw: recusal never broken, determinism, seed sensitivity, documented counts, spec parity."""

from __future__ import annotations

import copy
import hashlib
from collections import Counter
from datetime import UTC, datetime
from decimal import ROUND_CEILING, Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecoenforce.planning.draw import (
    RISK_CLASSES,
    DrawError,
    DrawPolicy,
    EntityRecord,
    InspectorRecord,
    draw,
    inspector_loads,
    recusal_reasons,
    result_bytes,
)
from ecoenforce.planning.roundfile import build_round_file, verify_round_file

REGIONS = ("330102", "330105", "330106")
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

seeds = st.binary(min_size=32, max_size=32)
ratios = st.sampled_from(
    [Decimal(x) for x in ("0", "0.1", "0.25", "0.333", "0.5", "0.75", "1", "0.2", "0.05")]
)


@st.composite
def rounds(draw_: st.DrawFn) -> tuple[list[EntityRecord], list[InspectorRecord], DrawPolicy]:
    """Small random pools with ties, recent inspections and regions, and a random policy."""
    n_insp = draw_(st.integers(min_value=2, max_value=12))
    insp_ids = [f"C{i:03d}" for i in range(n_insp)]
    n_ent = draw_(st.integers(min_value=1, max_value=25))
    ent_ids = [f"E{i:03d}" for i in range(n_ent)]
    entities = [
        EntityRecord(
            id=eid,
            risk_class=draw_(st.sampled_from(RISK_CLASSES)),
            region_code=draw_(st.sampled_from(REGIONS)),
            tags=frozenset({"positive_list"}) if draw_(st.booleans()) else frozenset(),
            recent_inspectors=frozenset(draw_(st.lists(st.sampled_from(insp_ids), max_size=1))),
        )
        for eid in ent_ids
    ]
    inspectors = [
        InspectorRecord(
            id=iid,
            region_code=draw_(st.sampled_from(REGIONS + ("330108", "330109"))),
            ties=frozenset(draw_(st.lists(st.sampled_from(ent_ids), max_size=2))),
            certified=draw_(st.integers(min_value=0, max_value=4)) > 0 or i < 2,
        )
        for i, iid in enumerate(insp_ids)
    ]
    policy = DrawPolicy(
        ratios={c: draw_(ratios) for c in RISK_CLASSES},
        inspectors_per_target=draw_(st.integers(min_value=2, max_value=3)),
        cross_region=draw_(st.booleans()),
        positive_list_mode=draw_(st.sampled_from(["exclude", "tag"])),
    )
    return entities, inspectors, policy


def _try(seed: bytes, entities: list, inspectors: list, policy: DrawPolicy):
    """Run the draw, returning the DrawError instead of raising it."""
    try:
        return draw(seed, entities, inspectors, policy)
    except DrawError as exc:
        return exc


def reference_draw(seed: bytes, entities: list, inspectors: list, policy: DrawPolicy) -> list[tuple]:
    """A second, deliberately naive implementation written from docs/draw-algorithm.md alone."""

    def h(label: str) -> bytes:
        return hashlib.sha256(seed + ("ecoenforce-draw/1|" + label).encode("utf-8")).digest()

    rows = []
    for c in sorted(RISK_CLASSES):
        pool = [
            e
            for e in entities
            if e.risk_class == c
            and not (policy.positive_list_mode == "exclude" and "positive_list" in e.tags)
        ]
        count = int((policy.ratios[c] * len(pool)).to_integral_value(rounding=ROUND_CEILING))
        ranked = sorted(pool, key=lambda e, c=c: (h(f"target|{c}|{e.id}"), e.id))[:count]
        rows.extend((e, rank) for rank, e in enumerate(ranked, start=1))
    order = sorted((i for i in inspectors if i.certified), key=lambda i: (h(f"inspector|{i.id}"), i.id))
    n = len(order)
    load = {i.id: 0 for i in order}
    out = []
    for e, rank in rows:
        offset = int.from_bytes(h(f"assign|{e.id}")[:8], "big") % n
        eligible = [
            (load[i.id], (p - offset) % n, i.id)
            for p, i in enumerate(order)
            if not recusal_reasons(i, e, policy)
        ]
        picked = sorted(eligible)[: policy.inspectors_per_target]
        assert len(picked) == policy.inspectors_per_target
        for _, _, iid in picked:
            load[iid] += 1
        out.append((e.id, rank, tuple((iid, lv, d) for lv, d, iid in picked)))
    return out


@SETTINGS
@given(rounds(), seeds)
def test_no_draw_breaks_a_recusal_rule(round_, seed):
    entities, inspectors, policy = round_
    result = _try(seed, entities, inspectors, policy)
    if isinstance(result, DrawError):
        return
    by_id = {i.id: i for i in inspectors}
    ents = {e.id: e for e in entities}
    for t in result.targets:
        ids = [a.inspector_id for a in t.inspectors]
        assert len(ids) == len(set(ids)) == policy.inspectors_per_target
        for iid in ids:
            assert recusal_reasons(by_id[iid], ents[t.entity_id], policy) == ()


@SETTINGS
@given(rounds(), seeds)
def test_engine_matches_the_documented_reference(round_, seed):
    entities, inspectors, policy = round_
    result = _try(seed, entities, inspectors, policy)
    if isinstance(result, DrawError):
        if result.code == "recusal.not_enough_inspectors":
            bad = {t["entity"] for t in result.details["targets"]}
            ents = {e.id: e for e in entities}
            for eid in bad:
                ok = [i for i in inspectors if not recusal_reasons(i, ents[eid], policy)]
                assert len(ok) < policy.inspectors_per_target
        return
    got = [
        (
            t.entity_id,
            t.rank_in_class,
            tuple((a.inspector_id, a.load_before, a.distance) for a in t.inspectors),
        )
        for t in result.targets
    ]
    assert got == reference_draw(seed, entities, inspectors, policy)


@SETTINGS
@given(rounds(), seeds)
def test_same_inputs_same_bytes_even_when_input_order_changes(round_, seed):
    entities, inspectors, policy = round_
    first = _try(seed, entities, inspectors, policy)
    second = _try(seed, list(reversed(entities)), list(reversed(inspectors)), policy)
    if isinstance(first, DrawError):
        assert isinstance(second, DrawError) and second.code == first.code
        return
    assert result_bytes(first) == result_bytes(second)
    assert result_bytes(first) == result_bytes(draw(seed, entities, inspectors, policy))


@SETTINGS
@given(rounds(), seeds)
def test_per_class_counts_follow_the_ceiling_rule(round_, seed):
    entities, inspectors, policy = round_
    result = _try(seed, entities, inspectors, policy)
    if isinstance(result, DrawError):
        return
    drawn = Counter(t.risk_class for t in result.targets)
    for s in result.classes:
        pool = [
            e
            for e in entities
            if e.risk_class == s.risk_class
            and not (policy.positive_list_mode == "exclude" and "positive_list" in e.tags)
        ]
        assert s.pool_size == len(pool)
        expected = -(
            -int(policy.ratios[s.risk_class] * 1000) * len(pool) // 1000
        )  # ceil, ratios have ≤3 decimals
        assert s.count == drawn[s.risk_class] == expected
        if policy.ratios[s.risk_class] > 0 and pool:
            assert s.count >= 1


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=2**32), st.integers(min_value=0, max_value=2**32))
def test_changing_the_seed_changes_the_selection(a, b):
    # 10 of 40 entities: two seeds give the same ordered selection with probability ~1e-16.
    if a == b:
        return
    entities = [EntityRecord(f"E{i:02d}", "general", "330102") for i in range(40)]
    inspectors = [InspectorRecord(f"C{i}", "330105") for i in range(4)]
    policy = DrawPolicy(ratios={"general": Decimal("0.25"), "key": Decimal(0), "special": Decimal(0)})
    seed_a = hashlib.sha256(str(a).encode()).digest()
    seed_b = hashlib.sha256(str(b).encode()).digest()
    ids_a = [t.entity_id for t in draw(seed_a, entities, inspectors, policy).targets]
    ids_b = [t.entity_id for t in draw(seed_b, entities, inspectors, policy).targets]
    assert ids_a != ids_b


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=4, max_value=30), st.integers(min_value=20, max_value=200), seeds)
def test_without_recusals_loads_differ_by_at_most_one(n_insp, n_ent, seed):
    entities = [EntityRecord(f"E{i:03d}", RISK_CLASSES[i % 3], "330102") for i in range(n_ent)]
    inspectors = [InspectorRecord(f"C{i:02d}", "330105") for i in range(n_insp)]
    policy = DrawPolicy(ratios=dict.fromkeys(RISK_CLASSES, Decimal("0.5")))
    loads = inspector_loads(draw(seed, entities, inspectors, policy)).values()
    assert max(loads) - min(loads) <= 1


T = datetime(2026, 1, 5, tzinfo=UTC)


def _round_doc(seed, entities, inspectors, policy):
    return build_round_file(
        round_id="R",
        title="t",
        created_at=T,
        committed_at=T,
        revealed_at=T,
        seed=seed,
        entities=entities,
        inspectors=inspectors,
        policy=policy,
    )


@SETTINGS
@given(rounds(), seeds, seeds, st.data())
def test_verify_detects_wrong_seed_tampered_pool_and_tampered_selection(round_, seed, other_seed, data):
    entities, inspectors, policy = round_
    if isinstance(_try(seed, entities, inspectors, policy), DrawError):
        return
    doc = _round_doc(seed, entities, inspectors, policy)
    assert verify_round_file(doc).ok

    if other_seed != seed:
        wrong = copy.deepcopy(doc)
        wrong["seed"] = other_seed.hex()
        assert verify_round_file(wrong).first_mismatch.name == "commitment"

    pool = copy.deepcopy(doc)
    i = data.draw(st.integers(min_value=0, max_value=len(entities) - 1))
    cls = pool["pools"]["entities"][i]["class"]
    pool["pools"]["entities"][i]["class"] = next(c for c in RISK_CLASSES if c != cls)
    assert verify_round_file(pool).first_mismatch.name == "pools_digest"

    sel = copy.deepcopy(doc)
    t = data.draw(st.integers(min_value=0, max_value=len(sel["selection"]["targets"]) - 1))
    row = sel["selection"]["targets"][t]
    field = data.draw(st.sampled_from(["entity", "inspector", "rank_hash", "offset"]))
    if field == "entity":
        row["entity"] += "x"
    elif field == "inspector":
        row["inspectors"][0]["id"] += "x"
    elif field == "rank_hash":
        row["rank_hash"] = "0" * 64
    else:
        row["offset"] += 1
    first = verify_round_file(sel).first_mismatch
    assert first.name == "selection" and first.detail.startswith(f"selection/targets/{t}/")
