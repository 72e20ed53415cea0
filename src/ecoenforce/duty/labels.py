"""Names of the seven dimensions and how a measured value reads, in the user's language."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ecoenforce.duty.scorecard import Measure

DIMENSION_LABELS = {
    "intensity": _("Enforcement intensity"),
    "quality": _("Case quality"),
    "effectiveness": _("Work effectiveness"),
    "innovation": _("Optimization and innovation"),
    "guidance": _("Guidance and help"),
    "firm_rating": _("Firms' evaluation"),
    "public_rating": _("Public satisfaction"),
}


def value_text(kind: str, measure: Measure | None) -> str:
    """'12 of 15 (80 %)', '3.5 per inspector (28 / 8)', '4.2 / 5 (6 answers)', or '—' without data."""
    if measure is None or measure.value is None:
        return "—"
    n, d = measure.numerator, measure.denominator
    if kind == "share":
        return _("%(n)d of %(d)d (%(pct).0f%%)") % {"n": n, "d": d, "pct": 100 * measure.value}
    if kind == "rating":
        return _("%(mean).1f / 5 (%(d)d answers)") % {"mean": measure.value, "d": d}
    return _("%(v).1f per inspector (%(n)d / %(d)d)") % {"v": measure.value, "n": n, "d": d}


def target_text(kind: str, target: float, better: str) -> str:
    if kind == "share":
        text = f"{100 * target:.0f}%"
    elif kind == "rating":
        text = f"{target:g} / 5"
    else:
        text = f"{target:g}"
    return (_("at least %(t)s") if better == "higher" else _("at most %(t)s")) % {"t": text}
