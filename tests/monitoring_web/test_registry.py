"""Registry services, CSV import (exact report), permission matrix, quarantine -> register -> release."""

from __future__ import annotations

import json
import re

import pytest

from ecoenforce.core.audit import AuditEvent
from ecoenforce.core.errors import PermissionDenied, ValidationFailed
from ecoenforce.monitoring import imports, selectors, services
from ecoenforce.monitoring.gateway.spool import QUARANTINE, REJECTED, encode_record, segment_name
from ecoenforce.monitoring.hj212 import build_segment, encode_frame
from ecoenforce.monitoring.models import MonitoringDevice, Outlet, PointPollutant, QuarantineRelease
from factories import device_input

pytestmark = pytest.mark.django_db
HEADER = "entity_credit_code,outlet_code,outlet_name,outlet_kind,mn,password,protocol,sm4_key,pollutants\n"


def _csv(entity, *rows: str) -> list[dict]:
    text = HEADER + "".join(r.replace("{uscc}", entity.uscc) + "\n" for r in rows)
    return imports.read_table(text.encode(), "devices.csv")


def test_device_save_writes_snapshot_after_commit_and_audits(mon_dirs, entity_wj, operator,
                                                             django_capture_on_commit_callbacks):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        device = services.device_save(actor=operator, data=device_input(entity_wj, sm4_key="30" * 16, protocol="2025"))
    snap = json.loads(settings_path(mon_dirs).read_text())
    assert snap["devices"] == [{"mn": "SIM00000000", "password": "123456", "protocol": "2025", "sm4_key": "30" * 16,
                                "active": True}]  # fmt: skip
    assert sorted(device.point.pollutants.values_list("code", flat=True)) == ["w00000", "w01001", "w01018", "w21003",
                                                                               "w21011"]  # fmt: skip
    assert AuditEvent.objects.filter(action="monitoring_device.register").count() == 1
    # same data again: no second device, no second audit event
    with django_capture_on_commit_callbacks(execute=True):
        services.device_save(actor=operator, data=device_input(entity_wj, sm4_key="30" * 16, protocol="2025"))
    assert MonitoringDevice.objects.count() == 1
    assert AuditEvent.objects.filter(action__startswith="monitoring_device.").count() == 1


def settings_path(tmp):
    return tmp / "gateway" / "devices.json"


def test_bad_input_is_refused_and_nothing_saved(mon_dirs, entity_wj, operator):
    with pytest.raises(ValidationFailed) as exc:
        services.device_save(actor=operator, data=device_input(entity_wj, pollutants=["w01018", "zz999"]))
    assert exc.value.details["pollutants"] == [
        "Unknown factor code(s): zz999. Use HJ 212-2017 codes such as a21026 or w01018."]
    with pytest.raises(ValidationFailed) as exc:
        services.device_save(actor=operator, data=device_input(entity_wj, sm4_key="abc"))
    assert "sm4_key" in exc.value.details
    assert MonitoringDevice.objects.count() == 0 and Outlet.objects.count() == 0
    assert not settings_path(mon_dirs).exists()


@pytest.mark.parametrize("who", ["inspector_wj", "leader_wj", "grid_member", "enterprise_user"])
def test_wrong_roles_cannot_register(mon_dirs, entity_wj, who, request):
    with pytest.raises(PermissionDenied):
        services.device_save(actor=request.getfixturevalue(who), data=device_input(entity_wj))
    assert MonitoringDevice.objects.count() == 0


def test_import_reports_every_bad_row_and_imports_nothing(mon_dirs, entity_wj, operator):
    rows = _csv(entity_wj,
                "{uscc},DW001,总排口,water,MN0001,123456,2017,,w01018;w21003",
                "{uscc},DA001,1#锅炉,smoke,MN0002,123456,2019,,a21026",
                "999999999999999999,DW002,雨排口,water,MN0003,123456,,,w01018",
                "{uscc},DW001,总排口,water,MN0001,123456,2017,,w01018",
                "{uscc},DW003,,water,MN0004,123456,,,w01018;x1")  # fmt: skip
    report = imports.devices_import(actor=operator, rows=rows)
    assert report.errors == [
        "Row 3: outlet_kind must be gas or water, not smoke",
        "Row 3: protocol must be 2005, 2017 or 2025, not 2019",
        "Row 4: no regulated entity with credit code 999999999999999999 in your jurisdiction",
        "Row 5: MN MN0001 already appears in row 2",
        "Row 6: column outlet_name is empty",
    ]
    assert (report.created, report.updated) == (0, 0)
    assert MonitoringDevice.objects.count() == 0 and Outlet.objects.count() == 0
    assert not settings_path(mon_dirs).exists()


def test_import_creates_then_updates_by_mn(mon_dirs, entity_wj, operator, django_capture_on_commit_callbacks):
    rows = _csv(entity_wj, "{uscc},DW001,总排口,water,MN0001,123456,2017,,w01018;w21003",
                "{uscc},DA001,1#锅炉,gas,MN0002,654321,2005,,a34013；a21026")  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        report = imports.devices_import(actor=operator, rows=rows)
    assert (report.errors, report.created, report.updated) == ([], 2, 0)
    rows = _csv(entity_wj, "{uscc},DW001,总排口,water,MN0001,777777,2017,,w01018")
    with django_capture_on_commit_callbacks(execute=True):
        report = imports.devices_import(actor=operator, rows=rows)
    assert (report.errors, report.created, report.updated) == ([], 0, 1)
    assert MonitoringDevice.objects.get(mn="MN0001").password == "777777"
    assert list(PointPollutant.objects.filter(point__device__mn="MN0001").values_list("code", flat=True)) == ["w01018"]
    snap = json.loads(settings_path(mon_dirs).read_text())
    assert [(d["mn"], d["password"]) for d in snap["devices"]] == [("MN0001", "777777"), ("MN0002", "654321")]


def test_import_missing_columns_says_which(mon_dirs):
    with pytest.raises(ValidationFailed) as exc:
        imports.read_table(b"mn,password\nA,1\n", "x.csv")
    assert str(exc.value.message) == (
        "Missing column(s): entity_credit_code, outlet_code, outlet_name, outlet_kind, pollutants. The header row must "
        "name: entity_credit_code, outlet_code, outlet_name, outlet_kind, mn, password, protocol, sm4_key, pollutants, "
        "standard, category.")


def _frame(mn: str, t: str, value: float, pw: str = "123456") -> bytes:
    return encode_frame(build_segment(qn=f"{t}000", st="32", cn="2011", pw=pw, mn=mn, flag=5,
                                      cp=f"DataTime={t};w01018-Rtd={value},w01018-Flag=N"))  # fmt: skip


def test_quarantine_register_release_flow(mon_dirs, entity_wj, operator, client, django_capture_on_commit_callbacks):
    with open(mon_dirs / "spool" / segment_name(1), "wb") as fh:
        fh.write(encode_record(QUARANTINE, _frame("NEWMN01", "20260301100000", 41.5), received_at=1.77e9,
                               peer="10.0.0.9:5000", reason="UNKNOWN_MN"))  # fmt: skip
        fh.write(encode_record(QUARANTINE, _frame("NEWMN01", "20260301100030", 43.25), received_at=1.77e9 + 30,
                               peer="10.0.0.9:5000", reason="UNKNOWN_MN"))  # fmt: skip
        fh.write(encode_record(REJECTED, b"##0010garbage<script>\r\n", received_at=1.77e9 + 31, peer="10.0.0.8:1",
                               reason="CRC_MISMATCH"))  # fmt: skip
    client.force_login(operator)
    page = client.get("/monitoring/quarantine/").content.decode()
    assert "NEWMN01" in page and "Register the device first" in page
    with pytest.raises(ValidationFailed):
        services.quarantine_release(actor=operator, mn="NEWMN01")
    with django_capture_on_commit_callbacks(execute=True):
        services.device_save(actor=operator, data=device_input(entity_wj, mn="NEWMN01"))
    assert "/monitoring/quarantine/NEWMN01/release/" in client.get("/monitoring/quarantine/").content.decode()
    review = client.get("/monitoring/quarantine/NEWMN01/release/")
    through = review.context["plan"].through
    assert through == f"{segment_name(1)}:{len(encode_record(QUARANTINE, _frame('NEWMN01', '20260301100000', 41.5), received_at=0, peer='10.0.0.9:5000', reason='UNKNOWN_MN'))}"
    response = client.post("/monitoring/quarantine/NEWMN01/release/", {"through": through})
    assert response.status_code == 302
    release = QuarantineRelease.objects.get()
    assert (release.frames, release.rows_written) == (2, 2)
    rows = selectors._read(mn="NEWMN01", kind="realtime")
    assert [(r["data_time"].strftime("%H:%M:%S"), r["rtd"], r["segment"]) for r in rows] == [
        ("10:00:00", 41.5, segment_name(1)), ("10:00:30", 43.25, segment_name(1))]
    # a second release adds nothing
    services.quarantine_release(actor=operator, mn="NEWMN01")
    assert QuarantineRelease.objects.order_by("-pk").first().rows_written == 0
    assert len(selectors._read(mn="NEWMN01", kind="realtime")) == 2
    rejected = client.get("/monitoring/rejected/").content.decode()
    assert "CRC check failed" in rejected and "&lt;script&gt;" in rejected and "<script>\r" not in rejected


def test_release_refuses_forged_frames_and_shows_the_split_before_confirming(
        mon_dirs, entity_wj, operator, client, django_capture_on_commit_callbacks):  # fmt: skip
    """Issue 15 item 4: frames kept while the MN was unregistered carry whatever password the sender chose; only
    those with the device's password reach the lake, and a forged reading never wins deduplication."""
    with django_capture_on_commit_callbacks(execute=True):
        services.device_save(actor=operator, data=device_input(entity_wj, mn="NEWMN02"))
        services.device_set_active(actor=operator, device_id=MonitoringDevice.objects.get(mn="NEWMN02").pk,
                                   active=False)  # fmt: skip
    records = [  # (frame, received_at, peer): the genuine device at 10.0.0.9, a forger at 198.51.100.66
        (_frame("NEWMN02", "20260301100000", 41.5), 1_772_330_400.0, "10.0.0.9:5000"),
        (_frame("NEWMN02", "20260301100000", 999.0, pw="000000"), 1_772_330_401.0, "198.51.100.66:4000"),
        (_frame("NEWMN02", "20260301100100", 998.0, pw="000000"), 1_772_330_402.0, "198.51.100.66:4001"),
        (_frame("NEWMN02", "20260301100100", 42.0), 1_772_330_460.0, "10.0.0.9:5001"),
        (_frame("NEWMN02", "20260301100200", 997.0, pw=""), 1_772_330_470.0, "198.51.100.66:4002"),
    ]
    with open(mon_dirs / "spool" / segment_name(1), "wb") as fh:
        for raw, at, peer in records:
            fh.write(encode_record(QUARANTINE, raw, received_at=at, peer=peer, reason="INACTIVE_DEVICE"))
    client.force_login(operator)
    review = client.get("/monitoring/quarantine/NEWMN02/release/")
    plan = review.context["plan"]
    assert (plan.release.frames, plan.release.peer_list) == (2, [("10.0.0.9", 2)])
    assert (plan.refused.frames, plan.refused.peer_list) == (3, [("198.51.100.66", 3)])
    assert [g.first_data_time.strftime("%H:%M") + "-" + g.last_data_time.strftime("%H:%M")
            for g in (plan.release, plan.refused)] == ["10:00-10:01", "10:00-10:02"]  # fmt: skip
    page = review.content.decode()
    assert "Will be released" in page and "Refused: wrong or missing password" in page
    assert "198.51.100.66 <span" in page and "2026-03-01 10:00:00 – 2026-03-01 10:01:00" in page
    assert "The device is inactive" in page and "PW=" not in page
    with django_capture_on_commit_callbacks(execute=True):
        services.device_set_active(actor=operator, device_id=MonitoringDevice.objects.get(mn="NEWMN02").pk,
                                   active=True)  # fmt: skip
    through = client.get("/monitoring/quarantine/NEWMN02/release/").context["plan"].through
    with open(mon_dirs / "spool" / segment_name(2), "wb") as fh:  # arrives after the review: not released now
        fh.write(encode_record(QUARANTINE, _frame("NEWMN02", "20260301100300", 43.0), received_at=1_772_330_600.0,
                               peer="10.0.0.9:5002", reason="INACTIVE_DEVICE"))  # fmt: skip
    response = client.post("/monitoring/quarantine/NEWMN02/release/", {"through": through}, follow=True)
    assert ("Released 2 frame(s) of NEWMN02: 2 reading(s) added to the lake. 3 frame(s) with a wrong password stay "
            "in quarantine.") in response.content.decode()
    rows = selectors._read(mn="NEWMN02", kind="realtime")
    assert [(r["data_time"].strftime("%H:%M"), r["rtd"]) for r in rows] == [("10:00", 41.5), ("10:01", 42.0)]
    event = AuditEvent.objects.filter(action="monitoring_device.release_quarantine").get()
    assert event.after == {"frames": 2, "refused_wrong_password": 3, "rows_written": 2, "through": through}
    # the late frame is released by the next review; a tampered position is refused with a way forward
    with pytest.raises(ValidationFailed) as exc:
        services.quarantine_release(actor=operator, mn="NEWMN02", through="../../etc:1")
    assert exc.value.details["through"] == ["The reviewed release is not valid any more. Review the quarantined "
                                            "frames again."]  # fmt: skip
    services.quarantine_release(actor=operator, mn="NEWMN02")
    assert [r["rtd"] for r in selectors._read(mn="NEWMN02", kind="realtime")] == [41.5, 42.0, 43.0]


PAGES = ["/monitoring/", "/monitoring/rejected/", "/monitoring/quarantine/", "/monitoring/connections/",
         "/monitoring/import/"]  # fmt: skip


@pytest.mark.parametrize(("who", "allowed"), [
    ("operator", PAGES), ("admin_user", PAGES), ("inspector_wj", ["/monitoring/"]), ("leader_wj", ["/monitoring/"]),
    ("grid_member", []), ("enterprise_user", []),
])  # fmt: skip
def test_page_permission_matrix(mon_dirs, who, allowed, client, request):
    client.force_login(request.getfixturevalue(who))
    assert {p: client.get(p).status_code for p in PAGES} == {p: 200 if p in allowed else 403 for p in PAGES}


def test_anonymous_is_sent_to_login_and_api_refuses(mon_dirs, client):
    assert client.get("/monitoring/").status_code == 302
    assert client.get("/api/v1/monitoring/devices").status_code == 401


def test_other_jurisdiction_sees_no_device(mon_dirs, entity_wj, operator, inspector_xb, inspector_wj, client,
                                           django_capture_on_commit_callbacks):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        services.device_save(actor=operator, data=device_input(entity_wj))
    client.force_login(inspector_xb)
    assert client.get("/api/v1/monitoring/devices").json() == []
    assert client.get("/monitoring/devices/SIM00000000/").status_code == 404
    assert client.get("/api/v1/monitoring/devices/SIM00000000/latest").status_code == 404
    client.force_login(inspector_wj)
    assert [d["mn"] for d in client.get("/api/v1/monitoring/devices").json()] == ["SIM00000000"]
    assert client.get("/monitoring/devices/SIM00000000/").status_code == 200
    assert client.get("/api/v1/monitoring/rejected").status_code == 403


def test_register_form_creates_device_and_second_submit_updates(mon_dirs, entity_wj, operator, inspector_wj, client,
                                                                django_capture_on_commit_callbacks):  # fmt: skip
    client.force_login(operator)
    form = {"entity_credit_code": entity_wj.uscc, "outlet_code": "DA001", "outlet_name": "1#排气筒",
            "outlet_kind": "gas", "mn": "NEWMN02", "password": "123456", "protocol": "2017", "sm4_key": "",
            "pollutants": "a21026;a21002"}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/monitoring/register/", form).status_code == 302
        assert client.post("/monitoring/register/", form).status_code == 302
    assert list(MonitoringDevice.objects.values_list("mn", flat=True)) == ["NEWMN02"]
    bad = client.post("/monitoring/register/", {**form, "pollutants": "qq1"})
    assert "Unknown factor code(s): qq1." in bad.content.decode()
    client.force_login(inspector_wj)
    assert client.get("/monitoring/register/").status_code == 403



def test_deactivate_updates_snapshot_and_list_export(mon_dirs, entity_wj, operator, client,
                                                     django_capture_on_commit_callbacks):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        device = services.device_save(actor=operator, data=device_input(entity_wj))
        services.device_set_active(actor=operator, device_id=device.pk, active=False, reason="拆除")
    assert json.loads(settings_path(mon_dirs).read_text())["devices"][0]["active"] is False
    assert AuditEvent.objects.filter(action="monitoring_device.deactivate").count() == 1
    client.force_login(operator)
    body = client.get("/monitoring/", {"export": "csv", "status": "inactive"}).content.decode("utf-8-sig")
    assert body.splitlines() == ["MN,Entity,County,Device kind,Outlet,Outlet kind,Protocol,Last frame,Status",
                                 f"SIM00000000,{entity_wj.name},武进区,Automatic monitoring,总排口,Wastewater,2017,,Inactive"]  # fmt: skip


@pytest.mark.parametrize("language, words", [("zh-hans", ("自动监测", "用电监控", "视频监控", "设备类型")),
                                             ("en", ("Automatic monitoring", "Electricity monitoring",
                                                     "Video monitoring", "Device kind"))])  # fmt: skip
def test_the_device_list_shows_each_devices_kind_and_filters_on_it(mon_dirs, entity_wj, operator, client, language,
                                                                     words, django_capture_on_commit_callbacks):  # fmt: skip
    from ecoenforce.warnings.services import device_bind

    with django_capture_on_commit_callbacks(execute=True):
        services.device_save(actor=operator, data=device_input(entity_wj))
    device_bind(actor=operator, mn="EZ-0001", entity=entity_wj, kind=MonitoringDevice.Kind.ELECTRICITY)
    device_bind(actor=operator, mn="CAM-0001", entity=entity_wj, kind=MonitoringDevice.Kind.VIDEO)
    client.force_login(operator)
    client.cookies["django_language"] = language
    page = client.get("/monitoring/").content.decode()
    kinds = re.findall(r'<td data-testid="device-kind">([^<]*)</td>', page)
    assert kinds == [words[2], words[1], words[0]]  # ordered by MN: CAM-0001, EZ-0001, SIM00000000
    assert words[3] in page and 'name="device_kind"' in page  # the column's heading and its filter
    assert "cems" not in kinds and "electricity" not in kinds  # names, never codes
    filtered = client.get("/monitoring/", {"device_kind": "electricity"}).content.decode()
    assert re.findall(r'data-testid="device-link"><code>([^<]*)</code>', filtered) == ["EZ-0001"]
