"""Credit reads through the jurisdiction (staff) or the firm's own facilities (enterprise users)."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery

from ecoenforce.core.access import get_in_scope, scope_by_region
from ecoenforce.core.errors import NotFound
from ecoenforce.core.models import Role, User
from ecoenforce.credit.models import CreditRating, PartnerList
from ecoenforce.registry.models import RegulatedEntity


def credit_ratings_for_user(*, user: User, grade: str = "", period_end=None, q: str = "") -> QuerySet[CreditRating]:
    """Each entity's newest rating (or those of one period) in the user's jurisdiction, filtered."""
    qs = scope_by_region(CreditRating.objects.select_related("entity__region", "entity__industry"), user=user,
                         field="entity__region__code")
    if period_end:
        qs = qs.filter(period_end=period_end)
    else:
        newest = CreditRating.objects.filter(entity=OuterRef("entity")).order_by("-period_end", "-period_start")
        qs = qs.filter(pk=Subquery(newest.values("pk")[:1]))
    if grade:
        qs = qs.filter(grade=grade)
    if q:
        qs = qs.filter(entity__name__icontains=q) | qs.filter(entity__uscc__icontains=q)
    return qs.order_by("entity__name", "-period_end")


def credit_entity_for_user(*, user: User, entity_id: object) -> RegulatedEntity:
    """An entity in the user's jurisdiction, or NotFound."""
    return get_in_scope(RegulatedEntity.objects.select_related("region", "industry"), user=user, pk=entity_id)


def credit_history(*, entity: RegulatedEntity) -> QuerySet[CreditRating]:
    return CreditRating.objects.filter(entity=entity).order_by("-period_end", "-period_start")


def credit_for_firm(*, user: User) -> list[tuple[RegulatedEntity, CreditRating | None]]:
    """The firm user's own facilities, each with its newest rating (None if never rated)."""
    entities = list(RegulatedEntity.objects.filter(enterprise_accounts__user=user).select_related("region")
                    .order_by("name").distinct())
    newest: dict[int, CreditRating] = {}
    for r in CreditRating.objects.filter(entity__in=entities).order_by("entity_id", "-period_end", "-period_start"):
        newest.setdefault(r.entity_id, r)
    return [(e, newest.get(e.pk)) for e in entities]


def credit_rating_for_firm(*, user: User, entity_id: object) -> tuple[RegulatedEntity, CreditRating | None]:
    """One of the firm's own facilities with its newest rating; another firm's facility is not found."""
    for entity, rating in credit_for_firm(user=user):
        if str(entity.pk) == str(entity_id):
            return entity, rating
    raise NotFound()


def partner_lists_for_user(*, user: User) -> QuerySet[PartnerList]:
    """The lists a user may see: a unit leader, those of the bureaus in their jurisdiction; a partner department's
    user, those addressed to their own department only; anyone else, none."""
    qs = PartnerList.objects.select_related("organization", "partner", "created_by")
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.role == Role.PARTNER:
        return qs.filter(partner_id=user.organization_id) if user.organization_id else qs.none()
    if user.role in (Role.UNIT_LEADER, Role.ADMINISTRATOR) or user.is_superuser:
        return scope_by_region(qs, user=user, field="organization__region__code")
    return qs.none()


def partner_list_rows(plist: PartnerList) -> QuerySet[CreditRating]:
    """The list's rows now: each entity's newest rating in the issuing bureau's region, of the list's grades."""
    newest = CreditRating.objects.filter(entity=OuterRef("entity")).order_by("-period_end", "-period_start")
    return (CreditRating.objects.select_related("entity__region")
            .filter(entity__region__code__startswith=plist.organization.region.prefix, grade__in=plist.grades,
                    pk=Subquery(newest.values("pk")[:1]))
            .order_by("grade", "entity__uscc"))
