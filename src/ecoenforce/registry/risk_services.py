"""Risk classification over the database: read facts and history, score with the pure `registry.risk`, save."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, fields, replace
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from ecoenforce.core.access import require_role, scope_by_region
from ecoenforce.core.audit import audit_record
from ecoenforce.core.errors import ValidationFailed
from ecoenforce.core.models import Role, User
from ecoenforce.registry.models import EntityEvent, RegulatedEntity, RiskPolicy, RiskScoreFit
from ecoenforce.registry.positive.criteria import PositivePolicy
from ecoenforce.registry.risk import EntityFacts, RiskPolicyValues, RiskResult, score_entity
from ecoenforce.registry.risk_learned import LearnedModel

POLICY_EXTRA_KEYS = {"positive_list", "score", "learned", "credit_draw_multipliers"}  # stored beside the weights:
# registry.positive; the score choice; the credit incentive in risk-proportional draws

# Credit incentive in risk-proportional rounds (regulations.md §8, CONFIRMED only in direction: "fewer random checks"
# for good credit, more inspections for warning and poor). The factors themselves are UNCONFIRMED placeholders a
# bureau replaces in its risk policy (`credit_draw_multipliers`). An unrated entity keeps × 1.
CREDIT_DRAW_MULTIPLIERS = {"green": Decimal("0.5"), "blue": Decimal("0.8"), "yellow": Decimal("1.5"),
                           "red": Decimal("2"), "black": Decimal("3")}


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
        credit_multipliers({"credit_draw_multipliers": values.get("credit_draw_multipliers", {})})
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


def credit_multipliers(values: dict | None = None) -> dict[str, Decimal]:
    """The draw multiplier per credit grade in force (policy values over the defaults); ValueError when unreadable."""
    if values is None:
        latest = RiskPolicy.newest()
        values = latest.values if latest else {}
    raw = values.get("credit_draw_multipliers") or {}
    if not isinstance(raw, dict):
        raise ValueError("credit_draw_multipliers must map a credit grade to a multiplier")
    out = dict(CREDIT_DRAW_MULTIPLIERS)
    for grade, factor in raw.items():
        try:
            number = Decimal(str(factor))
        except InvalidOperation:
            raise ValueError(f"credit_draw_multipliers.{grade}: {factor!r} is not a number") from None
        if not number.is_finite() or number <= 0 or number > 10:
            raise ValueError(f"credit_draw_multipliers.{grade}: a multiplier above 0 and at most 10")
        out[str(grade)] = number
    return out


@dataclass(frozen=True)
class DrawWeight:
    """Why an entity weighs what it weighs in a risk-proportional round: score in force × credit multiplier."""

    score: float  # the points score, or the learned probability
    source: str  # "points" or "learned"
    grade: str  # credit grade ("" = not rated)
    multiplier: Decimal
    weight: float

    def as_dict(self) -> dict:
        return {"score": round(self.score, 6), "source": self.source, "grade": self.grade,
                "multiplier": str(self.multiplier), "weight": round(self.weight, 6)}


def draw_weight_of(*, score: float, source: str, grade: str, multipliers: dict[str, Decimal]) -> DrawWeight:
    """Points: (score + 1) × multiplier, so a zero score still has a weight (the floor does the rest); learned:
    probability × multiplier. A negative points score counts as 0."""
    base = max(float(score), 0.0) + (1.0 if source == "points" else 0.0)
    m = multipliers.get(grade or "", Decimal("1"))
    return DrawWeight(score=float(score), source=source, grade=grade or "", multiplier=m, weight=base * float(m))


def draw_weights(*, entities, as_of: dt.date) -> dict[int, DrawWeight]:
    """Each entity's weight in a risk-proportional round, by primary key, from the score in force (learned or points)
    and its credit grade's multiplier; one query for the history."""
    from ecoenforce.registry import risk_learned

    multipliers = credit_multipliers()
    model = learned_in_force()
    if model is None:
        return {e.pk: draw_weight_of(score=float(r.score), source="points", grade=e.credit_grade,
                                     multipliers=multipliers)
                for e, r in risk_score_all(entities=entities, as_of=as_of)}
    entities = list(entities.select_related("industry"))
    history: dict[int, list] = defaultdict(list)
    for entity_id, day, kind in EntityEvent.objects.filter(entity__in=entities, date__lte=as_of).values_list(
            "entity_id", "date", "kind"):
        history[entity_id].append((day, kind))
    return {e.pk: draw_weight_of(score=model.probability(risk_learned.features(facts_of(e), history[e.pk], as_of)),
                                 source="learned", grade=e.credit_grade, multipliers=multipliers)
            for e in entities}


class FitRefused(Exception):
    """The history holds too few outcomes to fit: `positives` found, `needed` required."""

    def __init__(self, positives: int, needed: int):
        super().__init__(f"{positives} positive outcomes, {needed} needed")
        self.positives, self.needed = positives, needed


def _fit_learned(as_of: dt.date):
    """Fit the learned score on the registry's whole history up to `as_of` (the back-test's time split)."""
    from ecoenforce.registry import backtest, risk_learned

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
        return risk_learned.fit(history, entities, cutoff=as_of, periods=periods)
    except risk_learned.TooFewOutcomes as exc:
        raise FitRefused(exc.positives, exc.needed) from None


def too_few_text(positives: int, needed: int) -> str:
    return _("The registry's history holds %(n)d violations found in the periods the model learns from, and at least "
             "%(min)d are needed. The points policy stays in force.") % {"n": positives, "min": needed}


def _put_in_force(*, actor: User | None, choice: str, model=None, as_of: dt.date | None = None) -> RiskPolicy:
    """A new policy version with the score choice (and the fitted model); audited `risk_policy.score_choice`."""
    latest = RiskPolicy.newest()
    values = dict(latest.values) if latest else {}
    before = values.get("score", "points")
    values.pop("learned", None)
    values["score"] = choice
    source = _("Score in force: points policy")
    if choice == "learned":
        values["learned"] = model.as_dict()
        source = _("Score in force: learned score fitted on %(n)d entities as of %(d)s") % {
            "n": model.entities, "d": as_of.isoformat()}
    risk_policy_check(values)
    policy = RiskPolicy.add_version(values=values, source=source)
    audit_record(actor=actor, obj=policy, action="risk_policy.score_choice", before={"score": before},
                 after={"score": choice, **({"positives": values["learned"]["positives"]} if choice == "learned" else {})},
                 reason=source)
    return policy


@transaction.atomic
def risk_score_choose(*, actor: User, choice: str, as_of: dt.date) -> RiskPolicy | RiskScoreFit:
    """A unit leader chooses the score in force. "points" goes back to the points policy at once (a new policy
    version, audited). "learned" queues a fit on the registry's whole history up to `as_of` (time split, as in the
    back-test) for the background worker and returns the job (`risk_score_fit_run` puts it in force, or records why
    not: under the minimum of positive outcomes nothing changes)."""
    require_role(actor, [Role.UNIT_LEADER])
    if choice not in ("points", "learned"):
        raise ValidationFailed(_("Choose the points policy or the learned score."))
    if choice == "points":
        return _put_in_force(actor=actor, choice="points")
    from ecoenforce.registry.tasks import risk_score_fit_task

    if RiskScoreFit.objects.filter(status__in=[RiskScoreFit.Status.QUEUED, RiskScoreFit.Status.RUNNING]).exists():
        raise ValidationFailed(_("A fit of the learned score is already under way; wait for it to finish."))
    job = RiskScoreFit.objects.create(requested_by=actor, as_of=as_of)
    audit_record(actor=actor, obj=job, action="risk_score_fit.request", after={"as_of": as_of.isoformat()})
    transaction.on_commit(lambda: risk_score_fit_task.enqueue(job.pk))
    return job


def risk_score_fit_run(*, job_id: int) -> RiskScoreFit:
    """Run one queued fit (in the worker): put the learned score in force, or keep why it was refused."""
    from django.utils import timezone

    claimed = RiskScoreFit.objects.filter(pk=job_id, status=RiskScoreFit.Status.QUEUED).update(
        status=RiskScoreFit.Status.RUNNING, started_at=timezone.now())
    job = RiskScoreFit.objects.select_related("requested_by").get(pk=job_id)
    if not claimed:
        return job
    try:
        model = _fit_learned(job.as_of)
        with transaction.atomic():
            policy = _put_in_force(actor=job.requested_by, choice="learned", model=model, as_of=job.as_of)
            RiskScoreFit.objects.filter(pk=job_id).update(
                status=RiskScoreFit.Status.DONE, finished_at=timezone.now(),
                result={"code": "done", "entities": model.entities, "positives": model.positives,
                        "version": policy.version})
    except FitRefused as exc:
        RiskScoreFit.objects.filter(pk=job_id).update(
            status=RiskScoreFit.Status.FAILED, finished_at=timezone.now(),
            result={"code": "too_few", "positives": exc.positives, "needed": exc.needed})
    except Exception as exc:  # the record must say it failed instead of staying "running" forever
        RiskScoreFit.objects.filter(pk=job_id).update(status=RiskScoreFit.Status.FAILED, finished_at=timezone.now(),
                                                      result={"code": "error", "detail": repr(exc)[:500]})
        raise
    job.refresh_from_db()
    return job


def risk_score_fit_latest() -> RiskScoreFit | None:
    """The newest fit (the score in force is one for the whole registry, so every leader sees the same state)."""
    return RiskScoreFit.objects.select_related("requested_by").first()


def risk_score_fit_text(job: RiskScoreFit) -> str:
    """The state of a fit in the reader's language."""
    r = job.result or {}
    if job.status == RiskScoreFit.Status.QUEUED:
        return _("Fitting the learned score on the history up to %(d)s: queued, waiting for the worker.") % {
            "d": job.as_of.isoformat()}
    if job.status == RiskScoreFit.Status.RUNNING:
        return _("Fitting the learned score on the history up to %(d)s: running since %(t)s.") % {
            "d": job.as_of.isoformat(), "t": timezone_local(job.started_at)}
    if r.get("code") == "done":
        return _("Learned score fitted on %(n)d entities with %(p)d violations found (history up to %(d)s) and put in "
                 "force.") % {"n": r["entities"], "p": r["positives"], "d": job.as_of.isoformat()}
    if r.get("code") == "too_few":
        return too_few_text(r["positives"], r["needed"])
    return _("The fit failed (%(detail)s); the score in force is unchanged. Tell the administrator.") % {
        "detail": r.get("detail", "")}


def timezone_local(moment) -> str:
    from django.utils import timezone

    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def learned_ranking(*, entities, as_of: dt.date) -> list[tuple[RegulatedEntity, float]] | None:
    """The entities ranked by the learned score in force, highest first, with the documented deterministic tie-break
    (`risk_learned.rank`: the most recent violation found first, then the credit code); None under the points policy.
    Read-only: computed from the history as of `as_of` on each call."""
    from ecoenforce.registry import risk_learned

    model = learned_in_force()
    if model is None:
        return None
    entities = list(entities.select_related("industry", "region"))
    history: dict[int, list] = defaultdict(list)
    for entity_id, day, kind in EntityEvent.objects.filter(entity__in=entities, date__lte=as_of).values_list(
            "entity_id", "date", "kind"):
        history[entity_id].append((day, kind))
    by_uscc = {e.uscc: e for e in entities}
    scores = {e.uscc: model.probability(risk_learned.features(facts_of(e), history[e.pk], as_of)) for e in entities}
    order = risk_learned.rank(scores, {e.uscc: history[e.pk] for e in entities}, as_of)
    return [(by_uscc[u], scores[u]) for u in order]
