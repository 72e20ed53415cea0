"""The firm's compliance calendar: its dated obligations, gathered from the records (read-only).

- the annual disclosure report (15 March of the next year, 生态环境部令第24号 art. 14) — for key discharging units
  and any facility that has started a report;
- electronic notices awaiting the firm's explanation (their deadline);
- rectification tasks awaiting its evidence (their deadline);
- this quarter's self-inspection, until done (the quarter's last day);
- the end of a positive-list listing (its `valid_until`: re-apply before).

The discharge permit's own validity is not in the registry (only its number and class), so its renewal is not
here yet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from ecoenforce.compliance import sections, selfcheck
from ecoenforce.compliance.models import DisclosureReport, Rectification, SelfInspection
from ecoenforce.compliance.selectors import AWAITING_FIRM, firm_entities
from ecoenforce.core.models import User
from ecoenforce.registry.positive.models import PositiveListEntry
from ecoenforce.warnings.labels import rule_label
from ecoenforce.warnings.models import ElectronicNotice
from ecoenforce.warnings.notices import notices_for_firm

DISCLOSURE, NOTICE, RECTIFICATION, SELF_INSPECTION, POSITIVE_LIST = (
    "disclosure", "notice", "rectification", "self_inspection", "positive_list")


@dataclass(frozen=True)
class Obligation:
    due: dt.date
    kind: str
    title: str
    entity: str
    url: str
    ref: str  # "compliance.rectification:12", "disclosure:<entity>:<year>": one reminder per obligation and day

    def kind_label(self) -> str:
        return {DISCLOSURE: _("Disclosure report"), NOTICE: _("Electronic notice"),
                RECTIFICATION: _("Rectification"), SELF_INSPECTION: _("Self-inspection"),
                POSITIVE_LIST: _("Positive list")}[self.kind]


def obligations_for_firm(*, user: User, today: dt.date, horizon_days: int = 400) -> list[Obligation]:
    """Every obligation of the user's facilities due up to `horizon_days` ahead (the overdue ones included),
    soonest first."""
    entities = list(firm_entities(user=user))
    horizon = today + dt.timedelta(days=horizon_days)
    found: list[Obligation] = []
    published = set(DisclosureReport.objects.filter(entity__in=entities, status=DisclosureReport.Status.PUBLISHED)
                    .values_list("entity_id", "year"))
    started = set(DisclosureReport.objects.filter(entity__in=entities).values_list("entity_id", flat=True))
    quarter_start, quarter_end = selfcheck.period_of(today)
    checked = set(SelfInspection.objects.filter(entity__in=entities, period_start=quarter_start)
                  .values_list("entity_id", flat=True))
    for e in entities:
        if e.is_key_unit or e.pk in started:
            for year in (today.year - 1, today.year):
                due = sections.annual_deadline(year)
                if (e.pk, year) not in published and due <= horizon:
                    found.append(Obligation(due, DISCLOSURE, _("Environmental information disclosure for %(year)d")
                                            % {"year": year}, e.name, reverse("compliance:disclosures"),
                                            f"disclosure:{e.pk}:{year}"))
        if e.pk not in checked:
            found.append(Obligation(quarter_end, SELF_INSPECTION, _("Self-inspection of this quarter"), e.name,
                                    reverse("compliance:self_inspection_new", args=[e.pk]),
                                    f"self_inspection:{e.pk}:{quarter_start.isoformat()}"))
    for n in notices_for_firm(user=user).filter(status=ElectronicNotice.Status.SENT, deadline__lte=horizon):
        found.append(Obligation(n.deadline, NOTICE, _("Explain: %(what)s") % {"what": rule_label(n.warning.rule)},
                                n.entity.name, reverse("compliance:notice_detail", args=[n.pk]),
                                f"warnings.electronicnotice:{n.pk}"))
    for r in Rectification.objects.filter(entity__in=entities, status__in=AWAITING_FIRM,
                                          deadline__lte=horizon).select_related("entity"):
        found.append(Obligation(r.deadline, RECTIFICATION, r.title, r.entity.name,
                                reverse("compliance:rectification_detail", args=[r.pk]),
                                f"compliance.rectification:{r.pk}"))
    for p in PositiveListEntry.objects.filter(entity__in=entities, status=PositiveListEntry.Status.APPROVED,
                                              valid_until__isnull=False, valid_until__lte=horizon,
                                              valid_until__gte=today).select_related("entity"):
        found.append(Obligation(p.valid_until, POSITIVE_LIST, _("The positive-list listing ends: apply again"),
                                p.entity.name, reverse("registry:my_facilities"), f"registry.positivelistentry:{p.pk}"))
    return sorted(found, key=lambda o: (o.due, o.kind, o.entity))
