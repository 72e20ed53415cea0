"""Notification pages: the list behind the bell, following one, marking all read, the person's choices."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecoenforce.core.errors import ValidationFailed
from ecoenforce.core.export import export_response
from ecoenforce.notifications import services
from ecoenforce.notifications.models import Kind
from ecoenforce.notifications.selectors import notifications_for, preferences_for


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    """My notifications, newest first; filter by kind or unread; export."""
    kind = request.GET.get("kind", "")
    unread = request.GET.get("unread") == "1"
    qs = notifications_for(request.user, kind=kind, unread=unread)
    if request.GET.get("export") in ("xlsx", "csv"):
        headers = [_("Time"), _("Kind"), _("Message"), _("Read")]
        rows = ((timezone.localtime(n.created_at).strftime("%Y-%m-%d %H:%M"), n.get_kind_display(), n.text,
                 timezone.localtime(n.read_at).strftime("%Y-%m-%d %H:%M") if n.read_at else "")
                for n in qs.iterator(chunk_size=1000))
        return export_response(fmt=request.GET["export"], basename="notifications", headers=headers, rows=rows)
    return render(request, "notifications/list.html", {
        "page": Paginator(qs, 30).get_page(request.GET.get("page")), "kind": kind, "unread": unread,
        "kinds": Kind.choices,
    })


@login_required
@require_POST
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Follow a notification: it is marked read and the page to act on opens."""
    item = services.notification_open(user=request.user, notification_id=notification_id)
    if item.url and url_has_allowed_host_and_scheme(item.url, allowed_hosts={request.get_host()}):
        return redirect(item.url)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    """Mark every notification read."""
    n = services.notifications_mark_all_read(user=request.user)
    messages.success(request, _("%(n)s notifications marked read.") % {"n": n})
    return redirect("notifications:list")


@login_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    """Per kind: in the platform and/or by e-mail; the address to send to."""
    rows = preferences_for(request.user)
    errors: dict = {}
    email = request.user.email
    if request.method == "POST":
        email = request.POST.get("email", "").strip()
        choices = {r["kind"]: (request.POST.get(f"in_app_{r['kind']}") == "on",
                               request.POST.get(f"email_{r['kind']}") == "on") for r in rows}
        try:
            services.preferences_save(user=request.user, choices=choices, email_address=email)
        except ValidationFailed as exc:
            errors = {"message": str(exc.message), **exc.details}
            rows = [{**r, "in_app": choices[r["kind"]][0], "email": choices[r["kind"]][1]} for r in rows]
        else:
            messages.success(request, _("Your notification choices were saved."))
            return redirect("notifications:settings")
    return render(request, "notifications/settings.html", {
        "rows": rows, "email": email, "errors": errors, "email_enabled": services.email_enabled(),
    }, status=422 if errors else 200)
