"""Assistance reads. A third party sees only the assignments they are staff of (their own organization's) and the
findings reported on them; everything else is not found. Staff see what lies in their jurisdiction. The quality audit
reads each finding's outcome from its lead."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from ecoenforce.assist.models import Assignment, Finding, FindingFile
from ecoenforce.core.access import STAFF_ROLES, has_role, scope_by_region
from ecoenforce.core.errors import NotFound
from ecoenforce.core.models import Role, User
from ecoenforce.leads.models import Lead
from ecoenforce.registry.models import RegulatedEntity

# A finding's outcome, from its lead: confirmed (a case, or a minor violation corrected with guidance), false (verified:
# no violation), other (a duplicate, not ours), pending (not triaged yet).
CONFIRMED_Q = Q(lead__status=Lead.Status.CONVERTED) | Q(lead__status=Lead.Status.CLOSED,
                                                         lead__close_reason=Lead.CloseReason.MINOR_GUIDANCE)
FALSE_Q = Q(lead__status=Lead.Status.CLOSED, lead__close_reason=Lead.CloseReason.NO_VIOLATION)
OTHER_Q = Q(lead__status=Lead.Status.CLOSED, lead__close_reason__in=(Lead.CloseReason.DUPLICATE,
                                                                     Lead.CloseReason.OUT_OF_SCOPE))
PENDING_Q = Q(lead__status=Lead.Status.NEW)
OUTCOMES = {"confirmed": CONFIRMED_Q, "false": FALSE_Q, "other": OTHER_Q, "pending": PENDING_Q}


def _third_party(user: User) -> bool:
    return user.is_authenticated and user.role == Role.THIRD_PARTY


def assignments_for_user(*, user: User) -> QuerySet[Assignment]:
    qs = Assignment.objects.select_related("organization", "region").prefetch_related("staff")
    if _third_party(user):
        return qs.filter(staff=user, organization_id=user.organization_id)
    if not has_role(user, STAFF_ROLES):
        return qs.none()
    return scope_by_region(qs, user=user)


def assignment_get_for_user(*, user: User, assignment_id: object) -> Assignment:
    try:
        return assignments_for_user(user=user).get(pk=assignment_id)
    except (Assignment.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def assignments_in_force(user: User) -> QuerySet[Assignment]:
    """A third party's assignments in force today (their work queue), the nearest end first."""
    today = timezone.localdate()
    return assignments_for_user(user=user).filter(starts_on__lte=today, ends_on__gte=today).order_by("ends_on", "id")


def assignment_entities(assignment: Assignment) -> QuerySet[RegulatedEntity]:
    """The entities an assignment covers: those named on it, else every entity of its area."""
    named = assignment.entities.all()
    if named.exists():
        return named.order_by("name")
    return RegulatedEntity.objects.filter(region__code__startswith=assignment.region.prefix).order_by("name")


def findings_for_user(*, user: User, organization: str = "", staff: str = "", outcome: str = "") -> QuerySet[Finding]:
    qs = Finding.objects.select_related("assignment__organization", "lead", "lead__region", "entity", "reported_by")
    if _third_party(user):
        qs = qs.filter(assignment__staff=user, assignment__organization_id=user.organization_id)
    elif has_role(user, STAFF_ROLES):
        qs = scope_by_region(qs, user=user, field="lead__region__code")
    else:
        return qs.none()
    if organization.isdigit():
        qs = qs.filter(assignment__organization_id=organization)
    if staff.isdigit():
        qs = qs.filter(reported_by_id=staff)
    if outcome in OUTCOMES:
        qs = qs.filter(OUTCOMES[outcome])
    return qs.order_by("-reported_at", "-id")


def finding_get_for_user(*, user: User, finding_id: object) -> Finding:
    try:
        return findings_for_user(user=user).get(pk=finding_id)
    except (Finding.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def finding_file_for_user(*, user: User, file_id: object) -> FindingFile:
    try:
        item = FindingFile.objects.get(pk=file_id)
    except (FindingFile.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    finding_get_for_user(user=user, finding_id=item.finding_id)
    return item


def finding_outcome(finding: Finding) -> str:
    lead = finding.lead
    if lead.status == Lead.Status.NEW:
        return "pending"
    if lead.status == Lead.Status.CONVERTED or lead.close_reason == Lead.CloseReason.MINOR_GUIDANCE:
        return "confirmed"
    if lead.close_reason == Lead.CloseReason.NO_VIOLATION:
        return "false"
    return "other"


@dataclass
class Quality:
    """Outcomes of one organization's (or one person's) findings."""

    key: str
    label: str
    organization_id: int
    staff_id: int | None = None
    total: int = 0
    confirmed: int = 0
    false: int = 0
    other: int = 0
    pending: int = 0
    people: list[Quality] = field(default_factory=list)

    @property
    def decided(self) -> int:
        return self.confirmed + self.false + self.other

    @property
    def confirmed_rate(self) -> int | None:
        return round(100 * self.confirmed / self.decided) if self.decided else None

    @property
    def false_rate(self) -> int | None:
        return round(100 * self.false / self.decided) if self.decided else None


def finding_quality(*, user: User) -> list[Quality]:
    """Per contractor, and per person inside it: findings by outcome, confirmed and false rates of the decided ones."""
    orgs: dict[int, Quality] = {}
    people: dict[tuple[int, int], Quality] = {}
    for f in findings_for_user(user=user).select_related("reported_by"):
        org = f.assignment.organization
        q = orgs.setdefault(org.pk, Quality(key=f"org:{org.pk}", label=org.name, organization_id=org.pk))
        p = people.get((org.pk, f.reported_by_id))
        if p is None:
            p = people[(org.pk, f.reported_by_id)] = Quality(key=f"staff:{f.reported_by_id}", label=f.reported_by.display_name,
                                                            organization_id=org.pk, staff_id=f.reported_by_id)
            q.people.append(p)
        outcome = finding_outcome(f)
        for item in (q, p):
            item.total += 1
            setattr(item, outcome, getattr(item, outcome) + 1)
    return sorted(orgs.values(), key=lambda q: q.label)
