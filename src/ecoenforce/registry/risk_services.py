"""Risk classification over the database: read facts and history, score with the pure `registry.risk`, save."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction

from ecoenforce.core.access import scope_by_region
from ecoenforce.core.audit import audit_record
from ecoenforce.core.models import User
from ecoenforce.registry.models import EntityEvent, RegulatedEntity, RiskPolicy
from ecoenforce.registry.risk import EntityFacts, RiskPolicyValues, RiskResult, score_entity


def risk_policy_current() -> RiskPolicyValues:
    """The policy in force: the newest stored version over the defaults."""
    latest = RiskPolicy.objects.order_by("-version").first()
    return RiskPolicyValues.from_mapping(latest.values) if latest else RiskPolicyValues()


def facts_of(entity: RegulatedEntity) -> EntityFacts:
    """The classification's view of an entity."""
    return EntityFacts(id=str(entity.pk), industry_code=entity.industry.code, permit_class=entity.permit_class,
                       is_key_unit=entity.is_key_unit)


def risk_explain(*, entity: RegulatedEntity, as_of: dt.date) -> RiskResult:
    """Score one entity now, with its reasons (for its page)."""
    events = entity.events.filter(date__lte=as_of).values_list("date", "kind")
    return score_entity(facts_of(entity), list(events), as_of=as_of, policy=risk_policy_current())


def risk_score_all(*, entities, as_of: dt.date) -> list[tuple[RegulatedEntity, RiskResult]]:
    """Score many entities with one query for their history."""
    entities = list(entities.select_related("industry"))
    history: dict[int, list] = defaultdict(list)
    for entity_id, day, kind in EntityEvent.objects.filter(entity__in=entities, date__lte=as_of).values_list(
            "entity_id", "date", "kind"):
        history[entity_id].append((day, kind))
    policy = risk_policy_current()
    return [(e, score_entity(facts_of(e), history[e.pk], as_of=as_of, policy=policy)) for e in entities]


@transaction.atomic
def risk_classify(*, actor: User | None, as_of: dt.date, user_scope: User | None = None) -> dict[str, int]:
    """Classify every entity (in the user's jurisdiction if given), save class and score, audit each change."""
    qs = RegulatedEntity.objects.all()
    if user_scope is not None:
        qs = scope_by_region(qs, user=user_scope)
    changed = 0
    totals = {"key": 0, "general": 0, "special": 0}
    for entity, result in risk_score_all(entities=qs, as_of=as_of):
        totals[result.risk_class] += 1
        before = {"risk_class": entity.risk_class, "risk_score": entity.risk_score}
        entity.risk_score, entity.risk_scored_on = result.score, as_of
        if entity.risk_class != result.risk_class:
            entity.risk_class = result.risk_class
            changed += 1
            audit_record(actor=actor, obj=entity, action="entity.classify", before=before,
                         after={"risk_class": result.risk_class, "risk_score": result.score},
                         reason="; ".join(f"{r.factor}={r.detail}" for r in result.reasons))
        entity.save(update_fields=["risk_class", "risk_score", "risk_scored_on"])
    return {**totals, "changed": changed, "total": sum(totals.values())}
