"""The leads' share of the work queue: leads given to me to verify, and (for leaders) leads nobody has yet."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ecoenforce.core.models import Role
from ecoenforce.core.queue import QueueItem, QueueSource, queue_register
from ecoenforce.leads.models import Lead
from ecoenforce.leads.selectors import leads_assigned_to, leads_to_assign


def _row(source: str):
    def row(lead: Lead) -> QueueItem:
        return QueueItem(source=source, ref=f"leads.lead:{lead.pk}", title=f"{lead.number} {lead.title}",
                         url=reverse("leads:detail", args=[lead.pk]),
                         subject=lead.entity.name if lead.entity else lead.region.name,
                         state=str(lead.get_source_display()), due=lead.assignment_due)
    return row


def register() -> None:
    """Called from LeadsConfig.ready()."""
    queue_register(QueueSource(
        key="leads.assigned", label=_("Leads given to me to verify"), order=20,
        roles=frozenset({Role.INSPECTOR, Role.UNIT_LEADER}), waiting=leads_assigned_to, row=_row("leads.assigned"),
        due_field="assignment_due", nav="leads:list", more=lambda user: reverse("leads:list") + "?assignee=me",
    ))
    queue_register(QueueSource(
        key="leads.to_assign", label=_("New leads to give to an officer"), order=25,
        roles=frozenset({Role.UNIT_LEADER}), waiting=leads_to_assign, row=_row("leads.to_assign"),
        nav="leads:list", more=lambda user: reverse("leads:list") + "?status=new&assignee=none",
    ))
