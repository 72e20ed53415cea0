"""The case page's panel: the on-site and inquiry records made for the case (or from which it was opened) and every
piece of evidence on it — the records' photos, files added to the case, the monitoring station's lab report — each
with its SHA-256, the evidence list printable for the file, and the way to record on site for a handler."""

from __future__ import annotations

from django.db.models import Q

from ecoenforce.cases.panels import MAIN, CasePanel, case_panel_register
from ecoenforce.cases.workflow import OPEN_STAGES
from ecoenforce.onsite.selectors import evidence_for_case, inquiries_for_user, records_for_user


def onsite_panel(*, case, user, **_context) -> list[CasePanel]:
    records = list(records_for_user(user=user).filter(Q(case=case) | Q(opened_case=case))[:50])
    inquiries = list(inquiries_for_user(user=user).filter(case=case)[:50])
    evidence = list(evidence_for_case(user=user, case_id=case.pk)[:200])
    may_record = case.stage in OPEN_STAGES and case.handlers.filter(pk=user.pk).exists()
    if not (records or inquiries or evidence or may_record):
        return []
    return [
        CasePanel(
            "onsite/_case_panel.html",
            {
                "records": records,
                "inquiries": inquiries,
                "evidence": evidence,
                "may_record": may_record,
                "case": case,
            },
            order=40,
            column=MAIN,
        )
    ]


def register() -> None:
    case_panel_register("onsite", onsite_panel)
