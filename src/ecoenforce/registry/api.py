"""Registry endpoints: list and read regulated entities in the caller's jurisdiction."""

from __future__ import annotations

from ninja import Query, Router, Schema

from ecoenforce.core.access import STAFF_ROLES, require_role
from ecoenforce.core.api_lists import ListQuery, list_page
from ecoenforce.registry.selectors import EntityFilters, entity_get_for_user, entity_list_for_user

router = Router(tags=["entities"])


class EntityOut(Schema):
    id: int
    uscc: str
    name: str
    industry_code: str
    industry_name: str
    region_code: str
    region_name: str
    address: str
    permit_class: str
    permit_number: str
    is_key_unit: bool
    risk_class: str
    risk_score: float | None = None
    risk_scored_on: str | None = None
    on_positive_list: bool = False

    @staticmethod
    def from_model(e) -> EntityOut:
        return EntityOut(
            id=e.pk, uscc=e.uscc, name=e.name, industry_code=e.industry.code, industry_name=e.industry.name_zh,
            region_code=e.region.code, region_name=e.region.name, address=e.address, permit_class=e.permit_class,
            permit_number=e.permit_number, is_key_unit=e.is_key_unit, risk_class=e.risk_class,
            risk_score=float(e.risk_score) if e.risk_score is not None else None,
            risk_scored_on=e.risk_scored_on.isoformat() if e.risk_scored_on else None,
            on_positive_list=e.on_positive_list,
        )


class EntityQuery(ListQuery):
    q: str = ""
    region: str = ""
    industry: str = ""
    permit_class: str = ""
    key_unit: str = ""
    risk_class: str = ""
    positive_list: str = ""


class EntityPage(Schema):
    count: int
    items: list[EntityOut]


@router.get("/", response=EntityPage, summary="List regulated entities")
def list_entities(request, query: Query[EntityQuery]):
    require_role(request.user, STAFF_ROLES)
    count, page = list_page(entity_list_for_user(user=request.user, filters=EntityFilters(**query.filters())), query)
    return {"count": count, "items": [EntityOut.from_model(e) for e in page]}


@router.get("/{entity_id}", response=EntityOut, summary="Read one regulated entity")
def get_entity(request, entity_id: int):
    require_role(request.user, STAFF_ROLES)
    return EntityOut.from_model(entity_get_for_user(user=request.user, entity_id=entity_id))
