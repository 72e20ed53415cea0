"""Case reads through the user's jurisdiction, and the figures the dashboard shows."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecoenforce.cases.models import Case
from ecoenforce.cases.workflow import OPEN_STAGES, Stage, Transition, transitions_from
from ecoenforce.core.access import get_in_scope, has_role, scope_by_region
from ecoenforce.core.filters import ListFilters, filter_field, search_field, yes_no
from ecoenforce.core.models import User

UNDECIDED = (Stage.PROPOSED, Stage.FILED, Stage.INVESTIGATION, Stage.REVIEW, Stage.LEGAL_REVIEW, Stage.NOTICE)


def overdue_q() -> Q:
    """Open cases past their stage deadline or past the statutory decision date without a decision."""
    today = timezone.localdate()
    return Q(stage__in=OPEN_STAGES) & (Q(stage_due__lt=today) | Q(stage__in=UNDECIDED, decision_due__lt=today))


def case_is_overdue(case: Case, today=None) -> bool:
    """The same test as `overdue_q`, for one case already read."""
    today = today or timezone.localdate()
    return case.stage in OPEN_STAGES and bool(
        (case.stage_due and case.stage_due < today) or (case.stage in UNDECIDED and case.decision_due < today))


@dataclass(frozen=True)
class CaseFilters(ListFilters):
    """One filter definition for the case list, its export and the API."""

    q: str = search_field()
    stage: str = filter_field(_("Stage"), lambda c: c.stage_label)
    region: str = filter_field(_("County"), lambda c: c.region.name)
    overdue: str = filter_field(_("Overdue"), lambda c: yes_no(case_is_overdue(c)))  # "yes" → only overdue


def case_list_for_user(*, user: User, filters: CaseFilters = CaseFilters()) -> QuerySet[Case]:
    """Cases the user may see, filtered."""
    qs = scope_by_region(Case.objects.select_related("entity", "region", "organization", "matter"), user=user)
    if filters.q:
        qs = qs.filter(Q(number__icontains=filters.q) | Q(title__icontains=filters.q) | Q(entity__name__icontains=filters.q))
    if filters.stage:
        qs = qs.filter(stage=filters.stage)
    if filters.region:
        qs = qs.filter(region__code=filters.region)
    if filters.overdue == "yes":
        qs = qs.filter(overdue_q())
    return qs.order_by("-filed_on", "-id")


def case_get_for_user(*, user: User, case_id: object) -> Case:
    """One case, or NotFound if it is outside the user's reach."""
    return get_in_scope(Case.objects.select_related("entity", "entity__industry", "region", "organization", "opened_by", "matter", "legal_reviewed_by"),
                        user=user, pk=case_id)


def case_actions_for_user(*, user: User, case: Case) -> list[Transition]:
    """The steps this user may take on this case now."""
    return [t for t in transitions_from(case.stage) if has_role(user, t.roles)]


def case_stats_for_user(*, user: User) -> dict:
    """Open cases by stage and overdue count, for the dashboard."""
    qs = scope_by_region(Case.objects.all(), user=user)
    by_stage = dict(qs.values_list("stage").annotate(n=Count("id")).values_list("stage", "n"))
    return {
        "by_stage": {s.value: by_stage.get(s.value, 0) for s in Stage},
        "open": sum(n for s, n in by_stage.items() if s in OPEN_STAGES),
        "overdue": qs.filter(overdue_q()).count(),
    }
