"""The demo city seeds once, realistically, through the real services; a second run changes nothing."""

from __future__ import annotations

import pytest

from ecoenforce.cases.models import Case
from ecoenforce.core.audit import audit_verify
from ecoenforce.core.models import Role, User
from ecoenforce.core.queue import queue_counts
from ecoenforce.demo.seed import DemoSeeder
from ecoenforce.inspections.models import Inspection
from ecoenforce.leads.models import Lead
from ecoenforce.planning.models import DrawRound, InspectionPlan, InspectionTask
from ecoenforce.planning.roundfile import verify_round_file
from ecoenforce.planning.tasks import tasks_for_user
from ecoenforce.registry.models import EntityEvent, RegulatedEntity
from ecoenforce.registry.uscc import uscc_problem
from ecoenforce.warnings.models import PointLimit

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture(autouse=True)
def files_in_tmp(settings, tmp_path):
    settings.LAKE_DIR = tmp_path / "lake"
    settings.SPOOL_DIR = tmp_path / "spool"
    settings.DEVICE_SNAPSHOT = tmp_path / "gateway" / "devices.json"
    settings.FILES_DIR = tmp_path / "files"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # 70 demo users


# What each law is about, in the words a title uses: a decision's title, its legal basis and its text must agree.
LAW_OF = {"危险废物": "固体废物污染环境防治法", "水污染物": "水污染防治法", "大气污染": "大气污染防治法",
          "挥发性有机物": "大气污染防治法", "自行监测": "排污许可管理条例"}
# Which facilities an emission standard applies to (GB/T 4754 classes; None: any manufacturing firm).
STANDARD_INDUSTRIES = {"GB 13223-2011": ("4411", "4412"), "环发〔2015〕164号": ("4411", "4412"),
                       "GB 4915-2013": ("3011",), "环大气〔2024〕5号": ("3011",),
                       "GB 18485-2014": ("4417", "7820"), "GB 18918-2002": ("4620",), "GB 13271-2014": None}


def assert_demo_is_coherent() -> None:
    """Titles, legal bases and texts of every decision agree; every limit's standard fits its facility."""
    decided = Case.objects.exclude(decision_number="").select_related("matter")
    assert decided.count() > 5
    for case in decided:
        assert case.legal_basis == case.matter.citation and case.legal_basis in case.decision_text, case.number
        words = [w for w in LAW_OF if w in case.title]
        assert words, case.title
        assert all(LAW_OF[w] in case.matter.law for w in words), (case.title, case.matter.law)
        assert all(LAW_OF[w] in case.decision_text for w in words), case.decision_text
        assert case.matter.fine_min <= case.fine_amount <= case.matter.fixed_fine_max, case.number
        # The fine is the discretion benchmark's for the facts recorded, stated in the decision text.
        assert case.fine_amount == case.fine_computed, case.number
        assert case.discretion["version"] == 1 and case.discretion["lines"][-1]["kind"] == "result", case.number
        assert f"罚款人民币{case.fine_amount}元" in case.decision_text, case.number
        # Decided after the advance notice: once the party's period ended, or after its written waiver.
        assert case.notice_served_on is not None, case.number
        assert (case.notice_waived_on is not None) or case.decided_on > case.notice_period_ends, case.number
    for case in Case.objects.filter(lead__isnull=False).select_related("lead"):
        lead_title = case.lead.title
        if "废水" in lead_title or "排水" in lead_title:
            assert "水污染物" in case.title, (lead_title, case.title)
        if "危险废物" in lead_title:
            assert "危险废物" in case.title, (lead_title, case.title)
    limits = PointLimit.objects.select_related("limit__standard", "device__entity__industry")
    assert limits.count() > 5
    for point_limit in limits:
        code = point_limit.limit.standard.code.split(" (")[0]
        industry = point_limit.device.entity.industry.code
        allowed = STANDARD_INDUSTRIES[code]
        assert (industry in allowed) if allowed else ("13" <= industry[:2] <= "43"), (point_limit.mn, code, industry)
    assert not EntityEvent.objects.filter(ref__startswith="DEMO").exists()


def test_demo_city_is_seeded_once(capsys, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # notifications are delivered when the seed commits
        assert DemoSeeder(entity_scale=0.05, log=lambda *_: None).run() is True
    counts = (RegulatedEntity.objects.count(), Lead.objects.count(), Case.objects.count(), Inspection.objects.count())
    # int(5% of each county's share): 35 + 22 + 15 + 12 + 9 + 8, and the 20 facilities with automatic monitoring
    assert counts[0] == 101 + 20
    assert all(uscc_problem(code) is None for code in RegulatedEntity.objects.values_list("uscc", flat=True))
    # One user per role, and the 48 certified county inspectors the draws need.
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert User.objects.exclude(certificate_no="").filter(role=Role.INSPECTOR).count() >= 48
    assert Case.objects.exclude(decision_number="").exists()
    assert not Case.objects.exclude(decision_number="").filter(matter__isnull=True).exists()  # every decision cites one
    assert audit_verify().ok
    # Credit is computed through the service for every entity with a record, the firm's facility among them; the
    # computed grade is the one risk classification read (issue 13 item 2).
    from ecoenforce.credit.models import CreditRating

    ratings = list(CreditRating.objects.select_related("entity"))
    assert ratings and all(r.policy_version == 1 and r.explanation["items"] for r in ratings)
    assert all(r.entity.credit_grade == r.grade for r in ratings)
    assert CreditRating.objects.filter(entity__enterprise_accounts__user__username="enterprise").exists()
    assert CreditRating.objects.filter(entity__cases__decision_number__gt="").exists()
    # Wujin's plan is approved, one round is published and verifies, the campaign's tasks wait for the inspector.
    plan = InspectionPlan.objects.get(organization__region__code="320412")
    assert plan.status == InspectionPlan.Status.APPROVED and plan.last_check["ok"]
    published = DrawRound.objects.get(status=DrawRound.Status.PUBLISHED)
    assert verify_round_file(published.round_file).ok
    assert not published.tasks.filter(status=InspectionTask.Status.ASSIGNED).exists()
    drawn = DrawRound.objects.get(status=DrawRound.Status.DRAWN, policy__cross_region=False)
    for task in drawn.tasks.all():
        assert all(tasks_for_user(user=officer).filter(pk=task.pk).exists() for officer in task.inspectors.all())
    # Every staff role of the demo signs in to a queue with work in it (issue 14).
    users = {u.username: u for u in User.objects.filter(username__in=[
        "inspector", "inspector2", "leader", "legal", "cityleader", "operator"])}
    queues = {name: queue_counts(user) for name, user in users.items()}
    assert queues["inspector"]["leads.assigned"] == 3 and queues["inspector2"]["leads.assigned"] == 1
    assert queues["cityleader"]["cases.waiting"] == 1 and queues["legal"]["cases.waiting"] >= 1
    assert [name for name, per_source in queues.items() if not sum(per_source.values())] == []
    assert_demo_is_coherent()
    # The handling chain's heavier roads (issue 10): a case decided after a hearing, one with a daily penalty round.
    from ecoenforce.cases.models import CorrectionOrder, Hearing

    heard = Hearing.objects.select_related("case").get(held_on__isnull=False, case__entity__region__code="320412")
    assert heard.case.stage == "closed" and heard.case.legal_reviewed_on >= heard.held_on
    assert heard.case.decided_on > heard.held_on and heard.notice_number
    rounds = list(CorrectionOrder.objects.filter(case__title__contains="超标排放大气污染物").order_by("round_no"))
    assert [o.finding for o in rounds] == ["not_corrected", ""]
    assert rounds[0].amount == rounds[0].case.fine_amount * rounds[0].days and rounds[0].decision_number
    assert queue_counts(users["inspector"])["cases.reinspections"] >= 1
    # The city's cross-region round over Wujin (issue 10 item 6): no Wujin officer drawn, three results returned.
    cross = DrawRound.objects.get(policy__cross_region=True)
    assert not cross.tasks.filter(inspectors__organization__region__code="320412").exists()
    assert queue_counts(users["leader"])["planning.returned"] == 3
    assert users["leader"].notifications.filter(key__startswith="task.return:").count() == 3
    # Enforcement monitoring (issue 9 item 4): a request from a Wujin case run to a lab result with an exceedance.
    from ecoenforce.sampling.models import Result, SamplingRequest

    sampled = SamplingRequest.objects.get(station__name="常州市环境监测中心")
    assert sampled.status == "reported" and sampled.case_id is not None and sampled.report_sha256
    assert Result.objects.filter(sample__request=sampled, exceeded=True, exceedance_ratio=0.18).exists()
    # ... and notifications on the bell: work given to them, deadlines near or passed.
    unread = {name: user.notifications.filter(read_at__isnull=True).count() for name, user in users.items()}
    assert [name for name, n in unread.items() if n == 0] == []
    assert users["operator"].notifications.filter(kind="firm_answer").count() == 1
    # The electronic notice's round trip (issue 14 item 3): one answered by the firm, one awaiting its explanation.
    from ecoenforce.warnings.models import ElectronicNotice
    from ecoenforce.warnings.notices import notices_for_firm

    firm = User.objects.get(username="enterprise")
    statuses = sorted(notices_for_firm(user=firm).values_list("status", flat=True))
    assert statuses == [ElectronicNotice.Status.ANSWERED, ElectronicNotice.Status.SENT]
    assert notices_for_firm(user=firm).get(status="answered").attachments.count() == 1
    assert firm.notifications.filter(kind="notice", ref__startswith="warnings.").count() == 2
    # (not counting the tasks the city's cross-region round may draw him for: the draw is random)
    assert users["cityleader"].notifications.filter(kind="assignment").exclude(key__startswith="round.draw:").count() == 1
    # The enterprise service (issue 13 item 1): tasks in every state, a published disclosure report, a help visit.
    from ecoenforce.compliance.models import DisclosureReport, HelpVisit, Rectification

    tasks = Rectification.objects.filter(entity__enterprise_accounts__user=firm)
    assert set(tasks.values_list("status", flat=True)) == {"open", "submitted", "returned", "accepted"}
    assert tasks.filter(source="self_inspection").count() == 1
    assert DisclosureReport.objects.filter(status="published", entity__enterprise_accounts__user=firm).exists()
    assert HelpVisit.objects.filter(entity__enterprise_accounts__user=firm).exists()
    assert DemoSeeder(entity_scale=0.05, log=lambda *_: None).run() is False
    assert (RegulatedEntity.objects.count(), Lead.objects.count(), Case.objects.count(),
            Inspection.objects.count()) == counts

