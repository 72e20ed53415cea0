"""Demo data of classified supervision: the catalogue, facts a bureau knows, classes, a positive list, ties.

Called by `demo/seed.py` after the city is built; idempotent (does nothing if the catalogue already exists).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from decimal import Decimal

from django.db import transaction

from ecoenforce.core.errors import ValidationFailed
from ecoenforce.core.models import User
from ecoenforce.registry.catalogue.selectors import catalogue_current_version
from ecoenforce.registry.catalogue.starter import catalogue_load_starter
from ecoenforce.registry.models import (
    EnterpriseAccount,
    EntityEvent,
    InspectorProfile,
    InspectorTie,
    PermitClass,
    RegulatedEntity,
)
from ecoenforce.registry.positive.services import (
    positive_list_apply,
    positive_list_decide,
    positive_list_eligibility,
)
from ecoenforce.registry.risk_services import risk_classify
from ecoenforce.registry.services import entity_event_record

# Guangdong 2017 credit distribution over 1,060 firms (regulations.md §8): red 2.45 %, yellow 10 %, blue 73.68 %.
CREDIT = (("red", 0.0245), ("yellow", 0.10), ("blue", 0.7368), ("green", 0.1387))
POSITIVE_SHARE = 0.03  # of the clean key/simplified entities


def _grade(rng: random.Random) -> str:
    roll, total = rng.random(), 0.0
    for grade, share in CREDIT:
        total += share
        if roll < total:
            return grade
    return "green"


def _facts(rng: random.Random, entities: list[RegulatedEntity], penalised: set[int]) -> None:
    for e in entities:
        permitted = e.permit_class in (PermitClass.KEY, PermitClass.SIMPLIFIED)
        if permitted:
            e.credit_grade = "yellow" if e.pk in penalised and rng.random() < 0.5 else _grade(rng)
            roll = rng.random()
            e.permit_reports_on_time = True if roll < 0.85 else False if roll < 0.95 else None
            e.near_sensitive_receptor = rng.random() < 0.15
            scale = 20 if e.permit_class == PermitClass.KEY else 3
            e.annual_discharge_t = Decimal(str(round(rng.lognormvariate(math.log(scale), 0.8), 2)))
        # key units have networked automatic monitoring in the demo (the monitoring demo registers their devices)
        e.networked_monitoring = e.is_key_unit or (e.permit_class == PermitClass.KEY and rng.random() < 0.8)
    RegulatedEntity.objects.bulk_update(entities, ["credit_grade", "permit_reports_on_time", "near_sensitive_receptor",
                                                   "annual_discharge_t", "networked_monitoring"], batch_size=500)


def _inspector_pool(rng: random.Random, today: dt.date) -> int:
    certified = list(User.objects.exclude(certificate_no="").filter(organization__isnull=False)
                     .select_related("organization__region"))
    InspectorProfile.objects.bulk_create([InspectorProfile(user=u, home_region=u.organization.region)
                                          for u in certified if not hasattr(u, "inspector_profile")])
    ties = []
    for user in rng.sample(certified, min(6, len(certified))):
        entity = (RegulatedEntity.objects.filter(region__code__startswith=user.organization.region.prefix)
                  .order_by("?").first())
        if entity is not None:
            ties.append(InspectorTie(inspector=user, entity=entity, kind=rng.choice(["kin", "interest"]),
                                     declared_on=today - dt.timedelta(days=rng.randint(10, 300)), note="演示申报"))
    InspectorTie.objects.bulk_create(ties, ignore_conflicts=True)
    return len(ties)


@transaction.atomic
def classification_demo(*, actor: User, applicants: dict[str, User], leaders: dict[str, User],
                        enterprise: User | None, today: dt.date) -> dict:
    """Seed once (the inspector profiles mark it done); returns counts for the seed log."""
    if InspectorProfile.objects.exists():
        return {"skipped": True}
    rng = random.Random(20260505)
    catalogue_load_starter(actor=actor)  # nothing if the city seed already published it
    version = catalogue_current_version()
    entities = list(RegulatedEntity.objects.select_related("industry", "region").order_by("pk"))
    penalised = set(EntityEvent.objects.filter(kind=EntityEvent.Kind.PENALTY, date__gt=today - dt.timedelta(days=365))
                    .values_list("entity_id", flat=True))
    _facts(rng, entities, penalised)
    totals = risk_classify(actor=actor, as_of=today)
    clean = [e for e in entities if e.permit_class in (PermitClass.KEY, PermitClass.SIMPLIFIED)
             and positive_list_eligibility(entity=e, as_of=today).eligible]
    chosen = rng.sample(clean, round(len(clean) * POSITIVE_SHARE)) if clean else []
    listed = []
    for entity in chosen:
        county = entity.region.code
        if county not in applicants or county not in leaders:
            continue
        try:
            entry, _created = positive_list_apply(actor=applicants[county], entity_id=entity.pk, note="演示：企业申请")
            listed.append(positive_list_decide(actor=leaders[county], entry_id=entry.pk, approve=True,
                                               today=today - dt.timedelta(days=rng.randint(20, 400))))
        except ValidationFailed:
            continue
    if listed:  # one listed firm just had an incident: its removal is proposed for the leader to confirm
        entity_event_record(entity=listed[0].entity, kind=EntityEvent.Kind.INCIDENT, date=today,
                            note="突发环境事件：厂区废气处理设施故障导致异味外溢，已启动应急响应")
    if enterprise is not None:
        own = next((e for e in clean if e not in chosen and e.region.code == "320412"), None)
        if own is not None:
            EnterpriseAccount.objects.get_or_create(user=enterprise, entity=own)
    ties = _inspector_pool(rng, today)
    return {"skipped": False, "matters": version.matters.count() if version else 0, "clean": len(clean),
            "listed": len(listed), "ties": ties, **totals}
