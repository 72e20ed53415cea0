"""Exact-value and error tests of the draw on a small example checked by hand against docs/draw-algorithm.md."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from ecoenforce.planning.draw import (
    DrawError,
    DrawPolicy,
    EntityRecord,
    InspectorRecord,
    attach_recent_inspections,
    class_count,
    commitment,
    draw,
    explain_target,
    inspector_loads,
    label_hash,
    policy_digest,
    pools_digest,
    result_bytes,
    seed_new,
    selection_digest,
)
from ecoenforce.planning.draw.example import ENTITIES, INSPECTORS, POLICY, SEED

PL = frozenset({"positive_list"})


def policy(**changes) -> DrawPolicy:
    """POLICY with some fields replaced."""
    fields = {
        "ratios": dict(POLICY.ratios),
        "inspectors_per_target": 2,
        "cross_region": True,
        "positive_list_mode": "tag",
    }
    fields.update(changes)
    return DrawPolicy(**fields)


def test_label_hash_is_sha256_of_seed_and_label():
    # Same value as: (printf 00..1f as bytes; printf 'ecoenforce-draw/1|target|general|E05') | sha256sum
    assert label_hash(SEED, "target|general|E05").hex() == (
        "0628255da27cbaeeac23a4605bfc7669c9a671b494b97521b06bf242ddab792f"
    )


def test_commitment_is_sha256_of_raw_seed():
    assert commitment(bytes(32)) == "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925"
    assert commitment(SEED) == hashlib.sha256(SEED).hexdigest()


def test_seed_new_gives_fresh_32_bytes():
    a, b = seed_new(), seed_new()
    assert len(a) == len(b) == 32 and a != b


def test_fixed_example_exact_selection():
    # Checked by hand: class order general<key<special; rank by hash; ceil counts 3/2/1;
    # inspector order C3,C2,C4,C1 (C5 uncertified); picks minimise (load, (pos - offset) mod 4).
    result = draw(SEED, ENTITIES, INSPECTORS, POLICY)
    assert result.inspectors_in_order == ("C3", "C2", "C4", "C1")
    assert result.uncertified == ("C5",)
    assert [(s.risk_class, s.pool_size, s.count, s.rounding) for s in result.classes] == [
        ("general", 5, 3, "ceil(0.5 × 5) = 3"),
        ("key", 3, 2, "ceil(0.34 × 3) = 2"),
        ("special", 1, 1, "ceil(1 × 1) = 1"),
    ]
    rows = [
        (
            t.entity_id,
            t.risk_class,
            t.rank_in_class,
            t.offset,
            t.positive_list,
            [(a.inspector_id, a.load_before, a.distance) for a in t.inspectors],
        )
        for t in result.targets
    ]
    assert rows == [
        ("E05", "general", 1, 1, False, [("C4", 0, 1), ("C1", 0, 2)]),
        ("E03", "general", 2, 0, True, [("C2", 0, 1), ("C4", 1, 2)]),
        ("E04", "general", 3, 0, False, [("C3", 0, 0), ("C2", 1, 1)]),
        ("E07", "key", 1, 3, False, [("C1", 1, 0), ("C2", 2, 2)]),
        ("E06", "key", 2, 2, False, [("C3", 1, 2), ("C2", 3, 3)]),
        ("E09", "special", 1, 0, False, [("C3", 2, 0), ("C2", 4, 1)]),
    ]
    assert result.targets[0].rank_hash == "0628255da27cbaeeac23a4605bfc7669c9a671b494b97521b06bf242ddab792f"
    assert dict(result.targets[0].recusals) == {
        "recusal.declared_tie": 0,
        "recusal.recent_inspection": 1,
        "recusal.home_region": 1,
    }
    assert dict(result.targets[4].recusals) == {
        "recusal.declared_tie": 1,
        "recusal.recent_inspection": 0,
        "recusal.home_region": 2,
    }
    assert selection_digest(result) == "78280a537c3f62f4a4f2b88b615befd99aba6185d82673a924fc955087bff384"


def test_positive_list_exclude_leaves_listed_entities_out():
    result = draw(SEED, ENTITIES, INSPECTORS, policy(positive_list_mode="exclude"))
    general = result.classes[0]
    assert (general.pool_size, general.excluded_positive_list, general.count) == (4, 1, 2)
    assert [t.entity_id for t in result.targets if t.risk_class == "general"] == ["E05", "E04"]


@pytest.mark.parametrize(
    ("ratio", "size", "count"),
    [
        ("0.25", 5, 2),  # 1.25 → 2: a "≥ 25%" quota must not fall to 20%
        ("0.25", 8, 2),
        ("0", 10, 0),
        ("1", 7, 7),
        ("0.001", 1, 1),
        ("0.05", 0, 0),
        ("0.125", 100000, 12500),
        ("0.3333", 3, 1),
    ],
)
def test_class_count_is_the_ceiling(ratio, size, count):
    assert class_count(Decimal(ratio), size) == count


def test_equal_ratios_written_differently_hash_the_same():
    a = policy(ratios={"general": Decimal("0.50"), "key": Decimal("0.340"), "special": Decimal("1.0")})
    assert policy_digest(a) == policy_digest(POLICY)
    assert result_bytes(draw(SEED, ENTITIES, INSPECTORS, a)) == result_bytes(
        draw(SEED, ENTITIES, INSPECTORS, POLICY)
    )


def test_pools_digest_ignores_order_and_unpublished_fields():
    shuffled = list(reversed(INSPECTORS))
    renamed = [InspectorRecord(i.id, i.region_code, "another unit", i.ties, i.certified) for i in INSPECTORS]
    base = pools_digest(ENTITIES, INSPECTORS)
    assert pools_digest(list(reversed(ENTITIES)), shuffled) == base
    assert pools_digest(ENTITIES, renamed) == base
    assert pools_digest(ENTITIES[:-1], INSPECTORS) != base


def test_explain_target_lists_every_recused_inspector_with_reasons():
    assert explain_target(ENTITIES[5], INSPECTORS, POLICY) == [
        ("C1", ("recusal.declared_tie", "recusal.home_region")),
        ("C4", ("recusal.home_region",)),
        ("C5", ("recusal.not_certified",)),
    ]


def _code(seed, entities, inspectors, pol) -> DrawError:
    with pytest.raises(DrawError) as info:
        draw(seed, entities, inspectors, pol)
    return info.value


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        (
            {"ratios": {"general": Decimal("1.5"), "key": Decimal(0), "special": Decimal(0)}},
            "policy.ratio_out_of_range",
        ),
        (
            {"ratios": {"general": Decimal("-0.1"), "key": Decimal(0), "special": Decimal(0)}},
            "policy.ratio_out_of_range",
        ),
        ({"ratios": {"general": Decimal("0.1"), "key": Decimal(0)}}, "policy.ratio_missing"),
        ({"ratios": {"general": 0.1, "key": Decimal(0), "special": Decimal(0)}}, "policy.ratio_invalid"),
        (
            {"ratios": {"general": Decimal("NaN"), "key": Decimal(0), "special": Decimal(0)}},
            "policy.ratio_invalid",
        ),
        (
            {"ratios": {"general": Decimal(0), "key": Decimal(0), "special": Decimal(0), "x": Decimal(0)}},
            "pool.invalid_risk_class",
        ),
        (
            {"ratios": {"general": Decimal(0), "key": Decimal(0), "special": Decimal(0)}},
            "policy.nothing_to_draw",
        ),
        ({"inspectors_per_target": 1}, "policy.inspectors_per_target_too_low"),
        ({"positive_list_mode": "hide"}, "policy.positive_list_mode_invalid"),
        ({"max_targets": 5}, "policy.budget_exceeded"),
    ],
)
def test_policy_errors_have_stable_codes(changes, code):
    err = _code(SEED, ENTITIES, INSPECTORS, policy(**changes))
    assert err.code == code
    assert err.message


def test_budget_error_gives_the_numbers():
    err = _code(SEED, ENTITIES, INSPECTORS, policy(max_targets=5))
    assert err.details == {"total": 6, "max_targets": 5, "per_class": {"general": 3, "key": 2, "special": 1}}
    assert "6 targets" in err.message and "at most 5" in err.message


def test_bad_seed_is_refused():
    assert _code(b"short", ENTITIES, INSPECTORS, POLICY).code == "seed.invalid"


def test_empty_pool_is_refused():
    assert _code(SEED, [], INSPECTORS, POLICY).code == "pool.empty_entities"
    only_listed = [EntityRecord("E03", "general", "330106", tags=PL)]
    err = _code(SEED, only_listed, INSPECTORS, policy(positive_list_mode="exclude"))
    assert err.code == "pool.empty_entities" and "positive-list" in err.message


def test_duplicate_ids_and_unknown_class_are_refused():
    assert _code(SEED, ENTITIES + [ENTITIES[0]], INSPECTORS, POLICY).code == "pool.duplicate_entity_id"
    assert _code(SEED, ENTITIES, INSPECTORS + [INSPECTORS[1]], POLICY).code == "pool.duplicate_inspector_id"
    odd = ENTITIES + [EntityRecord("E10", "minor", "330102")]
    assert _code(SEED, odd, INSPECTORS, POLICY).code == "pool.invalid_risk_class"


def test_too_few_certified_inspectors():
    err = _code(SEED, ENTITIES, INSPECTORS[:1] + INSPECTORS[4:], POLICY)
    assert (err.code, err.details) == (
        "pool.too_few_inspectors",
        {"certified": 1, "needed": 2, "uncertified": 1},
    )


def test_recusal_leaving_too_few_names_the_target_and_the_fix():
    # Three per target: the 330102 entities (E04, E06, E09) have only C2 and C3 outside their region.
    err = _code(SEED, ENTITIES, INSPECTORS, policy(inspectors_per_target=3))
    assert err.code == "recusal.not_enough_inspectors"
    assert err.details["affected"] == 3
    assert [t["entity"] for t in err.details["targets"]] == ["E04", "E06", "E09"]
    assert err.details["targets"][1] == {
        "entity": "E06",
        "class": "key",
        "eligible": 2,
        "recusals": {"recusal.declared_tie": 1, "recusal.recent_inspection": 0, "recusal.home_region": 2},
    }
    assert "Target E04 has 2 eligible inspector(s) but needs 3" in err.message
    assert "cross-region" in err.message


def test_same_pools_without_cross_region_can_be_staffed_by_three():
    # Same pools without cross-region: everyone is staffable, so the draw succeeds.
    assert (
        len(draw(SEED, ENTITIES, INSPECTORS, policy(cross_region=False, inspectors_per_target=3)).targets)
        == 6
    )


def test_inspector_loads_in_round_order():
    result = draw(SEED, ENTITIES, INSPECTORS, POLICY)
    assert list(inspector_loads(result).items()) == [("C3", 3), ("C2", 5), ("C4", 2), ("C1", 2)]


def test_attach_recent_inspections_from_pairs():
    entities = attach_recent_inspections(ENTITIES[:2], [("C1", "E01"), ("C3", "E01"), ("C2", "E09")])
    assert entities[0].recent_inspectors == frozenset({"C1", "C3"})
    assert entities[1] is ENTITIES[1]


def test_pure_modules_do_not_import_django():
    code = (
        "import sys; import ecoenforce.planning.draw, ecoenforce.planning.roundfile; "
        "sys.exit(1 if any(m == 'django' or m.startswith('django.') for m in sys.modules) else 0)"
    )
    src = Path(__file__).resolve().parents[2] / "src"
    env = {**os.environ, "PYTHONPATH": str(src)}
    assert subprocess.run([sys.executable, "-c", code], env=env, check=False).returncode == 0
