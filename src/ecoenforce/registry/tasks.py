"""Background work of the registry: a leader's back-test of a history file; fitting the learned score."""

from __future__ import annotations

from django_tasks import task


@task()
def risk_backtest_task(job_id: int) -> None:
    """Run one queued back-test."""
    from ecoenforce.registry.risk_backtest import risk_backtest_run

    risk_backtest_run(job_id=job_id)


@task()
def risk_score_fit_task(job_id: int) -> None:
    """Fit the learned score a leader switched to, and put it in force."""
    from ecoenforce.registry.risk_services import risk_score_fit_run

    risk_score_fit_run(job_id=job_id)
