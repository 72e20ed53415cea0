"""The case page's panel: the sampling requests made from the case, their status and results, and the way to
request sampling from it."""

from __future__ import annotations

from ecoenforce.cases.panels import MAIN, CasePanel, case_panel_register
from ecoenforce.core.access import has_role
from ecoenforce.sampling.selectors import requests_for_case
from ecoenforce.sampling.services import REQUEST_ROLES


def sampling_panel(*, case, user, **_context) -> list[CasePanel]:
    from ecoenforce.sampling.models import Result

    requests = list(requests_for_case(user=user, case=case))
    exceeded: dict[int, list] = {}
    for r in Result.objects.filter(sample__request__in=requests, exceeded=True).select_related("sample", "factor"):
        exceeded.setdefault(r.sample.request_id, []).append(r)
    for req in requests:
        req.exceeded_results = exceeded.get(req.pk, [])
    may_request = has_role(user, REQUEST_ROLES) and case.stage != "closed"
    if not requests and not may_request:
        return []
    return [CasePanel("sampling/_case_panel.html", {"requests": requests, "may_request": may_request, "case": case},
                      order=50, column=MAIN)]


def register() -> None:
    case_panel_register("sampling", sampling_panel)
