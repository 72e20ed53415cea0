"""Warnings desk: seeded limits, rule runs raising warnings idempotently, the pages and their permissions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from ecoenforce.core.models import AuditEvent
from ecoenforce.leads.models import Lead
from ecoenforce.monitoring.rules import RulePolicyValues
from ecoenforce.monitoring.rules.runner import run_lake
from ecoenforce.monitoring.scenario import generate, write_lake
from ecoenforce.warnings.demo import _limit
from ecoenforce.warnings.models import (
    ElectronicNotice,
    EmissionLimit,
    EmissionStandard,
    RuleRun,
    Warning,
    WarningAction,
)
from ecoenforce.warnings.runs import rule_run_create, rule_run_execute
from ecoenforce.warnings.selectors import limit_rows
from ecoenforce.warnings.services import device_bind, limits_seed_load, point_limit_assign

pytestmark = pytest.mark.django_db


def test_limits_seed_keeps_source_and_confidence_and_is_idempotent():
    assert limits_seed_load() == (207, 0)
    assert limits_seed_load() == (0, 207)
    assert EmissionStandard.objects.count() == 8
    so2 = EmissionLimit.objects.get(standard__code="GB 13223-2011", category="燃煤锅炉/新建/一般地区", pollutant="a21026")
    assert (so2.limit_value, so2.unit, so2.averaging, so2.reference_o2, so2.confidence) == (100.0, "mg/m3", "hour", 6.0,
                                                                                              "secondary")  # fmt: skip
    assert "taodocs" in so2.source
    ph = EmissionLimit.objects.filter(pollutant_name="pH").first()
    assert (ph.limit_min, ph.limit_value, ph.limit_text) == (6.0, 9.0, "6-9")


def _scenario_setup(lake, entity_wj, entity_xb):
    """Four simulated points (exceedance, flag abuse, 折算 tampering, flat-line), two per county."""
    limits_seed_load()
    sc = generate(n_points=4, days=3, seed=7, inject_share=1.0, lookalike_share=0.0)
    write_lake(sc, lake)
    for i, point in enumerate(sc.points):
        entity = entity_wj if i < 2 else entity_xb
        device_bind(actor=None, mn=point["mn"], entity=entity)
        device_bind(actor=None, mn=f"E{point['mn'][1:]}", entity=entity, kind="electricity")
    for row in sc.limits:
        industry = next(p["industry"] for p in sc.points if p["mn"] == row["mn"])
        point_limit_assign(actor=None, mn=row["mn"], pollutant=row["pollutant"], limit=_limit(industry, row["pollutant"], row["averaging"]))
    return sc, sc.start, sc.start + dt.timedelta(hours=sc.hours)


def test_rule_run_raises_warnings_once(lake, entity_wj, entity_xb):
    sc, start, end = _scenario_setup(lake, entity_wj, entity_xb)
    expected = run_lake(lake, start, end, limit_rows(), RulePolicyValues())
    assert sorted({e.rule for e in expected}) == ["exceedance", "flag_abuse", "flatline", "zs_inconsistent"]
    run = rule_run_execute(run_id=rule_run_create(actor=None, window_from=start, window_to=end).pk)
    assert (run.status, run.progress, run.events_found, run.warnings_created, run.unmatched_devices) == (
        "done", 100, len(expected), len(expected), 0)
    assert sorted(Warning.objects.values_list("event_id", flat=True)) == sorted(e.id for e in expected)
    assert Warning.objects.filter(region=entity_wj.region).count() == sum(1 for e in expected if e.mn in {p["mn"] for p in sc.points[:2]})
    again = rule_run_execute(run_id=rule_run_create(actor=None, window_from=start, window_to=end).pk)
    assert (again.warnings_created, again.warnings_updated) == (0, 0)
    assert Warning.objects.count() == len(expected)


def test_rule_run_refuses_an_unknown_engine_and_a_reversed_window(admin_user):
    from ecoenforce.core.errors import ValidationFailed

    t = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
    with pytest.raises(ValidationFailed):
        rule_run_create(actor=admin_user, window_from=t, window_to=t + dt.timedelta(days=1), engine="oracle")
    with pytest.raises(ValidationFailed):
        rule_run_create(actor=admin_user, window_from=t, window_to=t)
    assert RuleRun.objects.count() == 0


def test_desk_list_permissions(client, make_warning, entity_wj, entity_xb, operator_wj, operator, inspector_wj):
    w1, w2 = make_warning(entity_wj), make_warning(entity_xb)
    url = reverse("warnings:list")
    assert client.get(url).status_code == 302  # anonymous → sign in
    client.force_login(inspector_wj)
    assert client.get(url).status_code == 403
    client.force_login(operator_wj)
    page = client.get(url)
    assert page.status_code == 200
    assert [w.pk for w in page.context["page"]] == [w1.pk]
    client.force_login(operator)  # the city operator sees both counties
    assert sorted(w.pk for w in client.get(url).context["page"]) == sorted([w1.pk, w2.pk])
    export = client.get(url, {"export": "csv"})
    assert export.status_code == 200 and "CZ320400000000" in export.content.decode("utf-8-sig")


def test_detail_shows_chart_and_readings_and_hides_other_counties(client, lake, make_warning, entity_wj, entity_xb, operator_wj):
    import pyarrow.parquet as pq

    from ecoenforce.monitoring.scenario.generator import to_arrow

    h0 = int(dt.datetime(2026, 10, 2, tzinfo=dt.UTC).timestamp()) // 3600
    cols = {"mn": ["CZ320400000000"] * 4, "st": ["31"] * 4, "pollutant": ["a21026"] * 4, "h": [h0 - 1, h0, h0 + 1, h0 + 2],
            "avg": [20.0, 50.0, 55.0, 21.0], "zs_avg": [20.0, 52.5, 57.0, 21.0], "cou": [None] * 4, "flag": ["N"] * 4}  # fmt: skip
    (lake / "kind=hour" / "date=2026-10-02").mkdir(parents=True)
    pq.write_table(to_arrow(cols), lake / "kind=hour" / "date=2026-10-02" / "part-t.parquet")
    w = make_warning(entity_wj)
    client.force_login(operator_wj)
    page = client.get(reverse("warnings:detail", args=[w.pk]))
    assert page.status_code == 200
    assert [r["zs"] for r in page.context["readings"]] == [52.5, 57.0, 21.0]
    assert [(x["name"], x["code"], x["axis"], x["data"][0][1]) for x in page.context["chart"]["series"]] == [
        ("二氧化硫 (mg/m³)", "a21026", 0, 20.0), ("二氧化硫 (mg/m³)，折算值", "a21026/zs", 0, 20.0)]
    assert page.context["chart"]["threshold"] == 35.0
    other = make_warning(entity_xb)
    assert client.get(reverse("warnings:detail", args=[other.pk])).status_code == 404


def test_dismiss_needs_a_reason_and_is_audited(client, make_warning, entity_wj, operator_wj):
    w = make_warning(entity_wj)
    client.force_login(operator_wj)
    url = reverse("warnings:detail", args=[w.pk])
    before = AuditEvent.objects.count()
    page = client.post(url, {"action": "dismiss", "dismiss-reason": "other", "dismiss-note": ""})
    assert page.status_code == 200 and page.context["dismiss_form"].errors
    w.refresh_from_db()
    assert (w.status, AuditEvent.objects.count(), WarningAction.objects.count()) == ("open", before, 0)
    client.post(url, {"action": "dismiss", "dismiss-reason": "false_positive", "dismiss-note": "对比手工监测正常"})
    w.refresh_from_db()
    assert (w.status, w.dismiss_reason) == ("dismissed", "false_positive")
    assert AuditEvent.objects.filter(action="warning.dismiss").count() == 1
    again = client.post(url, {"action": "dismiss", "dismiss-reason": "shutdown"}, follow=True)
    assert again.status_code == 200
    w.refresh_from_db()
    assert w.dismiss_reason == "false_positive"


def test_electronic_notice_deadline(client, make_warning, entity_wj, operator_wj, tomorrow):
    w = make_warning(entity_wj)
    client.force_login(operator_wj)
    url = reverse("warnings:detail", args=[w.pk])
    client.post(url, {"action": "notify", "notice-deadline": (tomorrow - dt.timedelta(days=1)).isoformat(),
                      "notice-message": "请说明超标原因"})  # fmt: skip
    assert ElectronicNotice.objects.count() == 0
    client.post(url, {"action": "notify", "notice-deadline": tomorrow.isoformat(), "notice-message": "请说明超标原因"})
    notice = ElectronicNotice.objects.get()
    w.refresh_from_db()
    assert (w.status, notice.deadline, notice.entity_id, notice.status) == ("notified", tomorrow, entity_wj.pk, "sent")


def test_raise_lead_once(client, make_warning, entity_wj, operator_wj):
    w = make_warning(entity_wj)
    client.force_login(operator_wj)
    url = reverse("warnings:detail", args=[w.pk])
    client.post(url, {"action": "lead", "lead-note": "建议现场核查"})
    client.post(url, {"action": "lead", "lead-note": "建议现场核查"})
    lead = Lead.objects.get()
    w.refresh_from_db()
    assert (lead.source, lead.external_ref, lead.entity_id, w.status, w.lead_id) == ("warning", f"warning:{w.pk}",
                                                                                     entity_wj.pk, "lead", lead.pk)  # fmt: skip
    assert "建议现场核查" in lead.description


def test_quality_page_shows_false_positive_rate_to_administrators(client, make_warning, entity_wj, admin_user, operator_wj):
    make_warning(entity_wj, status="dismissed", dismiss_reason="false_positive")
    make_warning(entity_wj, status="lead")
    make_warning(entity_wj)
    client.force_login(operator_wj)
    assert client.get(reverse("warnings:quality")).status_code == 403
    client.force_login(admin_user)
    page = client.get(reverse("warnings:quality"))
    assert page.status_code == 200
    assert [(r["rule"], r["total"], r["handled"], r["false"], r["rate"]) for r in page.context["rows"]] == [
        ("exceedance", 3, 2, 1, 0.5)]


def test_runs_page_starts_a_run(client, lake, operator_wj, inspector_wj):
    url = reverse("warnings:runs")
    client.force_login(inspector_wj)
    assert client.get(url).status_code == 403
    client.force_login(operator_wj)
    bad = client.post(url, {"date_from": "2026-10-02", "date_to": "2026-10-01", "engine": "duckdb"})
    assert bad.status_code == 200 and RuleRun.objects.count() == 0
    client.post(url, {"date_from": "2026-10-01", "date_to": "2026-10-02", "engine": "duckdb"})
    run = RuleRun.objects.get()
    assert (run.status, run.progress, run.events_found, run.requested_by_id) == ("done", 100, 0, operator_wj.pk)
    assert client.get(reverse("warnings:run_detail", args=[run.pk])).status_code == 200


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_pages_render_in_both_languages(client, make_warning, entity_wj, operator_wj, lang):
    w = make_warning(entity_wj)
    client.force_login(operator_wj)
    client.cookies["django_language"] = lang
    for url in (reverse("warnings:list"), reverse("warnings:detail", args=[w.pk]), reverse("warnings:runs")):
        assert client.get(url).status_code == 200


def test_policy_versions_through_admin_are_numbered_and_audited(client, admin_user):
    from ecoenforce.warnings.models import RulePolicy
    from ecoenforce.warnings.services import rule_policy_current

    client.force_login(admin_user)
    page = client.get("/admin/warnings/rulepolicy/add/")
    assert page.status_code == 200
    values = {**rule_policy_current()[1].as_dict(), "flat_hours": 8}
    import json

    r = client.post("/admin/warnings/rulepolicy/add/", {"values": json.dumps(values), "note": "longer flat-line", "active": "on"})
    assert r.status_code == 302
    policy = RulePolicy.objects.get()
    assert (policy.version, policy.values["flat_hours"], policy.created_by_id) == (1, 8, admin_user.pk)
    assert rule_policy_current()[1].flat_hours == 8
    assert AuditEvent.objects.filter(action="rule_policy.create").count() == 1


def _hourly(lake, mn: str, hours: list[int], pollutant: str = "a21026", value: float = 20.0) -> None:
    """Hourly readings of one factor at the given epoch hours (one parquet file)."""
    import pyarrow.parquet as pq

    from ecoenforce.monitoring.scenario.generator import to_arrow

    n = len(hours)
    cols = {"mn": [mn] * n, "st": ["31"] * n, "pollutant": [pollutant] * n, "h": hours, "avg": [value + h % 5 for h in hours],
            "zs_avg": [None] * n, "cou": [None] * n, "flag": ["N"] * n}  # fmt: skip
    folder = lake / "kind=hour" / f"date={dt.date.fromtimestamp(hours[-1] * 3600).isoformat()}"
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(to_arrow(cols), folder / f"part-{mn}-{pollutant}.parquet")


def test_a_run_never_judges_the_future(lake, entity_wj):
    """A device reporting every hour up to the last full one: a window reaching into tomorrow raises no outage for
    the hours still to come, the run records the window it judged, and a window wholly ahead is refused."""
    from django.utils import timezone

    from ecoenforce.core.errors import ValidationFailed

    now = timezone.now()
    h_now = int(now.timestamp()) // 3600
    _hourly(lake, "CZ320400000001", list(range(h_now - 48, h_now)))
    device_bind(actor=None, mn="CZ320400000001", entity=entity_wj)
    run = rule_run_create(actor=None, window_from=now - dt.timedelta(days=2), window_to=now + dt.timedelta(days=1))
    assert run.window_to <= timezone.now()  # recorded as asked up to the present, never beyond
    run = rule_run_execute(run_id=run.pk)
    assert run.status == "done"
    assert not Warning.objects.filter(rule="outage").exists()
    with pytest.raises(ValidationFailed):
        rule_run_create(actor=None, window_from=now + dt.timedelta(hours=1), window_to=now + dt.timedelta(days=1))
    # A short slot inside the current hour (a scheduler set to minutes) is no error: it judges nothing yet.
    inside = rule_run_create(actor=None, window_from=now - dt.timedelta(seconds=5), window_to=now)
    assert (rule_run_execute(run_id=inside.pk).status, inside.events_found) == ("done", 0)


def test_the_rules_core_stops_at_the_present(lake):
    """The pure core, given `now`, judges up to the current hour only; without it, the window as asked."""
    from django.utils import timezone

    now = timezone.now()
    h_now = int(now.timestamp()) // 3600
    _hourly(lake, "CZ320400000001", list(range(h_now - 24, h_now)))
    start, end = now - dt.timedelta(days=1), now + dt.timedelta(days=1)
    assert [e.rule for e in run_lake(lake, start, end, [], RulePolicyValues())] == ["outage"]  # the old behaviour
    assert run_lake(lake, start, end, [], RulePolicyValues(), now=now) == []
    assert run_lake(lake, now + dt.timedelta(hours=1), end, [], RulePolicyValues(), now=now) == []
