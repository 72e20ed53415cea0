"""Fixtures for enforcement monitoring: the city's monitoring station and its lab technician, a water outlet with a
monitoring point whose COD limit is the point's own, the seeded emission limits, report files."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from ecoenforce.core.models import Organization, Role, User

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _files_in_tmp(tmp_path):
    with override_settings(FILES_DIR=tmp_path / "files"):
        yield


@pytest.fixture
def station(region_city) -> Organization:
    return Organization.objects.create(name="常州市环境监测中心", short_name="监", kind=Organization.Kind.MONITORING_STATION,
                                       region=region_city)


@pytest.fixture
def lab(station) -> User:
    user = User(username="lab", role=Role.MONITORING_OPERATOR, organization=station, full_name="钱慧")
    user.set_unusable_password()
    user.save()
    return user


@pytest.fixture
def limits(db):
    from ecoenforce.warnings.services import limits_seed_load

    limits_seed_load(actor=None)


@pytest.fixture
def water_point(entity_wj, admin_user, limits):
    """Entity_wj's wastewater outlet DW001 with device CZWJ0001; its COD limit is GB 18918 一级A (50 mg/L)."""
    from ecoenforce.monitoring.services import device_save
    from ecoenforce.warnings.models import EmissionLimit
    from ecoenforce.warnings.services import point_limit_assign
    from factories import device_input

    device = device_save(actor=admin_user, data=device_input(entity_wj, mn="CZWJ0001"))
    limit = EmissionLimit.objects.get(standard__code="GB 18918-2002", category="一级A/基本控制项目(表1)",
                                      pollutant="w01018")
    point_limit_assign(actor=None, mn="CZWJ0001", pollutant="w01018", limit=limit)
    return device.point


def hours_ago(h: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(hours=h)
