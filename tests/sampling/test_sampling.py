"""A sampling request from a case to the lab's result on the case and the lead it raises; limits (point vs
standard), below-DL values, the chain of custody refused out of order or with a broken seal, jurisdiction, the
overdue queue entry."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from ecoenforce.core.audit import audit_timeline, audit_verify
from ecoenforce.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from ecoenforce.core.files import blob_verify
from ecoenforce.core.queue import queue_for_user
from ecoenforce.leads.models import Lead
from ecoenforce.sampling import services
from ecoenforce.sampling.models import CustodyStep, Result, SamplingRequest
from ecoenforce.sampling.selectors import request_get_for_user
from ecoenforce.warnings.models import EmissionStandard

from .conftest import PDF, hours_ago

GB8978 = "第二类污染物(表4, 1998-01-01后建设)/一级/其他排污单位"


def _request(actor, *, case=None, lead=None, point=None, standard=True, factors=("w01018", "w21003"), now=None):
    std = EmissionStandard.objects.get(code="GB 8978-1996") if standard else None
    return services.request_create(
        actor=actor, medium="waste_water", factors=list(factors), case_id=case.pk if case else None,
        lead_id=lead.pk if lead else None, point_id=point.pk if point else None, location="厂区总排口",
        standard_id=std.pk if std else None, category=GB8978 if std else "", purpose="核实夜间超标排放举报", now=now)


def _to_lab(req, *, inspector, lab, sample_no="JC-W-001", seal="FT-20261130-01"):
    sample = services.sample_record(actor=inspector, request_id=req.pk, sample_no=sample_no, container="500 mL 玻璃瓶",
                                    preservation="加H2SO4至pH<2，4℃冷藏", samplers="周明、钱慧", sampled_at=hours_ago(5))
    services.custody_step_record(actor=inspector, sample_id=sample.pk, step="sealed", from_party="周明",
                                 to_party="企业环保负责人 张三丰", seal_no=seal, at=hours_ago(4.9))
    services.custody_step_record(actor=inspector, sample_id=sample.pk, step="handed_over", from_party="周明",
                                 to_party="钱慧", seal_no=seal, at=hours_ago(2))
    services.custody_step_record(actor=lab, sample_id=sample.pk, step="received", from_party="钱慧",
                                 to_party="样品管理员 孙丽", seal_no=seal, at=hours_ago(1.5))
    return sample


def _report(req, sample, lab, *, cod="117.5", nh3="0.02", nh3_dl="0.025", not_detected=False):
    rows = [{"sample_id": sample.pk, "factor": "w01018", "value": cod, "unit": "mg/L", "detection_limit": "4"},
            {"sample_id": sample.pk, "factor": "w21003", "value": nh3, "unit": "mg/L", "detection_limit": nh3_dl,
             "not_detected": not_detected}]
    return services.result_record(actor=lab, request_id=req.pk, rows=rows, report_number="常环监(执)字〔2026〕第118号",
                                  report=PDF, report_name="报告.pdf", conclusion="化学需氧量超标。")


@pytest.fixture
def setting(limits, station, lab):
    return None


def test_request_custody_result_case_and_lead(setting, case_wj, inspector_wj, lab, water_point):
    req = _request(inspector_wj, case=case_wj, point=water_point)
    assert (req.status, req.station.name, req.region.code) == ("requested", "常州市环境监测中心", "320412")
    assert req.due_on > timezone.localdate() and req.turnaround_days == 5
    assert [f.method for f in req.factors.all()] == ["HJ 828-2017 重铬酸盐法", "HJ 535-2009 纳氏试剂分光光度法"]
    sample = _to_lab(req, inspector=inspector_wj, lab=lab)
    req.refresh_from_db()
    assert req.status == "in_lab"
    assert list(sample.steps.values_list("step", flat=True)) == ["sampled", "sealed", "handed_over", "received"]
    req = _report(req, sample, lab)
    assert req.status == "reported" and blob_verify(req.report_sha256) and req.report_type == "application/pdf"
    cod = Result.objects.get(sample=sample, factor__code="w01018")
    assert (cod.limit_basis, cod.limit_value, cod.exceeded, cod.exceedance_ratio) == ("point", 50.0, True, 1.35)
    nh3 = Result.objects.get(sample=sample, factor__code="w21003")
    assert (nh3.below_dl, nh3.value, nh3.exceeded, nh3.limit_basis) == (True, None, False, "standard")
    # The lab report is evidence of the case (the on-site lane's store), the same verified file.
    from ecoenforce.onsite.models import Evidence

    evidence = Evidence.objects.get(pk=req.evidence_id)
    assert (evidence.case_id, evidence.sha256, evidence.kind) == (case_wj.pk, req.report_sha256, "document")
    # The case page shows the request, the exceedance and the report; the request page shows "< DL", not 0.02.
    client = Client()
    client.force_login(inspector_wj)
    case_page = client.get(f"/cases/{case_wj.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert req.number in case_page and "超标 1.35 倍" in case_page and f"/sampling/{req.pk}/report/" in case_page
    # … and the report among the case's evidence, with its hash, on the printable evidence list too.
    assert f"/onsite/evidence/{evidence.pk}/" in case_page and evidence.sha256[:16] in case_page
    listing = client.get(f"/onsite/cases/{case_wj.pk}/evidence/").content.decode()
    assert evidence.sha256[:32] in listing
    page = client.get(f"/sampling/{req.pk}/").content.decode()
    assert "&lt; DL" in page and "0.02" not in page.replace("0.025", "")
    assert b"".join(client.get(f"/sampling/{req.pk}/report/").streaming_content) == PDF
    # An exceedance raises a lead, once.
    lead = services.request_raise_lead(actor=inspector_wj, request_id=req.pk)
    assert (lead.source, lead.entity_id, lead.region.code) == (Lead.Source.SAMPLING, case_wj.entity_id, "320412")
    assert "1.35" in lead.description and "化学需氧量" in lead.title or "Chemical oxygen demand" in lead.title
    with pytest.raises(InvalidTransition):
        services.request_raise_lead(actor=inspector_wj, request_id=req.pk)
    services.request_close(actor=inspector_wj, request_id=req.pk)
    actions = [e.action for e in audit_timeline(obj=SamplingRequest.objects.get(pk=req.pk))]
    assert actions == ["sampling.request", "sampling.sample", "sampling.custody", "sampling.custody",
                       "sampling.custody", "sampling.report", "sampling.raise_lead", "sampling.close"]
    assert audit_verify().ok


def test_the_point_limit_comes_first_else_the_standard_says_which(setting, lead_wj, inspector_wj, lab, water_point):
    with_point = _request(inspector_wj, lead=lead_wj, point=water_point, factors=("w01018",))
    without = _request(inspector_wj, lead=lead_wj, factors=("w01018",))
    judged = {}
    for i, req in enumerate((with_point, without)):
        sample = _to_lab(req, inspector=inspector_wj, lab=lab, sample_no=f"S{i}", seal=f"F{i}")
        services.result_record(actor=lab, request_id=req.pk, report_number=f"R{i}", report=PDF, rows=[
            {"sample_id": sample.pk, "factor": "w01018", "value": "135", "unit": "mg/L", "detection_limit": "4"}])
        judged[i] = Result.objects.select_related("limit__standard").get(sample=sample)
    assert (judged[0].limit_basis, judged[0].limit.standard.code, judged[0].exceedance_ratio) == ("point", "GB 18918-2002", 1.7)
    assert (judged[1].limit_basis, judged[1].limit.standard.code, judged[1].exceedance_ratio) == ("standard", "GB 8978-1996", 0.35)


def test_not_detected_and_below_the_detection_limit_are_shown_as_below_dl(setting, lead_wj, inspector_wj, lab):
    req = _request(inspector_wj, lead=lead_wj)
    sample = _to_lab(req, inspector=inspector_wj, lab=lab)
    with pytest.raises(ValidationFailed) as refused:  # "not detected" needs the detection limit
        _report(req, sample, lab, nh3="", nh3_dl="", not_detected=True)
    assert "dl-" in "".join(refused.value.details)
    _report(req, sample, lab, nh3="", not_detected=True)
    nh3 = Result.objects.get(sample=sample, factor__code="w21003")
    assert (nh3.below_dl, nh3.value, nh3.detection_limit, nh3.exceeded) == (True, None, 0.025, False)
    client = Client()
    client.force_login(inspector_wj)
    body = client.get(f"/api/v1/sampling/{req.pk}").json()
    shown = {r["factor"]: r for r in body["results"]}
    assert shown["w21003"]["shown"] == "< DL" and shown["w21003"]["value"] is None
    assert shown["w01018"]["limit_basis"] == "standard" and shown["w01018"]["exceedance_ratio"] == 0.18


def test_a_report_that_is_not_a_pdf_or_image_is_refused_and_nothing_is_written(setting, lead_wj, inspector_wj, lab):
    req = _request(inspector_wj, lead=lead_wj)
    sample = _to_lab(req, inspector=inspector_wj, lab=lab)
    with pytest.raises(ValidationFailed) as refused:
        services.result_record(actor=lab, request_id=req.pk, report_number="R1", report=b"<html>not a report</html>",
                               rows=[{"sample_id": sample.pk, "factor": c, "value": "1", "detection_limit": "0.5"}
                                     for c in ("w01018", "w21003")])
    assert "report" in refused.value.details
    req.refresh_from_db()
    assert req.status == "in_lab" and not Result.objects.filter(sample=sample).exists()


def test_custody_out_of_order_or_with_a_broken_seal_is_refused(setting, lead_wj, inspector_wj, lab):
    req = _request(inspector_wj, lead=lead_wj)
    sample = services.sample_record(actor=inspector_wj, request_id=req.pk, sample_no="S1", container="瓶",
                                    samplers="周明", sampled_at=hours_ago(3))
    with pytest.raises(InvalidTransition) as refused:
        services.custody_step_record(actor=inspector_wj, sample_id=sample.pk, step="handed_over", from_party="周明",
                                     to_party="钱慧", seal_no="F1", at=hours_ago(2))
    assert refused.value.code == "custody_out_of_order"
    services.custody_step_record(actor=inspector_wj, sample_id=sample.pk, step="sealed", from_party="周明",
                                 seal_no="F1", at=hours_ago(2.5))
    for seal, intact, code in (("F2", True, "custody_seal_mismatch"), ("F1", False, "custody_seal_broken")):
        with pytest.raises(InvalidTransition) as refused:
            services.custody_step_record(actor=inspector_wj, sample_id=sample.pk, step="handed_over",
                                         from_party="周明", to_party="钱慧", seal_no=seal, seal_intact=intact,
                                         at=hours_ago(2))
        assert refused.value.code == code
    with pytest.raises(ValidationFailed):  # a hand-over names who took the sample
        services.custody_step_record(actor=inspector_wj, sample_id=sample.pk, step="handed_over", from_party="周明",
                                     seal_no="F1", at=hours_ago(2))
    with pytest.raises(ValidationFailed):  # the chain runs forward in time
        services.custody_step_record(actor=inspector_wj, sample_id=sample.pk, step="handed_over", from_party="周明",
                                     to_party="钱慧", seal_no="F1", at=hours_ago(2.9))
    services.custody_step_record(actor=inspector_wj, sample_id=sample.pk, step="handed_over", from_party="周明",
                                 to_party="钱慧", seal_no="F1", at=hours_ago(2))
    with pytest.raises(PermissionDenied):  # only the station's staff record that the lab received it
        services.custody_step_record(actor=inspector_wj, sample_id=sample.pk, step="received", from_party="钱慧",
                                     to_party="孙丽", seal_no="F1", at=hours_ago(1))
    assert list(CustodyStep.objects.filter(sample=sample).values_list("step", flat=True)) == [
        "sampled", "sealed", "handed_over"]
    with pytest.raises(ValueError):  # append-only
        step = CustodyStep.objects.get(sample=sample, step="sealed")
        step.seal_no = "F9"
        step.save()
    # The page says why in words.
    client = Client()
    client.force_login(inspector_wj)
    page = client.post(f"/sampling/{req.pk}/", {"action": "custody_step", "sample": sample.pk, "step": "sealed",
                                                 "from_party": "周明", "seal_no": "F1"}, follow=True,
                       HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Out of order" in page or "顺序" in page


def test_a_user_of_another_county_gets_not_found(setting, lead_wj, inspector_wj, inspector_xb, lab):
    req = _request(inspector_wj, lead=lead_wj)
    sample = services.sample_record(actor=inspector_wj, request_id=req.pk, sample_no="S1", container="瓶",
                                    samplers="周明", sampled_at=hours_ago(3))
    with pytest.raises(NotFound):
        request_get_for_user(user=inspector_xb, request_id=req.pk)
    with pytest.raises(NotFound):
        services.custody_step_record(actor=inspector_xb, sample_id=sample.pk, step="sealed", from_party="赵强",
                                     seal_no="F1")
    with pytest.raises(NotFound):  # nor can they request sampling on another county's lead
        _request(inspector_xb, lead=lead_wj)
    client = Client()
    client.force_login(inspector_xb)
    assert client.get(f"/sampling/{req.pk}/").status_code == 404
    assert client.get(f"/api/v1/sampling/{req.pk}").status_code == 404
    assert client.get("/api/v1/sampling/").json()["count"] == 0


def test_an_overdue_request_is_on_the_station_and_the_requester_queues(setting, lead_wj, inspector_wj, lab):
    late = _request(inspector_wj, lead=lead_wj, now=timezone.now() - dt.timedelta(days=30))
    fresh = _request(inspector_wj, lead=lead_wj)
    assert late.due_on < timezone.localdate() <= fresh.due_on
    station = {s.source.key: s for s in queue_for_user(lab)}["sampling.station"]
    assert (station.count, station.overdue) == (2, 1)
    assert [i.overdue for i in station.items] == [True, False]
    mine = {s.source.key: s for s in queue_for_user(inspector_wj)}["sampling.requester"]
    assert [i.ref for i in mine.items] == [f"sampling.samplingrequest:{late.pk}"] and mine.overdue == 1
    client = Client()
    client.force_login(lab)
    listed = client.get("/sampling/?overdue=yes").content.decode()
    assert late.number in listed and fresh.number not in listed
    export = client.get("/sampling/?overdue=yes&export=csv").content.decode("utf-8-sig")
    assert late.number in export and fresh.number not in export


def test_the_request_is_refused_without_what_where_or_a_station(lead_wj, inspector_wj, limits):
    with pytest.raises(ValidationFailed) as refused:
        services.request_create(actor=inspector_wj, medium="waste_water", factors=["w01018"], lead_id=lead_wj.pk)
    assert {"station", "location"} <= set(refused.value.details)
    with pytest.raises(ValidationFailed):
        services.request_create(actor=inspector_wj, medium="soil", factors=["w01018"], lead_id=lead_wj.pk,
                                location="x")
