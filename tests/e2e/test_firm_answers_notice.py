"""The electronic notice's round trip in a real browser (issue 14 item 3): the operator sends a notice on a
high-severity warning; the firm finds it on its own page with the deadline, sees the positive-list criterion unmet
and no apply button, and answers with its explanation and a PDF; the operator reads the answer on the warning,
downloads the file, and finds the firm's answer on the bell."""

from __future__ import annotations

import datetime as dt

import pytest
from browser_steps import PASSWORD, sign_in, sign_out, submit, wujin_staff

from ecoenforce.core.models import Role, User
from ecoenforce.registry.models import EnterpriseAccount, PermitClass
from ecoenforce.registry.services import entity_create
from ecoenforce.registry.uscc import uscc_make
from ecoenforce.warnings.models import ElectronicNotice, Warning

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
EXPLANATION = "11月28日凌晨脱硫塔循环泵故障，当日已启用备用泵并完成维修，附维修记录。"


def test_the_firm_answers_the_notice_and_the_operator_reads_it(live_server, page, shot, settings, tmp_path):
    settings.FILES_DIR = tmp_path / "files"
    county, industry, people = wujin_staff([("xu", Role.MONITORING_OPERATOR, "徐晓东", "")])
    entity = entity_create(
        actor=None,
        uscc=uscc_make("91320412", "MA2E2N01"),
        name="常州恒泰热电有限公司",
        industry=industry,
        region=county,
        address="常州市武进区湖塘镇热电路1号",
        permit_class=PermitClass.KEY,
        legal_representative="张卫东",
    )
    entity.networked_monitoring, entity.permit_reports_on_time, entity.credit_grade = True, True, "green"
    entity.save()
    firm = User(username="cao", role=Role.ENTERPRISE, full_name="曹丽娟")
    firm.set_password(PASSWORD)
    firm.save()
    EnterpriseAccount.objects.create(user=firm, entity=entity)
    start = dt.datetime(2026, 11, 28, 1, tzinfo=dt.UTC)
    warning = Warning.objects.create(
        event_id="e2e-notice-0001",
        rule="exceedance",
        mn="CZ3204120000001",
        pollutant="a21026",
        entity=entity,
        region=county,
        start=start,
        end=start + dt.timedelta(hours=3),
        severity="high",
        value=152.5,
        threshold=35.0,
        hits=3,
    )
    base = live_server.url
    pdf = tmp_path / "脱硫系统维修记录.pdf"
    pdf.write_bytes(PDF)

    # The operator sends the notice from the warning.
    sign_in(page, base, "xu")
    page.goto(f"{base}/warnings/{warning.pk}/")
    page.fill(
        "textarea[name=notice-message]", "二氧化硫小时均值连续3小时超标，请说明原因并提供治理设施运行记录。"
    )
    submit(page, page.locator("[data-testid=notify]"))
    notice = ElectronicNotice.objects.get(warning=warning)
    sign_out(page)

    # The firm lands on its facilities: the notice with its deadline, the criterion unmet, no "apply".
    sign_in(page, base, "cao")
    page.goto(f"{base}/registry/my-facilities/")
    matters = page.locator("[data-testid=open-matters]")
    assert notice.deadline.isoformat() in matters.inner_text()
    assert page.locator("[data-testid=apply]").count() == 0
    shot(page, "notice-01-firm-facilities")
    page.click("[data-testid=answer-notice]")
    assert notice.deadline.isoformat() in page.locator("[data-testid=notice-deadline]").inner_text()
    form = page.locator("[data-testid=notice-answer]")
    form.locator("textarea[name=response]").fill(EXPLANATION)
    form.locator("input[name=attachments]").set_input_files(str(pdf))
    submit(page, page.locator("[data-testid=notice-send]"))
    assert EXPLANATION in page.locator("[data-testid=notice-response]").inner_text()
    shot(page, "notice-02-firm-answered")
    page.goto(f"{base}/registry/my-facilities/")
    assert page.locator("[data-testid=open-matters]").count() == 0
    assert page.locator("[data-testid=apply]").count() == 1  # nothing open any more: the firm may apply
    sign_out(page)

    # The operator is told, reads the answer on the warning and downloads the record.
    sign_in(page, base, "xu")
    page.goto(f"{base}/notifications/")
    assert "常州恒泰热电有限公司" in page.locator("[data-testid=notification-text]").first.inner_text()
    page.goto(f"{base}/warnings/{warning.pk}/")
    assert EXPLANATION in page.locator("[data-testid=notice-response]").inner_text()
    link = page.locator("[data-testid=notice-file]")
    assert link.inner_text() == "脱硫系统维修记录.pdf"
    download = page.request.get(base + link.get_attribute("href"))
    assert download.ok and download.body() == PDF
    assert download.headers["content-type"] == "application/pdf"
    shot(page, "notice-03-operator-reads")
