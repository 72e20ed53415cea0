"""The close guard: a case whose facts meet a criminal threshold cannot be decided or closed administratively until
a transfer decision is on record (a transfer approved, or a reasoned decision not to transfer) — registered in
`cases.hooks` by TransfersConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ecoenforce.cases.workflow import Stage
from ecoenforce.core.errors import InvalidTransition
from ecoenforce.transfers import thresholds
from ecoenforce.transfers.labels import hit_text
from ecoenforce.transfers.models import CaseFacts, Transfer
from ecoenforce.transfers.workflow import DECIDED


def threshold_hits(case) -> list[thresholds.Hit]:
    """The thresholds the case's recorded facts meet now (none when no facts are recorded)."""
    values = CaseFacts.objects.filter(case=case).values_list("values", flat=True).first()
    return thresholds.check(thresholds.Facts.from_values(values)) if values else []


def transfer_decided(case) -> bool:
    return Transfer.objects.filter(case=case, kind=Transfer.Kind.CRIMINAL, status__in=DECIDED).exists()


def criminal_link_guard(*, case, step, actor, today) -> None:
    """Refuse `decide` and every move to closed while a threshold is met without a transfer decision."""
    if not (step.needs_decision or step.target == Stage.CLOSED):
        return
    hits = threshold_hits(case)
    if hits and not transfer_decided(case):
        raise InvalidTransition(
            _("The facts of this case meet a criminal threshold (%(rules)s): it cannot be decided or closed "
              "administratively until a transfer decision is on record — the transfer to the police approved, or a "
              "reasoned decision not to transfer approved by the unit leader.")
            % {"rules": "；".join(f"{h.article}: {hit_text(h)}" for h in hits)},
            code="transfer_decision_required")
