"""Typical-case reads: the public library (already redacted when curated) and the "similar cases" an officer sees
while deciding — typical cases and earlier decisions in the jurisdiction of the same matter or industry, with the
fines they received. Reads only."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Q

from ecoenforce.casebook.models import TypicalCase
from ecoenforce.cases.models import Case
from ecoenforce.core.access import scope_by_region
from ecoenforce.core.errors import NotFound


def industry_name(industry) -> str:
    """The industry's name in the page's language (the Chinese name when no English one is recorded)."""
    from django.utils.translation import get_language

    english = (get_language() or "").startswith("en") and industry.name_en
    return industry.name_en if english else industry.name_zh


def typical_public_page(*, q: str = "", tag: str = "", page: object = 1, per_page: int = 30) -> Page:
    """One page of the published library, newest first."""
    qs = TypicalCase.objects.select_related("industry", "region").order_by("-published_at", "-id")
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(facts_summary__icontains=q) | Q(violation__icontains=q))
    if tag:
        qs = qs.filter(tag_line__contains=f"|{tag}|")
    return Paginator(qs, per_page).get_page(page)


def typical_public_get(*, typical_id: object) -> TypicalCase:
    try:
        return TypicalCase.objects.select_related("industry", "region").get(pk=typical_id)
    except (TypicalCase.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


@dataclass(frozen=True)
class Similar:
    """One similar case: what it was, where, the fine, why it is similar ("matter", "industry" or both), a link."""

    title: str
    region: str
    industry: str
    matter: str
    fine: Decimal | None
    decided_on: object
    why: tuple[str, ...]
    url_name: str
    url_arg: int
    typical: bool


def similar_cases(*, user, case: Case, matter_code: str = "", limit: int = 6) -> list[Similar]:
    """Typical cases first, then decided cases in the user's jurisdiction: same matter and industry, then same
    matter, then same industry; never the case itself."""
    matter_code = matter_code or (case.matter.code if case.matter_id else "")
    industry_id = case.entity.industry_id
    match = Q(industry_id=industry_id)
    if matter_code:
        match |= Q(matter_code=matter_code)
    typical = list(TypicalCase.objects.filter(match).exclude(case_id=case.pk).select_related("industry", "region")
                   .order_by("-published_at")[:limit * 3])
    decided_match = Q(entity__industry_id=industry_id)
    if matter_code:
        decided_match |= Q(matter__code=matter_code)
    decided = list(scope_by_region(Case.objects.filter(decided_match, outcome=Case.Outcome.PENALTY)
                                   .exclude(pk=case.pk).exclude(decision_number="").exclude(typical__isnull=False),
                                   user=user).select_related("entity__industry", "region", "matter")
                   .order_by("-decided_on", "-id")[:limit * 3])

    def why(code: str, industry: int) -> tuple[str, ...]:
        return tuple(w for w, ok in (("matter", bool(matter_code) and code == matter_code),
                                     ("industry", industry == industry_id)) if ok)

    rows = [Similar(t.title, t.region.name, industry_name(t.industry), f"{t.matter_code} {t.violation}".strip(), t.fine_amount,
                    t.decided_on, why(t.matter_code, t.industry_id), "disclosure:typical_detail", t.pk, True)
            for t in typical]
    rows += [Similar(c.title, c.region.name, industry_name(c.entity.industry),
                     f"{c.matter.code} {c.matter.name}" if c.matter_id else "", c.fine_amount, c.decided_on,
                     why(c.matter.code if c.matter_id else "", c.entity.industry_id), "cases:detail", c.pk, False)
             for c in decided]
    rows.sort(key=lambda s: (-len(s.why), "matter" not in s.why, not s.typical))
    return rows[:limit]


def typical_list_for_user(*, user):
    return scope_by_region(TypicalCase.objects.select_related("industry", "region", "case"), user=user).order_by(
        "-published_at", "-id")
