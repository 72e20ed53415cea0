"""Risk classification over the database: read facts and history, score with the pure `registry.risk`, save."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import fields, replace

from django.db import transaction
from django.utils.translation import gettext as _

from ecoenforce.core.access import require_role, scope_by_region
from ecoenforce.core.audit import audit_record
from ecoenforce.core.errors import ValidationFailed
from ecoenforce.core.models import Role, User
from ecoenforce.registry.models import EntityEvent, RegulatedEntity, RiskPolicy
from ecoenforce.registry.positive.criteria import PositivePolicy
from ecoenforce.registry.risk import EntityFacts, RiskPolicyValues, RiskResult, score_entity
from ecoenforce.registry.risk_learned import LearnedModel

POLICY_EXTRA_KEYS = {"positive_list", "score", "learned"}  # stored beside the weights: registry.positive; the score choice


def risk_policy_check(values: object) -> None:
    """Refuse unknown keys or values the classification cannot use (ValidationFailed says what to correct)."""
    if not isinstance(values, dict):
        raise ValidationFailed(_("The policy must be a JSON object of weights and thresholds."))
    known = {f.name for f in fields(RiskPolicyValues)} | POLICY_EXTRA_KEYS
    unknown = sorted(set(values) - known)
    if unknown:
        raise ValidationFailed(_("Unknown policy keys: %(keys)s. Use only: %(known)s.")
                               % {"keys": ", ".join(unknown), "known": ", ".join(sorted(known))})
    try:
        parsed = RiskPolicyValues.from_mapping(values)
        score_entity(EntityFacts(id="check", industry_code="2614", permit_class="key", is_key_unit=True,
                                 annual_discharge_t=50.0, near_sensitive_receptor=True, credit_grade="red"),
                     [(dt.date(2026, 1, 1), kind) for kind in parsed.event_points], as_of=dt.date(2026, 6, 1),
                     policy=parsed)  # a trial run proves every value has a usable type
        if parsed.combine not in ("sum", "product"):
            raise ValueError("combine must be sum or product")
        PositivePolicy.from_mapping(values.get("positive_list", {}))
        if values.get("score", "points") not in ("points", "learned"):
            raise ValueError("score must be points or learned")
        if values.get("score") == "learned":
            LearnedModel.from_dict(values["learned"])
    except (TypeError, ValueError, AttributeError, KeyError) as exc:
        raise ValidationFailed(_("The policy could not be read: %(error)s. Correct the values and save again.")
                               % {"error": exc}) from None


@transaction.atomic
def risk_policy_add(*, actor: User | None, values: dict, source: str = "") -> RiskPolicy:
    """Store the next policy version (older versions stay for the record); unknown keys or bad values are refused."""
    risk_policy_check(values)
    policy = RiskPolicy.add_version(values=values, source=source)
    audit_record(actor=actor, obj=policy, action="risk_policy.create", after=values, reason=source)
    return policy


def risk_policy_current() -> RiskPolicyValues:
    """The policy in force: the newest stored version over the defaults."""
    latest = RiskPolicy.newest()
    return RiskPolicyValues.from_mapping(latest.values) if latest else RiskPolicyValues()


def facts_of(entity: RegulatedEntity) -> EntityFacts:
    """The classification's view of an entity."""
    return EntityFacts(id=str(entity.pk), industry_code=entity.industry.code, permit_class=entity.permit_class,
                       is_key_unit=entity.is_key_unit,
                       annual_discharge_t=float(entity.annual_discharge_t) if entity.annual_discharge_t is not None
                       else None,
                       near_sensitive_receptor=entity.near_sensitive_receptor, credit_grade=entity.credit_grade)


def history_facts(ids: set[str], *, user: User | None = None) -> dict[str, EntityFacts]:
    """The registry's facts of the entities a history names by credit code (in the user's jurisdiction if given;
    out of reach reads as unknown)."""
    qs = RegulatedEntity.objects.filter(uscc__in=sorted(ids)).select_related("industry")
    if user is not None:
        qs = scope_by_region(qs, user=user)
    return {e.uscc: replace(facts_of(e), id=e.uscc) for e in qs}


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


def learned_in_force() -> LearnedModel | None:
    """The learned model when the policy in force chose it, else None (the points policy)."""
    latest = RiskPolicy.newest()
    if latest is None or latest.values.get("score") != "learned":
        return None
    return LearnedModel.from_dict(latest.values["learned"])


def risk_learned_explain(*, entity: RegulatedEntity, as_of: dt.date):
    """(probability, top contributions) of the learned score in force, or None under the points policy."""
    from ecoenforce.registry import risk_learned

    model = learned_in_force()
    if model is None:
        return None
    events = list(entity.events.filter(date__lte=as_of).values_list("date", "kind"))
    row = risk_learned.features(facts_of(entity), events, as_of)
    return model.probability(row), model.contributions(row)


@transaction.atomic
def risk_score_choose(*, actor: User, choice: str, as_of: dt.date) -> RiskPolicy:
    """A unit leader chooses the score in force: "learned" fits the model on the registry's whole history up to
    `as_of` (time split, as in the back-test) and stores it in a new policy version; "points" goes back to the
    points policy. Under the minimum of positive outcomes nothing changes and the message says why. Audited."""
    from ecoenforce.registry import backtest, risk_learned

    require_role(actor, [Role.UNIT_LEADER])
    if choice not in ("points", "learned"):
        raise ValidationFailed(_("Choose the points policy or the learned score."))
    latest = RiskPolicy.newest()
    values = dict(latest.values) if latest else {}
    before = values.get("score", "points")
    values.pop("learned", None)
    values["score"] = choice
    source = _("Score in force: points policy")
    if choice == "learned":
        history: dict[str, list] = defaultdict(list)
        for entity_id, day, kind in EntityEvent.objects.filter(date__lte=as_of).values_list("entity_id", "date", "kind"):
            history[str(entity_id)].append((day, kind))
        entities = {str(e.pk): facts_of(e) for e in RegulatedEntity.objects.select_related("industry")}
        for key in entities:
            history.setdefault(key, [])
        days = [d for events in history.values() for d, _k in events]
        periods = backtest.training_periods(min(days), as_of, (12, "m")) if days else []
        try:
            if not periods:
                raise risk_learned.TooFewOutcomes(0)
            model = risk_learned.fit(history, entities, cutoff=as_of, periods=periods)
        except risk_learned.TooFewOutcomes as exc:
            raise ValidationFailed(_("The registry's history holds %(n)d violations found in the periods the model "
                                     "learns from, and at least %(min)d are needed. The points policy stays in force.")
                                   % {"n": exc.positives, "min": exc.needed}) from None
        values["learned"] = model.as_dict()
        source = _("Score in force: learned score fitted on %(n)d entities as of %(d)s") % {
            "n": model.entities, "d": as_of.isoformat()}
    risk_policy_check(values)
    policy = RiskPolicy.add_version(values=values, source=source)
    audit_record(actor=actor, obj=policy, action="risk_policy.score_choice", before={"score": before},
                 after={"score": choice, **({"positives": values["learned"]["positives"]} if choice == "learned" else {})},
                 reason=source)
    return policy
