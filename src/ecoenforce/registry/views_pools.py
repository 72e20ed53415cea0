"""Pool import pages: upload → checked report → confirm; the template download."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordResetConfirmView
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecoenforce.core.access import require_role
from ecoenforce.core.errors import ApplicationError
from ecoenforce.core.tables.report import ImportReport
from ecoenforce.core.tables.uploads import upload_read
from ecoenforce.registry.pools.columns import LAYOUTS, template_xlsx
from ecoenforce.registry.pools.models import PoolImport
from ecoenforce.registry.pools.services import (
    IMPORT_ROLES,
    pool_import_apply,
    pool_import_check,
    pool_import_get_for_user,
)


@login_required
def pool_import(request: HttpRequest) -> HttpResponse:
    """Upload an entities or inspectors file; it is checked and shown before anything is imported."""
    require_role(request.user, IMPORT_ROLES)
    error = None
    kind = request.POST.get("kind") or request.GET.get("kind") or "entities"
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            data = upload_read(request, upload)
            if kind not in LAYOUTS:
                error = _("Choose what to import: entities or inspectors.")
            elif data is None:
                error = _("Choose a .xlsx or .csv file to import.")
            else:
                checked = pool_import_check(actor=request.user, kind=kind, filename=upload.name, data=data)
                return redirect("registry:pool_import_detail", import_id=checked.pk)
        except ApplicationError as exc:
            error = str(exc.message)
    recent = PoolImport.objects.filter(uploaded_by=request.user).defer("content")[:10]
    return render(request, "registry/pool_import.html", {
        "error": error, "kind": kind, "layouts": {k: LAYOUTS[k] for k in LAYOUTS}, "recent": recent,
        "kinds": PoolImport.Kind.choices,
    })


@login_required
def pool_import_detail(request: HttpRequest, import_id: int) -> HttpResponse:
    """The checked file: counts and every problem with what to do; confirm imports it."""
    upload = pool_import_get_for_user(user=request.user, import_id=import_id)
    return render(request, "registry/pool_import_detail.html", {
        "upload": upload, "report": ImportReport.from_dict(upload.report),
    })


@login_required
@require_POST
def pool_import_confirm(request: HttpRequest, import_id: int) -> HttpResponse:
    """Import the checked file (all rows or none); a second click changes nothing."""
    try:
        upload = pool_import_apply(actor=request.user, import_id=import_id)
    except ApplicationError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, str(exc.message))
        return redirect("registry:pool_import_detail", import_id=import_id)
    report = ImportReport.from_dict(upload.report)
    if upload.status == PoolImport.Status.APPLIED:
        messages.success(request, _("Imported %(rows)d row(s): %(created)d created, %(updated)d updated, "
                                    "%(unchanged)d unchanged.") % {"rows": report.rows, "created": report.created,
                                                                    "updated": report.updated,
                                                                    "unchanged": report.unchanged})
    else:
        messages.error(request, _("The records changed since the check and the file now has problems; nothing was "
                                  "imported. Correct the rows below and upload the file again."))
    return redirect("registry:pool_import_detail", import_id=upload.pk)


@login_required
def pool_template(request: HttpRequest, kind: str) -> HttpResponse:
    """The .xlsx template with Chinese headers and a sheet explaining each column."""
    require_role(request.user, IMPORT_ROLES)
    if kind not in LAYOUTS:
        raise Http404
    response = HttpResponse(template_xlsx(kind),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="ecoenforce-{kind}-template.xlsx"'
    return response


@login_required
def pool_invitations(request: HttpRequest) -> HttpResponse:
    """Officers who cannot sign in yet; POST issues their single-use first sign-in links (shown once)."""
    from ecoenforce.registry.pools.invitations import invitations_issue, officers_awaiting_first_sign_in

    require_role(request.user, IMPORT_ROLES)
    invitations = invitations_issue(actor=request.user) if request.method == "POST" else None
    return render(request, "registry/pool_invitations.html", {
        "waiting": officers_awaiting_first_sign_in(actor=request.user), "invitations": invitations,
        "base": request.build_absolute_uri("/")[:-1],
    })


class FirstSignInView(PasswordResetConfirmView):
    """The officer's first sign-in: choose a password through the link the leader gave them."""

    template_name = "registry/first_sign_in.html"
    success_url = reverse_lazy("core:login")
    post_reset_login = False

    def form_valid(self, form):
        messages.success(self.request, _("Your password is set. Sign in with your login name %(name)s.")
                         % {"name": self.user.username})
        return super().form_valid(form)
