"""Recusal rules (回避, 处罚办法 art. 6; 行政处罚法 art. 43): the reference definition, one reason code each."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from .records import DrawPolicy, EntityRecord, InspectorRecord

NOT_CERTIFIED = "recusal.not_certified"
DECLARED_TIE = "recusal.declared_tie"
RECENT_INSPECTION = "recusal.recent_inspection"
HOME_REGION = "recusal.home_region"

# The order in which reasons are listed; stable so explanations read the same every time.
REASON_CODES: tuple[str, ...] = (NOT_CERTIFIED, DECLARED_TIE, RECENT_INSPECTION, HOME_REGION)

REASON_TEXT: dict[str, str] = {
    NOT_CERTIFIED: "holds no valid enforcement certificate",
    DECLARED_TIE: "has declared a kin, interest or own-entity tie to the entity",
    RECENT_INSPECTION: "inspected the same entity within the recent-inspection window",
    HOME_REGION: "works in the entity's own region and this is a cross-region round",
}


def recusal_reasons(inspector: InspectorRecord, entity: EntityRecord, policy: DrawPolicy) -> tuple[str, ...]:
    """Every reason `inspector` may not inspect `entity` in this round; empty means eligible."""
    reasons = []
    if not inspector.certified:
        reasons.append(NOT_CERTIFIED)
    if entity.id in inspector.ties:
        reasons.append(DECLARED_TIE)
    if inspector.id in entity.recent_inspectors:
        reasons.append(RECENT_INSPECTION)
    if policy.cross_region and inspector.region_code == entity.region_code:
        reasons.append(HOME_REGION)
    return tuple(reasons)


def explain_target(
    entity: EntityRecord, inspectors: Iterable[InspectorRecord], policy: DrawPolicy
) -> list[tuple[str, tuple[str, ...]]]:
    """For one entity, every recused inspector with its reasons, sorted by inspector id (for the UI)."""
    out = []
    for inspector in sorted(inspectors, key=lambda i: i.id):
        reasons = recusal_reasons(inspector, entity, policy)
        if reasons:
            out.append((inspector.id, reasons))
    return out


def attach_recent_inspections(
    entities: Iterable[EntityRecord], pairs: Iterable[tuple[str, str]]
) -> list[EntityRecord]:
    """Fill each entity's recent_inspectors from (inspector id, entity id) pairs inspected within the window."""
    recent: dict[str, set[str]] = {}
    for inspector_id, entity_id in pairs:
        recent.setdefault(entity_id, set()).add(inspector_id)
    return [
        dataclasses.replace(e, recent_inspectors=e.recent_inspectors | frozenset(recent[e.id]))
        if e.id in recent
        else e
        for e in entities
    ]
