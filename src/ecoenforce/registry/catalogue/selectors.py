"""Catalogue reads: the current published version, its matters (searchable), versions and their diff."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q, QuerySet

from ecoenforce.registry.catalogue.diff import CatalogueDiff, MatterRow, catalogue_diff
from ecoenforce.registry.catalogue.models import CatalogueVersion, EnforcementMatter


def catalogue_current_version() -> CatalogueVersion | None:
    """The newest published version, or None before any is published."""
    return CatalogueVersion.objects.filter(status=CatalogueVersion.Status.PUBLISHED).order_by("-year").first()


def matters_current(*, q: str = "", kind: str = "", law: str = "") -> QuerySet[EnforcementMatter]:
    """Matters of the current catalogue, searchable by code, name, law or basis text (empty before publication)."""
    version = catalogue_current_version()
    if version is None:
        return EnforcementMatter.objects.none()
    return matters_of(version=version, q=q, kind=kind, law=law)


def matters_of(*, version: CatalogueVersion, q: str = "", kind: str = "", law: str = "") -> QuerySet[EnforcementMatter]:
    """Matters of one version, filtered."""
    qs = version.matters.all()
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(law__icontains=q) | Q(basis_text__icontains=q))
    if kind:
        qs = qs.filter(kind=kind)
    if law:
        qs = qs.filter(law=law)
    return qs.order_by("code")


def matter_row(m: EnforcementMatter) -> MatterRow:
    """The diff's and the spreadsheet's view of a stored matter."""
    def amount(v: Decimal | None) -> Decimal | None:
        return None if v is None else Decimal(v).quantize(Decimal("0.01"))
    return MatterRow(code=m.code, name=m.name, kind=m.kind, law=m.law, article=m.article, basis_text=m.basis_text,
                     level=m.level, penalty_kinds=tuple(m.penalty_kind_list), fine_min=amount(m.fine_min),
                     fine_max=amount(m.fine_max), fine_rule=m.fine_rule, text_verified=m.text_verified)


def catalogue_versions() -> QuerySet[CatalogueVersion]:
    """Every version, newest first."""
    return CatalogueVersion.objects.order_by("-year")


def catalogue_version_diff(*, old: CatalogueVersion, new: CatalogueVersion) -> CatalogueDiff:
    """What changed from `old` to `new`."""
    return catalogue_diff([matter_row(m) for m in old.matters.all()], [matter_row(m) for m in new.matters.all()])


def catalogue_previous(version: CatalogueVersion) -> CatalogueVersion | None:
    """The version before this one (published), to diff a revision against."""
    return (CatalogueVersion.objects.filter(year__lt=version.year, status=CatalogueVersion.Status.PUBLISHED)
            .order_by("-year").first())
