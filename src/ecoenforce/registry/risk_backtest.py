"""The back-test over a history file, in the person's language: the pure `backtest.run` with the policy in force,
its refusals as sentences that say what to change, and the figures as rows for the table, the CLI and the chart."""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from ecoenforce.core.access import require_role
from ecoenforce.core.audit import audit_record
from ecoenforce.core.errors import NotFound, ValidationFailed
from ecoenforce.core.models import Role, User
from ecoenforce.registry import backtest
from ecoenforce.registry.models import RiskBacktest
from ecoenforce.registry.risk_history import (
    History,
    HistoryRefused,
    read_history,
    read_kind_map,
    report_lines,
)
from ecoenforce.registry.risk_services import history_facts, risk_policy_current

BACKTEST_ROLES = (Role.UNIT_LEADER,)

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


def learned_note(data: dict) -> str:
    """Why the learned score is absent, or how it was fitted (from `result_data`)."""
    missing, model = data.get("learned_missing", ""), data.get("model")
    if missing == "short":
        return _("Learned score not fitted: the history before the cut-off is shorter than the horizon plus a year. "
                 "The points policy stays in use.")
    if missing.startswith("too_few:"):
        return _("Learned score not fitted: the history before the cut-off holds %(n)s later violations, and at least "
                 "%(min)d are needed. The points policy stays in use.") % {
                     "n": missing.split(":", 1)[1], "min": backtest.risk_learned.MIN_POSITIVES}
    if model:
        fitted = _("Learned score fitted on %(n)d entities with %(p)d violations found in the periods before the "
                   "cut-off; no event after the cut-off was read.") % {"n": model["entities"], "p": model["positives"]}
        return f"{fitted} {learned_verdict(data)}".strip()
    return ""


def learned_verdict(data: dict) -> str:
    """Whether this back-test supports switching: the learned score's lift in the top 10 % above both the points
    policy's and the naive count's (the score in force and the plain rule a leader would otherwise use)."""
    lift = {row["arm"]: row["lift"][backtest.SHARES.index(0.10)] for row in data.get("rows", [])}
    if "learned" not in lift:
        return ""
    figures = {"l": f"{lift['learned']:.2f}", "p": f"{lift['policy_points']:.2f}", "n": f"{lift['naive']:.2f}"}
    if lift["learned"] > max(lift["policy_points"], lift["naive"]):
        return _("On this history the learned score ranks better than the points policy and the naive count (lift in "
                 "the top tenth: learned %(l)s×, points policy %(p)s×, naive count %(n)s×): this back-test supports "
                 "switching to it.") % figures
    return _("On this history the learned score does not rank better than both the points policy and the naive count "
             "(lift in the top tenth: learned %(l)s×, points policy %(p)s×, naive count %(n)s×): keep the points "
             "policy, or back-test a longer history.") % figures


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
    note = learned_note(result_data(result))
    if note:
        lines.append(note)
    return lines


def result_data(result: backtest.Backtest) -> dict:
    """What the page keeps of a back-test (numbers and codes; the words are chosen when it is read)."""
    return {"cutoff": result.cutoff.isoformat(), "end": result.end.isoformat(), "entities": result.entities,
            "violators": result.violators, "budget": result.budget, "base_rate": round(100 * result.base_rate, 1),
            "rows": [{k: v for k, v in row.items() if k != "label"} for row in table_rows(result)],
            "learned_missing": result.learned_missing,
            "model": {"entities": result.model.entities, "positives": result.model.positives} if result.model else None}


def _load(job: RiskBacktest, actor: User) -> History:
    kind_map = read_kind_map(bytes(job.map_content), job.map_filename) if job.map_filename else None
    return read_history(bytes(job.content), job.filename, today=timezone.localdate(), kind_map=kind_map,
                        registry_facts=partial(history_facts, user=actor))


@transaction.atomic
def risk_backtest_request(*, actor: User, filename: str, data: bytes, cutoff: dt.date, horizon: str = "12m",
                          budget: int | None = None, map_filename: str = "", map_data: bytes | None = None
                          ) -> RiskBacktest:
    """Check the history now (every problem with its row), then queue the back-test for the worker."""
    require_role(actor, BACKTEST_ROLES)
    span = parse_horizon(horizon)
    job = RiskBacktest(requested_by=actor, filename=filename[:200], content=data, cutoff=cutoff, horizon=horizon,
                       budget=budget, map_filename=map_filename[:200] if map_data else "", map_content=map_data)
    try:
        history = _load(job, actor)
    except HistoryRefused as refused:
        raise ValidationFailed(" ".join(report_lines(refused.report)),
                               details={"file": report_lines(refused.report)}) from None
    try:  # the dates and the budget are checked before the job is queued
        backtest.check(first=history.first, last=history.last, cutoff=cutoff, horizon=span, budget=budget,
                       entities=len(history.events))
    except backtest.BacktestRefused as refused:
        raise ValidationFailed(refusal_message(refused)) from None
    job.save()
    audit_record(actor=actor, obj=job, action="risk_backtest.request",
                 after={"file": job.filename, "cutoff": cutoff.isoformat(), "horizon": horizon, "budget": budget})
    from ecoenforce.registry.tasks import risk_backtest_task

    transaction.on_commit(lambda: risk_backtest_task.enqueue(job.pk))
    return job


def risk_backtest_run(*, job_id: int) -> RiskBacktest:
    """Run one queued back-test (in the worker) and keep its figures, or why it failed."""
    claimed = RiskBacktest.objects.filter(pk=job_id, status=RiskBacktest.Status.QUEUED).update(
        status=RiskBacktest.Status.RUNNING)
    job = RiskBacktest.objects.select_related("requested_by").get(pk=job_id)
    if not claimed:
        return job
    try:
        history = _load(job, job.requested_by)
        result = run_backtest(history, cutoff=job.cutoff, horizon=job.horizon, budget=job.budget)
    except (HistoryRefused, ValidationFailed) as exc:
        message = " ".join(report_lines(exc.report)) if isinstance(exc, HistoryRefused) else str(exc.message)
        RiskBacktest.objects.filter(pk=job_id).update(status=RiskBacktest.Status.FAILED, error=message[:4000],
                                                      finished_at=timezone.now())
    except Exception as exc:  # the record must say it failed instead of staying "running" forever
        RiskBacktest.objects.filter(pk=job_id).update(status=RiskBacktest.Status.FAILED, error=repr(exc)[:4000],
                                                      finished_at=timezone.now())
        raise
    else:
        RiskBacktest.objects.filter(pk=job_id).update(status=RiskBacktest.Status.DONE, result=result_data(result),
                                                      finished_at=timezone.now())
    job.refresh_from_db()
    return job


def risk_backtests_for(*, user: User):
    """The user's own back-tests, newest first (a leader sees the files they uploaded)."""
    require_role(user, BACKTEST_ROLES)
    return RiskBacktest.objects.filter(requested_by=user).defer("content", "map_content")


def risk_backtest_get(*, user: User, job_id: int) -> RiskBacktest:
    """One of the user's back-tests; anyone else's reads as not found."""
    job = risk_backtests_for(user=user).filter(pk=job_id).first()
    if job is None:
        raise NotFound(_("No such back-test."))
    return job


def gains_chart(data: dict) -> dict:
    """The ECharts option of the gains curve: share of later violators found against share of entities inspected."""
    return {
        "animation": False,
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0, "type": "scroll"},
        "grid": {"left": 56, "right": 16, "top": 48, "bottom": 48},
        "xAxis": {"type": "value", "min": 0, "max": 100, "name": _("Entities inspected (%)"),
                  "nameLocation": "middle", "nameGap": 28},
        "yAxis": {"type": "value", "min": 0, "max": 100, "name": _("Later violators found (%)"),
                  "nameLocation": "middle", "nameGap": 38},
        "series": [{"name": str(ARM_LABELS[row["arm"]]), "type": "line", "showSymbol": False, "data": row["gains"]}
                   for row in data["rows"]],
    }


def result_rows(data: dict) -> list[dict]:
    """The stored rows with their labels in the reader's language."""
    return [{**row, "label": str(ARM_LABELS[row["arm"]])} for row in data.get("rows", [])]
