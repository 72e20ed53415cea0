"""The compliance calendar's reminders: every firm user is told of each obligation REMIND_DAYS before its date
(30, 7 and 1 days) and once when it has passed — one notification per obligation, date and mark, so running the
job twice a day, or from two processes, notifies once. Rectification tasks are in the firm's work queue, whose
deadline sweep (`notifications.tasks`) already warns 3 working days before and when overdue: here they get only
the 30- and 7-day reminders.

Run daily: `compliance_reminders_task` (django-tasks, for the task worker) or `ecoenforce compliance remind
[--date]`. A page load never sends one.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from django.utils.translation import gettext_noop
from django_tasks import task

from ecoenforce.core.models import Role, User

log = logging.getLogger(__name__)
REMIND_DAYS = (30, 7, 1)
NEAR_VERB = gettext_noop("%(what)s — %(entity)s — is due on %(due)s (%(days)s days left).")
PASSED_VERB = gettext_noop("%(what)s — %(entity)s — was due on %(due)s and is overdue.")


def reminders_send(*, today: dt.date | None = None) -> dict[str, int]:
    """Send the reminders due today to every firm user; {"people", "sent"}."""
    from ecoenforce.compliance.obligations import RECTIFICATION, obligations_for_firm
    from ecoenforce.notifications.models import Kind
    from ecoenforce.notifications.services import deliver

    today = today or timezone.localdate()
    totals = {"people": 0, "sent": 0}
    users = User.objects.filter(is_active=True, role=Role.ENTERPRISE, enterprise_accounts__isnull=False).distinct()
    for user in users.order_by("pk").iterator():
        totals["people"] += 1
        for o in obligations_for_firm(user=user, today=today, horizon_days=max(REMIND_DAYS)):
            left = (o.due - today).days
            if left < 0:
                mark = "passed"
            else:
                mark = str(min(n for n in REMIND_DAYS if left <= n))
            if o.kind == RECTIFICATION and mark not in ("30", "7"):
                continue  # the deadline sweep of the work queue covers the last days and the overdue
            passed = mark == "passed"
            totals["sent"] += deliver(
                [user.pk], kind=Kind.DEADLINE_PASSED if passed else Kind.DEADLINE_NEAR,
                verb=PASSED_VERB if passed else NEAR_VERB, url=o.url, ref=o.ref[:80],
                key=f"compliance.remind:{o.ref}:{o.due.isoformat()}:{mark}",
                params={"what": o.title, "entity": o.entity, "due": o.due.isoformat(), "days": left})
    log.info("compliance reminders %s: %s", today, totals)
    return totals


@task()
def compliance_reminders_task() -> dict[str, int]:
    """The reminders as a background task (the scheduler enqueues it once a day)."""
    return reminders_send()
