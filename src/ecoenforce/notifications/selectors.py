"""Notification reads: a person's own notifications only."""

from __future__ import annotations

from django.db.models import QuerySet

from ecoenforce.core.models import User
from ecoenforce.notifications.models import Kind, Notification, Preference


def notifications_for(user: User, *, kind: str = "", unread: bool = False) -> QuerySet[Notification]:
    """The user's notifications, newest first, optionally of one kind or unread only."""
    qs = Notification.objects.filter(recipient=user)
    if kind in Kind.values:
        qs = qs.filter(kind=kind)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def unread_count(user: User) -> int:
    """How many unread notifications the bell shows."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def preferences_for(user: User) -> list[dict]:
    """Every kind with the user's channels (defaults where nothing was chosen): {kind, label, in_app, email}."""
    chosen = {p.kind: p for p in Preference.objects.filter(user=user)}
    return [{"kind": k, "label": label, "in_app": chosen[k].in_app if k in chosen else True,
             "email": chosen[k].email if k in chosen else False} for k, label in Kind.choices]
