"""Core pages: sign-in, the audit record, API tokens."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ecoenforce.core import services
from ecoenforce.core.access import STAFF_ROLES, require_role
from ecoenforce.core.audit_labels import action_label, describe_objects
from ecoenforce.core.errors import ValidationFailed
from ecoenforce.core.forms import ThrottledAuthenticationForm, style_form
from ecoenforce.core.models import ApiToken, AuditEvent, Role
from ecoenforce.core.queue import sources_for
from ecoenforce.core.selectors import (
    AuditFilters,
    audit_events_for_user,
    audit_filter_choices,
    audit_verification_get,
    audit_verification_latest,
)

# The enterprise user's own page (the compliance portal grows there; core only knows its URL name).
ENTERPRISE_HOME = "compliance:home"


class LoginView(auth_views.LoginView):
    """The Chinese-first sign-in page; failures are throttled per account and per address (core.signin)."""

    template_name = "core/login.html"
    redirect_authenticated_user = True
    authentication_form = ThrottledAuthenticationForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.locked is not None:
            response.status_code = 429
            response["Retry-After"] = str(form.locked.retry_after)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """A signed-in person changes their own password (the validators' messages are shown per field).

    Changing it revokes the person's API tokens (core.signals); the session stays signed in.
    """

    template_name = "core/password_change.html"
    success_url = reverse_lazy("core:home")

    def get_form(self, form_class=None):
        return style_form(super().get_form(form_class))

    def form_valid(self, form):
        revoked = ApiToken.objects.filter(user=self.request.user, revoked_at__isnull=True).count()
        response = super().form_valid(form)
        if revoked:
            messages.success(self.request, ngettext(
                "Your password was changed. Your %(n)d API token was revoked: issue a new one for the app.",
                "Your password was changed. Your %(n)d API tokens were revoked: issue new ones for the apps.",
                revoked) % {"n": revoked})
        else:
            messages.success(self.request, _("Your password was changed."))
        return response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each role to where its work starts: its work queue (inspectors, leaders, legal reviewers, operators),
    the firm's own page (enterprise users), the dashboard (administrators) or the public portal."""
    user = request.user
    if user.role == Role.ENTERPRISE:  # the firm's page holds its queue (rectifications) and all else it must do
        return redirect(ENTERPRISE_HOME)
    if sources_for(user):
        return redirect("work:queue")
    if user.role in STAFF_ROLES or user.is_superuser or user.role == Role.ADMINISTRATOR:
        return redirect("dashboard:home")
    return redirect("disclosure:home")


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    """The whole-process record of the user's jurisdiction, newest first, filterable; the latest chain check."""
    filters = AuditFilters.from_query(request.GET)
    qs = audit_events_for_user(user=request.user, filters=filters)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    shown = describe_objects(page.object_list)
    rows = [(e, action_label(e.action), shown[(e.object_type, e.object_id)]) for e in page.object_list]
    only = None
    if filters.object_type and filters.object_id:
        only = describe_objects([AuditEvent(object_type=filters.object_type, object_id=filters.object_id)])
        only = next(iter(only.values()))
    return render(request, "core/audit_list.html", {
        "page": page, "rows": rows, "filters": filters, "only": only, **audit_filter_choices(user=request.user),
        "job": audit_verification_latest(user=request.user)})


@login_required
@require_POST
def audit_verify_request(request: HttpRequest) -> HttpResponse:
    """Queue a check of the whole chain; the worker walks it and the record page shows the verdict."""
    job, created = services.audit_verification_request(actor=request.user)
    if created:
        messages.info(request, _("The chain check is queued. Its progress and verdict appear at the top of this page."))
    else:
        messages.info(request, _("A chain check is already under way; its verdict appears at the top of this page."))
    return redirect("core:audit_list")


@login_required
def audit_verification_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    """One chain check's state (polled by the record page while it runs)."""
    job = audit_verification_get(user=request.user, job_id=job_id)
    return render(request, "core/_audit_verification.html", {"job": job})


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    """The user's own API tokens; creating one shows the raw value once."""
    require_role(request.user, STAFF_ROLES)
    new_token = None
    form = {"name": "", "days": str(settings.API_TOKEN_DAYS)}
    if request.method == "POST":
        form = {"name": request.POST.get("name", ""), "days": request.POST.get("days", "")}
        try:
            days = int(form["days"])
        except ValueError:
            days = 0
        try:
            _token, new_token = services.api_token_create(user=request.user, name=form["name"], days=days)
        except ValidationFailed as exc:
            messages.error(request, str(exc.message))
    tokens = list(ApiToken.objects.filter(user=request.user).order_by("-created_at"))
    now = timezone.now()
    for token in tokens:
        token.current_state = token.state(now)
    return render(request, "core/token_list.html", {
        "tokens": tokens, "new_token": new_token, "form": form, "lifetimes": services.token_lifetimes(),
    })


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    """Revoke one of the user's tokens."""
    services.api_token_revoke(user=request.user, token_id=token_id)
    messages.success(request, _("The token was revoked. Apps using it must sign in again."))
    return redirect("core:token_list")
