"""Notifications over the API (/api/v1/notifications/): the mobile app's bell."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema

from ecoenforce.notifications import services
from ecoenforce.notifications.selectors import notifications_for, unread_count

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    url: str
    ref: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class NotificationPage(Schema):
    unread: int
    count: int
    items: list[NotificationOut]


def _out(n) -> dict:
    return {"id": n.pk, "kind": n.kind, "text": n.text, "url": n.url, "ref": n.ref, "created_at": n.created_at,
            "read_at": n.read_at}


@router.get("/", response=NotificationPage, summary="My notifications, newest first")
def list_notifications(request, kind: str = "", unread: bool = False, limit: int = 50, offset: int = 0):
    qs = notifications_for(request.user, kind=kind, unread=unread)
    limit = max(1, min(limit, 200))
    return {"unread": unread_count(request.user), "count": qs.count(),
            "items": [_out(n) for n in qs[max(0, offset): max(0, offset) + limit]]}


@router.post("/{notification_id}/read", response=NotificationOut, summary="Mark one notification read")
def read_notification(request, notification_id: int):
    return _out(services.notification_open(user=request.user, notification_id=notification_id))
