"""Background work of core: checking the whole audit chain (run by the task worker, never inside a page load)."""

from __future__ import annotations

from django_tasks import task


@task()
def audit_verification_task(job_id: int) -> None:
    """Walk the chain for one recorded verification job."""
    from ecoenforce.core.services import audit_verification_run

    audit_verification_run(job_id=job_id)
