"""Self-inspection (自查) checklists per industry group, as policy data (pure: no Django).

Every firm answers the general items; an industry group adds its own (the group is found by the industry code's
prefix, GB/T 4754). A firm checks once per quarter; each item is answered "in order", "problem found" (with what
and by when it will be put right: it becomes the firm's own rectification task) or "does not apply".
Item texts are English msgids, translated where shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

OK, PROBLEM, NA = "ok", "problem", "na"
ANSWERS = (OK, PROBLEM, NA)
PERIOD_MONTHS = 3  # one check per calendar quarter


def _(s: str) -> str:
    return s


@dataclass(frozen=True)
class Item:
    key: str
    text: str


@dataclass(frozen=True)
class Template:
    key: str
    title: str
    prefixes: tuple[str, ...]  # industry codes starting with these use the template
    items: tuple[Item, ...]


GENERAL = (
    Item("permit_valid", _("The discharge permit is valid and its holder, outlets and limits match the site.")),
    Item("permit_reports", _("The permit's execution reports and ledgers for the period were filed on time.")),
    Item("facilities_running", _("Every treatment facility ran whenever production ran, with its operating log.")),
    Item("outlets_marked", _("Discharge outlets carry their signboards and sampling points are reachable.")),
    Item("self_monitoring", _("Self-monitoring was done as the plan says and the results were published.")),
    Item("hazardous_waste", _("Hazardous waste is stored in a marked store, logged, and transferred with manifests.")),
    Item("emergency_plan", _("The emergency plan is filed, and the drill of the year was held.")),
)
TEMPLATES = (
    Template("general", _("All industries"), ("",), GENERAL),
    Template("power", _("Thermal power and heat"), ("44",), GENERAL + (
        Item("cems", _("The continuous emission monitors were calibrated and their data is complete.")),
        Item("desulfurization", _("Desulfurization and denitrification ran at their design efficiency.")),
    )),
    Template("cement", _("Cement and building materials"), ("30",), GENERAL + (
        Item("dust", _("Raw material yards are enclosed and dust collectors show no visible emissions.")),
        Item("cems", _("The continuous emission monitors were calibrated and their data is complete.")),
    )),
    Template("water", _("Sewage treatment"), ("462",), GENERAL + (
        Item("influent", _("Influent and effluent are monitored online and the meters were checked.")),
        Item("sludge", _("Sludge is dewatered and handed to a licensed receiver with records.")),
    )),
    Template("chemical", _("Chemicals and pharmaceuticals"), ("26", "27"), GENERAL + (
        Item("vocs", _("Leak detection and repair (LDAR) of VOC equipment was done this period.")),
        Item("tanks", _("Storage tanks, bunds and rain-water outlets were checked for leaks.")),
    )),
)
BY_KEY = {t.key: t for t in TEMPLATES}


def template_for(industry_code: str) -> Template:
    """The most specific template whose prefix the industry code starts with (else the general one)."""
    code = str(industry_code or "")
    best, best_len = BY_KEY["general"], 0
    for t in TEMPLATES:
        for p in t.prefixes:
            if p and code.startswith(p) and len(p) > best_len:
                best, best_len = t, len(p)
    return best


def period_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """The quarter holding `day`: its first and last day."""
    first_month = (day.month - 1) // PERIOD_MONTHS * PERIOD_MONTHS + 1
    start = dt.date(day.year, first_month, 1)
    end_month = first_month + PERIOD_MONTHS
    end = dt.date(day.year + (end_month > 12), (end_month - 1) % 12 + 1, 1) - dt.timedelta(days=1)
    return start, end


def check_answers(template: Template, answers: dict[str, dict]) -> dict[str, str]:
    """Problems with the answers, by item key (empty: complete). A problem needs what was found."""
    problems = {}
    for item in template.items:
        a = answers.get(item.key) or {}
        if a.get("answer") not in ANSWERS:
            problems[item.key] = "unanswered"
        elif a["answer"] == PROBLEM and len(str(a.get("note") or "").strip()) < 4:
            problems[item.key] = "no_note"
    return problems
