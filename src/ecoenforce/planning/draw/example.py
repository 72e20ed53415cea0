"""The small worked example of docs/draw-algorithm.md, shared by tests and the documentation."""

from __future__ import annotations

from decimal import Decimal

from .records import DrawPolicy, EntityRecord, InspectorRecord

# 00 01 02 ... 1f: a seed anyone can type, so the worked example can be re-computed with sha256sum.
SEED = bytes(range(32))
_PL = frozenset({"positive_list"})

ENTITIES = [
    EntityRecord("E01", "general", "330102"),
    EntityRecord("E02", "general", "330105"),
    EntityRecord("E03", "general", "330106", tags=_PL),
    EntityRecord("E04", "general", "330102"),
    EntityRecord("E05", "general", "330105", recent_inspectors=frozenset({"C2"})),
    EntityRecord("E06", "key", "330102"),
    EntityRecord("E07", "key", "330106"),
    EntityRecord("E08", "key", "330105"),
    EntityRecord("E09", "special", "330102"),
]

INSPECTORS = [
    InspectorRecord("C1", "330102", unit="西湖分局", ties=frozenset({"E06"})),
    InspectorRecord("C2", "330105"),
    InspectorRecord("C3", "330106"),
    InspectorRecord("C4", "330102"),
    InspectorRecord("C5", "330105", certified=False),
]

POLICY = DrawPolicy(
    ratios={"general": Decimal("0.5"), "key": Decimal("0.34"), "special": Decimal("1")}, cross_region=True
)
