"""The public facility page (ECHO-like) and the open-data downloads: only published or by-law public records,
every free text masked, quarters right across year boundaries, a clear state when there is nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from ecoenforce.cases.workflow import Stage
from ecoenforce.disclosure.selectors import Quarter, public_facility_history, quarter_of, quarters_back
from ecoenforce.leads.services import lead_convert
from ecoenforce.planning.rounds import round_commit, round_draw, round_publish
from ecoenforce.planning.tasks import task_mark_not_inspected, task_record_result
from ecoenforce.warnings.models import Warning
from factories import make_case, make_entity, make_lead

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _warning(entity, n: int, status: str, rule: str = "exceedance") -> Warning:
    start = timezone.now() - dt.timedelta(hours=n + 1)
    return Warning.objects.create(event_id=f"pub{n:018d}", rule=rule, mn="CZ320400000000", pollutant="a21026",
                                  entity=entity, region=entity.region, start=start, end=start, severity="medium",
                                  value=52.5, threshold=35.0, status=status)


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


# --- quarters ---------------------------------------------------------------------------------------------------

def test_quarters_cross_year_boundaries():
    assert quarter_of(dt.date(2025, 12, 31)) == Quarter(2025, 4)
    assert quarter_of(dt.date(2026, 1, 1)) == Quarter(2026, 1)
    assert quarter_of(dt.date(2026, 3, 31)) == Quarter(2026, 1)
    assert quarter_of(dt.date(2026, 4, 1)) == Quarter(2026, 2)
    back = quarters_back(dt.date(2026, 1, 1))
    assert len(back) == 12
    assert back[:3] == [Quarter(2026, 1), Quarter(2025, 4), Quarter(2025, 3)]
    assert back[-1] == Quarter(2023, 2)
    assert quarters_back(dt.date(2025, 12, 31))[0] == Quarter(2025, 4)
    assert quarters_back(dt.date(2025, 12, 31))[-1] == Quarter(2023, 1)
    assert (Quarter(2024, 1).start, Quarter(2024, 1).end) == (dt.date(2024, 1, 1), dt.date(2024, 3, 31))
    assert (Quarter(2024, 4).start, Quarter(2024, 4).end) == (dt.date(2024, 10, 1), dt.date(2024, 12, 31))
    assert Quarter(2024, 2).end == dt.date(2024, 6, 30)


def test_records_fall_in_their_quarter_and_out_of_range_ones_drop(decided_case_wj):
    case = decided_case_wj
    decided = case.decided_on
    history = public_facility_history(facility_id=case.entity_id, today=decided)
    assert [d.id for d in history.quarters[0].decisions] == [case.pk]
    # Seen from the first day of the next year's quarter three years on, the decision is out of the 12 quarters.
    later = Quarter(quarter_of(decided).year + 3, quarter_of(decided).number).start
    assert not public_facility_history(facility_id=case.entity_id, today=later).has_records
    # The day before, it sits in the oldest row.
    history = public_facility_history(facility_id=case.entity_id, today=later - dt.timedelta(days=1))
    assert [d.id for d in history.quarters[-1].decisions] == [case.pk]


# --- what the public sees, and never sees -----------------------------------------------------------------------

def test_facility_page_shows_published_records_and_never_leads_tips_or_unpublished_cases(
        client, decided_case_wj, inspector_wj, inspector2_wj, leader_wj):
    entity = decided_case_wj.entity
    make_lead(entity=entity, created_by=inspector_wj, title="群众李秘密举报夜间偷排")  # a tip: never public
    open_case = make_case(entity=entity, opener=inspector_wj, handlers=[inspector_wj, inspector2_wj])
    open_case.title = "未公开案件甲乙丙"
    open_case.save(update_fields=["title"])
    _warning(entity, 1, Warning.Status.NOTIFIED)
    _warning(entity, 2, Warning.Status.LEAD)
    _warning(entity, 3, Warning.Status.OPEN)  # not reviewed yet
    _warning(entity, 4, Warning.Status.DISMISSED)  # a false alarm
    _warning(entity, 5, Warning.Status.NOTIFIED, rule="flatline")  # a suspicion, not an exceedance

    history = public_facility_history(facility_id=entity.pk, today=TODAY)
    assert [d.id for q in history.quarters for d in q.decisions] == [decided_case_wj.pk]
    exceedances = [e for q in history.quarters for e in q.exceedances]
    assert sum(e.count for e in exceedances) == 2
    body = client.get(f"/public/facilities/{entity.pk}/").content.decode()
    assert "群众李秘密" not in body and "偷排" not in body and "未公开案件甲乙丙" not in body
    assert f"/public/decisions/{decided_case_wj.pk}/" in body
    assert f"/public/decisions/{open_case.pk}/" not in body
    assert "/leads/" not in body and "/cases/" not in body
    assert 'data-testid="data-lag"' in body and 'data-testid="no-records"' not in body


def test_round_results_appear_once_published_with_a_link_to_the_round(client, leader_wj, region_wj, admin_user,
                                                                     inspector_wj, inspector2_wj):
    entity = make_entity(region=region_wj, actor=admin_user, name="常州抽查对象有限公司")
    round_ = round_commit(actor=leader_wj, title="本季度抽查", period_start=TODAY, period_end=TODAY + dt.timedelta(days=30),
                          ratios={"special": Decimal("1"), "key": Decimal("1"), "general": Decimal("1")})
    round_ = round_draw(actor=leader_wj, round_id=round_.pk)
    task = round_.tasks.get(entity=entity)
    task_record_result(actor=task.inspectors.first(), task_id=task.pk, inspected_on=TODAY, violation_found=True,
                       findings="废气治理设施未运行")
    assert not public_facility_history(facility_id=entity.pk, today=TODAY).has_records  # not published yet
    body = client.get(f"/public/facilities/{entity.pk}/").content.decode()
    assert f"/public/rounds/{round_.pk}/" not in body and 'data-testid="no-records"' in body
    round_publish(actor=leader_wj, round_id=round_.pk)
    history = public_facility_history(facility_id=entity.pk, today=TODAY)
    assert [(i.round_id, i.violation_found) for i in history.quarters[0].inspections] == [(round_.pk, True)]
    body = client.get(f"/public/facilities/{entity.pk}/").content.decode()
    assert f"/public/rounds/{round_.pk}/" in body and "废气治理设施未运行" not in body  # findings stay inside


def test_a_facility_with_nothing_says_so_and_an_unknown_one_is_not_found(client, region_wj, admin_user):
    entity = make_entity(region=region_wj, actor=admin_user, name="常州无记录有限公司")
    body = client.get(f"/public/facilities/{entity.pk}/").content.decode()
    assert 'data-testid="no-records"' in body and body.count("data-quarter=") == 12
    assert client.get("/public/facilities/999999/").status_code == 404


# --- masking ----------------------------------------------------------------------------------------------------

def test_every_free_text_is_masked_on_search_page_and_downloads(region_wj, admin_user, inspector_wj, inspector2_wj,
                                                                 advance, leader_wj):
    entity = make_entity(region=region_wj, actor=admin_user, name="武进区刘德明废品回收站",
                         legal_representative="刘德明", contact_phone="13912345678")
    lead = make_lead(entity=entity, created_by=inspector_wj)
    with transaction.atomic():
        case = lead_convert(lead_id=lead.pk, actor=inspector_wj, title="群众王小明（13812345678）举报刘德明废品回收站露天焚烧",
                            facts="", filed_on=dt.date(2026, 11, 2), handlers=[inspector_wj, inspector2_wj])
    advance(case, to=Stage.DECISION)
    round_ = round_commit(actor=leader_wj, title="抽查（联系人刘德明 0519-88881234）", period_start=TODAY,
                          period_end=TODAY + dt.timedelta(days=30),
                          ratios={"special": Decimal("1"), "key": Decimal("1"), "general": Decimal("1")})
    round_ = round_draw(actor=leader_wj, round_id=round_.pk)
    for task in round_.tasks.all():
        task_mark_not_inspected(actor=task.inspectors.first(), task_id=task.pk,
                                reason="负责人刘德明（手机13912345678）称已停产")
    round_publish(actor=leader_wj, round_id=round_.pk)

    public = Client()
    search = public.get("/public/facilities/", {"q": "回收站"}).content.decode()
    by_code = public.get("/public/facilities/", {"q": entity.uscc}).content.decode()
    detail = public.get(f"/public/facilities/{entity.pk}/").content.decode()
    decisions = public.get("/public/data/decisions.csv")
    rounds = public.get("/public/data/round-results.csv")
    texts = [search, by_code, detail, decisions.content.decode("utf-8-sig"), rounds.content.decode("utf-8-sig")]
    for text in texts:
        assert "刘德明" not in text and "13912345678" not in text and "13812345678" not in text
        assert "0519-88881234" not in text
        assert "武进区刘**废品回收站" in text
    assert f"/public/facilities/{entity.pk}/" in search and f"/public/facilities/{entity.pk}/" in by_code
    for owner in ("刘德明", "德明", "刘德明废品回收站"):  # the owner's name typed never finds the masked business
        assert f"/public/facilities/{entity.pk}/" not in public.get("/public/facilities/", {"q": owner}).content.decode()
    rows = _csv(decisions)
    assert any("群众王小明（138****5678）举报刘**废品回收站露天焚烧" in row for row in rows)
    rows = _csv(rounds)
    assert any("抽查（联系人刘** 0519-******34）" in row for row in rows)
    assert {row[0] for row in rows[1:]} == {round_.round_id}  # the id the round file carries
    assert any(any("负责人刘**（手机139****5678）称已停产" in cell for cell in row) for row in rows)


def test_open_data_holds_only_published_decisions_and_neutralises_formulas(decided_case_wj, case_xb, region_wj,
                                                                            admin_user, inspector_wj, inspector2_wj,
                                                                            advance):
    evil = make_entity(region=region_wj, actor=admin_user, name='=HYPERLINK("http://evil","点击")')
    advance(make_case(entity=evil, opener=inspector_wj, handlers=[inspector_wj, inspector2_wj]), to=Stage.DECISION)
    rows = _csv(Client().get("/public/data/decisions.csv"))
    numbers = {row[0] for row in rows[1:]}
    assert decided_case_wj.decision_number in numbers and len(rows) == 3  # header + the two published ones
    names = [row[1] for row in rows[1:]]
    assert "'=HYPERLINK(\"http://evil\",\"点击\")" in names
    assert not any(cell.startswith("=") for row in rows for cell in row)


def test_search_is_empty_until_typed_and_paginated(client, region_wj, admin_user):
    for i in range(30):
        make_entity(region=region_wj, actor=admin_user, name=f"常州分页测试{i:02d}有限公司")
    assert 'data-testid="public-facilities"' in client.get("/public/facilities/").content.decode()
    first = client.get("/public/facilities/", {"q": "分页测试"}).content.decode()
    second = client.get("/public/facilities/", {"q": "分页测试", "page": 2}).content.decode()
    assert first.count("/public/facilities/") - first.count('href="/public/facilities/"') >= 25
    assert "常州分页测试00有限公司" in first and "常州分页测试29有限公司" in second
    assert "常州分页测试29有限公司" not in first
    home = client.get("/public/").content.decode()
    assert "/public/facilities/" in home and "/public/data/decisions.csv" in home and "/public/data/round-results.csv" in home
