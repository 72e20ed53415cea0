"""Readable, translated lines for the positive-list criteria."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ecoenforce.registry.models import CreditGrade, PermitClass
from ecoenforce.registry.positive.criteria import Criterion


def criterion_label(c: Criterion) -> dict:
    """{text, fact, met} for one criterion, in the person's language."""
    text = {
        "permit": _("Holds a pollutant permit or registration"),
        "no_penalty": _("No eco-environmental penalty in the past 2 years"),
        "no_incident": _("No environmental incident in the past 2 years"),
        "monitoring": _("Automatic monitoring installed and networked"),
        "reports_on_time": _("Permit execution reports submitted on time"),
        "credit": _("Credit grade is not warning, poor or serious breach"),
        "industry": _("Not an excluded industry (sewage works, solid or hazardous waste, sanitation)"),
        "no_open_matter": _("No open monitoring warning and no electronic notice awaiting an explanation"),
    }.get(c.key, c.key)
    d = c.detail
    if c.key == "permit":
        fact = PermitClass(d).label if d in PermitClass.values else d
    elif c.key in ("no_penalty", "no_incident"):
        fact = _("last on %(d)s") % {"d": d} if d else _("none recorded")
    elif c.key == "monitoring":
        fact = _("not required for this permit class") if c.met is None else (
            _("networked") if d == "networked" else _("not networked (record it on the entity when it is)"))
    elif c.key == "reports_on_time":
        fact = {"yes": _("yes"), "no": _("no"), "unknown": _("not recorded yet")}.get(d, d)
    elif c.key == "credit":
        fact = CreditGrade(d).label if d in CreditGrade.values else _("not rated")
    elif c.key == "no_open_matter":
        warnings, _sep, notices = d.partition(",")
        fact = _("none") if c.met else _("open warnings: %(w)s; notices awaiting an explanation: %(n)s") % {
            "w": warnings or "0", "n": notices or "0"}
    else:
        fact = d
    return {"key": c.key, "text": text, "fact": fact, "met": c.met}
