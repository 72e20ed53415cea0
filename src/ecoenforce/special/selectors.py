"""Special and supervised cases, read through the user's jurisdiction."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from ecoenforce.cases.models import Case
from ecoenforce.core.access import scope_by_region
from ecoenforce.core.errors import NotFound
from ecoenforce.core.models import Role, User
from ecoenforce.special.models import SpecialCase, Supervision


def special_list_for_user(*, user: User) -> QuerySet[SpecialCase]:
    """Special cases in the jurisdiction, and those the user is on the team of."""
    scoped = scope_by_region(SpecialCase.objects.all(), user=user).values("pk")
    return (SpecialCase.objects.filter(Q(pk__in=scoped) | Q(team=user)).distinct()
            .select_related("organization", "head").order_by("-opened_on", "-id"))


def special_get_for_user(*, user: User, special_id: object) -> SpecialCase:
    """One special case in the jurisdiction or on the user's team, or NotFound."""
    special = special_list_for_user(user=user).filter(pk=special_id if str(special_id).isdigit() else -1).first()
    if special is None:
        raise NotFound()
    return special


def supervision_list_for_user(*, user: User) -> QuerySet[Supervision]:
    return scope_by_region(Supervision.objects.select_related("case", "case__entity", "supervisor"), user=user).order_by(
        "status", "deadline", "id")


def supervisions_for_case(*, case: Case) -> list[Supervision]:
    return list(Supervision.objects.filter(case=case).select_related("supervisor").prefetch_related(
        "reports__reported_by").order_by("-opened_on", "-id"))


def reports_waiting_for(user: User) -> QuerySet[Supervision]:
    """Open supervisions of cases this user handles (or leads the handling organization of): the next report."""
    handled = Case.handlers.through.objects.filter(user_id=user.pk).values("case_id")
    mine = Q(case_id__in=handled)
    if user.role == Role.UNIT_LEADER and user.organization_id:
        mine |= Q(case__organization_id=user.organization_id)
    qs = Supervision.objects.filter(mine, status=Supervision.Status.OPEN)
    return scope_by_region(qs, user=user).select_related("case", "case__entity", "supervisor").order_by("next_report_due", "id")


def supervised_by(user: User) -> QuerySet[Supervision]:
    """Open supervisions the user's bureau watches, by deadline (overdue first)."""
    if user.role != Role.UNIT_LEADER or not user.organization_id:
        return Supervision.objects.none()
    return (Supervision.objects.filter(supervisor_id=user.organization_id, status=Supervision.Status.OPEN)
            .select_related("case", "case__entity").order_by("deadline", "id"))
