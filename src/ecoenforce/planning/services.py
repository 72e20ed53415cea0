"""Annual plan writes: create, set the monthly figures, add a campaign, check, approve (unit leader)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from ecoenforce.core.access import require_role
from ecoenforce.core.audit import audit_record
from ecoenforce.core.calendar import calendar_current
from ecoenforce.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from ecoenforce.core.models import Organization, Role, User
from ecoenforce.planning.capacity import CLASSES, LineFigure, PlanCheck, PlanningRules, check_plan
from ecoenforce.planning.models import InspectionPlan, PlanLine, PlanningPolicy
from ecoenforce.registry.models import RegulatedEntity

PLAN_ROLES = (Role.UNIT_LEADER,)
# Who can be drawn and counts toward capacity: certified officers who do on-site work.
POOL_ROLES = (Role.INSPECTOR, Role.UNIT_LEADER)


def planning_policy_current() -> tuple[PlanningRules, int | None]:
    """The planning rules in force (newest PlanningPolicy over the defaults) and their version."""
    latest = PlanningPolicy.newest()
    if latest is None:
        return PlanningRules(), None
    return PlanningRules.from_mapping(latest.values or {}), latest.version


def planning_policy_check(values: object) -> None:
    """Refuse values the planner cannot read, with an example of what it expects."""
    try:
        if not isinstance(values, dict):
            raise TypeError
        PlanningRules.from_mapping(values)
    except (TypeError, ValueError, ArithmeticError, AttributeError):
        raise ValidationFailed(_("Use the keys shown with numbers as values, e.g. {\"onsite_share\": \"0.4\"}."),
                               details={"values": [_("Check the values.")]}) from None


@transaction.atomic
def planning_policy_add(*, actor: User | None, values: object, source: str = "") -> PlanningPolicy:
    """Store the next planning-policy version; values the planner cannot read are refused."""
    planning_policy_check(values)
    policy = PlanningPolicy.add_version(values=values, source=source)
    audit_record(actor=actor, obj=policy, action="planning_policy.add", after=values, reason=source)
    return policy


def inspector_pool(*, organization: Organization, cross_region: bool = False):
    """Certified officers in the pool: the bureau's own, or every bureau of the city for a cross-region round."""
    qs = User.objects.filter(is_active=True, role__in=POOL_ROLES).exclude(certificate_no="")
    qs = qs.exclude(inspector_profile__in_pool=False)
    if cross_region:
        return qs.filter(organization__region__code__startswith=organization.region.code[:4])
    return qs.filter(organization=organization)


def entity_pool(*, organization: Organization):
    """Regulated entities within the bureau's jurisdiction."""
    return RegulatedEntity.objects.filter(region__code__startswith=organization.region.prefix)


def class_sizes(*, organization: Organization) -> dict[str, int]:
    """Entities per supervision class in the bureau's jurisdiction."""
    rows = entity_pool(organization=organization).values("risk_class").annotate(n=Count("id"))
    sizes = dict.fromkeys(CLASSES, 0)
    sizes.update({r["risk_class"]: r["n"] for r in rows})
    return sizes


def working_days_by_month(year: int) -> dict[int, int]:
    """Working days in each month of `year`, from the bureau's calendar."""
    cal = calendar_current()
    out = {}
    for m in range(1, 13):
        first = dt.date(year, m, 1)
        last = (dt.date(year + (m == 12), m % 12 + 1, 1)) - dt.timedelta(days=1)
        out[m] = cal.working_days_between(first - dt.timedelta(days=1), last)
    return out


def plan_check(plan: InspectionPlan) -> PlanCheck:
    """Run both checks on a plan's current lines."""
    rules, _version = planning_policy_current()
    lines = [LineFigure(month=ln.month, risk_class=ln.risk_class, planned=ln.planned) for ln in plan.lines.all()]
    return check_plan(lines=lines, inspectors=inspector_pool(organization=plan.organization).count(),
                      working_days=working_days_by_month(plan.year),
                      class_sizes=class_sizes(organization=plan.organization), rules=rules)


def _plan_for_leader(actor: User, plan_id: object) -> InspectionPlan:
    require_role(actor, PLAN_ROLES)
    plan = InspectionPlan.objects.select_for_update().filter(pk=plan_id).first() if str(plan_id).isdigit() else None
    if plan is None or not _may_plan_for(actor, plan.organization):
        raise NotFound()
    return plan


def _may_plan_for(actor: User, organization: Organization) -> bool:
    prefix = actor.jurisdiction_prefix
    return prefix is not None and organization.region.code.startswith(prefix) and (
        actor.organization_id == organization.pk or prefix == "" or actor.organization.kind == "city_bureau")


@transaction.atomic
def plan_create(*, actor: User, year: object, organization: Organization | None = None) -> InspectionPlan:
    """Start a bureau's plan for a year (one per bureau and year); returns the existing one if there is one."""
    require_role(actor, PLAN_ROLES)
    organization = organization or actor.organization
    if organization is None or not _may_plan_for(actor, organization):
        raise PermissionDenied()
    try:
        year = int(year)
    except (TypeError, ValueError):
        year = 0
    today = timezone.localdate()
    if not today.year - 1 <= year <= today.year + 1:
        raise ValidationFailed(_("Plan for last year, this year or next year (%(first)s–%(last)s).")
                               % {"first": today.year - 1, "last": today.year + 1}, details={"year": [_("Check the year.")]})
    plan, created = InspectionPlan.objects.get_or_create(organization=organization, year=year,
                                                         defaults={"created_by": actor})
    if created:
        audit_record(actor=actor, obj=plan, action="plan.create", after={"organization": organization.pk, "year": year})
    return plan


def _editable(plan: InspectionPlan) -> None:
    if plan.status == InspectionPlan.Status.APPROVED:
        raise InvalidTransition(_("This plan is approved. Reopen it for revision before changing its figures."))


def _parse_count(raw: object, field: str, errors: dict[str, list[str]]) -> int:
    text = str(raw if raw is not None else "").strip() or "0"
    if not text.isdigit() or int(text) > 100_000:
        errors[field] = [_("Enter a whole number of inspections from 0 to 100,000.")]
        return 0
    return int(text)


@transaction.atomic
def plan_set_routine(*, actor: User, plan_id: object, figures: Mapping[tuple[int, str], object]) -> InspectionPlan:
    """Replace the routine (double-random) figures: {(month, class): planned}; all-or-nothing."""
    plan = _plan_for_leader(actor, plan_id)
    _editable(plan)
    errors: dict[str, list[str]] = {}
    parsed = {}
    for (month, risk_class), raw in figures.items():
        if risk_class not in CLASSES or not 1 <= int(month) <= 12:
            continue
        parsed[(int(month), risk_class)] = _parse_count(raw, f"r_{month}_{risk_class}", errors)
    if errors:
        raise ValidationFailed(_("Some figures are not whole numbers; correct the marked cells."), details=errors)
    before = {f"{ln.month}-{ln.risk_class}": ln.planned for ln in plan.lines.filter(kind=PlanLine.Kind.ROUTINE)}
    plan.lines.filter(kind=PlanLine.Kind.ROUTINE).delete()
    PlanLine.objects.bulk_create(
        PlanLine(plan=plan, month=m, kind=PlanLine.Kind.ROUTINE, risk_class=c, planned=n)
        for (m, c), n in sorted(parsed.items()) if n)
    _record_check(plan)
    audit_record(actor=actor, obj=plan, action="plan.set_routine", before=before,
                 after={f"{m}-{c}": n for (m, c), n in parsed.items() if n})
    return plan


@transaction.atomic
def plan_add_campaign(*, actor: User, plan_id: object, campaign: str, risk_class: str, month: object,
                      planned: object) -> PlanLine:
    """Add (or change) a special campaign's figure for one month and class."""
    plan = _plan_for_leader(actor, plan_id)
    _editable(plan)
    errors: dict[str, list[str]] = {}
    campaign = (campaign or "").strip()
    if not campaign:
        errors["campaign"] = [_("Name the campaign, e.g. 2026年夏季臭氧污染防治专项执法.")]
    if risk_class not in CLASSES:
        errors["risk_class"] = [_("Choose a supervision class.")]
    month_n = int(month) if str(month).isdigit() else 0
    if not 1 <= month_n <= 12:
        errors["month"] = [_("Choose a month from 1 to 12.")]
    count = _parse_count(planned, "planned", errors)
    if not errors and count == 0:
        errors["planned"] = [_("Plan at least one inspection; to remove a campaign line, use its remove button.")]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], details=errors)
    line, _created = PlanLine.objects.update_or_create(
        plan=plan, month=month_n, kind=PlanLine.Kind.SPECIAL, risk_class=risk_class, campaign=campaign[:100],
        defaults={"planned": count})
    _record_check(plan)
    audit_record(actor=actor, obj=plan, action="plan.campaign", after={
        "campaign": line.campaign, "month": month_n, "class": risk_class, "planned": count})
    return line


@transaction.atomic
def plan_remove_line(*, actor: User, plan_id: object, line_id: object) -> None:
    """Remove one campaign line."""
    plan = _plan_for_leader(actor, plan_id)
    _editable(plan)
    line = plan.lines.filter(pk=line_id, kind=PlanLine.Kind.SPECIAL).first() if str(line_id).isdigit() else None
    if line is None:
        raise NotFound()
    before = {"campaign": line.campaign, "month": line.month, "class": line.risk_class, "planned": line.planned}
    line.delete()
    _record_check(plan)
    audit_record(actor=actor, obj=plan, action="plan.campaign_remove", before=before)


def _record_check(plan: InspectionPlan) -> PlanCheck:
    check = plan_check(plan)
    plan.last_check = check.as_dict()
    plan.policy_version = planning_policy_current()[1]
    plan.save(update_fields=["last_check", "policy_version"])
    return check


def plan_problems(check: PlanCheck) -> list[str]:
    """Every reason the plan is refused, each with its numbers and what to change."""
    problems = []
    for m in check.months:
        if not m.ok:
            problems.append(_(
                "Month %(month)s needs %(needed)s inspector-days (%(planned)s inspections × %(per)s officers × "
                "%(days)s day) but %(available)s are available (%(inspectors)s certified officers × %(wd)s working "
                "days × %(share)s%% for planned on-site work). Move inspections to another month or lower the figure."
            ) % {"month": m.month, "needed": decimal_text(m.needed_days), "planned": m.planned,
                 "per": check.inspectors_per_inspection, "days": decimal_text(check.days_per_inspection),
                 "available": decimal_text(m.available_days), "inspectors": check.inspectors, "wd": m.working_days,
                 "share": decimal_text(check.onsite_share * 100)})
    for c in check.classes:
        if not c.ok:
            from ecoenforce.registry.models import RiskClass

            problems.append(_(
                "%(class)s: %(planned)s planned inspections exceed the frequency cap of %(cap)s (%(entities)s "
                "entities × %(per)s a year). Lower the class's figures by %(over)s."
            ) % {"class": RiskClass(c.risk_class).label, "planned": c.planned, "cap": c.cap_total,
                 "entities": c.entities, "per": decimal_text(c.cap_per_entity), "over": c.planned - c.cap_total})
    return problems


def decimal_text(value) -> str:
    """A Decimal without trailing zeros (12.50 → 12.5, 4.0 → 4)."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@transaction.atomic
def plan_approve(*, actor: User, plan_id: object, note: str = "") -> InspectionPlan:
    """Approve a plan; refused with the numbers when it needs more inspector-days than exist or breaks a cap."""
    plan = _plan_for_leader(actor, plan_id)
    _editable(plan)
    if not plan.lines.exists():
        raise ValidationFailed(_("The plan is empty. Enter the monthly figures (or use the suggestion) first."))
    check = _record_check(plan)
    if not check.ok:
        problems = plan_problems(check)
        raise ValidationFailed(_("The plan cannot be approved: %(problems)s") % {"problems": " ".join(problems)},
                               details={"__all__": problems}, code="plan.refused")
    plan.status, plan.approved_by, plan.approved_at = InspectionPlan.Status.APPROVED, actor, timezone.now()
    plan.note = (note or plan.note).strip()[:2000]
    plan.save(update_fields=["status", "approved_by", "approved_at", "note"])
    audit_record(actor=actor, obj=plan, action="plan.approve", after={
        "total_planned": check.total_planned, "needed_days": str(check.total_needed),
        "available_days": str(check.total_available)}, reason=note)
    return plan


@transaction.atomic
def plan_reopen(*, actor: User, plan_id: object, reason: str) -> InspectionPlan:
    """Reopen an approved plan for revision (with the reason); it must be approved again."""
    plan = _plan_for_leader(actor, plan_id)
    if plan.status != InspectionPlan.Status.APPROVED:
        raise InvalidTransition(_("Only an approved plan can be reopened."))
    if not (reason or "").strip():
        raise ValidationFailed(_("Say why the plan is revised; the reason is kept in the audit record."),
                               details={"reason": [_("Required.")]})
    plan.status, plan.approved_by, plan.approved_at = InspectionPlan.Status.DRAFT, None, None
    plan.save(update_fields=["status", "approved_by", "approved_at"])
    audit_record(actor=actor, obj=plan, action="plan.reopen", before={"status": "approved"},
                 after={"status": "draft"}, reason=reason.strip())
    return plan
