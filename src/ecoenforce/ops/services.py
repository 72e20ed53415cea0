"""Scheduled rule runs: claim a slot and start its run through the warnings desk's own entry points."""

from __future__ import annotations

import os
import socket

from django.db import IntegrityError, transaction

from ecoenforce.ops.models import ScheduledSlot
from ecoenforce.ops.schedule import Slot


def process_name() -> str:
    """host:pid of this process (who claimed a slot)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def slot_start(*, slot: Slot) -> ScheduledSlot | None:
    """Claim `slot` and queue its rule run, all in one transaction; None when another scheduler already has it.

    The run is created and queued with the warnings desk's `rule_run_create` and `rule_run_task` (its owner's entry
    points, unchanged). With the database task backend the queued task is a row of the same transaction, so a
    scheduler killed here leaves either everything or nothing.
    """
    from ecoenforce.warnings.runs import rule_run_create
    from ecoenforce.warnings.tasks import rule_run_task

    with transaction.atomic():
        try:
            with transaction.atomic():
                claimed = ScheduledSlot.objects.create(kind=slot.kind, window_from=slot.window_from,
                                                       window_to=slot.window_to, claimed_by=process_name())  # fmt: skip
        except IntegrityError:
            return None
        run = rule_run_create(actor=None, window_from=slot.window_from, window_to=slot.window_to)
        claimed.run_id = run.pk
        claimed.save(update_fields=["run_id"])
        rule_run_task.enqueue(run.pk)
    return claimed
