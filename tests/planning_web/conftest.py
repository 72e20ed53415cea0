"""Fixtures for plans and rounds: a small Wujin pool of classified entities."""

from __future__ import annotations

import pytest

from ecoenforce.registry.models import RegulatedEntity
from factories import make_entity


@pytest.fixture
def wj_pool(region_wj, admin_user, inspector_wj, inspector2_wj, leader_wj):
    """12 Wujin entities: 2 special, 4 key, 6 general; three certified officers (two inspectors and the leader)."""
    entities = [make_entity(region=region_wj, actor=admin_user) for _ in range(12)]
    for e, cls in zip(entities, ["special"] * 2 + ["key"] * 4 + ["general"] * 6, strict=True):
        RegulatedEntity.objects.filter(pk=e.pk).update(risk_class=cls)
    return list(RegulatedEntity.objects.filter(pk__in=[e.pk for e in entities]).order_by("pk"))
