"""One device registry (issue 16 item 2): devices of every kind in monitoring's registry, limits assigned in bulk
by the device import from the outlets' standards, versioned and audited, shown and changed on the device's page."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from ecoenforce.core.audit import AuditEvent
from ecoenforce.core.errors import NotFound, PermissionDenied, ValidationFailed
from ecoenforce.monitoring import imports
from ecoenforce.monitoring.models import MonitoringDevice, Outlet
from ecoenforce.monitoring.rules.runner import Event
from ecoenforce.warnings import selectors, services
from ecoenforce.warnings.models import EmissionLimit, PointLimit, Warning
from ecoenforce.warnings.runs import warnings_upsert

pytestmark = pytest.mark.django_db
GAS = (
    "a34013;a21026;a21002;a21005;a19001;a00000"  # particulate, SO2, NOx, CO (no limit in GB 13223), O2, flow
)


@pytest.fixture(autouse=True)
def _limits_and_dirs(settings, tmp_path):
    settings.DEVICE_SNAPSHOT = tmp_path / "gateway" / "devices.json"
    services.limits_seed_load()
    with translation.override("en"):
        yield


def _xlsx(rows: list[list[str]], header=imports.COLUMNS) -> list[dict]:
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return imports.read_table(out.getvalue(), "devices.xlsx")


def _gas_row(
    entity, mn="CZGAS0001", standard="GB 13223-2011", category="燃煤锅炉 特别排放限值", pollutants=GAS
):
    return [
        entity.uscc,
        "DA001",
        "1#锅炉排气筒",
        "gas",
        mn,
        "123456",
        "2017",
        "",
        pollutants,
        standard,
        category,
    ]


def _current(mn: str) -> dict[str, float]:
    return {
        p.pollutant: p.limit_value for p in PointLimit.objects.filter(device__mn=mn, valid_to__isnull=True)
    }


def test_import_assigns_every_factor_from_the_seeded_table_and_names_the_unmatched(entity_wj, operator):
    rows = _xlsx([_gas_row(entity_wj),
                  [entity_wj.uscc, "DW001", "废水总排口", "water", "CZWAT0001", "123456", "", "", "w01018;w21003;w00000",
                   "GB 18918-2002", "一级A"]])  # fmt: skip
    report = imports.devices_import(actor=operator, rows=rows)
    assert report.errors == []
    # GB 13223 special limits for coal boilers: particulate 20, SO2 50, NOx 100; CO has none; O2 and flow are not judged
    assert _current("CZGAS0001") == {"a34013": 20.0, "a21026": 50.0, "a21002": 100.0}
    # 一级A: COD from the basic items; NH3-N is set per water temperature (two categories): named, not guessed
    assert _current("CZWAT0001") == {"w01018": 50.0}
    assert report.notices == [
        "Row 2: Carbon monoxide (mg/m³): no limit in GB 13223-2011 燃煤锅炉 特别排放限值; it is not judged for exceedance.",
        "Row 3: Ammonia nitrogen (mg/L): several categories of GB 18918-2002 give it a limit (一级A/水温>12℃; "
        "一级A/水温≤12℃); none was assigned. Write the category whole, or set the limit on the device page.",
    ]
    assert report.limits_assigned == 4
    outlet = Outlet.objects.get(entity=entity_wj, code="DA001")
    assert (outlet.standard, outlet.category) == ("GB 13223-2011", "燃煤锅炉 特别排放限值")
    so2 = PointLimit.objects.get(device__mn="CZGAS0001", pollutant="a21026")
    assert (so2.limit.category, so2.unit, so2.averaging, so2.reference_o2) == ("燃煤锅炉/重点地区(特别排放限值)", "mg/m3",
                                                                            "hour", 6.0)  # fmt: skip
    assert AuditEvent.objects.filter(action="point_limit.assign").count() == 4
    # the same file again changes no limit and writes no limit event
    again = imports.devices_import(actor=operator, rows=rows)
    assert (again.errors, again.limits_assigned, again.updated) == ([], 0, 2)
    assert PointLimit.objects.count() == 4


def test_a_changed_category_on_reimport_versions_the_limits(entity_wj, operator):
    imports.devices_import(actor=operator, rows=_xlsx([_gas_row(entity_wj, pollutants="a21026")]))
    report = imports.devices_import(actor=operator, rows=_xlsx([_gas_row(entity_wj, category="燃煤锅炉/现有/一般地区",
                                                                         pollutants="a21026")]))  # fmt: skip
    assert (report.errors, report.limits_assigned) == ([], 1)
    old, new = PointLimit.objects.filter(device__mn="CZGAS0001").order_by("valid_from")
    assert (old.limit_value, new.limit_value, old.valid_to, new.valid_to) == (
        50.0,
        200.0,
        new.valid_from,
        None,
    )
    assert AuditEvent.objects.filter(action="point_limit.change").count() == 1


def test_bad_standards_refuse_the_whole_import(entity_wj, operator):
    rows = _xlsx([
        _gas_row(entity_wj, mn="CZGAS0001", standard="GB 99999-2030"),
        _gas_row(entity_wj, mn="CZGAS0002", category="水泥窑"),
        _gas_row(entity_wj, mn="CZGAS0003", category=""),
        _gas_row(entity_wj, mn="CZGAS0004", standard=""),
        _gas_row(entity_wj, mn="CZGAS0005"),
    ])  # fmt: skip
    report = imports.devices_import(actor=operator, rows=rows)
    assert report.errors == [
        "Row 4: column category is empty: name the source category under GB 13223-2011",
        "Row 5: column standard is empty: a category needs its standard",
    ]
    rows = [r for r in rows if r["standard"] and r["category"]]
    report = imports.devices_import(actor=operator, rows=rows)
    assert report.errors[0] == ("Row 2: standard: GB 99999-2030 is not a standard in the limits table. Write its code "
                                "as the table does, e.g. GB 13223-2011.")  # fmt: skip
    assert report.errors[1].startswith("Row 3: category: 水泥窑 names no category of GB 13223-2011.")
    assert (report.created, report.limits_assigned, report.notices) == (0, 0, [])
    assert MonitoringDevice.objects.count() == 0 and PointLimit.objects.count() == 0


def test_the_template_downloads_with_example_rows_that_import(client, entity_wj, operator):
    client.force_login(operator)
    response = client.get("/monitoring/import/template.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value or "" for c in row] for row in sheet.iter_rows()]
    assert tuple(values[0]) == imports.COLUMNS
    assert [r[9:] for r in values[1:]] == [
        ["GB 13223-2011", "燃煤锅炉 特别排放限值"],
        ["GB 18918-2002", "一级A/基本控制项目(表1)"],
    ]
    rows = _xlsx([[entity_wj.uscc, *r[1:]] for r in values[1:]])
    report = imports.devices_import(actor=operator, rows=rows)
    assert (
        report.errors == [] and report.created == 2 and report.limits_assigned == 4
    )  # SO2 50, NOx 100, dust 20, COD 50


def test_a_device_registered_under_another_entity_is_refused_and_nothing_doubles(
    entity_wj, entity_xb, operator
):
    imports.devices_import(actor=operator, rows=_xlsx([_gas_row(entity_wj)]))
    report = imports.devices_import(actor=operator, rows=_xlsx([_gas_row(entity_xb)]))
    assert report.errors == ["Row 2: mn: MN CZGAS0001 is registered to another entity. Deactivate it there first, or "
                             "correct the MN."]  # fmt: skip
    with pytest.raises(ValidationFailed) as exc:
        services.device_bind(actor=None, mn="CZGAS0001", entity=entity_xb, kind="cems")
    assert "registered to another entity" in str(exc.value.message)
    with pytest.raises(ValidationFailed) as exc:  # a meter's MN cannot be re-registered as a camera either
        services.device_bind(actor=None, mn="CZGAS0001", entity=entity_wj, kind="video")
    assert (
        str(exc.value.message)
        == "MN CZGAS0001 is registered as another kind of device (Automatic monitoring). Correct the MN."
    )
    assert MonitoringDevice.objects.get().entity == entity_wj
    assert PointLimit.objects.filter(device__mn="CZGAS0001").count() == 3


def test_meters_and_cameras_are_devices_of_other_kinds_the_gateway_never_sees(
    entity_wj, operator, settings, django_capture_on_commit_callbacks
):
    services.device_bind(actor=None, mn="EZ-0001", entity=entity_wj, kind="electricity", label="脱硫塔电表")
    services.device_bind(actor=None, mn="EZ-0001", entity=entity_wj, kind="electricity", label="脱硫塔电表")
    with django_capture_on_commit_callbacks(execute=True):
        imports.devices_import(actor=operator, rows=_xlsx([_gas_row(entity_wj)]))
    assert sorted(MonitoringDevice.objects.values_list("mn", "kind")) == [
        ("CZGAS0001", "cems"),
        ("EZ-0001", "electricity"),
    ]
    snapshot = json.loads(settings.DEVICE_SNAPSHOT.read_text())
    assert [d["mn"] for d in snapshot["devices"]] == ["CZGAS0001"]
    with pytest.raises(ValidationFailed):  # an HJ 212 MN keeps its stricter form
        services.device_bind(actor=None, mn="CZ-GAS", entity=entity_wj, kind="cems")


def _device_with_limit(entity, operator) -> MonitoringDevice:
    imports.devices_import(actor=operator, rows=_xlsx([_gas_row(entity, pollutants="a21026;a19001")]))
    return MonitoringDevice.objects.get(mn="CZGAS0001")


def _ultra_low_so2() -> EmissionLimit:
    return EmissionLimit.objects.get(standard__code__startswith="环发〔2015〕164号", pollutant="a21026")


def test_a_limit_change_is_versioned_audited_and_a_past_warning_keeps_its_limit(
    client, entity_wj, operator, make_warning
):
    device = _device_with_limit(entity_wj, operator)
    warning = make_warning(entity_wj, mn=device.mn, pollutant="a21026", threshold=50.0, value=80.0,
                           start=timezone.now() - dt.timedelta(days=3), end=timezone.now() - dt.timedelta(days=2))  # fmt: skip
    assert selectors.warning_limit(warning).limit_value == 50.0
    client.force_login(operator)
    page = client.get(f"/warnings/{warning.pk}/").content.decode()  # the applicable limit in the unit people write
    assert "50 mg/m³" in page and "mg/m3" not in page
    version = services.point_limit_change(actor=operator, mn=device.mn, pollutant="a21026", limit_id=_ultra_low_so2().pk,
                                          valid_from=None, note="超低排放改造完成")  # fmt: skip
    assert (version.limit_value, version.valid_to, version.set_by) == (35.0, None, operator)
    old = PointLimit.objects.get(device=device, pollutant="a21026", valid_to__isnull=False)
    assert (old.limit_value, old.valid_to) == (50.0, version.valid_from)
    event = AuditEvent.objects.get(action="point_limit.change")
    assert (event.before["value"], event.after["value"], event.reason, event.region_code) == ("50", "35", "超低排放改造完成",
                                                                                              "320412")  # fmt: skip
    warning.refresh_from_db()
    assert warning.threshold == 50.0 and selectors.warning_limit(warning).limit_value == 50.0
    # The rules read both versions with their hours; a run that extends the old event keeps its threshold.
    rows = sorted(
        (r["limit_value"], r["valid_to_h"] is None)
        for r in selectors.limit_rows()
        if r["pollutant"] == "a21026"
    )
    assert rows == [(35.0, True), (50.0, False)]
    longer = Event(warning.event_id, "exceedance", device.mn, "a21026", warning.start, warning.end + dt.timedelta(hours=5),
                   90.0, 35.0, 8, "high")  # fmt: skip
    assert warnings_upsert(events=[longer], run=None) == (0, 1, 0)
    warning.refresh_from_db()
    assert (warning.threshold, warning.value, warning.hits) == (50.0, 90.0, 8)


def test_a_limit_change_is_refused_for_bad_input_and_out_of_reach(
    entity_wj, operator, operator_xb, inspector_wj
):
    device = _device_with_limit(entity_wj, operator)
    limit = _ultra_low_so2()
    with pytest.raises(ValidationFailed) as exc:
        services.point_limit_change(actor=operator, mn=device.mn, pollutant="a21026", limit_id=limit.pk,
                                    valid_from=timezone.now() - dt.timedelta(days=1), note="x")  # fmt: skip
    assert "valid_from" in exc.value.details
    with pytest.raises(ValidationFailed) as exc:
        services.point_limit_change(actor=operator, mn=device.mn, pollutant="a21002", limit_id=limit.pk, valid_from=None,
                                    note="x")  # fmt: skip
    assert "pollutant" in exc.value.details
    with pytest.raises(ValidationFailed) as exc:  # a NOx limit for SO2
        nox = EmissionLimit.objects.filter(pollutant="a21002").first()
        services.point_limit_change(actor=operator, mn=device.mn, pollutant="a21026", limit_id=nox.pk, valid_from=None,
                                    note="x")  # fmt: skip
    assert "limit" in exc.value.details
    with pytest.raises(ValidationFailed) as exc:
        services.point_limit_change(actor=operator, mn=device.mn, pollutant="a21026", limit_id=limit.pk, valid_from=None,
                                    note=" ")  # fmt: skip
    assert "note" in exc.value.details
    with pytest.raises(NotFound):
        services.point_limit_change(actor=operator_xb, mn=device.mn, pollutant="a21026", limit_id=limit.pk,
                                    valid_from=None, note="x")  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.point_limit_change(actor=inspector_wj, mn=device.mn, pollutant="a21026", limit_id=limit.pk,
                                    valid_from=None, note="x")  # fmt: skip
    assert _current(device.mn) == {"a21026": 50.0}
    assert not AuditEvent.objects.filter(action="point_limit.change").exists()


@pytest.mark.parametrize("language, words", [("zh-hans", ("现行限值", "二氧化硫", "变更限值", "历史限值")),
                                             ("en", ("Limits in force", "Sulphur dioxide", "Change a limit", "Earlier limits"))])  # fmt: skip
def test_the_device_limits_page_shows_and_changes_limits(
    client, entity_wj, operator, operator_xb, language, words
):
    device = _device_with_limit(entity_wj, operator)
    client.force_login(operator)
    url = f"/warnings/devices/{device.mn}/limits/"
    client.cookies["django_language"] = language
    page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200
    for word in words:
        assert word in text, word
    assert "GB 13223-2011" in text and "燃煤锅炉/重点地区(特别排放限值)" in text
    # the seeded table writes "mg/m3"; the page (limits and the form's choices) writes it as people do
    assert "50 mg/m³" in text and "mg/m3" not in text
    assert EmissionLimit.objects.filter(unit="mg/m3").exists()
    # the monitoring device page carries the limits panel and its link
    detail = client.get(f"/monitoring/devices/{device.mn}/").content.decode()
    assert 'data-testid="device-limits"' in detail and url in detail
    # a change through the form: the old value moves to the earlier limits
    response = client.post(url, {"pollutant": "a21026", "limit": _ultra_low_so2().pk, "valid_from": "",
                                 "note": "permit 2026"})  # fmt: skip
    assert response.status_code == 302, response.context["form"].errors
    assert _current(device.mn) == {"a21026": 35.0}
    # bad input: a time in the past is refused on the form, nothing changes
    response = client.post(url, {"pollutant": "a21026", "limit": _ultra_low_so2().pk, "valid_from": "2020-01-01T00:00",
                                 "note": "x"})  # fmt: skip
    assert response.status_code == 200 and "invalid-feedback" in response.content.decode()
    assert PointLimit.objects.filter(device=device).count() == 2
    client.force_login(operator_xb)
    assert client.get(url).status_code == 404


def _chart_specs(html: str) -> list[dict]:
    return [json.loads(m) for m in re.findall(r'<script id="chart-\d+-spec" type="application/json">(.*?)</script>', html)]


@pytest.mark.parametrize("language, label", [("zh-hans", "限值 50 mg/m³（小时均值）"),
                                             ("en", "Limit 50 mg/m³ (Hourly mean)")])  # fmt: skip
def test_the_device_page_draws_the_limit_in_force_on_its_factors_chart(client, entity_wj, operator, language, label):
    device = _device_with_limit(entity_wj, operator)  # SO2 judged against 50 mg/m³ hourly; O2 has no limit
    client.force_login(operator)
    client.cookies["django_language"] = language
    html = client.get(f"/monitoring/devices/{device.mn}/?kind=hour&range=24h").content.decode()
    specs = {spec["series"][0]["name"].split(" (")[0]: spec for spec in _chart_specs(html)}
    assert len(specs) == 2
    so2 = next(spec for name, spec in specs.items() if "mg/m³" in spec["yAxis"]["name"])
    mark = so2["series"][0]["markLine"]
    assert [d["yAxis"] for d in mark["data"]] == [50.0] and mark["label"]["formatter"] == label
    assert so2["yAxis"]["max"] == 55.0  # no reading reaches the limit: the axis still shows it
    assert label in html  # beside the chart's title too
    others = [spec for spec in specs.values() if spec is not so2]
    assert all("markLine" not in spec["series"][0] for spec in others)  # O2 has no limit: no line
    # a changed limit: the chart draws the version in force
    services.point_limit_change(actor=operator, mn=device.mn, pollutant="a21026", limit_id=_ultra_low_so2().pk,
                                valid_from=None, note="超低排放改造完成")  # fmt: skip
    html = client.get(f"/monitoring/devices/{device.mn}/?kind=hour&range=24h").content.decode()
    marks = [spec["series"][0]["markLine"]["data"] for spec in _chart_specs(html) if "markLine" in spec["series"][0]]
    assert marks == [[{"yAxis": 35.0, "name": label.replace("50", "35")}]]


def test_an_inspector_sees_the_limits_but_no_form(client, entity_wj, operator, inspector_wj):
    device = _device_with_limit(entity_wj, operator)
    client.force_login(inspector_wj)
    page = client.get(f"/warnings/devices/{device.mn}/limits/")
    assert page.status_code == 200 and 'data-testid="limit-form"' not in page.content.decode()
    assert client.post(f"/warnings/devices/{device.mn}/limits/", {"pollutant": "a21026"}).status_code == 200
    assert Warning.objects.count() == 0 and PointLimit.objects.filter(device=device).count() == 1


def test_the_register_form_takes_the_standard_and_refuses_a_category_it_cannot_match(
    client, entity_wj, operator
):
    client.force_login(operator)
    client.cookies["django_language"] = "en"
    form = {"entity_credit_code": entity_wj.uscc, "outlet_code": "DA002", "outlet_name": "2#锅炉", "outlet_kind": "gas",
            "mn": "CZGAS0009", "password": "123456", "protocol": "2017", "sm4_key": "", "pollutants": "a21026;a21005",
            "standard": "GB 13223-2011", "category": "水泥窑"}  # fmt: skip
    page = client.post("/monitoring/register/", form)
    assert page.status_code == 200 and "names no category of GB 13223-2011" in page.content.decode()
    assert not MonitoringDevice.objects.filter(mn="CZGAS0009").exists()
    page = client.post("/monitoring/register/", {**form, "category": ""})
    assert "Name the source category under this standard." in page.content.decode()
    page = client.post("/monitoring/register/", {**form, "category": "燃煤锅炉 特别排放限值"}, follow=True)
    assert _current("CZGAS0009") == {"a21026": 50.0}
    assert "Carbon monoxide (mg/m³): no limit in GB 13223-2011" in page.content.decode()


def test_the_device_api_gives_each_device_its_kind_and_filters_by_it(entity_wj, operator, client):
    services.device_bind(actor=None, mn="EZ-0001", entity=entity_wj, kind="electricity", label="脱硫塔电表")
    imports.devices_import(actor=operator, rows=_xlsx([_gas_row(entity_wj)]))
    client.force_login(operator)
    listed = client.get("/api/v1/monitoring/devices").json()
    assert sorted((d["mn"], d["device_kind"]) for d in listed) == [("CZGAS0001", "cems"), ("EZ-0001", "electricity")]
    meters = client.get("/api/v1/monitoring/devices?device_kind=electricity").json()
    assert [d["mn"] for d in meters] == ["EZ-0001"]
    assert client.get("/api/v1/monitoring/devices?device_kind=video").json() == []
    refused = client.get("/api/v1/monitoring/devices?device_kind=meter", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert refused.status_code == 422
    message = refused.json()["message"]
    assert "未知的设备类型" in message and "electricity" in message
