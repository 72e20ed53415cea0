"""Readable, translated lines for the classification's reasons."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ecoenforce.registry.models import CreditGrade, EntityEvent, PermitClass
from ecoenforce.registry.risk import Reason


def reason_label(reason: Reason) -> dict:
    """{text, points} for one reason, in the person's language."""
    if reason.factor == "permit_class":
        text = _("Permit class: %(c)s") % {"c": PermitClass(reason.detail).label if reason.detail in PermitClass.values else reason.detail}
    elif reason.factor == "key_unit":
        text = _("Listed as a key discharging unit")
    elif reason.factor == "industry":
        text = _("High-risk industry (GB/T 4754 %(code)s)") % {"code": reason.detail}
    elif reason.factor == "discharge":
        text = _("Annual discharge of main pollutants: %(t)s t") % {"t": reason.detail}
    elif reason.factor == "sensitive_receptor":
        text = _("Near a sensitive receptor (residents, school, hospital, drinking water)")
    elif reason.factor == "credit":
        label = CreditGrade(reason.detail).label if reason.detail in CreditGrade.values else reason.detail
        text = _("Environmental credit grade: %(g)s") % {"g": label}
    elif reason.factor.startswith("event:"):
        kind = reason.factor.removeprefix("event:")
        label = EntityEvent.Kind(kind).label if kind in EntityEvent.Kind.values else kind
        text = _("%(event)s × %(n)s in the scoring window") % {"event": label, "n": reason.detail}
    elif reason.factor == "combine":
        impact, percent = reason.detail.split("x", 1)
        text = _("Score = impact %(impact)s × performance %(percent)s") % {"impact": impact, "percent": percent}
    elif reason.factor == "class_rule":
        text = {
            "penalised_last_year": _("Special: penalised within the last year"),
            "incident_last_year": _("Special: environmental incident within the last year"),
            "tips_last_year": _("Special: three or more tips within the last year"),
            "credit_warning_or_poor": _("Special: credit rated warning or poor and not restored"),
            "key_unit": _("Key: listed key discharging unit"),
            "key_permit": _("Key: key-management permit"),
            "score_at_or_above_threshold": _("Key: score at or above the policy threshold"),
            "none_of_the_above": _("General: no special or key criterion applies"),
        }.get(reason.detail, reason.detail)
    else:
        text = f"{reason.factor}: {reason.detail}"
    return {"text": text, "points": reason.points, "is_rule": reason.factor in ("class_rule", "combine")}
