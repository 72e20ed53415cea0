"""Credit rating over the database: gather an entity's records, rate them with the pure `credit.rating`, store the
rating per entity and period (audited) and feed the registry's credit grade, which risk classification reads."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecoenforce.cases.models import Case
from ecoenforce.core.access import get_in_scope, require_role, scope_by_region
from ecoenforce.core.audit import audit_record
from ecoenforce.core.errors import NotFound, ValidationFailed
from ecoenforce.core.models import Organization, Role, User
from ecoenforce.credit.models import CreditPolicy, CreditRating, CreditRepairRequest, PartnerList
from ecoenforce.credit.rating import (
    JIANGSU_DEFAULTS,
    CreditRecords,
    CreditResult,
    Record,
    policy_check,
    rate,
    repaired_grade,
)
from ecoenforce.registry.models import CreditGrade, EntityEvent, RegulatedEntity
from ecoenforce.warnings.models import ElectronicNotice, Warning

CONFIRMED_WARNING_STATUSES = (Warning.Status.NOTIFIED, Warning.Status.LEAD)  # judged by an operator, not dismissed


def credit_policy_check(values: object) -> None:
    """Refuse a policy the rating cannot use (ValidationFailed says what to correct)."""
    try:
        merged = policy_check(values)  # type: ignore[arg-type]
    except (TypeError, ValueError, AttributeError, KeyError) as exc:
        raise ValidationFailed(_("The credit policy could not be read: %(error)s. Correct the values and save again.")
                               % {"error": exc}) from None
    unknown = sorted({g["key"] for g in merged["scale"]} - set(CreditGrade.values))
    if unknown:
        raise ValidationFailed(_("Unknown credit grades: %(keys)s. Use only: %(known)s.")
                               % {"keys": ", ".join(unknown), "known": ", ".join(CreditGrade.values)})


@transaction.atomic
def credit_policy_add(*, actor: User | None, values: dict, source: str = "") -> CreditPolicy:
    """Store the next policy version (older versions stay for the record)."""
    credit_policy_check(values)
    policy = CreditPolicy.add_version(values=values, source=source)
    audit_record(actor=actor, obj=policy, action="credit_policy.create", after=values, reason=source)
    return policy


def credit_policy_current() -> tuple[dict, int | None]:
    """The policy in force (over the Jiangsu defaults) and its version (None: only the code's defaults)."""
    latest = CreditPolicy.newest()
    return ({**JIANGSU_DEFAULTS, **latest.values}, latest.version) if latest else (dict(JIANGSU_DEFAULTS), None)


def _in(day: dt.date, start: dt.date, end: dt.date) -> bool:
    return start <= day <= end


def credit_records(*, entity: RegulatedEntity, period_start: dt.date, period_end: dt.date) -> CreditRecords:
    """The entity's records over the period, from their owners; None where a source has no data for the entity."""
    cases = list(Case.objects.filter(entity=entity).select_related("matter").only(
        "number", "decision_number", "outcome", "fine_amount", "decided_on", "filed_on", "matter__name", "stage"))
    penalties = [Record(c.decided_on, c.decision_number or c.number,
                        float(c.fine_amount) if c.fine_amount is not None else None,
                        c.matter.name if c.matter else "")
                 for c in cases if c.outcome == Case.Outcome.PENALTY and c.decided_on
                 and _in(c.decided_on, period_start, period_end)]
    known = {c.decision_number for c in cases if c.decision_number} | {c.number for c in cases}
    events = list(entity.events.filter(date__gte=period_start, date__lte=period_end).values_list("kind", "date", "ref"))
    # Penalties imported into the history without a case on the platform: counted, amount and matter unknown.
    penalties += [Record(d, ref or _("imported penalty")) for kind, d, ref in events
                  if kind == EntityEvent.Kind.PENALTY and ref not in known]
    cases_open = [Record(c.filed_on, c.number) for c in cases
                  if c.outcome == Case.Outcome.PENDING and c.stage != "proposed"
                  and _in(c.filed_on, period_start, period_end)]
    clean = [Record(d, ref) for kind, d, ref in events if kind == EntityEvent.Kind.INSPECTION_CLEAN]
    violations = [Record(d, ref) for kind, d, ref in events if kind == EntityEvent.Kind.INSPECTION_VIOLATION]
    inspected = bool(clean or violations)
    incidents = [Record(d, ref) for kind, d, ref in events if kind == EntityEvent.Kind.INCIDENT]
    start_at = timezone.make_aware(dt.datetime.combine(period_start, dt.time.min))
    end_at = timezone.make_aware(dt.datetime.combine(period_end, dt.time.max))
    warnings = [Record(timezone.localdate(w.start), w.event_id) for w in Warning.objects.filter(
        entity=entity, start__gte=start_at, start__lte=end_at, status__in=CONFIRMED_WARNING_STATUSES).only(
        "start", "event_id")]
    notices = list(ElectronicNotice.objects.filter(entity=entity, deadline__gte=period_start,
                                                   deadline__lte=period_end).only("deadline", "answered_at", "status"))
    today = timezone.localdate()
    late = [Record(n.deadline, _("notice due %(d)s") % {"d": n.deadline.isoformat()}) for n in notices
            if (n.answered_at and timezone.localdate(n.answered_at) > n.deadline)
            or (n.status == ElectronicNotice.Status.SENT and n.deadline < today)]
    monitored = entity.networked_monitoring or bool(warnings) or bool(notices)
    return CreditRecords(
        period_start=period_start, period_end=period_end, penalties=penalties, cases_open=cases_open,
        warnings=warnings if monitored else None, notices_late=late if monitored else None,
        inspection_violations=violations if inspected else None, inspections_clean=clean if inspected else None,
        positive_list=entity.on_positive_list, incidents=incidents)


def credit_explain(*, entity: RegulatedEntity, period_start: dt.date, period_end: dt.date) -> tuple[CreditResult, int | None]:
    """Rate without storing (a preview); the result and the policy version used."""
    policy, version = credit_policy_current()
    return rate(credit_records(entity=entity, period_start=period_start, period_end=period_end), policy=policy), version


def _check_period(period_start: dt.date, period_end: dt.date) -> None:
    if period_end < period_start:
        raise ValidationFailed(_("The period ends before it starts."), details={"period_end": [_("Before the start.")]})
    if period_end > timezone.localdate():
        raise ValidationFailed(_("A period cannot end in the future: its records are not all in yet."),
                               details={"period_end": [_("In the future.")]})


@transaction.atomic
def credit_rate(*, actor: User | None, entity: RegulatedEntity, period_start: dt.date,
                period_end: dt.date) -> CreditRating:
    """Rate one entity for the period, store the rating (replacing an earlier one for the same period) and set the
    entity's credit grade from it — the grade risk classification reads. Audited."""
    _check_period(period_start, period_end)
    result, version = credit_explain(entity=entity, period_start=period_start, period_end=period_end)
    rating = CreditRating.objects.select_for_update().filter(entity=entity, period_start=period_start,
                                                            period_end=period_end).first()
    before = {"grade": rating.grade, "score": str(rating.score), "policy_version": rating.policy_version} \
        if rating else None
    if rating is None:
        rating = CreditRating(entity=entity, period_start=period_start, period_end=period_end)
    rating.grade, rating.score, rating.explanation = result.grade, result.score, result.as_dict()
    rating.policy_version, rating.computed_by = version, actor
    rating.save()
    audit_record(actor=actor, obj=rating, action="credit.rate", before=before,
                 after={"grade": result.grade, "score": result.score, "policy_version": version,
                        "missing": list(result.missing)},
                 reason=f"{period_start}–{period_end}", region_code=entity.region.code)
    latest = CreditRating.objects.filter(entity=entity).order_by("-period_end", "-period_start").first()
    if latest.pk == rating.pk and entity.credit_grade != result.grade:
        old = entity.credit_grade
        entity.credit_grade = result.grade
        entity.save(update_fields=["credit_grade"])
        audit_record(actor=actor, obj=entity, action="entity.credit_grade", before={"credit_grade": old},
                     after={"credit_grade": result.grade}, reason=f"credit rating {period_start}–{period_end}")
    return rating


def credit_rate_all(*, actor: User | None, period_start: dt.date, period_end: dt.date,
                    user_scope: User | None = None) -> dict[str, int]:
    """Rate every entity (in the user's jurisdiction if given); counts per grade."""
    qs = RegulatedEntity.objects.select_related("region").order_by("pk")
    if user_scope is not None:
        qs = scope_by_region(qs, user=user_scope)
    totals: dict[str, int] = {}
    for entity in qs:
        rating = credit_rate(actor=actor, entity=entity, period_start=period_start, period_end=period_end)
        totals[rating.grade] = totals.get(rating.grade, 0) + 1
    return totals


def _set_entity_grade(*, actor: User | None, rating: CreditRating, reason: str) -> None:
    """The newest rating of the entity sets its credit grade (what risk classification reads)."""
    entity = rating.entity
    latest = CreditRating.objects.filter(entity=entity).order_by("-period_end", "-period_start").first()
    if latest.pk == rating.pk and entity.credit_grade != rating.grade:
        old = entity.credit_grade
        entity.credit_grade = rating.grade
        entity.save(update_fields=["credit_grade"])
        audit_record(actor=actor, obj=entity, action="entity.credit_grade", before={"credit_grade": old},
                     after={"credit_grade": rating.grade}, reason=reason)


def _veto_names(vetoes: list[dict]) -> str:
    from ecoenforce.credit.labels import VETOES

    return "; ".join(f"{VETOES.get(v['key'], v['key'])} ({', '.join(v['refs'])})" for v in vetoes)


@transaction.atomic
def credit_repair_request(*, actor: User, rating_id: object, reason: str) -> CreditRepairRequest:
    """A firm asks for its rating's one-vote vetoes to be lifted after rectifying (信用修复). Refused, with why, when a
    veto cannot be repaired, when there is no veto to repair, or when a request is already open."""
    rating = CreditRating.objects.select_for_update().filter(
        pk=rating_id, entity__enterprise_accounts__user=actor).select_related("entity__region").first() \
        if str(rating_id).isdigit() else None
    if rating is None:
        raise NotFound()
    if not reason.strip():
        raise ValidationFailed(_("Say what was rectified and how (the bureau checks it)."),
                               details={"reason": [_("Required.")]})
    vetoes = rating.explanation.get("vetoes", [])
    fixed = [v for v in vetoes if not v["repairable"]]
    if fixed:
        raise ValidationFailed(_("This rating cannot be repaired: %(vetoes)s cannot be repaired under the policy in "
                                 "force; the grade stays until the period no longer covers it.")
                               % {"vetoes": _veto_names(fixed)})
    if not vetoes:
        raise ValidationFailed(_("There is nothing to repair: the grade comes from the score of the period's records, "
                                 "not from a one-vote veto. Better records in the next period raise it."))
    if rating.repair_requests.filter(status=CreditRepairRequest.Status.APPLIED).exists():
        raise ValidationFailed(_("A repair request for this rating is already waiting for the decision."))
    request = CreditRepairRequest.objects.create(rating=rating, reason=reason.strip(), requested_by=actor)
    audit_record(actor=actor, obj=request, action="credit_repair.request", after={"rating": rating.pk},
                 reason=reason.strip()[:300], region_code=rating.entity.region.code)
    return request


@transaction.atomic
def credit_repair_decide(*, actor: User, request_id: object, approve: bool, note: str = "") -> CreditRepairRequest:
    """A unit leader of the entity's jurisdiction repairs (the repairable vetoes are lifted, the grade recomputed
    from the stored explanation and recorded) or refuses with a reason."""
    require_role(actor, (Role.UNIT_LEADER,))
    request = get_in_scope(CreditRepairRequest.objects.select_for_update().select_related("rating__entity__region"),
                           user=actor, pk=request_id, field="rating__entity__region__code")
    if request.status != CreditRepairRequest.Status.APPLIED:
        raise ValidationFailed(_("This request has already been decided."))
    if not approve and not note.strip():
        raise ValidationFailed(_("Give the reason for refusing (the firm reads it)."),
                               details={"note": [_("Required.")]})
    rating = request.rating
    before = {"grade": rating.grade}
    request.status = CreditRepairRequest.Status.APPROVED if approve else CreditRepairRequest.Status.REFUSED
    request.decided_by, request.decided_at, request.decision_note = actor, timezone.now(), note.strip()[:500]
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if approve:
        policy, _version = credit_policy_current()
        rating.grade = repaired_grade(rating.explanation, policy=policy)
        rating.explanation = {**rating.explanation, "repair": {"request": request.pk, "from": before["grade"],
                                                               "to": rating.grade, "on": timezone.localdate().isoformat()}}
        rating.save(update_fields=["grade", "explanation"])
        _set_entity_grade(actor=actor, rating=rating, reason=f"credit repair {request.pk}")
    audit_record(actor=actor, obj=request, action="credit_repair.approve" if approve else "credit_repair.refuse",
                 before=before, after={"grade": rating.grade}, reason=note.strip()[:300])
    return request


@transaction.atomic
def partner_list_create(*, actor: User, partner_id: object, purpose: str, grades: list[str],
                        title: str) -> PartnerList:
    """A unit leader addresses a list of entities by credit grade to a partner department (audited)."""
    from ecoenforce.credit.labels import grade_label

    require_role(actor, [Role.UNIT_LEADER])
    if actor.organization is None:
        raise NotFound()
    errors: dict[str, list[str]] = {}
    partner = Organization.objects.filter(pk=partner_id, kind=Organization.Kind.PARTNER).first() \
        if str(partner_id).isdigit() else None
    if partner is None:
        errors["partner"] = [_("Choose the partner department the list is for.")]
    if purpose not in PartnerList.Purpose.values:
        errors["purpose"] = [_("Choose what the list is for.")]
    scale = [g["key"] for g in credit_policy_current()[0]["scale"]]
    grades = [g for g in scale if g in set(grades or [])]
    if not grades:
        errors["grades"] = [_("Tick at least one credit grade.")]
    title = (title or "").strip()
    if not title:
        errors["title"] = [_("Give the list a title, e.g. 2026年上半年差别电价企业名单.")]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], details=errors)
    plist = PartnerList.objects.create(organization=actor.organization, partner=partner, purpose=purpose,
                                       grades=grades, title=title[:120], created_by=actor)
    audit_record(actor=actor, obj=plist, action="credit.partner_list_create", after={
        "partner": partner.name, "purpose": purpose, "grades": [str(grade_label(g)) for g in grades]})
    return plist


@transaction.atomic
def partner_list_export(*, actor: User, list_id: object, fmt: str) -> tuple[PartnerList, list]:
    """The list's rows for a download (a unit leader of the issuing jurisdiction, or a user of the partner department
    it is addressed to; anyone else: not found); each download is in the whole-process record with its row count."""
    from ecoenforce.credit.selectors import partner_list_rows, partner_lists_for_user

    plist = partner_lists_for_user(user=actor).filter(pk=list_id).first() if str(list_id).isdigit() else None
    if plist is None:
        raise NotFound()
    rows = list(partner_list_rows(plist))
    audit_record(actor=actor, obj=plist, action="credit.partner_list_export",
                 after={"format": fmt, "rows": len(rows), "partner": plist.partner.name})
    return plist, rows
