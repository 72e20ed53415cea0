"""Every list and main page, by the people who open it, with the columns that must stay in sight.

`test_pages_fit.py` opens each one at 1366×900 and 390×844, in Chinese and in English, on a small demo city, and
fails when the page scrolls sideways, when a table hides columns out of sight, or when a key column is not on
screen. **Adding a page?** Add a `Page` here. A list table gets `class="table … table-fold"` and `data-key="…"` on
the `<th>` of each column a person must always see (the other columns fold into a line under the row, see
`static/ecoenforce/fold.js`); list those keys here so the test holds the page to them.

Paths may name demo objects in braces; `demo_objects()` finds them (the first one the user may open).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    """A page to fit: its path, the demo users who open it (None = signed out), its key columns."""

    path: str
    users: tuple[str | None, ...]
    keys: tuple[str, ...] = ()


PAGES = [
    # Landing pages and dashboards.
    Page("/", ("cityleader", "leader", "inspector"), keys=("class", "rate", "done", "coverage")),
    # Case handling.
    Page("/cases/", ("leader", "legal"), keys=("number", "stage", "stage_due", "decision_due")),
    Page("/cases/{case}/", ("leader",)),
    Page("/leads/", ("leader", "inspector"), keys=("number", "entity", "county", "status")),
    Page("/leads/{lead}/", ("leader",)),
    # Double-random inspection.
    Page("/planning/tasks/?status=all", ("inspector",), keys=("entity", "due_on", "status")),
    Page("/planning/returned/?status=all", ("leader",), keys=("entity", "result")),
    Page("/planning/plans/", ("leader",), keys=("year", "bureau", "status")),
    Page("/planning/plans/{plan}/", ("leader",), keys=("class", "coverage")),
    Page("/planning/rounds/", ("leader",), keys=("round", "status", "targets", "open")),
    Page("/planning/rounds/{round}/", ("leader",), keys=("entity", "status", "result")),
    # On-site enforcement (issue 9).
    Page("/onsite/", ("inspector",), keys=("entity", "due_on", "record", "number", "outcome")),
    Page("/onsite/new/{onsite_form}/", ("inspector",)),
    Page("/onsite/records/{onsite_record}/", ("leader",), keys=("item", "result")),
    Page("/onsite/records/{onsite_record}/evidence/", ("leader",), keys=("no", "kind", "captured")),
    Page("/onsite/cases/{case}/evidence/", ("leader",), keys=("no", "kind", "captured")),
    # Registry.
    Page("/registry/entities/", ("leader",), keys=("name", "county", "risk_class")),
    Page("/registry/entities/{entity}/", ("leader",)),
    Page("/registry/positive-list/", ("leader",), keys=("entity", "status", "valid_until")),
    Page("/registry/catalogue/{year}/", ("leader",), keys=("code", "matter", "kind")),
    Page("/registry/pools/", ("leader",)),
    Page("/registry/risk/backtest/", ("leader",)),
    Page("/registry/my-facilities/", ("enterprise",)),
    Page("/credit/", ("leader",), keys=("entity", "grade", "period")),
    Page("/credit/entities/{entity}/", ("leader",)),
    Page("/credit/partner-lists/", ("leader", "partner"), keys=("title", "partner", "download")),
    Page("/enterprise/credit/", ("enterprise",)),
    Page("/enterprise/notices/", ("enterprise",), keys=("deadline", "entity", "status")),
    Page("/enterprise/notices/{notice}/", ("enterprise",)),
    Page("/enterprise/", ("enterprise",), keys=("due", "what")),
    Page("/enterprise/rectifications/", ("enterprise",), keys=("deadline", "title", "status")),
    Page("/enterprise/self-inspections/", ("enterprise",), keys=("period", "entity", "problems")),
    Page("/enterprise/disclosures/", ("enterprise",), keys=("year", "entity", "status")),
    Page("/enterprise/calendar/", ("enterprise",), keys=("due", "what")),
    Page("/enterprise/monitoring/", ("enterprise",), keys=("start", "what", "status")),
    Page("/enterprise/help-visits/", ("enterprise",), keys=("date", "entity", "topic")),
    Page(
        "/compliance/rectifications/", ("leader", "inspector"), keys=("deadline", "title", "entity", "status")
    ),
    Page("/compliance/help-visits/", ("leader",), keys=("date", "entity", "topic")),
    Page("/public/disclosures/", (None,), keys=("year", "entity", "published")),
    # Monitoring and warnings.
    Page("/warnings/", ("operator",), keys=("start", "rule", "entity", "severity", "status")),
    Page("/warnings/{warning}/", ("operator",)),
    Page("/warnings/runs/", ("operator",), keys=("number", "requested", "status", "new")),
    Page("/warnings/quality/", ("leader",), keys=("rule", "fp_rate")),
    Page("/monitoring/", ("operator",), keys=("mn", "entity", "status")),
    Page("/monitoring/devices/{device}/", ("operator",)),
    Page("/warnings/meters/{meter}/", ("operator",), keys=("start", "rule", "severity", "status")),
    Page("/warnings/devices/{limited_device}/limits/", ("operator",), keys=("factor", "value", "since")),
    # Records and access.
    Page("/accounts/audit/", ("leader",), keys=("time", "what", "reason")),
    Page("/accounts/tokens/", ("leader",), keys=("name", "last_used")),
    # The public portal.
    Page("/public/", (None,), keys=("number", "entity", "fine", "decided_on")),
    Page("/public/decisions/{decision}/", (None,)),
    Page("/public/catalogue/", (None,), keys=("code", "matter", "kind")),
    Page("/public/officers/", (None,), keys=("name", "certificate")),
    Page("/public/procedure/", (None,), keys=("step", "limit")),
    Page("/public/rounds/", (None,), keys=("round", "status")),
    Page("/public/rounds/{weighted_round}/", (None,), keys=("entity", "p")),
    Page("/planning/rounds/{weighted_round}/", ("leader",), keys=("entity", "p")),
    Page("/public/rounds/{round}/", (None,), keys=("entity", "result")),
    Page("/public/facilities/?q=公司", (None,), keys=("entity", "uscc")),
    Page("/public/facilities/{facility}/", (None,), keys=("quarter", "inspections", "decisions")),
    # Public tips (no sign-in) and the 12369 entry.
    Page("/tips/", (None,)),
    Page("/tips/{tip}/", (None,)),
    Page("/tips/phone/", ("leader",)),
    Page("/tips/same-facts/{tip_lead}/", ("leader",), keys=("lead", "received", "why")),
    Page("/tips/rewards/?status=all", ("leader",), keys=("lead", "amount", "status")),
    # Grid patrols (the grid member's phone pages and the leaders' statistics).
    Page("/grids/", ("leader", "grid"), keys=("grid", "coverage", "patrols")),
    Page("/grids/map/", ("cityleader",)),
    Page("/grids/patrols/", ("grid", "leader"), keys=("started", "grid", "ended")),
    Page("/grids/problems/", ("grid", "leader"), keys=("lead", "status")),
    # Third-party assistance.
    Page("/assist/", ("thirdparty", "leader"), keys=("title", "area", "period")),
    Page("/assist/findings/", ("thirdparty", "leader"), keys=("lead", "outcome")),
    Page("/assist/quality/", ("cityleader",), keys=("who", "total", "confirmed", "false")),
    # Department coordination.
    Page("/referrals/", ("partner", "leader"), keys=("number", "department", "due", "status")),
    Page("/referrals/joint/", ("partner", "inspector"), keys=("entity", "date", "results")),
    # Enforcement monitoring (执法监测).
    Page("/sampling/", ("leader", "station"), keys=("number", "entity", "status", "due_on")),
    Page("/sampling/{sampling}/", ("leader",), keys=("factor", "value", "verdict")),
    # Duties and scorecards.
    Page("/duty/", ("cityleader", "leader"), keys=("unit", "total")),
    Page("/duty/units/{unit}/", ("leader",), keys=("indicator", "value", "score", "person", "total")),
    Page("/duty/units/{unit}/people/{person}/", ("leader",), keys=("indicator", "value", "score")),
    Page("/duty/units/{unit}/records/detection_rate/", ("leader",), keys=("record", "counts")),
    Page("/duty/requirements/", ("leader",), keys=("post", "requirement")),
    # The criminal link (两法衔接).
    Page("/transfers/?status=all", ("leader", "inspector"), keys=("case", "status", "due")),
    Page("/transfers/{transfer}/", ("leader",)),
    Page("/public/typical-cases/", (None,), keys=("title", "fine")),
    Page("/special/", ("leader", "cityleader"), keys=("case", "deadline", "status", "name", "opened")),
]


def _demo_tip(county: str) -> str:
    """A citizen's tip in the county; its tracking code (only the tipster knows it, so the test files one)."""
    from django.db import transaction

    from ecoenforce.core.models import Region
    from ecoenforce.social.services import tip_submit

    with transaction.atomic():
        _tip, code, _created = tip_submit(
            channel="web",
            token="0" * 32,
            title="夜间河道排放黑水，气味刺鼻",
            region=Region.objects.get(code=county),
            address="武宜路88号东侧桥下",
        )
    return code


def _demo_sampling(county: str) -> int:
    from ecoenforce.sampling.models import SamplingRequest

    return SamplingRequest.objects.filter(region__code=county).order_by("pk").first().pk


def _onsite_form() -> str:
    """The on-site record form the demo inspector can open: a drawn task of theirs, else a lead given to them."""
    from ecoenforce.leads.models import Lead
    from ecoenforce.planning.models import DrawRound, InspectionTask

    task = (
        InspectionTask.objects.filter(
            inspectors__username="inspector", status="assigned", round__status=DrawRound.Status.DRAWN
        )
        .order_by("pk")
        .first()
    )
    if task is not None:
        return f"task/{task.pk}"
    lead = Lead.objects.filter(
        assigned_to__username="inspector", status="new", entity__isnull=False
    ).order_by("pk")
    return f"lead/{lead.first().pk}"


def demo_objects() -> dict[str, object]:
    """The demo objects the paths name: what a Wujin leader, the operator and the public can open."""
    from ecoenforce.cases.models import Case
    from ecoenforce.core.models import Organization, Role, User
    from ecoenforce.disclosure.selectors import public_decision_list
    from ecoenforce.leads.models import Lead
    from ecoenforce.monitoring.models import MonitoringDevice
    from ecoenforce.onsite.models import OnSiteRecord
    from ecoenforce.planning.models import DrawRound, InspectionPlan
    from ecoenforce.registry.catalogue.models import CatalogueVersion
    from ecoenforce.registry.models import RegulatedEntity
    from ecoenforce.warnings.models import ElectronicNotice, Warning

    wujin = "320412"
    return {
        "tip": _demo_tip(wujin),
        "tip_lead": Lead.objects.filter(region__code=wujin, source=Lead.Source.TIP)
        .order_by("-pk")
        .first()
        .pk,
        "case": Case.objects.filter(region__code=wujin).exclude(decision_number="").order_by("pk").first().pk,
        "lead": Lead.objects.filter(region__code=wujin).order_by("pk").first().pk,
        "plan": InspectionPlan.objects.get(organization__region__code=wujin).pk,
        "round": DrawRound.objects.get(status=DrawRound.Status.PUBLISHED).pk,
        "weighted_round": DrawRound.objects.filter(policy__mode="weighted").first().pk,
        "entity": RegulatedEntity.objects.filter(region__code=wujin, cases__isnull=False)
        .order_by("pk")
        .first()
        .pk,
        "year": CatalogueVersion.objects.order_by("-year").first().year,
        "warning": Warning.objects.order_by("pk").first().pk,
        "notice": ElectronicNotice.objects.filter(status=ElectronicNotice.Status.SENT)
        .order_by("pk")
        .first()
        .pk,
        "device": MonitoringDevice.objects.filter(kind=MonitoringDevice.Kind.CEMS).order_by("pk").first().mn,
        "limited_device": MonitoringDevice.objects.filter(limits__isnull=False).order_by("pk").first().mn,
        "meter": (
            Warning.objects.filter(rule__startswith="treatment")
            .order_by("pk")
            .values_list("mn", flat=True)
            .first()
            or MonitoringDevice.objects.filter(kind=MonitoringDevice.Kind.ELECTRICITY).order_by("pk").first().mn
        ),
        "unit": Organization.objects.get(region__code=wujin, kind=Organization.Kind.COUNTY_BUREAU).pk,
        "person": User.objects.filter(organization__region__code=wujin, role=Role.INSPECTOR).order_by("pk").first().pk,
        "decision": public_decision_list()[0].id,
        "sampling": _demo_sampling(wujin),
        "facility": Case.objects.get(pk=public_decision_list()[0].id).entity_id,
        "onsite_record": OnSiteRecord.objects.filter(region__code=wujin).order_by("pk").first().pk,
        "onsite_form": _onsite_form(),
        "transfer": _first_pk("transfers", "Transfer"),
    }


def _first_pk(app: str, model: str) -> int:
    from django.apps import apps

    return apps.get_model(app, model).objects.order_by("pk").first().pk
