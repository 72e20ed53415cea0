"""Referrals in the work queue: a partner's referrals to answer; the bureau's incoming referrals to answer, its
answers to acknowledge, and (leaders) its overdue referrals to chase."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy

from ecoenforce.core.models import Role
from ecoenforce.core.queue import QueueItem, QueueSource, queue_register
from ecoenforce.referrals.models import Referral
from ecoenforce.referrals.selectors import (
    referral_answers_to_close,
    referrals_incoming,
    referrals_overdue_out,
    referrals_to_answer,
)


def _row(source: str):
    def row(r: Referral) -> QueueItem:
        return QueueItem(source=source, ref=f"referrals.referral:{r.pk}", title=f"{r.number} {r.title}",
                         url=reverse("referrals:detail", args=[r.pk]), subject=r.department.name,
                         state=str(r.get_status_display()), due=r.deadline if r.status == Referral.Status.SENT else None)
    return row


def register() -> None:
    queue_register(QueueSource(
        key="referrals.to_answer", label=gettext_lazy("Referrals to answer"), order=15,
        roles=frozenset({Role.PARTNER}), waiting=referrals_to_answer, row=_row("referrals.to_answer"),
        due_field="deadline", nav="referrals:list", more=lambda user: reverse("referrals:list") + "?status=sent"))
    queue_register(QueueSource(
        key="referrals.incoming", label=gettext_lazy("Referrals from departments to answer"), order=40,
        roles=frozenset({Role.INSPECTOR, Role.UNIT_LEADER}), waiting=referrals_incoming, row=_row("referrals.incoming"),
        due_field="deadline", nav="referrals:list", more=lambda user: reverse("referrals:list") + "?direction=in&status=sent"))
    queue_register(QueueSource(
        key="referrals.overdue", label=gettext_lazy("Referrals to departments overdue"), order=41,
        roles=frozenset({Role.UNIT_LEADER}), waiting=referrals_overdue_out, row=_row("referrals.overdue"),
        due_field="deadline", nav="referrals:list", more=lambda user: reverse("referrals:list") + "?overdue=1"))
    queue_register(QueueSource(
        key="referrals.answered", label=gettext_lazy("Referral answers to acknowledge"), order=42,
        roles=frozenset({Role.UNIT_LEADER, Role.PARTNER}), waiting=referral_answers_to_close,
        row=_row("referrals.answered"), nav="referrals:list",
        more=lambda user: reverse("referrals:list") + "?status=answered"))
