"""Catalogue pages for staff: versions, matters, Excel import/export, publication and the yearly diff."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ecoenforce.core.access import STAFF_ROLES, has_role, require_role
from ecoenforce.core.errors import ApplicationError
from ecoenforce.core.tables.uploads import upload_read
from ecoenforce.registry.catalogue.excel import COLUMNS, matters_xlsx
from ecoenforce.registry.catalogue.models import MatterKind
from ecoenforce.registry.catalogue.selectors import (
    catalogue_current_version,
    catalogue_previous,
    catalogue_version_diff,
    catalogue_versions,
    matter_row,
    matters_of,
)
from ecoenforce.registry.catalogue.services import (
    EDIT_ROLES,
    catalogue_import,
    catalogue_publish,
    catalogue_version_create,
    catalogue_version_get,
)

FIELD_LABELS = {"name": gettext_lazy("name"), "kind": gettext_lazy("kind"), "law": gettext_lazy("law"), "article": gettext_lazy("article"),
                "basis_text": gettext_lazy("text of the legal basis"), "level": gettext_lazy("responsible level"),
                "penalty_kinds": gettext_lazy("penalty kinds"), "fine_min": gettext_lazy("minimum fine (yuan)"),
                "fine_max": gettext_lazy("maximum fine (yuan)"), "fine_rule": gettext_lazy("fine rule"),
                "text_verified": gettext_lazy("text checked against the official publication")}


@login_required
def catalogue_home(request: HttpRequest) -> HttpResponse:
    """The current catalogue (or the newest draft before any publication)."""
    require_role(request.user, STAFF_ROLES)
    version = catalogue_current_version() or catalogue_versions().first()
    if version is None:
        return render(request, "registry/catalogue_version.html", {
            "version": None, "versions": [], "can_edit": has_role(request.user, EDIT_ROLES)})
    return redirect("registry:catalogue_version", year=version.year)


@login_required
def catalogue_version(request: HttpRequest, year: int) -> HttpResponse:
    """One version's matters, searchable; administrators import, publish and start the next revision here."""
    require_role(request.user, STAFF_ROLES)
    version = catalogue_version_get(year=year)
    q, kind = request.GET.get("q", "").strip(), request.GET.get("kind", "").strip()
    matters = matters_of(version=version, q=q, kind=kind)
    if request.GET.get("export") == "xlsx":
        response = HttpResponse(matters_xlsx((matter_row(m) for m in matters), title=f"catalogue-{version.year}"),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="catalogue-{version.year}.xlsx"'
        return response
    current = catalogue_current_version()
    return render(request, "registry/catalogue_version.html", {
        "version": version, "page": Paginator(matters, 50).get_page(request.GET.get("page")), "q": q, "kind": kind,
        "kinds": MatterKind.choices, "versions": catalogue_versions(), "current": current,
        "previous": catalogue_previous(version), "can_edit": has_role(request.user, EDIT_ROLES),
        "columns": COLUMNS, "next_year": (max(v.year for v in catalogue_versions()) + 1) if current else version.year,
    })


@login_required
@require_POST
def catalogue_new(request: HttpRequest) -> HttpResponse:
    """Start next year's revision as a copy of the current catalogue."""
    require_role(request.user, EDIT_ROLES)
    try:
        version = catalogue_version_create(actor=request.user, year=int(request.POST.get("year", "0")),
                                           source=request.POST.get("source", ""))
    except (ApplicationError, ValueError) as exc:
        messages.error(request, str(getattr(exc, "message", _("Give the version year, e.g. 2027."))))
        return redirect("registry:catalogue_home")
    messages.success(request, _("The %(year)s draft starts as a copy of the current catalogue. Import the revised "
                                "spreadsheet or export, edit and import it back.") % {"year": version.year})
    return redirect("registry:catalogue_version", year=version.year)


@login_required
@require_POST
def catalogue_upload(request: HttpRequest, year: int) -> HttpResponse:
    """Replace a draft's matters with a spreadsheet (all rows or none)."""
    require_role(request.user, EDIT_ROLES)
    version = catalogue_version_get(year=year)
    upload = request.FILES.get("file")
    try:
        data = upload_read(request, upload)
        if data is None:
            messages.error(request, _("Choose a .xlsx or .csv file to import."))
            return redirect("registry:catalogue_version", year=year)
        report = catalogue_import(actor=request.user, version=version, data=data, filename=upload.name)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("registry:catalogue_version", year=year)
    if not report.ok:
        return render(request, "registry/catalogue_import_report.html", {"version": version, "report": report})
    messages.success(request, _("Imported %(rows)d matter(s): %(created)d new, %(updated)d changed, %(unchanged)d "
                                "unchanged.") % {"rows": report.rows, "created": report.created,
                                                 "updated": report.updated, "unchanged": report.unchanged})
    return redirect("registry:catalogue_diff", year=year)


@login_required
@require_POST
def catalogue_publish_view(request: HttpRequest, year: int) -> HttpResponse:
    """Publish a draft: it becomes the catalogue cases cite and the portal shows."""
    require_role(request.user, EDIT_ROLES)
    try:
        catalogue_publish(actor=request.user, version=catalogue_version_get(year=year))
        messages.success(request, _("The %(year)s catalogue is published.") % {"year": year})
    except ApplicationError as exc:
        if exc.status == 404:
            raise
        messages.error(request, str(exc.message))
    return redirect("registry:catalogue_version", year=year)


@login_required
def catalogue_diff(request: HttpRequest, year: int) -> HttpResponse:
    """What this version changed against the previous published one (or ?against=YEAR)."""
    require_role(request.user, STAFF_ROLES)
    version = catalogue_version_get(year=year)
    against = request.GET.get("against")
    old = catalogue_version_get(year=against) if against else catalogue_previous(version)
    diff = catalogue_version_diff(old=old, new=version) if old is not None else None
    return render(request, "registry/catalogue_diff.html", {
        "version": version, "old": old, "diff": diff, "field_labels": FIELD_LABELS,
        "versions": [v for v in catalogue_versions() if v.year != version.year],
    })
