"""The migration that merges warnings' device bindings into the monitoring registry and versions point limits:
every binding is carried over (one whose MN the registry has merges into that device), limits land on their
devices with the emission limit's value, and nothing is doubled."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from factories import make_entity

BEFORE = [("warnings", "0003_notice_answers"), ("monitoring", "0001_registry_of_monitoring_points")]
AFTER = [("warnings", "0006_registry_limits_finish"), ("monitoring", "0002_device_kinds_and_outlet_standard")]


@pytest.fixture
def region_city(seeded_reference):
    from ecoenforce.core.models import Region

    return Region.objects.get(code="320400")


@pytest.fixture
def region_wj(seeded_reference):
    from ecoenforce.core.models import Region

    return Region.objects.get(code="320412")


@pytest.fixture
def region_xb(seeded_reference):
    from ecoenforce.core.models import Region

    return Region.objects.get(code="320411")


@pytest.fixture
def back_to_latest(transactional_db):
    """Whatever the test does, the database ends at the newest migrations (later tests need every column)."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_bindings_and_limits_are_carried_into_the_registry(back_to_latest, region_wj, region_xb, admin_user, org_city):
    entity_wj = make_entity(region=region_wj, actor=admin_user)
    entity_xb = make_entity(region=region_xb, actor=admin_user)
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Device, Binding = (
        old.get_model("monitoring", "MonitoringDevice"),
        old.get_model("warnings", "DeviceBinding"),
    )
    Standard, Limit = (
        old.get_model("warnings", "EmissionStandard"),
        old.get_model("warnings", "EmissionLimit"),
    )
    PointLimit, Publisher = (
        old.get_model("warnings", "PointLimit"),
        old.get_model("warnings", "MqttPublisher"),
    )
    Device.objects.create(mn="CZ0001", password="123456", entity_id=entity_wj.pk)
    publisher = Publisher.objects.create(username="box1", password_hash="x", organization_id=org_city.pk)
    Binding.objects.create(
        mn="CZ0001", kind="cems", entity_id=entity_xb.pk, label="power"
    )  # merges into the device
    Binding.objects.create(
        mn="E0001", kind="electricity", entity_id=entity_wj.pk, label="脱硫塔", publisher=publisher
    )
    Binding.objects.create(mn="CAM-1", kind="video", entity_id=entity_xb.pk)
    std = Standard.objects.create(code="GB 13223-2011", title="火电厂大气污染物排放标准", version="2011")
    so2 = Limit.objects.create(standard=std, category="燃煤锅炉/新建/一般地区", pollutant="a21026", pollutant_name="二氧化硫",
                               limit_value=100, unit="mg/m3", averaging="hour", reference_o2=6)  # fmt: skip
    PointLimit.objects.create(mn="CZ0001", pollutant="a21026", limit=so2)
    PointLimit.objects.create(mn="NOWHERE", pollutant="a21026", limit=so2)  # no device could ever use it

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Device, Grant = new.get_model("monitoring", "MonitoringDevice"), new.get_model("warnings", "MqttGrant")
    PointLimit = new.get_model("warnings", "PointLimit")
    devices = {d.mn: (d.kind, d.entity_id, d.label, d.password) for d in Device.objects.all()}
    assert devices == {
        "CZ0001": ("cems", entity_wj.pk, "power", "123456"),  # the registry's entity and password stay
        "E0001": ("electricity", entity_wj.pk, "脱硫塔", ""),
        "CAM-1": ("video", entity_xb.pk, "", ""),
    }
    assert [
        (g.device.mn, g.publisher.username) for g in Grant.objects.select_related("device", "publisher")
    ] == [("E0001", "box1")]
    limits = [(p.device.mn, p.pollutant, p.limit_value, p.unit, p.averaging, p.reference_o2, p.valid_from.year, p.valid_to)
              for p in PointLimit.objects.select_related("device")]  # fmt: skip
    assert limits == [("CZ0001", "a21026", 100.0, "mg/m3", "hour", 6.0, 1970, None)]
    assert "warnings_devicebinding" not in connection.introspection.table_names()
