"""The public portal reads right: a published round's status in Chinese, no raw markdown, and the bureau's name
and contact (as an administrator sets them on the organisation) in every page's footer."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from ecoenforce.core.models import Organization
from ecoenforce.inspections.models import Inspection
from ecoenforce.planning.models import DrawRound, InspectionTask
from ecoenforce.planning.rounds import round_commit, round_draw, round_publish

TODAY = timezone.localdate()


@pytest.fixture
def published_round(leader_wj, wj_pool) -> DrawRound:
    round_ = round_commit(actor=leader_wj, title="第四季度双随机抽查", period_start=TODAY.replace(month=1, day=1),
                          period_end=TODAY.replace(month=12, day=31),
                          ratios={"key": Decimal("0.25"), "general": Decimal("0.5"), "special": Decimal("1")})
    round_draw(actor=leader_wj, round_id=round_.pk)
    for task in round_.tasks.all():
        task.inspection = Inspection.objects.create(entity=task.entity, region=task.entity.region,
                                                    kind=Inspection.Kind.ROUTINE, inspected_on=TODAY)
        task.status = InspectionTask.Status.DONE
        task.save(update_fields=["inspection", "status"])
    return round_publish(actor=leader_wj, round_id=round_.pk)


def _get(path: str, lang: str) -> str:
    client = Client()
    client.cookies["django_language"] = lang
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def test_a_published_round_reads_results_published(published_round):
    listing = _get("/public/rounds/", "zh-hans")
    row = re.search(r'<tbody>(.*?)</tbody>', listing, re.S).group(1)
    assert '<span class="badge bg-green-lt">结果已公开</span>' in row and "结果公开时间" not in row
    assert '<span class="badge bg-green-lt">Results published</span>' in _get("/public/rounds/", "en")


def test_public_pages_show_no_raw_markdown(published_round):
    for lang in ("zh-hans", "en"):
        for path in ("/public/", "/public/rounds/", f"/public/rounds/{published_round.pk}/", "/public/catalogue/"):
            page = _get(path, lang)
            assert "`" not in re.sub(r"<script.*?</script>", "", page, flags=re.S), (lang, path)
        assert "<code>ecoenforce draw verify ROUND_FILE</code>" in _get("/public/rounds/", lang)


def test_the_footer_names_the_bureau_and_its_contact(org_city, org_wj):
    Organization.objects.filter(pk=org_city.pk).update(address="常州市新北区龙城大道1280号", phone="0519-85682369",
                                                       email="zhidui@example.gov.cn")
    for lang, tel in (("zh-hans", "电话"), ("en", "Telephone")):
        footer = re.search(r'data-testid="footer">(.*?)</footer>', _get("/public/", lang), re.S).group(1)
        text = " ".join(re.sub(r"<[^>]+>", " ", footer).split())
        assert text.startswith(f"常州市生态环境综合行政执法支队 · 常州市新北区龙城大道1280号 · {tel} 0519-85682369 · "
                               "zhidui@example.gov.cn")
