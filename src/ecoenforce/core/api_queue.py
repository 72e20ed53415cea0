"""The work queue over the API (/api/v1/queue/): what waits for the signed-in person, for the mobile app."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema

from ecoenforce.core.queue import queue_for_user

router = Router(tags=["work queue"])


class QueueItemOut(Schema):
    ref: str
    title: str
    url: str
    subject: str
    state: str
    due: dt.date | None
    overdue: bool
    near: bool


class QueueSectionOut(Schema):
    key: str
    label: str
    count: int
    overdue: int
    near: int
    items: list[QueueItemOut]


class QueueOut(Schema):
    total: int
    overdue: int
    near: int
    sections: list[QueueSectionOut]


@router.get("/", response=QueueOut, summary="What waits for me: counts, deadlines and the first items per kind")
def my_queue(request, limit: int = 20):
    sections = queue_for_user(request.user, limit=max(1, min(limit, 200)))
    return {
        "total": sum(s.count for s in sections), "overdue": sum(s.overdue for s in sections),
        "near": sum(s.near for s in sections),
        "sections": [{"key": s.source.key, "label": str(s.source.label), "count": s.count, "overdue": s.overdue,
                      "near": s.near, "items": [i.__dict__ for i in s.items]} for s in sections],
    }
