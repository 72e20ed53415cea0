"""Background work of the warnings desk: a rule run (database-backed queue or immediate, per settings.TASKS)."""

from __future__ import annotations

from django_tasks import task


@task()
def rule_run_task(run_id: int) -> None:
    """Execute a recorded rule run."""
    from ecoenforce.warnings.runs import rule_run_execute

    rule_run_execute(run_id=run_id)
