"""Issue 13 item 1 in a real phone-sized browser (390×844): an officer issues a rectification task; the firm finds
it on its home page, sends evidence with a PDF; the officer accepts it and the task is closed; the firm's disclosure
report is refused while a required section is empty, then published and found on the public portal."""

from __future__ import annotations

import datetime as dt

import pytest
from browser_steps import PASSWORD, sign_in, sign_out, submit, wujin_staff
from django.utils import timezone, translation
from django.utils.translation import gettext

from ecoenforce.compliance import sections
from ecoenforce.compliance.models import DisclosureReport, Rectification
from ecoenforce.core.models import Role, User
from ecoenforce.registry.models import EnterpriseAccount, PermitClass
from ecoenforce.registry.services import entity_create
from ecoenforce.registry.uscc import uscc_make

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        service_workers="block", viewport={"width": 390, "height": 844}, locale="en-US", is_mobile=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_the_firm_closes_a_rectification_and_publishes_its_disclosure(
    live_server, phone, shot, settings, tmp_path
):
    page = phone
    settings.FILES_DIR = tmp_path / "files"
    county, industry, people = wujin_staff([("zhou", Role.INSPECTOR, "周明", "32041200001")])
    entity = entity_create(
        actor=None,
        uscc=uscc_make("91320412", "MA2E2N02"),
        name="常州恒泰热电有限公司",
        industry=industry,
        region=county,
        address="常州市武进区湖塘镇热电路1号",
        permit_class=PermitClass.KEY,
        legal_representative="张卫东",
    )
    firm = User(username="cao", role=Role.ENTERPRISE, full_name="曹丽娟")
    firm.set_password(PASSWORD)
    firm.save()
    EnterpriseAccount.objects.create(user=firm, entity=entity)
    base = live_server.url
    pdf = tmp_path / "标识照片.pdf"
    pdf.write_bytes(PDF)
    due = (timezone.localdate() + dt.timedelta(days=7)).isoformat()

    # The inspector issues the task from the facility.
    sign_in(page, base, "zhou")
    page.goto(f"{base}/compliance/rectifications/new/?entity={entity.pk}&source=inspection&ref=现场检查")
    form = page.locator("[data-testid=rectification-issue]")
    form.locator("input[name=title]").fill("危险废物贮存间标识不全")
    form.locator("textarea[name=requirements]").fill("补齐危险废物贮存间警示标志和包装标签，提交现场照片。")
    form.locator("input[name=deadline]").fill(due)
    submit(page, page.locator("[data-testid=rectification-issue-send]"))
    task = Rectification.objects.get()
    sign_out(page)

    # The firm lands on its home page, finds the task, sends the evidence.
    sign_in(page, base, "cao")
    page.goto(f"{base}/enterprise/")
    assert "危险废物贮存间标识不全" in page.locator("[data-testid=home-rectifications]").inner_text()
    shot(page, "enterprise-01-home-phone")
    page.goto(f"{base}/enterprise/rectifications/{task.pk}/")
    assert due in page.locator("[data-testid=rectification-deadline]").inner_text()
    form = page.locator("[data-testid=rectification-submit]")
    form.locator("textarea[name=text]").fill("已张贴警示标志并为各类包装粘贴标签，附照片。")
    form.locator("input[name=attachments]").set_input_files(str(pdf))
    submit(page, page.locator("[data-testid=rectification-send]"))
    assert "标识照片.pdf" in page.locator("[data-testid=rectification-history]").inner_text()
    sign_out(page)

    # The inspector accepts it.
    sign_in(page, base, "zhou")
    page.goto(f"{base}/compliance/rectifications/{task.pk}/")
    submit(page, page.locator("[data-testid=rectification-accept]"))
    task.refresh_from_db()
    assert task.status == Rectification.Status.ACCEPTED
    sign_out(page)

    # The firm's disclosure: refused while a section is empty, then published.
    sign_in(page, base, "cao")
    page.goto(f"{base}/enterprise/rectifications/{task.pk}/")
    with translation.override("zh-hans"):  # the product's first language, whatever the browser's
        closed, emergencies, published = (
            str(Rectification.Status.ACCEPTED.label),
            gettext("Environmental emergencies"),
            gettext("Published"),
        )
    assert page.locator("[data-testid=rectification-status]").inner_text() == closed == "已办结"
    year = timezone.localdate().year - 1
    page.goto(f"{base}/enterprise/disclosures/{entity.pk}/{year}/")
    for s in sections.SECTIONS:
        if s.required and not s.carbon and s.key != "basic":
            page.locator(f"[data-testid=section-{s.key}]").fill(f"{s.key}：本年度情况见下文说明及附表。")
    page.locator("[data-testid=section-emergency]").fill("")
    submit(page, page.locator("[data-testid=disclosure-publish]"))
    assert emergencies in page.locator("[role=alert]").first.inner_text()
    assert DisclosureReport.objects.get().status == "draft"
    page.locator("[data-testid=section-emergency]").fill("突发环境事件应急预案已备案，6月开展应急演练。")
    submit(page, page.locator("[data-testid=disclosure-publish]"))
    assert published in page.locator("[data-testid=disclosure-status]").inner_text()
    shot(page, "enterprise-02-disclosure-published-phone")
    sign_out(page)
    page.goto(f"{base}/public/disclosures/?year={year}")
    assert "常州恒泰热电有限公司" in page.locator("[data-testid=public-reports]").inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
