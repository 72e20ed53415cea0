"""Warnings API (permissions, actions) and the electricity/video inputs into the lake, including MQTT."""

from __future__ import annotations

import json
import socket
import threading
import time

import pytest

from ecoenforce.leads.models import Lead
from ecoenforce.monitoring.lake.reader import read_readings
from ecoenforce.monitoring.models import MonitoringDevice
from ecoenforce.warnings.models import Warning

pytestmark = pytest.mark.django_db
API = "/api/v1/warnings"
BATCH = {"mn": "EZ320400000001", "readings": [
    {"meter": "production", "time": "2026-10-02T08:00:00+08:00", "kw": 410.5, "kwh": 410.5},
    {"meter": "treatment", "time": "2026-10-02T08:00:00+08:00", "kw": 0.2},
]}  # fmt: skip


def test_api_permissions_and_scope(client, make_warning, entity_wj, entity_xb, operator_wj, inspector_wj):
    w1, w2 = make_warning(entity_wj), make_warning(entity_xb)
    assert client.get(f"{API}/").status_code == 401
    client.force_login(inspector_wj)
    assert client.get(f"{API}/").status_code == 403
    client.force_login(operator_wj)
    body = client.get(f"{API}/").json()
    assert (body["count"], [i["id"] for i in body["items"]]) == (1, [w1.pk])
    assert client.get(f"{API}/{w2.pk}").status_code == 404
    assert client.post(f"{API}/{w2.pk}/dismiss", {"reason": "false_positive"}, content_type="application/json").status_code == 404


def test_api_actions(client, make_warning, entity_wj, operator_wj, tomorrow):
    w1, w2, w3 = make_warning(entity_wj), make_warning(entity_wj), make_warning(entity_wj)
    client.force_login(operator_wj)
    r = client.post(f"{API}/{w1.pk}/dismiss", {"reason": "nonsense"}, content_type="application/json")
    assert r.status_code == 422 and Warning.objects.get(pk=w1.pk).status == "open"
    r = client.post(f"{API}/{w1.pk}/dismiss", {"reason": "calibration"}, content_type="application/json")
    assert (r.status_code, r.json()["status"], r.json()["dismiss_reason"]) == (200, "dismissed", "calibration")
    r = client.post(f"{API}/{w1.pk}/lead", {}, content_type="application/json")
    assert r.status_code == 409 and Lead.objects.count() == 0
    r = client.post(f"{API}/{w2.pk}/notice", {"deadline": tomorrow.isoformat(), "message": "说明"}, content_type="application/json")
    assert (r.status_code, r.json()["status"]) == (200, "sent")
    r = client.post(f"{API}/{w3.pk}/lead", {"note": ""}, content_type="application/json")
    r2 = client.post(f"{API}/{w3.pk}/lead", {"note": ""}, content_type="application/json")
    assert r.json()["lead_id"] == r2.json()["lead_id"] and Lead.objects.count() == 1


@pytest.fixture
def meters(entity_wj, entity_xb, admin_user):
    """A registered electricity monitor and camera in 武进, a monitor in 新北."""
    from ecoenforce.warnings.services import device_bind

    device_bind(actor=admin_user, mn="EZ320400000001", entity=entity_wj, kind="electricity")
    device_bind(actor=admin_user, mn="EZ320400000002", entity=entity_xb, kind="electricity")
    device_bind(actor=admin_user, mn="CAM-0001", entity=entity_wj, kind="video")
    return {"wj": "EZ320400000001", "xb": "EZ320400000002", "cam": "CAM-0001"}


def _audited(action):
    from ecoenforce.core.models import AuditEvent

    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


def test_electricity_batch_lands_in_the_lake_once(client, lake, meters, operator_wj, inspector_wj):
    client.force_login(inspector_wj)
    assert client.post(f"{API}/inputs/electricity", BATCH, content_type="application/json").status_code == 403
    client.force_login(operator_wj)
    bad = {"mn": meters["wj"], "readings": [{"meter": "lighting", "time": "2026-10-02T08:00:00", "kw": 1}]}
    r = client.post(f"{API}/inputs/electricity", bad, content_type="application/json")
    assert r.status_code == 422 and "meter" in r.json()["message"]
    assert not list(lake.rglob("*.parquet"))
    for _ in range(2):
        r = client.post(f"{API}/inputs/electricity", BATCH, content_type="application/json")
        assert r.json() == {"rows": 2, "files": 1}
    assert len(list(lake.rglob("*.parquet"))) == 1
    rows = read_readings(lake, kind="electricity", as_dicts=True)
    assert [(x["pollutant"], x["rtd"], x["cou"]) for x in rows] == [("production", 410.5, 410.5), ("treatment", 0.2, None)]


@pytest.mark.parametrize("mn", ["EZ999999999999", "EZ320400000002", "CAM-0001"],
                         ids=["unregistered", "other-county", "a-camera-not-a-meter"])  # fmt: skip
def test_electricity_refuses_an_mn_out_of_reach_and_stores_nothing(client, lake, meters, operator_wj, mn):
    from django.utils import translation

    client.force_login(operator_wj)
    before = len(_audited("inputs.electricity"))
    r = client.post(f"{API}/inputs/electricity", {**BATCH, "mn": mn}, content_type="application/json",
                    HTTP_ACCEPT_LANGUAGE="zh-hans")  # fmt: skip
    assert r.status_code == 422
    with translation.override("zh-hans"):
        said = f"{mn} 不是本辖区已登记的用电监控设备。"
    assert r.json()["details"] == {"readings[0].mn": [said], "readings[1].mn": [said]}  # same words: never which
    assert "本批数据均未保存" in r.json()["message"]
    assert not list(lake.rglob("*.parquet")) and len(_audited("inputs.electricity")) == before


def test_a_mixed_batch_names_each_refused_reading_and_stores_none(client, lake, meters, operator_wj):
    client.force_login(operator_wj)
    t = "2026-10-02T09:00:00+08:00"
    batch = {"readings": [{"mn": meters["wj"], "meter": "production", "time": t, "kw": 1},
                          {"mn": meters["xb"], "meter": "production", "time": t, "kw": 2},
                          {"mn": meters["wj"], "meter": "treatment", "time": t, "kw": 3},
                          {"mn": "EZNOBODY", "meter": "treatment", "time": t, "kw": 4}]}  # fmt: skip
    r = client.post(f"{API}/inputs/electricity", batch, content_type="application/json")
    assert r.status_code == 422 and sorted(r.json()["details"]) == ["readings[1].mn", "readings[3].mn"]
    assert not list(lake.rglob("*.parquet"))


def test_each_stored_batch_is_one_audit_event_in_its_county(client, lake, meters, operator, operator_wj, leader_wj):
    client.force_login(operator)  # the city's operator feeds both counties
    t = "2026-10-02T09:00:00+08:00"
    both = {"readings": [{"mn": meters["wj"], "meter": "production", "time": t, "kw": 1},
                         {"mn": meters["xb"], "meter": "production", "time": "2026-10-03T09:00:00+08:00", "kw": 2}]}
    assert client.post(f"{API}/inputs/electricity", both, content_type="application/json").json() == {"rows": 2, "files": 2}
    client.force_login(operator_wj)
    assert client.post(f"{API}/inputs/electricity", BATCH, content_type="application/json").status_code == 200
    events = _audited("inputs.electricity")
    assert len(events) == 2
    city, county = events
    assert (city.actor, city.region_code, city.after["mns"], city.after["rows"], city.after["via"]) == (
        operator, "320400", [meters["wj"], meters["xb"]], 2, "api")
    assert len(city.after["files"]) == 2 and city.after["from"].startswith("2026-10-02T09:00")
    device = MonitoringDevice.objects.get(mn=meters["wj"], kind="electricity")
    assert (county.actor, county.region_code, county.object_type, county.object_id, county.after["mns"]) == (
        operator_wj, "320412", "monitoring.monitoringdevice", str(device.pk), [meters["wj"]])
    assert sorted(str(p.relative_to(lake)) for p in lake.rglob("*.parquet")) == sorted(
        set(city.after["files"]) | set(county.after["files"]))


def test_video_webhook(client, lake, meters, operator_wj):
    client.force_login(operator_wj)
    r = client.post(f"{API}/inputs/video", {"mn": "CAM-0001", "event": "smoke", "time": "2026-10-02T21:15:00+08:00",
                                            "confidence": 0.93, "info": "烟囱黑烟"}, content_type="application/json")  # fmt: skip
    assert r.json() == {"rows": 1, "files": 1}
    rows = read_readings(lake, kind="video", as_dicts=True)
    assert [(x["mn"], x["pollutant"], x["rtd"], x["info"]) for x in rows] == [("CAM-0001", "smoke", 0.93, "烟囱黑烟")]
    assert [e.after["mns"] for e in _audited("inputs.video")] == [["CAM-0001"]]
    assert client.post(f"{API}/inputs/video", {"mn": "CAM-0001"}, content_type="application/json").status_code == 422


@pytest.mark.parametrize("mn", ["CAM-9999", "EZ320400000001"], ids=["unregistered", "a-meter-not-a-camera"])
def test_video_refuses_a_camera_out_of_reach(client, lake, meters, operator_wj, mn):
    client.force_login(operator_wj)
    r = client.post(f"{API}/inputs/video", {"mn": mn, "event": "smoke", "time": "2026-10-02T21:15:00+08:00"},
                    content_type="application/json")  # fmt: skip
    assert r.status_code == 422 and list(r.json()["details"]) == ["mn"]
    assert not list(lake.rglob("*.parquet")) and _audited("inputs.video") == []


def _broker_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 1883), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _broker_up(), reason="no MQTT broker on 127.0.0.1:1883")
def test_mqtt_listener_writes_valid_messages(tmp_path, settings, entity_wj, org_wj, admin_user):
    """Over the system broker (anonymous): the topic names the publisher and the MN, the listener checks the pair."""
    import paho.mqtt.client as mqtt

    from ecoenforce.warnings import selectors, services
    from ecoenforce.warnings.inputs.mqtt import ElectricityListener

    settings.LAKE_DIR = tmp_path
    mn, publisher = f"T{time.time_ns()}", "box-test"
    services.device_bind(actor=admin_user, mn=mn, entity=entity_wj, kind="electricity")
    services.mqtt_publisher_issue(actor=admin_user, username=publisher, organization=org_wj)
    services.mqtt_publisher_bind(actor=admin_user, username=publisher, mns=[mn])
    topic = f"ecoenforce/electricity/{publisher}/{mn}"
    listener = ElectricityListener(authorizations=selectors.mqtt_authorizations, topic=topic, flush_seconds=60,
                                   store=lambda p, rows: services.mqtt_readings_store(username=p, rows=rows))  # fmt: skip

    def publish():
        listener.subscribed.wait(10)
        pub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
        pub.connect("127.0.0.1", 1883)
        pub.loop_start()
        pub.publish(topic, json.dumps({"meter": "production", "time": "2026-10-02T08:00:00+08:00", "kw": 400}), qos=1).wait_for_publish()
        pub.publish(topic, b"not json", qos=1).wait_for_publish()
        pub.publish(topic, json.dumps({"readings": [{"meter": "treatment", "time": "2026-10-02T08:00:00+08:00",
                                                     "kw": 0.1}]}), qos=1).wait_for_publish()  # fmt: skip
        pub.loop_stop()
        pub.disconnect()

    worker = threading.Thread(target=publish)
    worker.start()
    listener.run(max_seconds=10, max_messages=3)
    worker.join(timeout=15)
    assert (listener.received, listener.rejected, listener.written) == (3, 1, 2)
    rows = read_readings(tmp_path, kind="electricity", as_dicts=True)
    assert [(r["mn"], r["pollutant"], r["rtd"]) for r in rows] == [(mn, "production", 400.0), (mn, "treatment", 0.1)]


def test_a_lake_that_cannot_be_written_leaves_no_audit_event(meters, operator_wj, tmp_path):
    from ecoenforce.warnings.inputs.lake_writer import electricity_rows
    from ecoenforce.warnings.services import readings_store

    blocked = tmp_path / "lake"
    blocked.write_text("a file where the lake's directory should be")
    rows = electricity_rows(BATCH)
    with pytest.raises(OSError):
        readings_store(actor=operator_wj, kind="electricity", rows=rows, lake_dir=blocked)
    assert _audited("inputs.electricity") == []
