"""The deterministic draw: rank each class pool by a seeded hash, take ceil(ratio × size), staff each target."""

from __future__ import annotations

import hashlib
import heapq
from bisect import bisect_left, insort
from collections.abc import Sequence
from decimal import ROUND_CEILING, Context, Decimal
from typing import Any

from . import recusal
from .canonical import check_classes, check_seed, parse_ratio, probability_units, ratio_text
from .records import (
    ALGORITHM_VERSION,
    PROBABILITY_SCALE,
    RISK_CLASSES,
    Assignment,
    ClassSummary,
    DrawError,
    DrawnTarget,
    DrawPolicy,
    DrawResult,
    EntityRecord,
    InspectorRecord,
)

_PREFIX = ALGORITHM_VERSION + "|"
# Enough digits that ratio × pool size is exact for any realistic pool.
_EXACT = Context(prec=60)
# How many failing targets to list in an error's details before summarising.
_MAX_LISTED = 50


def label_hash(seed: bytes, label: str) -> bytes:
    """SHA-256(seed ‖ UTF-8("ecoenforce-draw/1|" + label)); the one hash the algorithm uses."""
    return hashlib.sha256(seed + (_PREFIX + label).encode("utf-8")).digest()


def class_count(ratio: Decimal, pool_size: int) -> int:
    """Targets to draw from a class: ceil(ratio × pool size), so a "≥ x%" quota is always met."""
    return int(_EXACT.multiply(ratio, Decimal(pool_size)).to_integral_value(rounding=ROUND_CEILING))


def _validate_weighted(policy: DrawPolicy) -> None:
    """The fields of a weighted policy: no ratios, a floor in (0, 1], a budget of at least one target."""
    if policy.ratios:
        raise DrawError(
            "policy.weighted_with_ratios",
            "A weighted round draws by each entity's probability; leave the class ratios empty.",
            {},
        )
    floor = policy.floor
    if floor is None or not isinstance(floor, Decimal) or not floor.is_finite() or floor <= 0 or floor > 1:
        raise DrawError(
            "policy.floor_invalid",
            "A weighted round needs a floor between 0 and 1 (e.g. 0.02): every entity keeps at least that chance.",
            {"floor": None if floor is None else str(floor)},
        )
    budget = policy.budget
    if isinstance(budget, bool) or not isinstance(budget, int) or budget < 1:
        raise DrawError(
            "policy.budget_invalid",
            "A weighted round needs a budget of at least 1 target.",
            {"budget": budget},
        )


def validate_policy(policy: DrawPolicy) -> dict[str, Decimal]:
    """Check the policy and return its ratios as Decimals keyed by class; raise DrawError otherwise."""
    if policy.mode not in ("strata", "weighted"):
        raise DrawError(
            "policy.mode_invalid",
            f"mode must be 'strata' or 'weighted', not {policy.mode!r}.",
            {"mode": policy.mode},
        )
    if policy.mode == "weighted":
        _validate_weighted(policy)
        ratios: dict[str, Decimal] = {}
        _validate_common(policy)
        return ratios
    check_classes(policy.ratios)
    missing = [c for c in RISK_CLASSES if c not in policy.ratios]
    if missing:
        raise DrawError(
            "policy.ratio_missing",
            f"No ratio for class(es) {', '.join(missing)}. Give every class a ratio; use 0 to skip a class.",
            {"missing": missing},
        )
    ratios = {}
    for c in RISK_CLASSES:
        r = parse_ratio(policy.ratios[c], c)
        if r < 0 or r > 1:
            raise DrawError(
                "policy.ratio_out_of_range",
                f"The ratio for class '{c}' is {r}; it must be between 0 and 1 (e.g. 0.25 for 25%).",
                {"class": c, "ratio": str(r)},
            )
        ratios[c] = r
    _validate_common(policy)
    return ratios


def _validate_common(policy: DrawPolicy) -> None:
    """The fields both modes share: officers per target, positive-list mode, cap, recent window."""
    k = policy.inspectors_per_target
    if isinstance(k, bool) or not isinstance(k, int) or k < 2:
        raise DrawError(
            "policy.inspectors_per_target_too_low",
            f"Each target needs at least 2 certified inspectors (行政处罚法 art. 42); the policy asks for {k}.",
            {"inspectors_per_target": k},
        )
    if policy.positive_list_mode not in ("exclude", "tag"):
        raise DrawError(
            "policy.positive_list_mode_invalid",
            f"positive_list_mode must be 'exclude' or 'tag', not {policy.positive_list_mode!r}.",
            {"positive_list_mode": policy.positive_list_mode},
        )
    if policy.max_targets is not None and policy.max_targets < 0:
        raise DrawError(
            "policy.max_targets_invalid",
            "max_targets must be empty (no cap) or a non-negative number of targets.",
            {"max_targets": policy.max_targets},
        )
    if policy.recent_window_days < 0:
        raise DrawError(
            "policy.recent_window_invalid",
            "recent_window_days must be zero or more days.",
            {"recent_window_days": policy.recent_window_days},
        )


def _check_unique(ids: list[str], kind: str) -> None:
    """Raise DrawError on an empty or duplicate id: the hash order is only defined over distinct ids."""
    seen: set[str] = set()
    for i in ids:
        if not i:
            raise DrawError(f"pool.empty_{kind}_id", f"Every {kind} needs a non-empty id.", {})
        if i in seen:
            raise DrawError(
                f"pool.duplicate_{kind}_id",
                f"The {kind} id '{i}' appears twice in the pool. Remove the duplicate and freeze the pool again.",
                {"id": i},
            )
        seen.add(i)


def _select_targets(
    seed: bytes, entities: Sequence[EntityRecord], policy: DrawPolicy, ratios: dict[str, Decimal]
) -> tuple[list[ClassSummary], list[tuple[EntityRecord, int, bytes]]]:
    """Stage 1: per class, rank the pool by label_hash("target|class|id") and keep the first ceil(r × n)."""
    pools: dict[str, list[EntityRecord]] = {c: [] for c in RISK_CLASSES}
    excluded = dict.fromkeys(RISK_CLASSES, 0)
    exclude_positive = policy.positive_list_mode == "exclude"
    for e in entities:
        if e.risk_class not in pools:
            check_classes([e.risk_class])
        if exclude_positive and e.positive_list:
            excluded[e.risk_class] += 1
            continue
        pools[e.risk_class].append(e)
    if not any(pools.values()):
        raise DrawError(
            "pool.empty_entities",
            "The entity pool is empty"
            + (" after leaving out positive-list entities" if any(excluded.values()) else "")
            + ". Freeze a pool with regulated entities before drawing.",
            {"excluded_positive_list": sum(excluded.values())},
        )
    sha = hashlib.sha256
    summaries: list[ClassSummary] = []
    chosen: list[tuple[EntityRecord, int, bytes]] = []
    for c in RISK_CLASSES:
        pool = pools[c]
        n = len(pool)
        count = class_count(ratios[c], n)
        summaries.append(
            ClassSummary(
                c, n, excluded[c], ratios[c], count, f"ceil({ratio_text(ratios[c])} × {n}) = {count}"
            )
        )
        if not count:
            continue
        prefix = seed + f"{_PREFIX}target|{c}|".encode()
        # Tight loop on purpose: one C-level hash per entity, no per-item Python objects beyond the tuple.
        keys = [(sha(prefix + e.id.encode()).digest(), e.id, j) for j, e in enumerate(pool)]
        top = heapq.nsmallest(count, keys) if count * 8 < n else sorted(keys)[:count]
        chosen.extend((pool[j], rank, digest) for rank, (digest, _, j) in enumerate(top, start=1))
    total = sum(s.count for s in summaries)
    if total == 0:
        raise DrawError(
            "policy.nothing_to_draw",
            "Every class ratio is 0 (or its pool is empty), so the draw would select nobody. Set a ratio above 0.",
            {"pool_sizes": {s.risk_class: s.pool_size for s in summaries}},
        )
    if policy.max_targets is not None and total > policy.max_targets:
        raise DrawError(
            "policy.budget_exceeded",
            f"The ratios select {total} targets but the round allows at most {policy.max_targets}. "
            "Lower a ratio or raise the cap.",
            {
                "total": total,
                "max_targets": policy.max_targets,
                "per_class": {s.risk_class: s.count for s in summaries},
            },
        )
    return summaries, chosen


def _select_weighted(
    seed: bytes, entities: Sequence[EntityRecord], policy: DrawPolicy
) -> tuple[dict[str, Any], list[tuple[EntityRecord, int, bytes]]]:
    """Stage 1 of a weighted round (§11): systematic sampling with the published inclusion probabilities.

    The pool is ordered by (label_hash("weighted|id"), id); each entity covers p × 10^6 consecutive units of a line
    of budget × 10^6 units; the points start + k × 10^6 (start = first 8 bytes of label_hash("weighted-start") mod
    10^6) pick the entities whose stretch they fall in. Each entity is drawn with exactly its probability, and
    exactly `budget` entities are drawn. Integer arithmetic only.
    """
    floor_units = probability_units(policy.floor)
    excluded = 0
    pool: list[EntityRecord] = []
    exclude_positive = policy.positive_list_mode == "exclude"
    for e in entities:
        check_classes([e.risk_class])
        if exclude_positive and e.positive_list:
            excluded += 1
            continue
        pool.append(e)
    if not pool:
        raise DrawError(
            "pool.empty_entities",
            "The entity pool is empty"
            + (" after leaving out positive-list entities" if excluded else "")
            + ". Freeze a pool with regulated entities before drawing.",
            {"excluded_positive_list": excluded},
        )
    total = 0
    for e in pool:
        if e.probability is None:
            raise DrawError(
                "pool.probability_missing",
                f"Entity {e.id} has no probability; every entity of a weighted round needs one.",
                {"entity": e.id},
            )
        units = probability_units(e.probability)
        if units < floor_units or units > PROBABILITY_SCALE:
            raise DrawError(
                "pool.probability_out_of_range",
                f"Entity {e.id} has probability {ratio_text(e.probability)}; it must lie between the floor "
                f"{ratio_text(policy.floor)} and 1.",
                {"entity": e.id, "p": ratio_text(e.probability)},
            )
        total += units
    budget = policy.budget
    if total != budget * PROBABILITY_SCALE:
        raise DrawError(
            "pool.probabilities_sum",
            f"The probabilities add up to {ratio_text(Decimal(total) / PROBABILITY_SCALE)} but the budget is "
            f"{budget}; they must add up to the budget exactly.",
            {"total_units": total, "budget": budget},
        )
    if policy.max_targets is not None and budget > policy.max_targets:
        raise DrawError(
            "policy.budget_exceeded",
            f"The budget selects {budget} targets but the round allows at most {policy.max_targets}. "
            "Lower the budget or raise the cap.",
            {"total": budget, "max_targets": policy.max_targets},
        )
    sha = hashlib.sha256
    prefix = seed + f"{_PREFIX}weighted|".encode()
    keyed = sorted((sha(prefix + e.id.encode()).digest(), e.id, j) for j, e in enumerate(pool))
    start = int.from_bytes(label_hash(seed, "weighted-start")[:8], "big") % PROBABILITY_SCALE
    chosen: list[tuple[EntityRecord, int, bytes]] = []
    # `point` is the next sampling point (start, start + 10^6, …); it is never behind the current stretch, and a
    # stretch (at most 10^6 units) holds at most one point. Additions and comparisons of integers only.
    after, point = 0, start
    for digest, _, j in keyed:
        e = pool[j]
        after += probability_units(e.probability)
        if point < after:
            chosen.append((e, len(chosen) + 1, digest))
            point += PROBABILITY_SCALE
    summary = {
        "pool_size": len(pool),
        "excluded_positive_list": excluded,
        "floor": ratio_text(policy.floor),
        "budget": budget,
        "total_units": total,
        "start": start,
        "count": len(chosen),
    }
    return summary, chosen


def _not_enough(failures: list[dict[str, Any]], k: int) -> DrawError:
    """Build the refusal for targets that cannot be staffed, naming the first and the reasons."""
    first = failures[0]
    why = ", ".join(f"{recusal.REASON_TEXT[c]}: {n}" for c, n in first["recusals"].items() if n) or "none"
    return DrawError(
        "recusal.not_enough_inspectors",
        f"Target {first['entity']} has {first['eligible']} eligible inspector(s) but needs {k} "
        f"(recused — {why}). {len(failures)} target(s) are affected. Add certified inspectors from other "
        "regions, turn off cross-region for this round, or correct the declared ties.",
        {"targets": failures[:_MAX_LISTED], "affected": len(failures), "needed": k},
    )


def _inspector_order(seed: bytes, certified: list[InspectorRecord]) -> list[InspectorRecord]:
    """Stage 2a: the round's inspector order, by (label_hash("inspector|id"), id)."""
    prefix = seed + f"{_PREFIX}inspector|".encode()
    sha = hashlib.sha256
    return sorted(certified, key=lambda i: (sha(prefix + i.id.encode()).digest(), i.id))


def _staff(
    seed: bytes,
    chosen: list[tuple[EntityRecord, int, bytes]],
    order: list[InspectorRecord],
    policy: DrawPolicy,
) -> list[DrawnTarget]:
    """Stage 2b: give each target the k eligible inspectors with the smallest (load, (pos - offset) mod N)."""
    k = policy.inspectors_per_target
    n_insp = len(order)
    pos = {insp.id: p for p, insp in enumerate(order)}
    # Indexes turn the per-target eligibility check into a few set unions instead of N rule checks.
    ties_idx: dict[str, list[int]] = {}
    region_idx: dict[str, list[int]] = {}
    for p, insp in enumerate(order):
        for eid in insp.ties:
            ties_idx.setdefault(eid, []).append(p)
        region_idx.setdefault(insp.region_code, []).append(p)

    # Inspectors bucketed by current load; each bucket is kept sorted by position in the round order,
    # so the cyclic scan from the offset visits them in ascending (position - offset) mod N.
    levels: list[list[int]] = [list(range(n_insp))]
    min_level = 0
    sha = hashlib.sha256
    aprefix = seed + f"{_PREFIX}assign|".encode()
    targets: list[DrawnTarget] = []
    failures: list[dict[str, Any]] = []
    empty: tuple[int, ...] = ()
    for entity, rank, digest in chosen:
        eid = entity.id
        offset = int.from_bytes(sha(aprefix + eid.encode()).digest()[:8], "big") % n_insp
        tied = ties_idx.get(eid, empty)
        recent = [pos[x] for x in entity.recent_inspectors if x in pos]
        home = region_idx.get(entity.region_code, empty) if policy.cross_region else empty
        excl = set(tied)
        excl.update(recent)
        excl.update(home)
        counts = (
            (recusal.DECLARED_TIE, len(tied)),
            (recusal.RECENT_INSPECTION, len(recent)),
            (recusal.HOME_REGION, len(home)),
        )
        if n_insp - len(excl) < k:
            failures.append(
                {
                    "entity": eid,
                    "class": entity.risk_class,
                    "eligible": n_insp - len(excl),
                    "recusals": dict(counts),
                }
            )
            continue
        picks: list[tuple[int, int]] = []
        lvl = min_level
        while len(picks) < k:
            bucket = levels[lvl]
            size = len(bucket)
            start = bisect_left(bucket, offset)
            for j in range(size):
                p = bucket[(start + j) % size]
                if p not in excl:
                    picks.append((p, lvl))
                    if len(picks) == k:
                        break
            lvl += 1
        for p, lv in picks:
            levels[lv].remove(p)
            if lv + 1 == len(levels):
                levels.append([])
            insort(levels[lv + 1], p)
        while not levels[min_level]:
            min_level += 1
        targets.append(
            DrawnTarget(
                entity_id=eid,
                risk_class=entity.risk_class,
                rank_in_class=rank,
                rank_hash=digest.hex(),
                positive_list=entity.positive_list,
                offset=offset,
                inspectors=tuple(Assignment(order[p].id, lv, (p - offset) % n_insp) for p, lv in picks),
                recusals=counts,
                probability=ratio_text(entity.probability) if policy.mode == "weighted" else None,
            )
        )
    if failures:
        raise _not_enough(failures, k)
    return targets


def draw(
    seed: bytes,
    entities: Sequence[EntityRecord],
    inspectors: Sequence[InspectorRecord],
    policy: DrawPolicy,
) -> DrawResult:
    """Run the documented draw (docs/draw-algorithm.md); same inputs give the same result, byte for byte."""
    check_seed(seed)
    seed = bytes(seed)
    ratios = validate_policy(policy)
    _check_unique([e.id for e in entities], "entity")
    _check_unique([i.id for i in inspectors], "inspector")
    weighted = None
    if policy.mode == "weighted":
        summaries: list[ClassSummary] = []
        weighted, chosen = _select_weighted(seed, entities, policy)
    else:
        summaries, chosen = _select_targets(seed, entities, policy, ratios)

    k = policy.inspectors_per_target
    certified = [i for i in inspectors if i.certified]
    uncertified = tuple(sorted(i.id for i in inspectors if not i.certified))
    if len(certified) < k:
        raise DrawError(
            "pool.too_few_inspectors",
            f"The inspector pool has {len(certified)} certified inspector(s) but each target needs {k}. "
            "Add certified inspectors to the pool.",
            {"certified": len(certified), "needed": k, "uncertified": len(uncertified)},
        )
    order = _inspector_order(seed, certified)
    return DrawResult(
        algorithm=ALGORITHM_VERSION,
        classes=tuple(summaries),
        targets=tuple(_staff(seed, chosen, order, policy)),
        inspectors_in_order=tuple(i.id for i in order),
        uncertified=uncertified,
        weighted=weighted,
    )


def inspector_loads(result: DrawResult) -> dict[str, int]:
    """Assignments per certified inspector in a result (zero included), in round order."""
    loads = dict.fromkeys(result.inspectors_in_order, 0)
    for t in result.targets:
        for a in t.inspectors:
            loads[a.inspector_id] += 1
    return loads
