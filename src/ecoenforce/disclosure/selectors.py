"""Public-portal reads: only what is cleared for publication, with personal data masked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Q

from ecoenforce.cases.models import Case
from ecoenforce.core.errors import NotFound
from ecoenforce.core.masking import mask_free_text
from ecoenforce.core.models import Region


@dataclass(frozen=True)
class PublicDecision:
    """A penalty decision as the public sees it."""

    id: int
    decision_number: str
    entity_name: str
    uscc: str
    region_name: str
    title: str
    decision_text: str
    fine_amount: Decimal | None
    decided_on: dt.date | None
    legal_basis: str = ""  # the cited catalogue matter's law and article


def _public(case: Case) -> PublicDecision:
    """Every free-text field passes the mask: a title copied from a tip can carry a name and a phone, and an
    individual business is often named after its owner (张三丰废品回收站)."""
    names = [case.entity.legal_representative]
    return PublicDecision(
        id=case.pk, decision_number=case.decision_number, entity_name=mask_free_text(case.entity.name, names=names),
        uscc=case.entity.uscc, region_name=case.region.name, title=mask_free_text(case.title, names=names),
        decision_text=mask_free_text(case.decision_text, names=names), fine_amount=case.fine_amount,
        decided_on=case.decided_on, legal_basis=mask_free_text(case.legal_basis, names=names),
    )


def _published():
    return Case.objects.select_related("entity", "region").filter(published_at__isnull=False).exclude(decision_number="")


def _search(q: str, region: str):
    qs = _published()
    if q:
        qs = qs.filter(Q(entity__name__icontains=q) | Q(decision_number__icontains=q) | Q(entity__uscc__icontains=q))
    if region:
        qs = qs.filter(region__code=region)
    return qs.order_by("-decided_on", "-id")


def public_decision_list(*, q: str = "", region: str = "") -> list[PublicDecision]:
    """Published decisions, newest first (at most 200)."""
    return [_public(c) for c in _search(q, region)[:200]]


def public_decision_page(*, q: str = "", region: str = "", page: object = 1, per_page: int = 30) -> Page:
    """One page of published decisions, newest first, as public records."""
    result = Paginator(_search(q, region), per_page).get_page(page)
    result.object_list = [_public(c) for c in result.object_list]
    return result


def public_decision_get(*, decision_id: int) -> PublicDecision:
    """One published decision, or NotFound."""
    case = _published().filter(pk=decision_id).first()
    if case is None:
        raise NotFound()
    return _public(case)


def public_regions():
    """Counties that have at least one published decision (the portal's county filter)."""
    return Region.objects.filter(pk__in=_published().values("region_id")).select_related("parent").order_by("code")


# --- the enforcement-item catalogue (执法事项目录), as published -------------------------------------------

@dataclass(frozen=True)
class PublicMatter:
    """An enforcement matter of the current catalogue, as a citizen checks a penalty against it."""

    code: str
    name: str
    kind: str
    kind_label: str
    law: str
    article: str
    basis_text: str
    level_label: str
    penalty_kinds: list[str]
    fine_min: Decimal | None
    fine_max: Decimal | None
    fine_rule: str
    text_verified: bool


def public_catalogue_page(*, q: str = "", kind: str = "", page: object = 1, per_page: int = 50) -> tuple[object, Page]:
    """(current version or None, one page of its matters) — only a published catalogue is ever shown."""
    from ecoenforce.registry.catalogue.selectors import catalogue_current_version, matters_current

    version = catalogue_current_version()
    result = Paginator(matters_current(q=q, kind=kind), per_page).get_page(page)
    result.object_list = [PublicMatter(
        code=m.code, name=m.name, kind=m.kind, kind_label=str(m.get_kind_display()), law=m.law, article=m.article,
        basis_text=m.basis_text, level_label=str(m.get_level_display()), penalty_kinds=m.penalty_kind_labels(),
        fine_min=m.fine_min, fine_max=m.fine_max, fine_rule=m.fine_rule, text_verified=m.text_verified,
    ) for m in result.object_list]
    return version, result
