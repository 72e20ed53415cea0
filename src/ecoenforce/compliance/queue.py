"""The rectification tasks' share of the work queue: for the firm, its tasks awaiting evidence (overdue flagged);
for the officer, the evidence waiting for his decision and the tasks he issued that are past their deadline."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecoenforce.compliance.models import Rectification
from ecoenforce.compliance.selectors import AWAITING_FIRM
from ecoenforce.core.access import home_region_q, scope_by_region
from ecoenforce.core.models import Role, User
from ecoenforce.core.queue import QueueItem, QueueSource, queue_register

FIRM = frozenset({Role.ENTERPRISE})
OFFICERS = frozenset({Role.INSPECTOR, Role.UNIT_LEADER, Role.MONITORING_OPERATOR})


def firm_awaiting(user: User) -> QuerySet[Rectification]:
    """My facilities' tasks awaiting my evidence, by deadline."""
    return (Rectification.objects.filter(entity__enterprise_accounts__user=user, status__in=AWAITING_FIRM)
            .select_related("entity").order_by("deadline", "id"))


def _officer_scope(user: User) -> QuerySet[Rectification]:
    qs = scope_by_region(Rectification.objects.exclude(source=Rectification.Source.SELF_INSPECTION), user=user,
                         field="entity__region__code").select_related("entity")
    mine = Q(issued_by=user)
    if user.role == Role.UNIT_LEADER:
        mine |= home_region_q(user, field="entity__region__code")
    return qs.filter(mine)


def officer_to_review(user: User) -> QuerySet[Rectification]:
    """Evidence submitted on tasks I issued (a unit leader: also on his bureau's), oldest deadline first."""
    return _officer_scope(user).filter(status=Rectification.Status.SUBMITTED).order_by("deadline", "id")


def officer_overdue(user: User) -> QuerySet[Rectification]:
    """Tasks I issued still awaiting the firm after their deadline."""
    return _officer_scope(user).filter(status__in=AWAITING_FIRM, deadline__lt=timezone.localdate()).order_by(
        "deadline", "id")


def _row(source: str, firm: bool):
    def row(r: Rectification) -> QueueItem:
        url = reverse("compliance:rectification_detail" if firm else "compliance_staff:rectification", args=[r.pk])
        return QueueItem(source=source, ref=f"compliance.rectification:{r.pk}", title=r.title, url=url,
                         subject=r.entity.name, state=str(r.get_status_display()), due=r.deadline)
    return row


def register() -> None:
    """Called from ComplianceConfig.ready()."""
    queue_register(QueueSource(
        key="compliance.rectifications", label=_("Rectifications awaiting your evidence"), order=70, roles=FIRM,
        waiting=firm_awaiting, row=_row("compliance.rectifications", True), due_field="deadline",
        nav="compliance:rectifications", more=lambda user: reverse("compliance:rectifications")))
    queue_register(QueueSource(
        key="compliance.review", label=_("Rectification evidence to review"), order=71, roles=OFFICERS,
        waiting=officer_to_review, row=_row("compliance.review", False), due_field="deadline",
        nav="compliance_staff:rectifications",
        more=lambda user: reverse("compliance_staff:rectifications") + "?status=submitted"))
    queue_register(QueueSource(
        key="compliance.overdue", label=_("Rectifications past their deadline"), order=72, roles=OFFICERS,
        waiting=officer_overdue, row=_row("compliance.overdue", False), due_field="deadline",
        nav="compliance_staff:rectifications",
        more=lambda user: reverse("compliance_staff:rectifications") + "?status=open"))
