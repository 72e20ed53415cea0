"""Readable, translated lines for the classification's reasons."""

from __future__ import annotations

import math

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from ecoenforce.registry.models import CreditGrade, EntityEvent, PermitClass
from ecoenforce.registry.risk import Reason
from ecoenforce.registry.risk_learned import Contribution


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


WINDOW_WORDS = {"365d": _lazy("in the last year"), "730d": _lazy("one to two years ago"),
                "1825d": _lazy("two to five years ago"), "decay": _lazy("recency-weighted (recent ones count more)")}
CREDIT_BY_VALUE = {-1.0: "green", 0.0: "blue", 1.0: "yellow", 2.0: "red", 3.0: "black"}


def contribution_label(c: Contribution) -> dict:
    """{text, effect} for one reason of the learned score, in the person's language."""
    name, value = c.name, c.value
    if ":" in name and name.split(":")[0] in EntityEvent.Kind.values:
        kind, window = name.split(":", 1)
        count = f"{value:.1f}" if window == "decay" else f"{value:g}"
        text = _("%(event)s, %(when)s: %(n)s") % {"event": EntityEvent.Kind(kind).label, "when": WINDOW_WORDS[window],
                                                 "n": count}
    elif name.startswith("permit:"):
        klass = name.split(":", 1)[1]
        text = _("Permit class: %(c)s") % {"c": PermitClass(klass).label}
    elif name == "violation_share":
        text = _("Share of its inspections that found a violation: %(p)s%%") % {"p": f"{100 * value:.0f}"}
    elif name == "years_since_inspection":
        text = _("Years since its last inspection: %(y)s") % {"y": f"{value:.1f}"}
    elif name == "never_inspected":
        text = _("Never inspected")
    elif name == "key_unit":
        text = _("Listed as a key discharging unit")
    elif name == "high_risk_industry":
        text = _("High-risk industry")
    elif name in ("log_discharge", "discharge_known"):
        text = _("Annual discharge of main pollutants known") if name == "discharge_known" else \
            _("Annual discharge of main pollutants: %(t)s t") % {"t": f"{math.expm1(value):.3g}"}
    elif name == "sensitive_receptor":
        text = _("Near a sensitive receptor (residents, school, hospital, drinking water)")
    elif name == "credit":
        grade = CREDIT_BY_VALUE.get(value, "blue")
        text = _("Environmental credit grade: %(g)s") % {"g": CreditGrade(grade).label}
    else:
        text = name
    return {"text": text, "effect": round(c.effect, 2)}


def draw_weight_reason(row: dict) -> str:
    """Why an entity weighs what it weighs in a risk-proportional round (DrawWeight.as_dict() or a round's
    weighting row): the score in force and the credit grade's multiplier, in the reader's language."""
    parts = []
    if row.get("source") == "learned":
        parts.append(_("learned score %(p)s%%") % {"p": f"{100 * float(row['score']):.1f}"})
    elif row.get("source") == "points":
        parts.append(_("risk score %(s)s (points policy) + 1") % {"s": f"{float(row['score']):g}"})
    grade = row.get("grade") or ""
    if grade:
        label = str(CreditGrade(grade).label) if grade in CreditGrade.values else grade
        parts.append(_("credit grade %(grade)s: × %(m)s") % {"grade": label, "m": row.get("multiplier", "1")})
    else:
        parts.append(_("no credit grade: × 1"))
    return " · ".join(parts)
