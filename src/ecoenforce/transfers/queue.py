"""The criminal link's work: cases meeting a threshold awaiting a transfer decision, transfer steps, and sharing
with the procuratorate — each with its deadline on the work queue."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ecoenforce.core.models import Role
from ecoenforce.core.queue import QueueItem, QueueSource, queue_register
from ecoenforce.transfers.selectors import shares_waiting_for, thresholds_waiting_for, transfers_waiting_for


def _threshold_row(facts) -> QueueItem:
    case = facts.case
    return QueueItem(source="transfers.threshold", ref=f"cases.case:{case.pk}", title=f"{case.number} {case.title}",
                     url=reverse("cases:detail", args=[case.pk]), subject=case.entity.name,
                     state=str(_("Criminal threshold met: report and decide on a transfer")), due=facts.decide_due)


def _transfer_row(t) -> QueueItem:
    return QueueItem(source="transfers.waiting", ref=f"transfers.transfer:{t.pk}",
                     title=f"{t.case.number} {t.get_kind_display()}", url=reverse("transfers:detail", args=[t.pk]),
                     subject=t.case.entity.name, state=str(t.status_label), due=t.step_due)


def _share_row(t) -> QueueItem:
    return QueueItem(source="transfers.share", ref=f"transfers.transfer:{t.pk}:share",
                     title=f"{t.case.number} {t.get_kind_display()}", url=reverse("transfers:detail", args=[t.pk]),
                     subject=t.case.entity.name, state=str(_("Share the decision with the procuratorate")),
                     due=t.share_due)


def register() -> None:
    roles = frozenset({Role.INSPECTOR, Role.UNIT_LEADER})
    more = lambda user: reverse("transfers:list")  # noqa: E731
    queue_register(QueueSource(key="transfers.threshold", label=_("Cases meeting a criminal threshold"), order=32,
                               roles=roles, waiting=thresholds_waiting_for, row=_threshold_row,
                               due_field="decide_due", nav="transfers:list", more=more))
    queue_register(QueueSource(key="transfers.waiting", label=_("Transfers to the police waiting for my step"),
                               order=33, roles=roles, waiting=transfers_waiting_for, row=_transfer_row,
                               due_field="step_due", nav="transfers:list", more=more))
    queue_register(QueueSource(key="transfers.share", label=_("Transfer decisions to share with the procuratorate"),
                               order=34, roles=roles, waiting=shares_waiting_for, row=_share_row,
                               due_field="share_due", nav="transfers:list", more=more))
