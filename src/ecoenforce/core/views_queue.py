"""The work queue page: each role's landing page, everything waiting for the person in one place."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from ecoenforce.core.errors import PermissionDenied
from ecoenforce.core.export import export_response
from ecoenforce.core.queue import NEAR_WORKING_DAYS, near_horizon, queue_for_user, sources_for

SHOW = ("all", "overdue", "near")


def _keep(item, show: str) -> bool:
    return show == "all" or (show == "overdue" and item.overdue) or (show == "near" and item.near)


@login_required
def work_queue(request: HttpRequest) -> HttpResponse:
    """What waits for me: per kind of work, its count, what is overdue or due soon, and the first items."""
    if not sources_for(request.user):
        raise PermissionDenied(_("Your role has no work queue; use the menu to find your pages."))
    show = request.GET.get("show") if request.GET.get("show") in SHOW else "all"
    exporting = request.GET.get("export") in ("xlsx", "csv")
    sections = queue_for_user(request.user, limit=10_000 if exporting else 10)
    if exporting:
        headers = [_("Kind of work"), _("What"), _("Concerns"), _("Where it stands"), _("Due on"), _("Overdue")]
        rows = ((str(s.source.label), i.title, i.subject, i.state, i.due or "", _("yes") if i.overdue else "")
                for s in sections for i in s.items if _keep(i, show))
        return export_response(fmt=request.GET["export"], basename="my-work", headers=headers, rows=rows)
    for s in sections:
        s.shown = [i for i in s.items if _keep(i, show)]
    return render(request, "core/work_queue.html", {
        "sections": sections, "show": show, "today": timezone.localdate(), "horizon": near_horizon(),
        "near_days": NEAR_WORKING_DAYS, "total": sum(s.count for s in sections),
        "overdue": sum(s.overdue for s in sections), "near": sum(s.near for s in sections),
    })
