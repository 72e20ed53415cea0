"""The warnings desk's share of the work queue (monitoring operators): my warnings, warnings nobody took, and
electronic notices whose deadline passed without an answer."""

from __future__ import annotations

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecoenforce.core.access import scope_by_region
from ecoenforce.core.models import Role, User
from ecoenforce.core.queue import QueueItem, QueueSource, queue_register
from ecoenforce.warnings.labels import rule_label
from ecoenforce.warnings.models import ElectronicNotice, Warning

OPERATORS = frozenset({Role.MONITORING_OPERATOR})
_SEVERITY_RANK = Case(When(severity=Warning.Severity.HIGH, then=Value(0)),
                      When(severity=Warning.Severity.MEDIUM, then=Value(1)), default=Value(2),
                      output_field=IntegerField())


def _open_warnings(user: User) -> QuerySet[Warning]:
    return (scope_by_region(Warning.objects.filter(status=Warning.Status.OPEN), user=user)
            .select_related("entity").annotate(severity_rank=_SEVERITY_RANK).order_by("severity_rank", "-start", "-id"))


def warnings_mine(user: User) -> QuerySet[Warning]:
    """Open warnings the operator took into his queue, the most severe first."""
    return _open_warnings(user).filter(assigned_to=user)


def warnings_untaken(user: User) -> QuerySet[Warning]:
    """Open warnings nobody has taken yet, the most severe first."""
    return _open_warnings(user).filter(assigned_to__isnull=True)


def notices_overdue(user: User) -> QuerySet[ElectronicNotice]:
    """Notices still awaiting the firm's explanation after their deadline (raise a lead or remind the firm)."""
    return (scope_by_region(ElectronicNotice.objects.filter(status=ElectronicNotice.Status.SENT,
                                                            deadline__lt=timezone.localdate()),
                            user=user, field="entity__region__code")
            .select_related("entity", "warning").order_by("deadline", "id"))


def _warning_row(source: str):
    def row(w: Warning) -> QueueItem:
        return QueueItem(source=source, ref=f"warnings.warning:{w.pk}", title=rule_label(w.rule),
                         url=reverse("warnings:detail", args=[w.pk]), subject=w.entity.name,
                         state=str(w.get_severity_display()))
    return row


def _notice_row(source: str):
    def row(n: ElectronicNotice) -> QueueItem:
        return QueueItem(source=source, ref=f"warnings.electronicnotice:{n.pk}", title=rule_label(n.warning.rule),
                         url=reverse("warnings:detail", args=[n.warning_id]), subject=n.entity.name,
                         state=str(n.get_status_display()), due=n.deadline)
    return row


def register() -> None:
    """Called from WarningsConfig.ready()."""
    desk = "warnings:list"  # the menu entry these counts add to
    queue_register(QueueSource(
        key="warnings.mine", label=_("Warnings in my queue"), order=40, roles=OPERATORS, waiting=warnings_mine,
        row=_warning_row("warnings.mine"), nav=desk, more=lambda user: reverse("warnings:list") + "?status=open&mine=1"))
    queue_register(QueueSource(
        key="warnings.untaken", label=_("Open warnings nobody has taken"), order=41, roles=OPERATORS,
        waiting=warnings_untaken, row=_warning_row("warnings.untaken"), nav=desk,
        more=lambda user: reverse("warnings:list") + "?status=open"))
    queue_register(QueueSource(
        key="warnings.notices_overdue", label=_("Electronic notices past their deadline"), order=43, roles=OPERATORS,
        waiting=notices_overdue, row=_notice_row("warnings.notices_overdue"), due_field="deadline", nav=desk,
        more=lambda user: reverse("warnings:list") + "?status=notified"))
