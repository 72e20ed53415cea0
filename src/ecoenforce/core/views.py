"""Core pages: sign-in, the audit record, API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecoenforce.core import services
from ecoenforce.core.access import STAFF_ROLES, require_role
from ecoenforce.core.audit import audit_verify
from ecoenforce.core.errors import ValidationFailed
from ecoenforce.core.models import ApiToken, AuditEvent, Role


class LoginView(auth_views.LoginView):
    """The Chinese-first sign-in page."""

    template_name = "core/login.html"
    redirect_authenticated_user = True


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each role to where its work starts."""
    if request.user.role in STAFF_ROLES or request.user.is_superuser or request.user.role == Role.ADMINISTRATOR:
        return redirect("dashboard:home")
    return redirect("disclosure:home")


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    """The whole-process record, newest first, filterable by object and action, with a chain check."""
    require_role(request.user, [Role.UNIT_LEADER, Role.LEGAL_REVIEWER])
    qs = AuditEvent.objects.select_related("actor").order_by("-seq")
    filters = {k: request.GET.get(k, "").strip() for k in ("object_type", "object_id", "action")}
    if filters["object_type"]:
        qs = qs.filter(object_type=filters["object_type"])
    if filters["object_id"]:
        qs = qs.filter(object_id=filters["object_id"])
    if filters["action"]:
        qs = qs.filter(action__icontains=filters["action"])
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    verdict = audit_verify() if request.GET.get("verify") else None
    return render(request, "core/audit_list.html", {"page": page, "filters": filters, "verdict": verdict})


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    """The user's own API tokens; creating one shows the raw value once."""
    require_role(request.user, STAFF_ROLES)
    new_token = None
    form_name = ""
    if request.method == "POST":
        form_name = request.POST.get("name", "")
        try:
            _token, new_token = services.api_token_create(user=request.user, name=form_name)
        except ValidationFailed as exc:
            messages.error(request, str(exc.message))
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    return render(request, "core/token_list.html", {"tokens": tokens, "new_token": new_token, "form_name": form_name})


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    """Revoke one of the user's tokens."""
    services.api_token_revoke(user=request.user, token_id=token_id)
    messages.success(request, _("The token was revoked. Apps using it must sign in again."))
    return redirect("core:token_list")
