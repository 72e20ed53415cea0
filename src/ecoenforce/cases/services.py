"""Case writes: opening a case and moving it through the transition table, every step audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecoenforce.cases.discretion import decision_assess, no_penalty_record
from ecoenforce.cases.hooks import transition_guards_check
from ecoenforce.cases.models import STAGE_LABELS, Case, StageDeadline
from ecoenforce.cases.procedure import discussion_required
from ecoenforce.cases.procedure_services import hearing_state, procedure_rules_current, record_step
from ecoenforce.cases.queue import case_opened_notify, case_step_notify
from ecoenforce.cases.review import reason_text, review_policy_current
from ecoenforce.cases.review_gate import major_reasons
from ecoenforce.cases.workflow import (
    NOTICE_PERIOD_WORKING_DAYS,
    Stage,
    Transition,
    notice_blocks_decision,
    transition_for,
)
from ecoenforce.core.access import has_role
from ecoenforce.core.audit import audit_record
from ecoenforce.core.calendar import calendar_current
from ecoenforce.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ecoenforce.core.models import Role, User
from ecoenforce.core.numbering import document_number_next
from ecoenforce.registry.catalogue.models import MatterKind, PenaltyKind
from ecoenforce.registry.catalogue.services import matter_current
from ecoenforce.registry.models import EnforcementMatter, EntityEvent, RegulatedEntity
from ecoenforce.registry.services import entity_event_record

# 行政处罚法 art. 60: a decision within 90 days of filing (natural days; art. 85 lists only 2/3/5/7-day periods as working days).
DECISION_WITHIN_DAYS = 90
# 行政处罚法 art. 42: at least two certified officers.
MIN_HANDLERS = 2

TRACKED_FIELDS = ("stage", "filed_on", "decision_due", "outcome", "fine_amount", "fine_computed", "decision_number", "decided_on", "closed_on",
                  "stage_due", "published_at", "matter_id", "notice_served_on", "notice_period_ends", "notice_waived_on",
                  "legal_reviewed_by_id", "legal_reviewed_on", "suspended_on", "decision_extended_on",
                  "decision_served_on", "payment_due", "enforcement_applied_on")


def _today() -> dt.date:
    return timezone.localdate()


def _snapshot(case: Case) -> dict:
    return {f: getattr(case, f) for f in TRACKED_FIELDS}


def _set_stage_due(case: Case, stage: Stage, start: dt.date) -> None:
    policy = StageDeadline.objects.filter(stage=stage).first()
    if policy is None or stage == Stage.CLOSED:
        case.stage_due, case.stage_due_provisional = None, False
        return
    calendar = calendar_current()
    if policy.day_kind == StageDeadline.DayKind.WORKING:
        deadline = calendar.add_working_days(start, policy.days)
    else:
        deadline = calendar.add_calendar_days(start, policy.days)
    case.stage_due, case.stage_due_provisional = deadline.due, deadline.provisional


def _validate_handlers(handlers: Sequence[User], organization_id: int) -> None:
    """At least two active certified officers, all of the handling organization (joint cases are a later step)."""
    outsiders = [h for h in handlers if h.organization_id != organization_id]
    if outsiders:
        raise ValidationFailed(
            _("Handlers must belong to the organization that files the case; %(names)s do(es) not.")
            % {"names": "、".join(h.display_name for h in outsiders)},
            details={"handlers": [_("Choose handlers from your own organization.")]},
        )
    certified = {h.pk for h in handlers if h.certificate_no and h.is_active}
    if len(certified) < MIN_HANDLERS:
        raise ValidationFailed(
            _("A case needs at least two certified inspectors (Administrative Penalty Law art. 42). Add a co-handler."),
            details={"handlers": [_("Choose at least two certified inspectors.")]},
        )


@transaction.atomic
def case_open(*, entity: RegulatedEntity, opened_by: User, title: str, facts: str = "", source: str = "",
              handlers: Sequence[User], filed_on: dt.date | None = None) -> Case:
    """Propose a case (立案申请) against an entity: it waits at PROPOSED for a unit leader's filing approval
    (`approve_filing`), which sets the filing date; deadlines are computed provisionally from `filed_on` until then."""
    if not has_role(opened_by, [Role.INSPECTOR, Role.UNIT_LEADER]):
        raise PermissionDenied()
    if opened_by.organization_id is None:
        raise ValidationFailed(_("Your account belongs to no organization; ask an administrator to set it."))
    title = title.strip()
    if not title:
        raise ValidationFailed(_("Give the case a title that names the suspected violation."), details={"title": [_("Required.")]})
    _validate_handlers(handlers, opened_by.organization_id)
    filed_on = filed_on or _today()
    decision = calendar_current().add_calendar_days(filed_on, DECISION_WITHIN_DAYS)
    case = Case(
        entity=entity, region=entity.region, organization=opened_by.organization, title=title[:200], facts=facts,
        source=source[:64], stage=Stage.PROPOSED, opened_by=opened_by, filed_on=filed_on,
        decision_due=decision.due, decision_due_provisional=decision.provisional,
    )
    case.number = document_number_next(organization=opened_by.organization, kind="filing", year=filed_on.year)
    _set_stage_due(case, Stage.PROPOSED, filed_on)
    case.save()
    case.handlers.set(handlers)
    audit_record(actor=opened_by, obj=case, action="case.open", after=_snapshot(case) | {
        "entity": entity.pk, "handlers": sorted(h.pk for h in handlers), "source": source})
    case_opened_notify(case, opened_by=opened_by)
    return case


def _parse_fine(raw: object) -> Decimal:
    try:
        fine = Decimal(str(raw).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise ValidationFailed(_("Enter the fine in yuan as a number, e.g. 50000 or 12500.50."),
                               details={"fine_amount": [_("Not a number.")]}) from None
    if fine < 0 or fine.as_tuple().exponent < -2 or fine >= Decimal("1e12"):
        raise ValidationFailed(_("The fine must be zero or more, in yuan with at most two decimals."),
                               details={"fine_amount": [_("Out of range.")]})
    return fine


def _cited_matter(code: object) -> EnforcementMatter:
    """The penalty matter a decision cites: in the current catalogue, of the administrative-penalty kind."""
    code = str(code or "").strip()
    if not code:
        raise ValidationFailed(_("Choose the enforcement matter the decision cites, from the current catalogue."),
                               details={"matter": [_("Required.")]})
    matter = matter_current(code)
    if matter.kind != MatterKind.PENALTY:
        raise ValidationFailed(_("%(code)s is not an administrative-penalty matter; a penalty decision cites a penalty "
                                 "matter.") % {"code": matter.code}, details={"matter": [_("Not a penalty matter.")]})
    return matter


def _check_fine_in_range(matter: EnforcementMatter, fine: Decimal, *, reduced: bool) -> None:
    """The fine within the matter's statutory range: never above the maximum (a matter whose fine follows a rule
    — 按日连续, multiples of a cost — has no fixed maximum); below the minimum only with a recorded 减轻 ground
    (行政处罚法 art. 32), which the discretion record carries."""
    if matter.fixed_fine_max is not None and fine > matter.fixed_fine_max:
        raise ValidationFailed(_("The fine of %(fine)s yuan is above the statutory maximum of %(max)s yuan for "
                                 "%(code)s (%(basis)s). Lower it, or cite the matter that applies.")
                               % {"fine": fine, "max": matter.fixed_fine_max, "code": matter.code,
                                  "basis": matter.citation},
                               details={"fine_amount": [_("Above the statutory maximum.")]})
    if not reduced and matter.fine_min is not None and fine < matter.fine_min:
        raise ValidationFailed(_("The fine of %(fine)s yuan is below the statutory minimum of %(min)s yuan for "
                                 "%(code)s (%(basis)s). A fine below the minimum needs a recorded ground for a reduced "
                                 "penalty (减轻处罚, Administrative Penalty Law art. 32).")
                               % {"fine": fine, "min": matter.fine_min, "code": matter.code, "basis": matter.citation},
                               details={"fine_amount": [_("Below the statutory minimum.")]})


def _decision_fine(*, matter: EnforcementMatter, fine_amount: object, discretion: dict | None,
                   deviation_reason: str) -> tuple[Decimal, dict]:
    """The fine a decision imposes and its discretion record: the computed fine unless the officer types another,
    which needs a written reason; always inside the statutory range."""
    record = decision_assess(matter=matter, raw=discretion)
    if record["outcome"] == "no_penalty":
        raise ValidationFailed(_("The facts recorded give no penalty: %(ground)s. Record the no-penalty outcome (close "
                                 "the case without penalty) instead of a penalty decision.")
                               % {"ground": record["lines"][0]["label"]},
                               details={"discretion": [_("No penalty for these facts.")]})
    computed = None if record["fine"] is None else Decimal(record["fine"])
    typed = fine_amount not in (None, "") and str(fine_amount).strip() != ""
    if not typed and computed is None:
        raise ValidationFailed(_("This matter's fine follows a rule (%(rule)s): enter the fine in yuan.")
                               % {"rule": matter.fine_rule}, details={"fine_amount": [_("Required.")]})
    fine = _parse_fine(fine_amount) if typed else computed
    _check_fine_in_range(matter, fine, reduced=record["reduced"])
    if computed is not None and fine != computed and not deviation_reason:
        raise ValidationFailed(_("The fine of %(fine)s yuan differs from the %(computed)s yuan the discretion benchmark "
                                 "gives: write the reason for the difference; it is kept with the decision.")
                               % {"fine": fine, "computed": computed},
                               details={"deviation_reason": [_("Required when the fine differs from the computed "
                                                               "one.")]})
    return fine, record


def _check_notice(case: Case, today: dt.date) -> None:
    """A penalty is decided only after the advance notice and the party's period (or its written waiver), and after
    the hearing the party asked for."""
    requested, held, _held_on = hearing_state(case)
    blocked = notice_blocks_decision(served_on=case.notice_served_on, period_ends=case.notice_period_ends,
                                     waived_on=case.notice_waived_on, today=today, hearing_requested=requested,
                                     hearing_held=held)
    if blocked == "hearing_pending":
        raise InvalidTransition(_("The party asked for a hearing (Administrative Penalty Law art. 63): hold it and "
                                  "record it before the decision."), code="hearing_pending")
    if blocked == "not_served":
        raise InvalidTransition(_("The advance notice of the proposed penalty has not been served (Administrative "
                                  "Penalty Law art. 44): record its service first."), code="notice_not_served")
    if blocked == "period_running":
        raise InvalidTransition(
            _("The party may state, defend and ask for a hearing until %(end)s (5 working days from the notice served "
              "on %(served)s). Decide after that day, or record the party's written waiver.")
            % {"end": case.notice_period_ends, "served": case.notice_served_on}, code="notice_period_running")


def _check_proposal(case: Case, *, minor_only: bool) -> None:
    """Legal review and the advance notice examine the proposed penalty, so one must be on record; a major proposal
    (`cases.review_gate`) cannot go to the notice without legal review."""
    if not case.proposal:
        raise InvalidTransition(_("Propose the penalty first (enforcement matter, discretion facts, fine): legal review "
                                  "examines it and the advance notice states it (Administrative Penalty Law arts. 44 "
                                  "and 58)."), code="proposal_required")
    if minor_only:
        criteria, _version = review_policy_current()
        reasons = major_reasons(criteria, fine=Decimal(case.proposal["fine"]), kinds=case.proposal.get("kinds", []),
                                hearing_held=False)
        if reasons:
            raise InvalidTransition(
                _("The proposed penalty is a major decision (%(reasons)s): send the case to legal review (法制审核) "
                  "before the advance notice (Administrative Penalty Law art. 58).")
                % {"reasons": "; ".join(reason_text(r) for r in reasons)}, code="legal_review_required")


def _penalty_kinds(matter: EnforcementMatter, raw: Sequence[str]) -> list[str]:
    """The penalty kinds the decision imposes besides the fine: kinds the cited matter carries (any kind when the
    matter lists none)."""
    kinds = sorted({str(k).strip() for k in raw or () if str(k).strip()})
    allowed = set(matter.penalty_kind_list) or set(PenaltyKind.values)
    wrong = [k for k in kinds if k not in allowed or k not in PenaltyKind.values]
    if wrong:
        raise ValidationFailed(_("%(code)s does not provide these penalties: %(kinds)s.")
                               % {"code": matter.code, "kinds": "、".join(wrong)},
                               details={"penalty_kinds": [_("Choose penalties the cited matter provides.")]})
    return kinds


def _check_legal_review(case: Case, *, fine: Decimal, kinds: list[str], hearing_held: bool,
                        hearing_on: dt.date | None = None) -> dict:
    """法制审核 (行政处罚法 art. 58): a major decision issues only after a qualified reviewer's recorded opinion — after
    the hearing, when one was held. Returns what the decision record keeps about it."""
    criteria, version = review_policy_current()
    reasons = major_reasons(criteria, fine=fine, kinds=kinds, hearing_held=hearing_held)
    reviewed = case.legal_reviewed_on is not None and (hearing_on is None or case.legal_reviewed_on >= hearing_on)
    if reasons and not reviewed:
        raise InvalidTransition(
            _("This is a major decision (%(reasons)s): it needs the legal review (法制审核) opinion of a legal "
              "reviewer before it issues (Administrative Penalty Law art. 58). Send the case to legal review.")
            % {"reasons": "; ".join(reason_text(r) for r in reasons)}, code="legal_review_required")
    return {"major": [{"code": r.code, "subject": r.subject} for r in reasons], "review_policy_version": version,
            "penalty_kinds": kinds, "hearing_held": hearing_held}


def _check_allowed(case: Case, actor: User, action: str, expected_stage: str | None) -> Transition:
    if expected_stage is not None and expected_stage != case.stage:
        raise InvalidTransition(
            _("This case has moved on since you opened it: it is now at “%(stage)s”. Reload the page to see what can be done next.")
            % {"stage": STAGE_LABELS[Stage(case.stage)]},
            code="stale_stage",
        )
    step = transition_for(case.stage, action)
    if step is None:
        raise InvalidTransition(
            _("“%(action)s” is not possible while the case is at “%(stage)s”.")
            % {"action": action, "stage": STAGE_LABELS[Stage(case.stage)]},
        )
    if not has_role(actor, step.roles):
        raise PermissionDenied(_("Your role cannot take this step; it is for: %(roles)s.")
                               % {"roles": "、".join(str(Role(r).label) for r in sorted(step.roles))})
    return step


@transaction.atomic
def case_transition(*, case_id: int, actor: User, action: str, reason: str = "", expected_stage: str | None = None,
                    fine_amount: object = None, decision_text: str = "", matter_code: object = "",
                    discretion: dict | None = None, deviation_reason: str = "",
                    effective_date: dt.date | None = None, penalty_kinds: Sequence[str] = (),
                    hearing_held: bool = False, details: Mapping | None = None) -> Case:
    """Take one step of the workflow: lock the case, check the table, save, audit, update deadlines.

    The decision step cites a current penalty matter and records the discretion facts (`discretion`: factor
    levels, situations, public apology, see `cases.discretion.facts_parse`); the fine is the computed one unless
    `fine_amount` differs, which needs `deviation_reason`; a fine outside the statutory range is refused.

    A major decision (`cases.review_gate`: the fine, `penalty_kinds` such as a production stop or a permit
    revocation, `hearing_held`) is refused unless a qualified legal reviewer's opinion is on record
    (`legal_review_pass`, which a certified legal reviewer takes with a written opinion).

    A hearing recorded on the case (`record_hearing`) makes the decision major by itself; `hearing_held` says so
    for a hearing held on paper before the case was entered. A heavy penalty (`procedure.discussion_required`)
    needs a recorded collective discussion. Steps that record more than the stage (`Transition.records`: hearing,
    service, payment, suspension, …) take their fields in `details` (`cases.procedure_services`).

    `effective_date` records a step taken earlier on paper (entering historical files); it defaults to today.
    """
    case = Case.objects.select_for_update(of=("self",)).select_related("organization", "entity").get(pk=case_id)
    step = _check_allowed(case, actor, action, expected_stage)
    reason = reason.strip()
    if step.needs_reason and not reason:
        raise ValidationFailed(_("Write the reason or opinion for this step; it goes into the case record."),
                               details={"reason": [_("Required.")]})
    before = _snapshot(case)
    today = effective_date or _today()
    # Apps above cases may refuse a step (cases.hooks): the criminal link refuses deciding or closing a case whose
    # facts meet a criminal threshold until a transfer decision is on record.
    transition_guards_check(case=case, step=step, actor=actor, today=today)
    update = ["stage", "stage_due", "stage_due_provisional", "updated_at"]
    extra = {}
    if step.approves_filing:
        # 立案: the approval is the filing; 行政处罚法 art. 60's 90 days run from it.
        decision = calendar_current().add_calendar_days(today, DECISION_WITHIN_DAYS)
        case.filed_on, case.decision_due, case.decision_due_provisional = today, decision.due, decision.provisional
        update += ["filed_on", "decision_due", "decision_due_provisional"]
    if step.records_no_penalty:
        record = no_penalty_record(str((discretion or {}).get("no_penalty") or ""))
        if record is not None:
            case.discretion = record
            update.append("discretion")
            extra = {"discretion": record}
    if step.needs_proposal:
        _check_proposal(case, minor_only=step.minor_only)
    if step.needs_decision:
        _check_notice(case, today)
    if step.records_review:
        if not (actor.certificate_no and actor.is_active):
            raise PermissionDenied(_("Only a qualified legal reviewer (with a law-enforcement certificate on record) "
                                     "may give the legal review opinion."))
        case.legal_reviewed_by, case.legal_reviewed_on, case.legal_review_opinion = actor, today, reason
        update += ["legal_reviewed_by", "legal_reviewed_on", "legal_review_opinion"]
    elif not step.forward and case.legal_reviewed_on is not None:
        # Returned for more evidence: the facts may change, so the opinion no longer covers the decision.
        case.legal_reviewed_by, case.legal_reviewed_on, case.legal_review_opinion = None, None, ""
        update += ["legal_reviewed_by", "legal_reviewed_on", "legal_review_opinion"]
    if step.records:
        recorded = record_step(step.records, case=case, actor=actor, today=today, details=details or {})
        update += [f for f in recorded.fields if f not in update]
        extra = {**extra, **recorded.extra}
    if step.serves_notice:
        if not case.notice_number:
            case.notice_number = document_number_next(organization=case.organization, kind="notice", year=today.year)
            update.append("notice_number")
        period = calendar_current().add_working_days(today, NOTICE_PERIOD_WORKING_DAYS)
        case.notice_served_on, case.notice_waived_on = today, None
        case.notice_period_ends, case.notice_period_provisional = period.due, period.provisional
        update += ["notice_served_on", "notice_waived_on", "notice_period_ends", "notice_period_provisional"]
    if step.records_waiver:
        if case.notice_served_on is None:
            raise InvalidTransition(_("Serve the advance notice first: the party waives rights it has been told of."),
                                    code="notice_not_served")
        case.notice_waived_on = today
        update.append("notice_waived_on")
    if step.proposes:
        if fine_amount not in (None, "") and str(fine_amount).strip():
            _parse_fine(fine_amount)
        matter = _cited_matter(matter_code)
        deviation_reason = deviation_reason.strip()
        fine, record = _decision_fine(matter=matter, fine_amount=fine_amount, discretion=discretion,
                                      deviation_reason=deviation_reason)
        kinds = _penalty_kinds(matter, penalty_kinds)
        case.matter, case.legal_basis, case.discretion = matter, matter.citation, record
        case.fine_computed = None if record["fine"] is None else Decimal(record["fine"])
        case.fine_deviation_reason = deviation_reason if case.fine_computed != fine else ""
        case.proposal = {"matter": matter.code, "fine": str(fine.quantize(Decimal("0.01"))), "kinds": kinds, "on": today.isoformat(),
                         "by": actor.pk}
        update += ["matter", "legal_basis", "discretion", "fine_computed", "fine_deviation_reason", "proposal"]
        extra = {"proposal": case.proposal, "discretion": record, "fine_deviation_reason": case.fine_deviation_reason}
    if step.needs_decision:
        if fine_amount not in (None, "") and str(fine_amount).strip():
            _parse_fine(fine_amount)  # a malformed fine is named first, whatever else is missing
        matter = _cited_matter(matter_code)
        deviation_reason = deviation_reason.strip()
        fine, record = _decision_fine(matter=matter, fine_amount=fine_amount, discretion=discretion,
                                      deviation_reason=deviation_reason)
        kinds = _penalty_kinds(matter, penalty_kinds)
        _requested, held, held_on = hearing_state(case)
        gate = _check_legal_review(case, fine=fine, kinds=kinds, hearing_held=hearing_held or held,
                                   hearing_on=held_on)
        if discussion_required(procedure_rules_current()[0], fine=fine, kinds=kinds) and not case.discussions.exists():
            raise InvalidTransition(_("A penalty this heavy is decided by the heads together (collective discussion, "
                                      "Administrative Penalty Law art. 57): record the discussion first."),
                                    code="discussion_required")
        if not decision_text.strip():
            raise ValidationFailed(_("Write the decision: the violation found, the legal basis and the penalty."),
                                   details={"decision_text": [_("Required.")]})
        case.fine_amount, case.decision_text = fine, decision_text.strip()
        case.discretion = record
        case.fine_computed = None if record["fine"] is None else Decimal(record["fine"])
        case.fine_deviation_reason = deviation_reason if case.fine_computed != fine else ""
        extra = {"discretion": record, "fine_deviation_reason": case.fine_deviation_reason, "legal_review": gate}
        case.matter, case.legal_basis = matter, matter.citation
        case.outcome, case.decided_on = Case.Outcome.PENALTY, today
        case.decision_number = document_number_next(organization=case.organization, kind="penalty", year=today.year)
        # 行政处罚法 art. 48: decisions are made public; personal data is masked by the portal's selectors.
        case.published_at = timezone.now()
        update += ["fine_amount", "fine_computed", "discretion", "fine_deviation_reason", "decision_text", "outcome", "decided_on", "decision_number", "published_at", "matter",
                   "legal_basis"]
    if step.target == Stage.CLOSED:
        case.closed_on = today
        update.append("closed_on")
        if case.outcome == Case.Outcome.PENDING:
            case.outcome = (Case.Outcome.NOT_FILED if step.source == Stage.PROPOSED
                            else Case.Outcome.TERMINATED if action == "terminate_investigation"
                            else Case.Outcome.NO_PENALTY)
            update.append("outcome")
    if step.serves_notice:
        case.stage_due, case.stage_due_provisional = case.notice_period_ends, case.notice_period_provisional
    elif step.target != case.stage:
        _set_stage_due(case, step.target, today)
    case.stage = step.target
    case.save(update_fields=update)
    audit_record(actor=actor, obj=case, action=f"case.{action}", before=before, after=_snapshot(case) | extra,
                 reason=reason)
    if step.approves_filing:
        entity_event_record(entity=case.entity, kind=EntityEvent.Kind.CASE_OPENED, date=today, ref=case.number)
    if step.needs_decision:
        entity_event_record(entity=case.entity, kind=EntityEvent.Kind.PENALTY, date=today, ref=case.decision_number)
    case_step_notify(case, step=step, actor=actor, reason=reason, day=today)
    return case


@transaction.atomic
def case_publication_withdraw(*, case_id: int, actor: User, reason: str) -> Case:
    """Take a published decision off the public portal because it was revoked or changed (行政处罚法 art. 48; the
    record of why and when is the caller's — `casebook.services.decision_withdraw`). Unit leaders only."""
    if not has_role(actor, [Role.UNIT_LEADER]):
        raise PermissionDenied()
    case = Case.objects.select_for_update(of=("self",)).get(pk=case_id)
    if case.published_at is None:
        raise InvalidTransition(_("This decision is not on the public portal."), code="not_published")
    before = _snapshot(case)
    case.published_at = None
    case.save(update_fields=["published_at", "updated_at"])
    audit_record(actor=actor, obj=case, action="case.publication_withdraw", before=before, after=_snapshot(case),
                 reason=reason)
    return case
