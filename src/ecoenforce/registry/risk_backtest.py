"""The back-test over a history file, in the person's language: the pure `backtest.run` with the policy in force,
its refusals as sentences that say what to change, and the figures as rows for the table, the CLI and the chart."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from ecoenforce.core.errors import ValidationFailed
from ecoenforce.registry import backtest
from ecoenforce.registry.risk_history import History
from ecoenforce.registry.risk_services import risk_policy_current

ARM_LABELS = {
    "random": _lazy("Random (uniform)"),
    "naive": _lazy("Naive count (past violations, penalties, incidents, tips)"),
    "policy_class": _lazy("Policy classes (special > key > general)"),
    "policy_points": _lazy("Policy points"),
    "learned": _lazy("Learned score"),
}


def parse_horizon(text: str) -> tuple[int, str]:
    try:
        return backtest.parse_horizon(text)
    except ValueError:
        raise ValidationFailed(_("The horizon '%(h)s' cannot be read. Write months (12m), days (365d) or years (1y).")
                               % {"h": text}) from None


def refusal_message(refused: backtest.BacktestRefused) -> str:
    p = refused.params
    if refused.code == "cutoff_outside":
        return _("The cut-off must fall inside the history, which runs from %(first)s to %(last)s. Choose a cut-off "
                 "between these dates.") % {"first": p["first"], "last": p["last"]}
    if refused.code == "horizon_beyond":
        return _("The history ends on %(last)s, before the horizon after the cut-off does. Choose a cut-off on or "
                 "before %(latest)s, or a shorter horizon.") % {"last": p["last"], "latest": p["latest"]}
    if refused.code == "no_violators":
        return _("No violation was found between %(cutoff)s and %(end)s, so no rule can be judged. Choose an earlier "
                 "cut-off or a longer horizon.") % {"cutoff": p["cutoff"], "end": p["end"]}
    if refused.code == "budget":
        return _("The budget must be between 1 and the %(n)d entities of the history.") % {"n": p["entities"]}
    return refused.code


def learned_note(result: backtest.Backtest) -> str:
    """Why the learned score is absent, or how it was fitted."""
    if result.learned_missing == "short":
        return _("Learned score not fitted: the history before the cut-off is shorter than the horizon plus a year. "
                 "The points policy stays in use.")
    if result.learned_missing.startswith("too_few:"):
        return _("Learned score not fitted: the history before the cut-off holds %(n)s later violations, and at least "
                 "%(min)d are needed. The points policy stays in use.") % {
                     "n": result.learned_missing.split(":", 1)[1], "min": backtest.risk_learned.MIN_POSITIVES}
    if result.model is not None:
        return _("Learned score fitted on %(n)d entities with %(p)d violations found in the periods before the "
                 "cut-off; no event after the cut-off was read.") % {"n": result.model.entities,
                                                                     "p": result.model.positives}
    return ""


def run_backtest(history: History, *, cutoff: dt.date, horizon: str = "12m", budget: int | None = None
                 ) -> backtest.Backtest:
    """Every arm's figures, or ValidationFailed saying what to change."""
    span = parse_horizon(horizon)
    try:
        return backtest.run(history.events, history.facts, first=history.first, last=history.last, cutoff=cutoff,
                            horizon=span, budget=budget, policy=risk_policy_current())
    except backtest.BacktestRefused as refused:
        raise ValidationFailed(refusal_message(refused)) from None


def table_rows(result: backtest.Backtest) -> list[dict]:
    """One row per arm: label, lifts, per 100 inspections, share found (numbers rounded for reading)."""
    return [{"arm": a.arm, "label": str(ARM_LABELS[a.arm]),
             "lift": [round(a.lift[s], 2) for s in backtest.SHARES], "per_100": round(a.per_100, 1),
             "found": round(100 * a.found_share, 1), "gains": [[round(x, 1), round(y, 1)] for x, y in a.gains]}
            for a in result.arms]


def table_text(result: backtest.Backtest) -> list[str]:
    """The table for the terminal."""
    lines = [_("Back-test: scored as of %(cutoff)s, violations found up to %(end)s; %(n)d entities, %(v)d later "
               "violators (base rate %(rate).1f%%); budget %(b)d inspections.") % {
                   "cutoff": result.cutoff, "end": result.end, "n": result.entities, "v": result.violators,
                   "rate": 100 * result.base_rate, "b": result.budget}]
    header = [_("rule"), _("lift top 5%"), _("lift top 10%"), _("lift top 20%"), _("found per 100 inspections"),
              _("share of violators found")]
    lines.append(" | ".join(str(h) for h in header))
    for row in table_rows(result):
        lines.append(" | ".join([row["label"], *(f"{v:.2f}" for v in row["lift"]), f"{row['per_100']:.1f}",
                                 f"{row['found']:.1f}%"]))
    note = learned_note(result)
    if note:
        lines.append(note)
    return lines
