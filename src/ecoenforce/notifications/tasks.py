"""Background work of notifications: sending one e-mail, and the periodic deadline sweep.

**The deadline sweep** — `deadline_sweep()` — is what a scheduler calls (every hour is plenty; it is idempotent,
so calling it twice, or from two processes at once, notifies once). For every active person with a work queue it
looks at the items with a deadline (`core.queue`: drawn tasks, assigned leads, cases at my stage, notices …) and
creates a "deadline approaching" notification for those due within 3 working days and a "deadline passed" one for
those overdue — one per item and due date. Run it by hand with `ecoenforce notifications sweep`.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_tasks import task

from ecoenforce.core.models import User
from ecoenforce.core.queue import queue_due_items, queue_sources

log = logging.getLogger(__name__)

NEAR_VERB = gettext_noop("%(what)s (%(kind)s) is due on %(due)s.")
PASSED_VERB = gettext_noop("%(what)s (%(kind)s) was due on %(due)s and is overdue.")


@task()
def notification_email_task(notification_id: int) -> None:
    """Send one notification by e-mail in the product's first language; a failure is logged, never raised twice."""
    from ecoenforce.notifications.models import Notification

    item = Notification.objects.select_related("recipient").filter(pk=notification_id, emailed_at__isnull=True).first()
    if item is None or not item.recipient.email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        text = item.text
        link = f"{settings.SITE_URL.rstrip('/')}{item.url}" if item.url else ""
        subject = f"[{_('Eco-environmental Enforcement Platform')}] {text}"[:150]
        body = "\n\n".join(part for part in (text, link, _("You chose to receive this by e-mail; change it under "
                                                             "Notifications → Settings.")) if part)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [item.recipient.email])
    Notification.objects.filter(pk=item.pk).update(emailed_at=timezone.now())


def deadline_sweep(*, today: dt.date | None = None) -> dict[str, int]:
    """Notify every person of the deadlines in their queue that are near (3 working days) or passed. Idempotent.

    Returns {"people": checked, "near": items near, "passed": items overdue, "created": new notifications}.
    """
    from ecoenforce.notifications.models import Kind
    from ecoenforce.notifications.services import deliver

    today = today or timezone.localdate()
    roles = {role for source in queue_sources() for role in source.roles}
    totals = {"people": 0, "near": 0, "passed": 0, "created": 0}
    for user in User.objects.filter(is_active=True, role__in=roles).order_by("pk").iterator():
        totals["people"] += 1
        for item in queue_due_items(user, today=today):
            passed = item.overdue
            kind = Kind.DEADLINE_PASSED if passed else Kind.DEADLINE_NEAR
            totals["passed" if passed else "near"] += 1
            totals["created"] += deliver(
                [user.pk], kind=kind, verb=PASSED_VERB if passed else NEAR_VERB, url=item.url, ref=item.ref,
                key=f"{kind}:{item.ref}:{item.due.isoformat()}",
                params={"what": item.title, "kind": {"queue": item.source}, "due": item.due.isoformat()})
    log.info("deadline sweep %s: %s", today, totals)
    return totals


@task()
def deadline_sweep_task() -> dict[str, int]:
    """The sweep as a background task, for schedulers that enqueue tasks rather than call functions."""
    return deadline_sweep()
