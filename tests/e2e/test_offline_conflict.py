"""Issue 9 item 3, the conflict rule in a real browser: an inspector completes a drawn inspection offline while the
second drawn officer records the task's result from the office; back online, the phone's outbox is refused with a
409, shows the inspector why in words, keeps the record on the phone, and nothing on the server is overwritten."""

from __future__ import annotations

import pytest
from browser_steps import phone_with_work_list, wait_until
from django.utils import timezone
from test_offline_inspection import _drawn_task, _sign

from ecoenforce.onsite.models import OnSiteRecord
from ecoenforce.planning.models import InspectionTask
from ecoenforce.planning.tasks import task_record_result

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_task_the_office_recorded_meanwhile_is_shown_as_a_conflict_and_nothing_is_overwritten(
    live_server, browser, settings, tmp_path, shot
):
    settings.FILES_DIR = tmp_path / "files"
    task, other = _drawn_task()
    base = live_server.url
    form_url = f"/onsite/new/task/{task.pk}/"
    with phone_with_work_list(browser, base, "zhou") as (context, page):
        wait_until(
            page,
            "url => caches.open('ee-pages').then(c => c.match(url)).then(hit => !!hit)",
            f"{base}{form_url}",
            what="the form was not kept for offline use",
        )
        context.set_offline(True)
        page.goto(f"{base}{form_url}")
        form = page.locator("[data-testid=onsite-form]")
        items = form.locator("[data-item]")
        for i in range(items.count()):
            form.locator(f'label[for="f_{items.nth(i).get_attribute("data-item")}_compliant"]').click()
        form.locator("select[name=officer2]").select_option(str(other.pk))
        _sign(page, "sig_me")
        _sign(page, "sig_officer2")
        form.locator("input[name=party_name]").fill("张卫东")
        _sign(page, "sig_party")
        form.locator("[data-testid=onsite-submit]").click()
        page.locator("[data-testid=outbox-badge]").wait_for(state="visible")

        # Meanwhile, at the office: the second drawn officer records the task's result (no violation).
        task_record_result(
            actor=other,
            task_id=task.pk,
            inspected_on=timezone.localdate(),
            violation_found=False,
            findings="内业核查排污许可执行报告，未发现问题",
        )

        context.set_offline(False)
        page.evaluate("() => window.dispatchEvent(new Event('online'))")
        state = page.locator('[data-outbox-job][data-state="conflict"] [data-testid=outbox-state]')
        state.wait_for(state="visible", timeout=60_000)
        text = state.inner_text()
        shot(page, "offline-03-conflict")
        # The outbox's own words (the office changed the task) and the server's (who recorded it, nothing changed).
        assert "单位已更改了该任务" in text or "the office changed this task" in text
        assert other.display_name in text and ("未作任何更改" in text or "nothing was changed" in text)
        # Kept on the phone, not sent again by itself.
        assert page.evaluate("() => window.ecoenforceOutbox.jobs().then(j => j.length)") == 1
        page.evaluate("() => window.ecoenforceOutbox.sync()")
        assert page.evaluate("() => window.ecoenforceOutbox.jobs().then(j => j[0].state)") == "conflict"

    assert not OnSiteRecord.objects.exists()
    task.refresh_from_db()
    assert task.status == InspectionTask.Status.DONE and task.completed_by_id == other.pk
    assert task.inspection.violation_found is False and task.lead is None
