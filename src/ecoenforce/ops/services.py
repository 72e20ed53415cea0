"""Scheduled rule runs: claim a slot and start its run through the warnings desk's own entry points."""

from __future__ import annotations

import os
import socket

from django.db import IntegrityError, transaction

from ecoenforce.ops.models import ScheduledSlot
from ecoenforce.ops.schedule import DAILY, Slot


def process_name() -> str:
    """host:pid of this process (who claimed a slot)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def slot_start(*, slot: Slot) -> ScheduledSlot | None:
    """Claim `slot` and queue its rule run, all in one transaction; None when another scheduler already has it.

    The run is created and queued with the warnings desk's `rule_run_create` and `rule_run_task` (its owner's entry
    points, unchanged); a daily slot also queues the `settings.DAILY_TASKS` (once a day, however many schedulers).
    With the database task backend the queued tasks are rows of the same transaction, so a scheduler killed here
    leaves either everything or nothing.
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
        if slot.kind == DAILY:
            for daily_task in daily_tasks():
                daily_task.enqueue()
    return claimed


def daily_tasks() -> list:
    """The tasks `settings.DAILY_TASKS` names (the compliance calendar's reminders …), enqueued with the daily slot:
    ops knows them by name only, so it imports no app above it."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    return [import_string(path) for path in getattr(settings, "DAILY_TASKS", ())]
