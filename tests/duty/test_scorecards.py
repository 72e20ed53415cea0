"""Scorecards from records: a unit and its inspectors, every number down to its records, within jurisdiction;
the firm's rating after its case closes, once, only for its own case."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from tests.factories import advance_case, main_road, make_case, make_entity, publish_starter_catalogue

from ecoenforce.cases.workflow import Stage
from ecoenforce.core.errors import NotFound, ValidationFailed
from ecoenforce.core.queue import queue_for_user
from ecoenforce.duty.indicators import INDICATORS, Scope
from ecoenforce.duty.scorecard import period_parse
from ecoenforce.duty.selectors import (
    cases_to_rate,
    indicator_records,
    scope_for_user,
    scorecard_unit,
    scorecard_units,
)
from ecoenforce.duty.services import duty_policy_add, firm_rating_submit
from ecoenforce.inspections.models import Inspection
from ecoenforce.registry.models import EnterpriseAccount


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def period(today):
    return period_parse(str(today.year)) if today.month > 1 else period_parse(f"{today.year - 1}")


@pytest.fixture
def closed_case(entity_wj, inspector_wj, inspector2_wj, leader_wj, legal_wj, today):
    """A case of 武进 taken from filing to closing today, through the real workflow."""
    day = today if today.month > 1 else today.replace(month=1, day=1) - dt.timedelta(days=1)
    case = make_case(entity=entity_wj, opener=inspector_wj, handlers=[inspector_wj, inspector2_wj], filed_on=day)
    return advance_case(case, to=Stage.CLOSED, inspector=inspector_wj, leader=leader_wj, legal=legal_wj, on=day)


@pytest.fixture
def inspections(entity_wj, inspector_wj, inspector2_wj, region_wj, closed_case):
    """Two inspections by the two inspectors of 武进, one of which found a violation."""
    made = []
    for found in (True, False):
        i = Inspection.objects.create(entity=entity_wj, region=region_wj, kind=Inspection.Kind.ROUTINE,
                                      inspected_on=closed_case.filed_on, violation_found=found)
        i.inspectors.set([inspector_wj, inspector2_wj])
        made.append(i)
    return made


def _indicators(card):
    return {i.key: i for d in card.card.dimensions for i in d.indicators}


def test_a_unit_is_scored_from_its_records(closed_case, inspections, leader_wj, org_wj, period):
    unit, people = scorecard_unit(user=leader_wj, organization_id=org_wj.pk, period=period)
    ind = _indicators(unit)
    # three certified people in 武进 (two inspectors and the leader); two inspections each counted once
    assert (ind["inspections_per_inspector"].measure.numerator, ind["inspections_per_inspector"].measure.denominator) \
        == (2, 3)
    assert ind["cases_per_inspector"].measure.numerator == 1
    assert (ind["decided_in_time"].measure.numerator, ind["decided_in_time"].measure.denominator) == (1, 1)
    assert ind["decided_in_time"].score == 100.0
    assert ind["passed_review_first_time"].measure.value == 1.0
    assert ind["detection_rate"].measure.value == 0.5
    assert ind["firm_satisfaction"].measure is None and "firm_satisfaction" in unit.card.missing
    assert unit.card.total is not None
    names = {p.scope.inspector.username for p in people}
    assert names == {"inspector_wj", "inspector2_wj", "leader_wj"}
    mine = next(p for p in people if p.scope.inspector.username == "inspector_wj")
    assert _indicators(mine)["inspections_per_inspector"].measure.value == 2.0  # per one inspector: their own count


def test_every_number_drills_down_to_its_records(closed_case, inspections, leader_wj, org_wj, period):
    scope = scope_for_user(user=leader_wj, organization_id=org_wj.pk)
    indicator, rows = indicator_records(scope=scope, key="detection_rate", period=period)
    assert len(rows) == 2 and sorted(r.counts for r in rows) == [False, True]
    _ind, rows = indicator_records(scope=scope, key="decided_in_time", period=period)
    assert [r.title for r in rows] == [f"{closed_case.number} {closed_case.title}"]
    assert rows[0].url == reverse("cases:detail", args=[closed_case.pk])
    for key, ind in INDICATORS.items():  # the figure and its rows agree for every indicator
        measure = ind.measure(scope, period)
        rows = ind.records(scope, period)
        if measure is not None and ind.kind != "rating":
            assert measure.numerator == sum(r.counts for r in rows), key


def test_a_review_return_counts_against_first_time_passes(entity_wj, inspector_wj, inspector2_wj, leader_wj,
                                                           legal_wj, org_wj, today):
    from ecoenforce.cases.services import case_transition

    case = make_case(entity=entity_wj, opener=inspector_wj, handlers=[inspector_wj, inspector2_wj], filed_on=today)
    case = advance_case(case, to=Stage.LEGAL_REVIEW, inspector=inspector_wj, leader=leader_wj, legal=legal_wj,
                        on=today)
    case_transition(case_id=case.pk, actor=legal_wj, action="legal_review_return", reason="证据不足。",
                    effective_date=today)
    road = main_road(inspector=inspector_wj, leader=leader_wj, legal=legal_wj)
    publish_starter_catalogue()
    start = next(i for i, (action, _a, _x) in enumerate(road) if action == "submit_for_review")
    for action, actor, extra in road[start:]:
        case = case_transition(case_id=case.pk, actor=actor, action=action, effective_date=today, **extra)
    assert case.stage == Stage.CLOSED
    scope = scope_for_user(user=leader_wj, organization_id=org_wj.pk)
    _ind, rows = indicator_records(scope=scope, key="passed_review_first_time", period=period_parse(str(today.year)))
    assert [(r.title, r.counts) for r in rows] == [(f"{case.number} {case.title}", False)]


def test_scorecards_stay_inside_the_jurisdiction(closed_case, leader_wj, inspector_wj, inspector2_wj, org_wj, org_xb,
                                                 city_leader, period):
    assert [c.scope.organization for c in scorecard_units(user=leader_wj, period=period)] == [org_wj]
    assert {c.scope.organization for c in scorecard_units(user=city_leader, period=period)} >= {org_wj, org_xb}
    with pytest.raises(NotFound):
        scorecard_unit(user=leader_wj, organization_id=org_xb.pk, period=period)
    # an inspector reads their own card, not a colleague's
    assert scope_for_user(user=inspector_wj, organization_id=org_wj.pk, inspector_id=inspector_wj.pk).inspector \
        == inspector_wj
    with pytest.raises(NotFound):
        scope_for_user(user=inspector_wj, organization_id=org_wj.pk, inspector_id=inspector2_wj.pk)
    _unit, people = scorecard_unit(user=inspector_wj, organization_id=org_wj.pk, period=period)
    assert [p.scope.inspector for p in people] == [inspector_wj]


def test_an_unknown_indicator_is_not_found(leader_wj, org_wj, period):
    with pytest.raises(NotFound):
        indicator_records(scope=Scope(org_wj), key="fines_total", period=period)


def test_the_firm_rates_its_closed_case_once(closed_case, enterprise_user, entity_wj, region_wj, admin_user,
                                             leader_wj, org_wj, period):
    EnterpriseAccount.objects.create(user=enterprise_user, entity=entity_wj)
    assert list(cases_to_rate(enterprise_user)) == [closed_case]
    queue = {s.source.key: s for s in queue_for_user(enterprise_user)}
    assert queue["duty.ratings"].count == 1
    with pytest.raises(ValidationFailed) as exc:
        firm_rating_submit(user=enterprise_user, case_id=closed_case.pk, score="7")
    assert "from 1" in str(exc.value.message) and "score" in exc.value.details
    firm_rating_submit(user=enterprise_user, case_id=closed_case.pk, score="4", comment="执法人员态度好。")
    assert list(cases_to_rate(enterprise_user)) == []
    with pytest.raises(NotFound):  # rated: no longer waiting
        firm_rating_submit(user=enterprise_user, case_id=closed_case.pk, score="5")
    unit, _people = scorecard_unit(user=leader_wj, organization_id=org_wj.pk, period=period)
    assert _indicators(unit)["firm_satisfaction"].measure.value == 4.0


def test_another_firm_cannot_rate_the_case(closed_case, region_wj, admin_user):
    from ecoenforce.core.models import Role, User

    other = User.objects.create(username="other_firm", role=Role.ENTERPRISE)
    EnterpriseAccount.objects.create(user=other, entity=make_entity(region=region_wj, actor=admin_user))
    with pytest.raises(NotFound):
        firm_rating_submit(user=other, case_id=closed_case.pk, score="5")


def test_a_policy_version_changes_the_targets_and_is_audited(admin_user):
    from ecoenforce.core.models import AuditEvent
    from ecoenforce.duty.selectors import duty_policy_current

    with pytest.raises(ValidationFailed) as exc:
        duty_policy_add(actor=admin_user, values={"dimensions": {"speed": {"weight": 1, "indicators": {}}}})
    assert 'Unknown dimension "speed"' in str(exc.value.message)
    values = {"dimensions": {"quality": {"weight": 1, "indicators": {
        "decided_in_time": {"weight": 1, "target": 0.9, "better": "higher"}}}}}
    with transaction.atomic():
        saved = duty_policy_add(actor=admin_user, values=values, source="test")
    assert duty_policy_current() == (values, saved.version)
    assert AuditEvent.objects.filter(action="duty_policy.add").count() == 1


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_pages_render_and_export(client, closed_case, inspections, leader_wj, org_wj, inspector_wj, lang, period):
    client.force_login(leader_wj)
    client.cookies["django_language"] = lang
    q = f"?period={period.key}"
    for url in (reverse("duty:list") + q, reverse("duty:unit", args=[org_wj.pk]) + q,
                reverse("duty:person", args=[org_wj.pk, inspector_wj.pk]) + q,
                reverse("duty:records", args=[org_wj.pk, "detection_rate"]) + q,
                reverse("duty:requirements")):
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(reverse("duty:records", args=[org_wj.pk, "detection_rate"]) + q).content.decode()
    assert ("Problems found per inspection" if lang == "en" else "检查发现问题率") in page
    export = client.get(reverse("duty:list") + q + "&export=csv")
    assert export.status_code == 200 and org_wj.name in export.content.decode("utf-8-sig")
    assert client.get(reverse("duty:list") + "?period=2026Q9").status_code == 200  # told, shown this quarter


def test_the_firm_rates_in_the_browser_form(client, closed_case, enterprise_user, entity_wj):
    EnterpriseAccount.objects.create(user=enterprise_user, entity=entity_wj)
    client.force_login(enterprise_user)
    client.cookies["django_language"] = "en"
    url = reverse("duty:rate_case", args=[closed_case.pk])
    response = client.post(url, {"score": "", "comment": "写好的意见"})
    assert response.status_code == 200 and "写好的意见" in response.content.decode()  # what was typed is kept
    assert "Choose a rating" in response.content.decode()
    response = client.post(url, {"score": "5", "comment": "很好"}, follow=True)
    assert 'data-testid="rate-done"' in response.content.decode()


def test_demo_requirements_are_listed_by_post(client, admin_user, leader_wj):
    from ecoenforce.duty.demo import duty_demo

    assert duty_demo(actor=admin_user)["requirements"] >= 6
    assert duty_demo(actor=admin_user)["skipped"] is True  # once
    client.force_login(leader_wj)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("duty:requirements") + "?post=legal_reviewer").content.decode()
    assert "法制审核" in page and "第五十八条" in page and "出示执法证件" not in page


def test_help_visits_count_for_the_officers_named(entity_wj, inspector_wj, inspector2_wj, leader_wj, org_wj, today):
    from ecoenforce.compliance.services import help_visit_record

    period = period_parse(str(today.year))
    scope = scope_for_user(user=leader_wj, organization_id=org_wj.pk)
    assert INDICATORS["help_visits_per_inspector"].measure(scope, period).numerator == 0  # recorded: a real zero
    with transaction.atomic():
        help_visit_record(actor=inspector_wj, entity_id=entity_wj.pk, date=today.isoformat(), topic="危废台账规范化",
                          notes="指导企业建立危废管理台账。", officer_ids=[inspector_wj.pk, inspector2_wj.pk])
    unit = INDICATORS["help_visits_per_inspector"].measure(scope, period)
    assert (unit.numerator, unit.denominator) == (1, 3)  # one visit, three certified people
    mine = scope_for_user(user=leader_wj, organization_id=org_wj.pk, inspector_id=inspector_wj.pk)
    assert INDICATORS["help_visits_per_inspector"].measure(mine, period).value == 1.0
    rows = INDICATORS["help_visits_per_inspector"].records(scope, period)
    assert [r.title for r in rows] == [f"{entity_wj.name} · 危废台账规范化"]


def test_the_records_page_builds_the_rows_once(client, closed_case, inspections, leader_wj, org_wj, period,
                                               monkeypatch):
    """The figure on the records page is the figure of the rows it lists: they are built once, not once for the
    figure and again for the list."""
    import dataclasses

    from ecoenforce.duty import indicators

    indicator = INDICATORS["detection_rate"]
    calls = []

    def records(scope, p):
        calls.append(scope.key)
        return indicator.records(scope, p)

    monkeypatch.setitem(indicators.INDICATORS, "detection_rate", dataclasses.replace(indicator, records=records))
    client.force_login(leader_wj)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("duty:records", args=[org_wj.pk, "detection_rate"]) + f"?period={period.key}")
    assert page.status_code == 200 and calls == [f"u{org_wj.pk}"]
    assert "1 of 2 (50%)" in page.content.decode()  # one of the two inspections found a violation


def _certified(username: str, org, n: int):
    from ecoenforce.core.models import Role, User

    user = User(username=username, role=Role.INSPECTOR, organization=org, certificate_no=f"3204129{n:04d}",
                full_name=username)
    user.set_unusable_password()
    user.save()
    return user


@pytest.fixture
def seeded_unit(closed_case, inspections, entity_wj, region_wj, inspector_wj, inspector2_wj, leader_wj, legal_wj,
                org_wj, admin_user, today):
    """武进 with a record of every kind behind every indicator, spread unevenly over its people, and one certified
    inspector with no record at all."""
    from tests.factories import make_lead

    from ecoenforce.cases.models import Case
    from ecoenforce.compliance.models import HelpVisit
    from ecoenforce.core.audit import audit_record
    from ecoenforce.duty.models import SatisfactionAnswer
    from ecoenforce.leads.models import Lead

    day = closed_case.filed_on
    idle = _certified("idle_wj", org_wj, 1)
    # a case decided late after a legal review that returned it once, handled by inspector_wj and the leader
    late = make_case(entity=entity_wj, opener=inspector_wj, handlers=[inspector_wj, leader_wj], filed_on=day)
    Case.objects.filter(pk=late.pk).update(stage="closed", decided_on=day, decision_due=day - dt.timedelta(days=3),
                                           legal_reviewed_on=day)
    with transaction.atomic():
        audit_record(actor=legal_wj, obj=late, action="case.legal_review_return", reason="证据不足。")
    Lead.objects.filter(case=late).update(source=Lead.Source.WARNING)  # it began as an off-site monitoring warning
    # leads due in the period: on time, late by a local day (on time by UTC), never verified
    due = day
    tz_late = timezone.make_aware(dt.datetime.combine(due + dt.timedelta(days=1), dt.time(7, 0)))
    for who, triaged in ((inspector_wj, timezone.make_aware(dt.datetime.combine(due, dt.time(23, 30)))),
                         (inspector_wj, tz_late), (inspector2_wj, None), (leader_wj, tz_late)):
        lead = make_lead(entity=entity_wj, created_by=leader_wj)
        Lead.objects.filter(pk=lead.pk).update(assigned_to=who, assignment_due=due, triaged_at=triaged)
    # help visits: one with two officers, one with the leader alone
    for officers in ((inspector_wj, inspector2_wj), (leader_wj,)):
        visit = HelpVisit.objects.create(entity=entity_wj, date=day, topic="危废台账", notes="指导。",
                                         recorded_by=leader_wj)
        visit.officers.set(officers)
    # the firm rated the closed case; tipsters rated a tip assigned to inspector_wj whose case they also handle
    # (counted once), and one assigned to inspector2_wj
    answered = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
    SatisfactionAnswer.objects.create(respondent="firm", case=closed_case, score=4, answered_at=answered)
    tip = make_lead(entity=entity_wj, created_by=inspector_wj, title="群众举报偷排")
    tip_case = make_case(entity=entity_wj, opener=inspector_wj, handlers=[inspector_wj, inspector2_wj], filed_on=day)
    Lead.objects.filter(pk=tip.pk).update(assigned_to=inspector_wj, case=None)
    SatisfactionAnswer.objects.create(respondent="public", lead=tip, score=3, answered_at=answered)
    handled = Lead.objects.get(case=tip_case)
    Lead.objects.filter(pk=handled.pk).update(assigned_to=inspector_wj)
    SatisfactionAnswer.objects.create(respondent="public", lead=handled, score=5, answered_at=answered)
    other = make_lead(entity=entity_wj, created_by=inspector_wj, title="夜间异味")
    Lead.objects.filter(pk=other.pk).update(assigned_to=inspector2_wj)
    SatisfactionAnswer.objects.create(respondent="public", lead=other, score=2, answered_at=answered)
    return [inspector_wj, inspector2_wj, leader_wj, idle]


def test_the_unit_page_scores_each_inspector_as_their_own_card_does(seeded_unit, leader_wj, org_wj, period):
    from ecoenforce.duty.selectors import card_for

    inspector_wj, inspector2_wj, leader, idle = seeded_unit
    _unit, people = scorecard_unit(user=leader_wj, organization_id=org_wj.pk, period=period)
    assert {p.scope.inspector for p in people} == set(seeded_unit)
    for card in people:  # the grouped way gives each person the card their own page computes record by record
        assert card.card == card_for(card.scope, period).card, card.scope.inspector.username
    ids = [p.pk for p in seeded_unit]
    for key, indicator in INDICATORS.items():
        grouped = indicator.by_inspector(ids, period)
        for person in seeded_unit:
            assert grouped[person.pk] == indicator.measure(Scope(org_wj, person), period), (key, person.username)
    # and the seed is not trivial: each indicator tells the people apart
    mine = _indicators(next(p for p in people if p.scope.inspector == inspector_wj))
    theirs = _indicators(next(p for p in people if p.scope.inspector == inspector2_wj))
    lead = _indicators(next(p for p in people if p.scope.inspector == leader))
    nobody = _indicators(next(p for p in people if p.scope.inspector == idle))
    assert (mine["leads_verified_in_time"].measure.numerator, mine["leads_verified_in_time"].measure.denominator) \
        == (1, 2)
    assert theirs["leads_verified_in_time"].measure.value == 0 and lead["leads_verified_in_time"].measure.value == 0
    assert mine["decided_in_time"].measure.value == 0.5 and theirs["decided_in_time"].measure.value == 1.0
    assert lead["passed_review_first_time"].measure.value == 0.0
    assert mine["offsite_case_share"].measure.numerator == 1 and theirs["offsite_case_share"].measure.numerator == 0
    assert mine["public_satisfaction"].measure.value == 4.0 and theirs["public_satisfaction"].measure.value == 3.5
    assert lead["help_visits_per_inspector"].measure.value == 1.0 and theirs["firm_satisfaction"].measure.value == 4
    assert nobody["inspections_per_inspector"].measure.value == 0 and nobody["detection_rate"].measure is None


def test_the_unit_page_does_not_query_per_inspector(seeded_unit, client, leader_wj, org_wj, entity_wj, region_wj,
                                                    period, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            scorecard_unit(user=leader_wj, organization_id=org_wj.pk, period=period)
        return len(ctx.captured_queries)

    four = queries()
    for n in range(2, 8):  # six more certified inspectors, each with an inspection of their own
        person = _certified(f"more_wj_{n}", org_wj, n)
        i = Inspection.objects.create(entity=entity_wj, region=region_wj, kind=Inspection.Kind.ROUTINE,
                                      inspected_on=period.start, violation_found=bool(n % 2))
        i.inspectors.set([person])
    assert queries() == four
    client.force_login(leader_wj)
    # the unit's own card, its people, one grouped query per indicator, the session and the page: 33 with ten people
    with django_assert_max_num_queries(36):
        page = client.get(reverse("duty:unit", args=[org_wj.pk]) + f"?period={period.key}")
    assert page.status_code == 200 and "more_wj_7" in page.content.decode()


def test_a_period_with_no_records_says_so_and_every_number_still_drills_down(client, leader_wj, org_wj,
                                                                             inspector_wj):
    """A period in which the unit has no records: a clear answer on the list, the unit and the inspector's card —
    no score rather than zero, and the rows page of each indicator says it has no records."""
    client.force_login(leader_wj)
    client.cookies["django_language"] = "en"
    q = "?period=2019"
    for url in (reverse("duty:list") + q, reverse("duty:unit", args=[org_wj.pk]) + q,
                reverse("duty:person", args=[org_wj.pk, inspector_wj.pk]) + q):
        html = client.get(url).content.decode()
        assert 'data-testid="duty-no-records"' in html and "Choose another period" in html, url
    unit = client.get(reverse("duty:unit", args=[org_wj.pk]) + q).content.decode()
    drills = unit.count('data-testid="duty-drill"')
    assert drills >= 7  # every indicator is still listed and links to its (empty) records
    rows = client.get(reverse("duty:records", args=[org_wj.pk, "detection_rate"]) + q).content.decode()
    assert "No records in this period" in rows
