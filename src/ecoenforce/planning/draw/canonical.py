"""Canonical JSON forms, digests and the seed commitment: the bytes anyone can recompute."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from .records import (
    POSITIVE_LIST_TAG,
    PROBABILITY_SCALE,
    RISK_CLASSES,
    DrawError,
    DrawPolicy,
    DrawResult,
    EntityRecord,
    InspectorRecord,
)

SEED_BYTES = 32


def seed_new() -> bytes:
    """Return a fresh 32-byte seed from the operating system's CSPRNG."""
    return secrets.token_bytes(SEED_BYTES)


def commitment(seed: bytes) -> str:
    """Return the published commitment to a seed: lowercase hex SHA-256 of the raw seed bytes."""
    check_seed(seed)
    return hashlib.sha256(seed).hexdigest()


def draw_seed(seed: bytes, public_entropy: str | None = None) -> bytes:
    """The seed the draw runs on: the committed seed, or SHA-256(seed ‖ "ecoenforce-draw/1|entropy|" + entropy).

    Public entropy is a value fixed only after the commitment was published (a witness's input at the draw
    ceremony, a public lottery result); mixing it in stops the bureau from trying many seeds in private and
    committing to the one it likes.
    """
    check_seed(seed)
    if not public_entropy:
        return bytes(seed)
    return hashlib.sha256(
        bytes(seed) + ("ecoenforce-draw/1|entropy|" + public_entropy).encode("utf-8")
    ).digest()


def check_seed(seed: Any) -> None:
    """Raise DrawError unless `seed` is exactly 32 raw bytes."""
    if not isinstance(seed, bytes | bytearray) or len(seed) != SEED_BYTES:
        raise DrawError(
            "seed.invalid",
            f"The seed must be exactly {SEED_BYTES} bytes (64 hex digits). Generate it with seed_new().",
            {"length": len(seed) if isinstance(seed, bytes | bytearray | str) else None},
        )


def canonical_json(obj: Any) -> bytes:
    """Serialise to canonical JSON: sorted keys, no spaces, UTF-8, no ASCII escaping."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    """Lowercase hex SHA-256."""
    return hashlib.sha256(data).hexdigest()


def ratio_text(ratio: Decimal) -> str:
    """Write a ratio without exponent or trailing zeros, so 0.250 and 0.25 hash the same."""
    text = format(ratio.normalize(), "f")
    return text


def parse_ratio(value: Any, risk_class: str) -> Decimal:
    """Read a ratio from a Decimal, int or string (never a float: binary fractions are not exact)."""
    if isinstance(value, bool) or isinstance(value, float):
        raise DrawError(
            "policy.ratio_invalid",
            f"The ratio for class '{risk_class}' must be a decimal such as \"0.25\", not {value!r}.",
            {"class": risk_class, "value": repr(value)},
        )
    try:
        ratio = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise DrawError(
            "policy.ratio_invalid",
            f"The ratio for class '{risk_class}' must be a decimal such as \"0.25\", not {value!r}.",
            {"class": risk_class, "value": repr(value)},
        ) from None
    if not ratio.is_finite():
        raise DrawError(
            "policy.ratio_invalid",
            f"The ratio for class '{risk_class}' must be a finite decimal between 0 and 1.",
            {"class": risk_class, "value": str(value)},
        )
    return ratio


def parse_probability(value: Any, what: str) -> Decimal:
    """An exact decimal with at most 6 places from a string or int (never a float); DrawError otherwise.

    Used for an entity's inclusion probability ("p") and a weighted round's floor; the range is checked by the draw.
    """
    bad = DrawError(
        "pool.probability_invalid",
        f"The probability of {what} must be a decimal string with at most 6 places such as \"0.05\", not {value!r}.",
        {"what": what, "value": repr(value)},
    )
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
        raise bad
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise bad from None
    if not number.is_finite() or (number * PROBABILITY_SCALE) != (number * PROBABILITY_SCALE).to_integral_value():
        raise bad
    return number


def probability_units(p: Decimal) -> int:
    """A probability in whole millionths (exact: parse_probability allows at most 6 places)."""
    return int(p * PROBABILITY_SCALE)


def entity_to_canonical(entity: EntityRecord) -> dict[str, Any]:
    """The fields of an entity that the algorithm reads, and nothing else (`p` only in a weighted round's pool)."""
    out = {
        "id": entity.id,
        "class": entity.risk_class,
        "region": entity.region_code,
        "positive_list": entity.positive_list,
        "recent_inspectors": sorted(entity.recent_inspectors),
    }
    if entity.probability is not None:
        out["p"] = ratio_text(entity.probability)
    return out


def entity_from_canonical(data: Mapping[str, Any]) -> EntityRecord:
    """Rebuild an EntityRecord from its canonical form."""
    return EntityRecord(
        id=str(data["id"]),
        risk_class=str(data["class"]),
        region_code=str(data["region"]),
        tags=frozenset({POSITIVE_LIST_TAG}) if data.get("positive_list") else frozenset(),
        recent_inspectors=frozenset(str(x) for x in data.get("recent_inspectors", ())),
        probability=parse_probability(data["p"], f"entity {data['id']}") if "p" in data else None,
    )


def inspector_to_canonical(inspector: InspectorRecord) -> dict[str, Any]:
    """The fields of an inspector that recusal reads: certificate number, region, ties, certification."""
    return {
        "id": inspector.id,
        "region": inspector.region_code,
        "certified": inspector.certified,
        "ties": sorted(inspector.ties),
    }


def inspector_from_canonical(data: Mapping[str, Any]) -> InspectorRecord:
    """Rebuild an InspectorRecord from its canonical form (the unit is not published)."""
    return InspectorRecord(
        id=str(data["id"]),
        region_code=str(data["region"]),
        ties=frozenset(str(x) for x in data.get("ties", ())),
        certified=bool(data["certified"]),
    )


def policy_to_canonical(policy: DrawPolicy) -> dict[str, Any]:
    """The policy as canonical JSON data; ratios as normalised decimal strings.

    A weighted policy adds `mode`, `floor` and `budget`; a class policy has none of them, so its digest is the
    one it always had.
    """
    out = {
        "ratios": {c: ratio_text(parse_ratio(v, c)) for c, v in sorted(policy.ratios.items())},
        "inspectors_per_target": policy.inspectors_per_target,
        "recent_window_days": policy.recent_window_days,
        "cross_region": policy.cross_region,
        "positive_list_mode": policy.positive_list_mode,
        "max_targets": policy.max_targets,
    }
    if policy.mode != "strata":
        out["mode"] = policy.mode
        out["floor"] = None if policy.floor is None else ratio_text(policy.floor)
        out["budget"] = policy.budget
    return out


def policy_from_canonical(data: Mapping[str, Any]) -> DrawPolicy:
    """Rebuild a DrawPolicy from its canonical form."""
    return DrawPolicy(
        ratios={str(c): parse_ratio(v, str(c)) for c, v in data["ratios"].items()},
        inspectors_per_target=int(data["inspectors_per_target"]),
        recent_window_days=int(data["recent_window_days"]),
        cross_region=bool(data["cross_region"]),
        positive_list_mode=data["positive_list_mode"],
        max_targets=None if data.get("max_targets") is None else int(data["max_targets"]),
        mode=data.get("mode", "strata"),
        floor=None if data.get("floor") is None else parse_probability(data["floor"], "the floor"),
        budget=None if data.get("budget") is None else int(data["budget"]),
    )


def pools_to_canonical(
    entities: Iterable[EntityRecord], inspectors: Iterable[InspectorRecord]
) -> dict[str, list[dict[str, Any]]]:
    """Both frozen pools in canonical form, each sorted by id."""
    return {
        "entities": [entity_to_canonical(e) for e in sorted(entities, key=lambda e: e.id)],
        "inspectors": [inspector_to_canonical(i) for i in sorted(inspectors, key=lambda i: i.id)],
    }


def pools_digest(entities: Iterable[EntityRecord], inspectors: Iterable[InspectorRecord]) -> str:
    """SHA-256 (hex) of the canonical JSON of both pools; publish it with the commitment."""
    return sha256_hex(canonical_json(pools_to_canonical(entities, inspectors)))


def policy_digest(policy: DrawPolicy) -> str:
    """SHA-256 (hex) of the canonical JSON of the policy; publish it with the commitment."""
    return sha256_hex(canonical_json(policy_to_canonical(policy)))


def _target_to_canonical(t) -> dict[str, Any]:
    out = {
        "entity": t.entity_id,
        "class": t.risk_class,
        "rank": t.rank_in_class,
        "rank_hash": t.rank_hash,
        "positive_list": t.positive_list,
        "offset": t.offset,
        "inspectors": [
            {"id": a.inspector_id, "load_before": a.load_before, "distance": a.distance} for a in t.inspectors
        ],
        "recusals": {code: n for code, n in t.recusals},
    }
    if t.probability is not None:
        out["p"] = t.probability
    return out


def result_to_canonical(result: DrawResult) -> dict[str, Any]:
    """The selection as canonical JSON data: class summaries (or the weighted summary), then targets in draw order."""
    out = {
        "algorithm": result.algorithm,
        "classes": [
            {
                "class": s.risk_class,
                "pool_size": s.pool_size,
                "excluded_positive_list": s.excluded_positive_list,
                "ratio": ratio_text(s.ratio),
                "count": s.count,
                "rounding": s.rounding,
            }
            for s in result.classes
        ],
        "inspector_order": list(result.inspectors_in_order),
        "uncertified": list(result.uncertified),
        "targets": [_target_to_canonical(t) for t in result.targets],
    }
    if result.weighted is not None:
        out["weighted"] = dict(result.weighted)
    return out


def result_bytes(result: DrawResult) -> bytes:
    """Canonical JSON bytes of a result; identical inputs give identical bytes."""
    return canonical_json(result_to_canonical(result))


def selection_digest(result: DrawResult) -> str:
    """SHA-256 (hex) of the canonical result bytes."""
    return sha256_hex(result_bytes(result))


def check_classes(names: Iterable[str]) -> None:
    """Raise DrawError for an unknown risk class name."""
    for name in names:
        if name not in RISK_CLASSES:
            raise DrawError(
                "pool.invalid_risk_class",
                f"Unknown risk class '{name}'. Use one of: {', '.join(RISK_CLASSES)}.",
                {"class": name},
            )
