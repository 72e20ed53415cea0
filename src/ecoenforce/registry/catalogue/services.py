"""Catalogue writes: yearly drafts, matters, Excel import into a draft, publication; `matter_current` for cases."""

from __future__ import annotations

import dataclasses

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecoenforce.core.access import require_role
from ecoenforce.core.audit import audit_record
from ecoenforce.core.errors import InvalidTransition, NotFound, ValidationFailed
from ecoenforce.core.models import Role, User
from ecoenforce.core.tables.report import ImportReport
from ecoenforce.registry.catalogue.diff import MatterRow
from ecoenforce.registry.catalogue.excel import read_matters
from ecoenforce.registry.catalogue.models import CatalogueVersion, EnforcementMatter
from ecoenforce.registry.catalogue.selectors import catalogue_current_version, matter_row

EDIT_ROLES = (Role.ADMINISTRATOR,)  # the provincial catalogue is reference data: administrators maintain it


def _draft(version: CatalogueVersion) -> CatalogueVersion:
    if version.status != CatalogueVersion.Status.DRAFT:
        raise InvalidTransition(_("The %(year)s catalogue is published and can no longer change. Start the next "
                                  "year's revision instead.") % {"year": version.year})
    return version


def _matter(version: CatalogueVersion, row: MatterRow) -> EnforcementMatter:
    return EnforcementMatter(version=version, code=row.code, name=row.name, kind=row.kind, law=row.law,
                             article=row.article, basis_text=row.basis_text, level=row.level,
                             penalty_kinds=",".join(row.penalty_kinds), fine_min=row.fine_min, fine_max=row.fine_max,
                             fine_rule=row.fine_rule, text_verified=row.text_verified)


@transaction.atomic
def catalogue_version_create(*, actor: User | None, year: int, source: str = "",
                             rows: list[MatterRow] | None = None) -> CatalogueVersion:
    """Start a draft for `year`: a copy of the current catalogue (the annual revision), or the given rows."""
    if actor is not None:
        require_role(actor, EDIT_ROLES)
    if CatalogueVersion.objects.filter(year=year).exists():
        raise ValidationFailed(_("There is already a %(year)s catalogue. Open it to revise it.") % {"year": year},
                               details={"year": [_("Already exists.")]})
    current = catalogue_current_version()
    if current is not None and year <= current.year:
        raise ValidationFailed(_("The new version must be later than the current %(year)s catalogue.")
                               % {"year": current.year}, details={"year": [_("Choose a later year.")]})
    version = CatalogueVersion.objects.create(year=year, source=source.strip())
    if rows is None and current is not None:
        rows = [matter_row(m) for m in current.matters.all()]
    _replace(version, rows or [])
    audit_record(actor=actor, obj=version, action="catalogue.draft",
                 after={"year": year, "matters": version.matters.count(),
                        "copied_from": current.year if current and rows is not None else None})
    return version


def _replace(version: CatalogueVersion, rows: list[MatterRow]) -> None:
    version.matters.all().delete()
    matters = [_matter(version, r) for r in rows]
    for m in matters:
        try:
            m.full_clean(exclude=["version"], validate_unique=False)
        except ValidationError as exc:
            raise ValidationFailed(_("Matter %(code)s: %(why)s") % {"code": m.code, "why": "; ".join(exc.messages)}) from None
    EnforcementMatter.objects.bulk_create(matters)


def catalogue_import(*, actor: User, version: CatalogueVersion, data: bytes, filename: str) -> ImportReport:
    """Replace a draft's matters with the spreadsheet's rows, all or none; the report lists every problem."""
    require_role(actor, EDIT_ROLES)
    report = ImportReport(kind="catalogue")
    rows = read_matters(data, filename, report)
    if rows is None:
        return report
    report.rows = len(rows)
    with transaction.atomic():
        version = _draft(CatalogueVersion.objects.select_for_update().get(pk=version.pk))
        before = {m.code: m for m in (matter_row(x) for x in version.matters.all())}
        try:
            _replace(version, rows)
        except ValidationFailed as exc:
            transaction.set_rollback(True)
            report.add(0, "", str(exc.message), _("Correct the row and upload the file again."))
            return report
        for row in rows:
            old = before.get(row.code)
            if old is None:
                report.created += 1
            elif old == row:
                report.unchanged += 1
            else:
                report.updated += 1
        audit_record(actor=actor, obj=version, action="catalogue.import",
                     after={"file": filename, "rows": len(rows), "created": report.created, "updated": report.updated,
                            "unchanged": report.unchanged, "removed": len(before.keys() - {r.code for r in rows})})
    return report


@transaction.atomic
def matter_save(*, actor: User, version: CatalogueVersion, row: MatterRow) -> EnforcementMatter:
    """Add or change one matter of a draft (by code)."""
    require_role(actor, EDIT_ROLES)
    version = _draft(CatalogueVersion.objects.select_for_update().get(pk=version.pk))
    existing = version.matters.filter(code=row.code).first()
    before = dataclasses.asdict(matter_row(existing)) if existing else None
    matter = _matter(version, row)
    if existing is not None:
        matter.pk = existing.pk
    try:
        matter.full_clean(validate_unique=False)
    except ValidationError as exc:
        raise ValidationFailed.from_django(exc) from None
    matter.save()
    audit_record(actor=actor, obj=matter, action="catalogue.matter_save", before=before, after=dataclasses.asdict(row))
    return matter


@transaction.atomic
def catalogue_publish(*, actor: User | None, version: CatalogueVersion) -> CatalogueVersion:
    """Publish a draft: from now on it is the current catalogue cases cite and the portal shows."""
    if actor is not None:
        require_role(actor, EDIT_ROLES)
    version = _draft(CatalogueVersion.objects.select_for_update().get(pk=version.pk))
    if not version.matters.exists():
        raise ValidationFailed(_("An empty catalogue cannot be published. Import or add its matters first."))
    current = catalogue_current_version()
    if current is not None and current.year > version.year:
        raise ValidationFailed(_("A later catalogue (%(year)s) is already published.") % {"year": current.year})
    version.status, version.published_on = CatalogueVersion.Status.PUBLISHED, timezone.localdate()
    version.save(update_fields=["status", "published_on"])
    audit_record(actor=actor, obj=version, action="catalogue.publish",
                 after={"year": version.year, "matters": version.matters.count(),
                        "replaces": current.year if current else None})
    return version


def matter_current(code: str) -> EnforcementMatter:
    """The matter with this code in the current published catalogue; cases cite only these.

    Raises ValidationFailed (with what to do) when the code is not in the current catalogue.
    """
    current = catalogue_current_version()
    matter = current.matters.filter(code=code.strip()).first() if current is not None else None
    if matter is None:
        raise ValidationFailed(
            _("Matter %(code)s is not in the current enforcement-item catalogue. Choose a matter of the current "
              "catalogue; if the law changed, ask the administrator to revise the catalogue.") % {"code": code},
            details={"matter": [_("Not in the current catalogue.")]})
    return matter


def catalogue_version_get(*, year: object) -> CatalogueVersion:
    """One version by year, or NotFound."""
    try:
        return CatalogueVersion.objects.get(year=int(year))
    except (CatalogueVersion.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
