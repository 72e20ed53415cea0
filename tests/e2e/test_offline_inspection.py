"""Issue 9 item 3 in a real browser on a phone-sized screen: the inspector opens the work list online (the service
worker keeps the day's forms), goes offline, completes a drawn inspection — checklist, a photo, two officers' and
the party's signatures drawn on the screen — and submits it into the phone's outbox; back online, the outbox sends
it (photo in chunks, record with its idempotency key) and the record exists exactly once, with the photo intact
(SHA-256), as the round's result and the lead it raised."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
from decimal import Decimal

import pytest
from browser_steps import phone_with_work_list, wait_until, wujin_staff
from django.utils import timezone
from PIL import Image

from ecoenforce.core.files import blob_verify
from ecoenforce.core.models import Role
from ecoenforce.onsite.models import Evidence, OnSiteRecord
from ecoenforce.planning.models import InspectionTask
from ecoenforce.planning.rounds import round_commit, round_draw
from ecoenforce.registry.models import PermitClass, RegulatedEntity
from ecoenforce.registry.services import entity_create
from ecoenforce.registry.uscc import uscc_make

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _photo() -> bytes:
    """A JPEG of about 0.8 MB (noise does not compress): two 512 KiB chunks."""
    image = Image.frombytes("RGB", (640, 480), os.urandom(640 * 480 * 3))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=95)
    return out.getvalue()


def _drawn_task():
    _county, industry, people = wujin_staff(
        [
            ("zhou", Role.INSPECTOR, "周明", "32041200001"),
            ("wu", Role.INSPECTOR, "吴静", "32041200002"),
            ("chen", Role.UNIT_LEADER, "陈建华", "32041200003"),
        ]
    )
    for n in range(1, 5):
        entity = entity_create(
            actor=None,
            uscc=uscc_make("91320412", f"MA2QF{n:03d}"),
            name=f"常州离线检查化工有限公司{n}",
            industry=industry,
            region=_county,
            address=f"常州市武进区湖塘镇离线路{n}号",
            permit_class=PermitClass.KEY,
            legal_representative="张卫东",
        )
        RegulatedEntity.objects.filter(pk=entity.pk).update(risk_class="special")
    today = timezone.localdate()
    round_ = round_commit(
        actor=people["chen"],
        title="离线检查轮次",
        period_start=today,
        period_end=today + dt.timedelta(days=30),
        ratios={"special": Decimal("1"), "key": Decimal("1"), "general": Decimal("1")},
    )
    round_draw(actor=people["chen"], round_id=round_.pk)
    task = InspectionTask.objects.filter(inspectors=people["zhou"]).order_by("pk").first()
    other = task.inspectors.exclude(pk=people["zhou"].pk).get()
    return task, other


def _sign(page, field: str) -> None:
    canvas = page.locator(f'canvas[data-signature-pad="{field}"]')
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    x, y = box["x"], box["y"]
    page.mouse.move(x + 20, y + box["height"] * 0.7)
    page.mouse.down()
    for i in range(1, 12):
        page.mouse.move(
            x + 20 + i * (box["width"] - 40) / 11, y + box["height"] * (0.3 if i % 2 else 0.7), steps=3
        )
    page.mouse.up()
    assert page.locator(f'input[name="{field}"]').input_value().startswith("data:image/png;base64,")


def test_an_inspection_completed_offline_arrives_once_with_its_evidence(
    live_server, browser, settings, tmp_path, shot
):
    settings.FILES_DIR = tmp_path / "files"
    task, other = _drawn_task()
    base = live_server.url
    # Online, the work list: the service worker takes the page and keeps a copy of the day's forms.
    with phone_with_work_list(browser, base, "zhou") as (context, page):
        form_url = f"/onsite/new/task/{task.pk}/"
        wait_until(  # evaluate awaits the promise (wait_for_function would take it as truthy at once)
            page,
            "url => caches.open('ee-pages').then(c => c.match(url)).then(hit => !!hit)",
            f"{base}{form_url}",
            what="the work list's forms were not kept for offline use",
        )

        # In the plant: no signal.
        context.set_offline(True)
        page.goto(f"{base}{form_url}")
        assert page.evaluate("() => navigator.onLine") is False
        form = page.locator("[data-testid=onsite-form]")
        items = form.locator("[data-item]")
        codes = [items.nth(i).get_attribute("data-item") for i in range(items.count())]
        assert codes, "the checklist for the entity's industry"
        for code in codes[1:]:
            form.locator(f'label[for="f_{code}_compliant"]').click()
        form.locator(f'label[for="f_{codes[0]}_problem"]').click()
        form.locator(f'textarea[name="n_{codes[0]}"]').fill("危废贮存间未设置识别标志，已拍照取证")
        form.locator("input[name=location]").fill("危废贮存间")
        form.locator("select[name=officer2]").select_option(str(other.pk))
        _sign(page, "sig_me")
        _sign(page, "sig_officer2")
        form.locator("input[name=party_name]").fill("张卫东")
        form.locator("input[name=party_post]").fill("厂长")
        _sign(page, "sig_party")
        photo = _photo()
        form.locator("input[name=photos]").set_input_files(
            files=[{"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": photo}]
        )
        form.locator("textarea[name=summary]").fill("检查危险废物贮存场所及台账。")
        form.locator("[data-testid=onsite-submit]").click()

        badge = page.locator("[data-testid=outbox-badge]")
        badge.wait_for(state="visible")
        # (the form came from the service worker's copy, in the language its fetch asked for)
        assert badge.inner_text().strip() in ("1 条待发送", "1 waiting to send")
        assert not OnSiteRecord.objects.exists()  # it waits on the phone
        shot(page, "offline-01-waiting")

        # The network returns: the outbox sends it and the page opens the record.
        context.set_offline(False)
        page.evaluate("() => window.dispatchEvent(new Event('online'))")
        page.wait_for_url(re.compile(r".*/onsite/records/\d+/$"), timeout=60_000)
        shot(page, "offline-02-sent")
        # A second sync finds nothing to send: nothing doubles.
        page.evaluate("() => window.ecoenforceOutbox.sync()")
        assert page.evaluate("() => window.ecoenforceOutbox.jobs().then(j => j.length)") == 0

    record = OnSiteRecord.objects.get()
    assert record.task_id == task.pk and record.problems_found
    assert record.signatures.count() == 3
    evidence = Evidence.objects.get()
    assert evidence.onsite_record_id == record.pk
    assert evidence.sha256 == hashlib.sha256(photo).hexdigest() and blob_verify(evidence.sha256)
    task.refresh_from_db()
    assert task.status == InspectionTask.Status.DONE and task.inspection.violation_found
    assert task.lead is not None and record.raised_lead_id == task.lead_id
    assert InspectionTask.objects.filter(lead=task.lead).count() == 1
