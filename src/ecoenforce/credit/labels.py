"""Readable, translated lines for a stored credit explanation (names, never codes)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecoenforce.registry.models import CreditGrade

INDICATORS = {
    "penalties": gettext_lazy("Administrative penalties decided"),
    "large_fines": gettext_lazy("Fines of ¥50,000 or more"),
    "cases_open": gettext_lazy("Cases filed, not yet decided"),
    "warnings": gettext_lazy("Monitoring warnings confirmed by an operator"),
    "notices_late": gettext_lazy("Electronic notices answered late or not at all"),
    "inspection_violations": gettext_lazy("Inspections that found a violation"),
    "inspections_clean": gettext_lazy("Inspections without violation"),
    "positive_list": gettext_lazy("On the supervision positive list"),
}

NO_DATA = {
    "warnings": gettext_lazy("No automatic monitoring networked and no warnings or notices: no data, not counted "
                             "as clean."),
    "notices_late": gettext_lazy("No automatic monitoring networked and no notices: no data, not counted as clean."),
    "inspection_violations": gettext_lazy("Not inspected in the period: no data, not counted as clean."),
    "inspections_clean": gettext_lazy("Not inspected in the period: no data, no bonus."),
    "penalties": gettext_lazy("No case data: not counted as clean."),
    "large_fines": gettext_lazy("No case data: not counted as clean."),
    "positive_list": gettext_lazy("Positive-list status unknown."),
}

VETOES = {
    "crime": gettext_lazy("Environmental crime (one-vote veto)"),
    "no_eia": gettext_lazy("Built without an approved EIA (one-vote veto)"),
    "facilities_not_accepted": gettext_lazy("Operating before environmental facilities were accepted (one-vote veto)"),
    "hidden_pipe": gettext_lazy("Hidden pipes, seepage wells or other ways of evading supervision (one-vote veto)"),
    "hazardous_waste": gettext_lazy("Illegal hazardous-waste disposal (one-vote veto)"),
    "total_load": gettext_lazy("Exceeding the total-load cap (one-vote veto)"),
}


def grade_label(grade: str) -> str:
    return str(CreditGrade(grade).label) if grade in CreditGrade.values else grade


def explanation_lines(explanation: dict) -> dict:
    """{items, vetoes, incident, missing} ready for a template, in the person's language."""
    items = []
    for item in explanation.get("items", []):
        key = item["indicator"]
        items.append({"label": str(INDICATORS.get(key, key)), "has_data": item["has_data"], "count": item["count"],
                      "points": item["points"], "refs": item.get("refs", []),
                      "no_data": str(NO_DATA.get(key, _("No data: not counted as clean."))) if not item["has_data"]
                      else ""})
    vetoes = [{"label": str(VETOES.get(v["key"], v["key"])), "grade": grade_label(v["grade"]),
               "repairable": v["repairable"], "refs": v["refs"]} for v in explanation.get("vetoes", [])]
    return {"items": items, "vetoes": vetoes, "incident_refs": explanation.get("incident_refs", []),
            "missing": [str(INDICATORS.get(k, k)) for k in explanation.get("missing", [])],
            "score_grade": grade_label(explanation.get("score_grade", ""))}
