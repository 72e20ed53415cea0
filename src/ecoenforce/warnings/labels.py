"""Display names and explanations of the rules (translated; the rules package itself stays Django-free)."""

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from ecoenforce.monitoring.factors import factor_label

RULE_LABELS = {
    "exceedance": _("Exceedance"),
    "flag_abuse": _("Exceedance hidden under a maintenance/calibration flag"),
    "zs_inconsistent": _("Corrected value inconsistent with raw value and O2"),
    "flatline": _("Flat-lined values"),
    "zero_negative": _("Zero or negative values"),
    "abrupt_drop": _("Abrupt drop while flow continues"),
    "outage": _("Missing data / transmission outage"),
    "flow_zero": _("Zero flow while concentrations move"),
    "cou_inconsistent": _("Load inconsistent with flow × concentration"),
    "identical_trends": _("Unrelated factors moving identically"),
    "treatment_off": _("Treatment equipment off while producing"),
    "treatment_idling": _("Treatment equipment idling"),
}
RULE_HELP = {
    "exceedance": _("Valid (N-flagged) data above the applicable limit over its averaging period, O2-corrected where the standard says so."),
    "flag_abuse": _("Hours flagged maintenance, calibration, fault or stopped whose values would have exceeded the limit, and manually set values."),
    "zs_inconsistent": _("The corrected concentration does not follow from the raw value and O2: the corrected channel may have been edited."),
    "flatline": _("The same value repeated hour after hour: a stuck analyser or a value typed into the data logger."),
    "zero_negative": _("Zeros or negative values from a source that reports it is running: a disconnected or zeroed analyser."),
    "abrupt_drop": _("Concentration fell sharply and stayed down while the flow carried on: dilution, bypass or a blocked probe."),
    "outage": _("No usable data for several hours: transmission cut, data logger off or strategic downtime."),
    "flow_zero": _("Flow reported as zero while concentrations keep moving: the flow meter may be disconnected to cut the reported load."),
    "cou_inconsistent": _("The reported emission amount is not concentration × flow volume: edited loads or a tampered flow channel."),
    "identical_trends": _("Two unrelated factors moved identically all day: one analog signal wired into several channels."),
    "treatment_off": _("Production drew power while the pollution-control equipment drew none."),
    "treatment_idling": _("Pollution-control equipment ran far below its usual share of production power."),
}


def rule_label(rule: str) -> str:
    """The translated name of a rule (the code itself when unknown)."""
    return str(RULE_LABELS.get(rule, rule))


def _num(x: float) -> str:
    """A measured value without noise: up to three decimals, trailing zeros dropped."""
    return f"{x:.3f}".rstrip("0").rstrip(".") if x == x else "—"


def warning_measure(rule: str, pollutant: str, value: float, threshold: float) -> str:
    """What a warning measured, in words and units ('24 hours without usable data', '52.5 mg/m³ against a limit
    of 35 mg/m³'), never a bare 'value / threshold'."""
    unit = factor_label(pollutant)["unit"]

    def q(x: float) -> str:
        return f"{_num(x)} {unit}" if unit else _num(x)

    if rule == "outage":
        n = round(value)
        return ngettext("%(n)d hour without usable data (a warning from %(min)d hours)",
                        "%(n)d hours without usable data (a warning from %(min)d hours)", n) % {
            "n": n, "min": round(threshold)}  # fmt: skip
    if rule in ("exceedance", "flag_abuse"):
        return gettext("%(value)s against a limit of %(limit)s") % {"value": q(value), "limit": q(threshold)}
    if rule in ("zs_inconsistent", "cou_inconsistent"):
        return gettext("%(value)s reported, %(expected)s expected") % {"value": q(value), "expected": q(threshold)}
    if rule == "abrupt_drop":
        return gettext("fell from %(before)s to %(after)s") % {"before": q(threshold), "after": q(value)}
    if rule == "flatline":
        return gettext("%(value)s repeated hour after hour") % {"value": q(value)}
    if rule == "zero_negative":
        return gettext("lowest value %(value)s") % {"value": q(value)}
    if rule == "identical_trends":
        return gettext("correlation %(r)s (a warning from %(min)s)") % {"r": _num(value), "min": _num(threshold)}
    if rule == "flow_zero":
        return gettext("flow zero while concentrations varied by %(cv)s %%") % {"cv": _num(value * 100)}
    if rule == "treatment_off":
        return gettext("treatment equipment at most %(value)s while production ran") % {"value": q(value)}
    if rule == "treatment_idling":
        return gettext("treatment power %(value)s %% of production, usually above %(min)s %%") % {
            "value": _num(value * 100), "min": _num(threshold * 100)}  # fmt: skip
    return f"{q(value)} / {q(threshold)}"
