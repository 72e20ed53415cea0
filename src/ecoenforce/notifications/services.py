"""Notification writes: `notify` from any app's service (delivered when its transaction commits), reading, choices.

Apps call `notify(...)` inside their own `transaction.atomic` block; nothing is created if the change rolls back,
and a page load never creates one. Each recipient's choices decide the channels: a row in the bell (unread), an
e-mail (queued as a background task), both, or nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecoenforce.core.audit import audit_record
from ecoenforce.core.errors import NotFound, ValidationFailed
from ecoenforce.core.models import User
from ecoenforce.notifications.models import Kind, Notification, Preference

log = logging.getLogger(__name__)


def email_enabled() -> bool:
    """E-mail goes out only where the administrator set up Django's mail settings (ECOENFORCE_EMAIL=1)."""
    return bool(getattr(settings, "NOTIFY_BY_EMAIL", False))


def notify(*, recipients: Iterable[User | None], kind: str, verb: str, key: str, params: dict | None = None,
           url: str = "", ref: str = "") -> None:
    """Notify these people once the caller's transaction commits; the same `key` twice notifies once.

    `verb` is an English msgid marked with gettext_noop where it is written; `params` fill it (plain values, or
    {"t": msgid} to translate, or {"queue": source key}).
    """
    if kind not in Kind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    ids = sorted({u.pk for u in recipients if u is not None and u.is_active})
    if ids:
        transaction.on_commit(partial(deliver, ids, kind=kind, verb=verb, key=key, params=params or {}, url=url,
                                      ref=ref), robust=True)


def deliver(user_ids: list[int], *, kind: str, verb: str, key: str, params: dict, url: str = "", ref: str = "") -> int:
    """Create the notifications now (after the commit, or from the sweep); returns how many were new."""
    from ecoenforce.notifications.tasks import notification_email_task

    prefs = {p.user_id: p for p in Preference.objects.filter(user_id__in=user_ids, kind=kind)}
    mail = email_enabled()
    now = timezone.now()
    rows, to_mail = [], set()
    for uid in user_ids:
        pref = prefs.get(uid)
        in_app, by_mail = (pref.in_app, pref.email and mail) if pref else (True, False)
        if not (in_app or by_mail):
            continue
        row_key = f"{key}>{uid}"[:200]
        rows.append(Notification(recipient_id=uid, kind=kind, verb=verb, params=params, url=url[:300], ref=ref[:80],
                                 key=row_key, read_at=None if in_app else now))
        if by_mail:
            to_mail.add(row_key)
    with transaction.atomic():
        existing = set(Notification.objects.filter(key__in=[r.key for r in rows]).values_list("key", flat=True))
        fresh = [r for r in rows if r.key not in existing]
        Notification.objects.bulk_create(fresh, ignore_conflicts=True)
    mail_ids = list(Notification.objects.filter(key__in=[r.key for r in fresh if r.key in to_mail],
                                                emailed_at__isnull=True).values_list("pk", flat=True))
    for pk in mail_ids:
        try:
            notification_email_task.enqueue(pk)
        except Exception:  # a mail queue that is down must not lose the in-app notification
            log.exception("could not queue the e-mail of notification %s", pk)
    return len(fresh)


def notification_open(*, user: User, notification_id: object) -> Notification:
    """Mark one of the user's notifications read (when they follow it); another person's is not found."""
    item = Notification.objects.filter(recipient=user, pk=notification_id).first() \
        if str(notification_id).isdigit() else None
    if item is None:
        raise NotFound()
    if item.read_at is None:
        item.read_at = timezone.now()
        item.save(update_fields=["read_at"])
    return item


def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of the user read; returns how many."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def preferences_save(*, user: User, choices: dict[str, tuple[bool, bool]], email_address: str | None = None) -> None:
    """Store the user's channels per kind (kind → (in_app, email)) and, if given, the e-mail address to use."""
    unknown = set(choices) - set(Kind.values)
    if unknown:
        raise ValidationFailed(_("Unknown kind of notification: %(kinds)s.") % {"kinds": ", ".join(sorted(unknown))})
    before = {p.kind: [p.in_app, p.email] for p in Preference.objects.filter(user=user)}
    wants_mail = any(email for _in_app, email in choices.values())
    address = (user.email if email_address is None else email_address).strip()
    if email_address is not None and address:
        from django.core.exceptions import ValidationError
        from django.core.validators import validate_email

        try:
            validate_email(address)
        except ValidationError:
            raise ValidationFailed(_("Enter a valid e-mail address, e.g. zhou.ming@example.gov.cn."),
                                   details={"email": [_("Not a valid e-mail address.")]}) from None
    if wants_mail and not address:
        raise ValidationFailed(_("Give the e-mail address to send to, or untick the e-mail boxes."),
                               details={"email": [_("Required for e-mail notifications.")]})
    for kind, (in_app, email) in choices.items():
        Preference.objects.update_or_create(user=user, kind=kind, defaults={"in_app": bool(in_app),
                                                                            "email": bool(email)})
    after = {k: [bool(a), bool(b)] for k, (a, b) in choices.items()}
    if email_address is not None and address != user.email:
        before["email_address"], after["email_address"] = user.email, address
        user.email = address
        user.save(update_fields=["email"])
    if before != after:
        audit_record(actor=user, obj=user, action="notifications.preferences", before=before, after=after)
