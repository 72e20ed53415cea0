"""Monitoring pages and API respect jurisdiction: rejected frames, quarantine and the connection log are scoped by
the MN a frame claims; spool material naming no registered device is for the top-level bureau only; device
passwords never reach a page."""

from __future__ import annotations

import json

import pytest

from ecoenforce.monitoring import services
from ecoenforce.monitoring.gateway.spool import QUARANTINE, REJECTED, encode_record, segment_name
from ecoenforce.monitoring.hj212 import build_segment, encode_frame
from factories import device_input

pytestmark = pytest.mark.django_db
T = 1.77e9


def _frame(mn: str, pw: str = "654321") -> bytes:
    return encode_frame(build_segment(qn="20260301100000000", st="32", cn="2011", pw=pw, mn=mn, flag=5,
                                      cp="DataTime=20260301100000;w01018-Rtd=41.5,w01018-Flag=N"))  # fmt: skip


@pytest.fixture
def spool_world(mon_dirs, entity_wj, entity_xb, operator, django_capture_on_commit_callbacks):
    """Devices in 武进 (WJ01 active, WJ02 inactive) and 新北 (XB01 active, XB02 inactive); rejected and quarantined
    frames claiming each, plus garbage and an unknown MN; a connection log naming them."""
    with django_capture_on_commit_callbacks(execute=True):
        for entity, mn in ((entity_wj, "WJ01"), (entity_wj, "WJ02"), (entity_xb, "XB01"), (entity_xb, "XB02")):
            services.device_save(actor=operator, data=device_input(entity, mn=mn, active=not mn.endswith("2"),
                                                                   outlet_code=f"DW{mn}"))  # fmt: skip
    with open(mon_dirs / "spool" / segment_name(1), "wb") as fh:
        for i, mn in enumerate(("WJ01", "XB01")):
            fh.write(encode_record(REJECTED, _frame(mn), received_at=T + i, peer=f"10.0.0.{i}:5000",
                                   reason="AUTH_PASSWORD"))  # fmt: skip
        fh.write(encode_record(REJECTED, b"##0010garbage\r\n", received_at=T + 2, peer="10.0.0.9:1",
                               reason="CRC_MISMATCH"))  # fmt: skip
        for i, mn in enumerate(("WJ02", "XB02", "STRANGER01")):
            fh.write(encode_record(QUARANTINE, _frame(mn), received_at=T + 10 + i, peer="10.0.1.1:7",
                                   reason="UNKNOWN_MN" if mn.startswith("S") else "INACTIVE_DEVICE"))  # fmt: skip
    log = mon_dirs / "gateway" / "connections.jsonl"
    log.parent.mkdir(exist_ok=True)
    lines = [{"ts": T, "event": "connect", "peer": "10.0.0.1:5000"},
             {"ts": T + 1, "event": "auth_failure", "peer": "10.0.0.1:5000", "mn": "WJ01", "cn": "2011"},
             {"ts": T + 2, "event": "auth_failure", "peer": "10.0.0.2:5000", "mn": "XB01", "cn": "2011"},
             {"ts": T + 3, "event": "quarantine", "peer": "10.0.0.3:5000", "mn": "STRANGER01", "reason": "UNKNOWN_MN"}]
    log.write_text("".join(json.dumps(x) + "\n" for x in lines) + "not json\n")
    return mon_dirs


def _mns(client, url: str) -> list[str]:
    return [r["mn"] for r in client.get(url).json()]


@pytest.mark.parametrize(("who", "rejected", "quarantined", "logged"), [
    ("operator_wj", ["WJ01"], ["WJ02"], ["WJ01"]),
    ("operator_xb", ["XB01"], ["XB02"], ["XB01"]),
    ("operator", ["", "XB01", "WJ01"], ["STRANGER01", "XB02", "WJ02"], ["STRANGER01", "XB01", "WJ01", None]),
    ("admin_user", ["", "XB01", "WJ01"], ["STRANGER01", "XB02", "WJ02"], ["STRANGER01", "XB01", "WJ01", None]),
])  # fmt: skip
def test_spool_pages_show_only_the_jurisdictions_devices(spool_world, client, request, who, rejected, quarantined,
                                                         logged):  # fmt: skip
    from ecoenforce.monitoring import selectors

    user = request.getfixturevalue(who)
    assert [r["mn"] for r in selectors.rejected_frames(user=user)] == rejected
    assert [g["mn"] for g in selectors.quarantine_summary(user=user)] == quarantined
    assert [e.get("mn") for e in selectors.connection_log(user=user)] == logged
    client.force_login(user)
    assert _mns(client, "/api/v1/monitoring/rejected") == rejected
    page = client.get("/monitoring/quarantine/").content.decode()
    for mn in ("WJ02", "XB02", "STRANGER01"):
        assert (f"<code>{mn}</code>" in page) is (mn in quarantined)
    log_page = client.get("/monitoring/connections/").content.decode()
    for mn in ("WJ01", "XB01", "STRANGER01"):
        assert (mn in log_page) is (mn in logged)


def test_device_passwords_never_reach_the_rejected_page_or_api(spool_world, client, operator):
    client.force_login(operator)
    page = client.get("/monitoring/rejected/").content.decode()
    api = client.get("/api/v1/monitoring/rejected").json()
    assert "654321" not in page and "PW=******;MN=WJ01" in page
    assert [r["raw"].split(";")[3] for r in api if r["mn"]] == ["PW=******", "PW=******"]


def test_a_county_operator_cannot_release_or_register_another_countys_device(spool_world, client, operator_xb,
                                                                            entity_wj):  # fmt: skip
    from ecoenforce.monitoring.models import MonitoringDevice

    client.force_login(operator_xb)
    MonitoringDevice.objects.filter(mn="WJ02").update(active=True)
    assert client.get("/monitoring/quarantine/WJ02/release/").status_code == 404  # the review page, as the POST
    assert client.post("/monitoring/quarantine/WJ02/release/", {"through": "seg-0000000001.hjs:0"}).status_code == 404
    assert not list(spool_world.glob("lake/kind=*"))
    assert client.get("/monitoring/devices/WJ01/").status_code == 404
    assert client.get("/api/v1/monitoring/devices/WJ01").status_code == 404
    assert client.get("/api/v1/monitoring/readings", {"mn": "WJ01", "pollutant": "w01018"}).status_code == 404
    form = {"entity_credit_code": entity_wj.uscc, "outlet_code": "DA009", "outlet_name": "x", "outlet_kind": "gas",
            "mn": "NEWXB9", "password": "123456", "protocol": "2017", "sm4_key": "", "pollutants": "a21026"}
    page = client.post("/monitoring/register/", form).content.decode()
    assert "No regulated entity in your jurisdiction has this credit code." in page
    assert not MonitoringDevice.objects.filter(mn="NEWXB9").exists()
