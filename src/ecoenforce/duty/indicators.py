"""The indicators of the scorecards: each measured from the owners' records, each with the records behind it.

A scope is a unit (an enforcement organization: its cases, its people's inspections and leads) or one inspector
(the cases they handle, the inspections they took part in, the leads assigned to them). "Per inspector" figures of a
unit divide by its certified inspectors, so a county of 8 and a city of 30 compare on the same target.

Every indicator has its `records`: the rows the figure is computed from, each saying whether it counted, with a link
to the record; `summarise` turns those rows into the `Measure` (numerator / denominator), or None when the period
has no records for it, so a page that shows both builds the rows once (`measure` = `summarise(records)`).

A unit's page scores each of its inspectors: `by_inspector` measures them all with one grouped query per indicator
(the same filters as an inspector's `records`, grouped by person), so the page's queries do not grow with its
people; tests/duty prove it gives each inspector the figures of their own card.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db.models import CharField, Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ecoenforce.cases.models import Case
from ecoenforce.core.models import AuditEvent, Organization, Role, User
from ecoenforce.duty.models import SatisfactionAnswer
from ecoenforce.duty.scorecard import Measure, Period
from ecoenforce.inspections.models import Inspection
from ecoenforce.leads.models import Lead


@dataclass(frozen=True)
class Scope:
    """Whose scorecard: a unit, or one inspector of it."""

    organization: Organization
    inspector: User | None = None

    @property
    def key(self) -> str:
        return f"u{self.organization.pk}" + (f"-i{self.inspector.pk}" if self.inspector else "")

    @property
    def name(self) -> str:
        if self.inspector is not None:
            return self.inspector.get_full_name() or self.inspector.full_name or self.inspector.username
        return self.organization.name

    def certified_count(self) -> int:
        if self.inspector is not None:
            return 1
        return (User.objects.filter(organization=self.organization, is_active=True, role__in=CERTIFIED_ROLES)
                .exclude(certificate_no="").count())


CERTIFIED_ROLES = (Role.INSPECTOR, Role.UNIT_LEADER)


@dataclass(frozen=True)
class Row:
    """One record behind a figure: what it is, its date, whether it counts toward the numerator, and its page."""

    title: str
    date: dt.date | None
    counts: bool
    detail: str = ""
    url: str = ""
    score: int | None = None  # the rating given (1–5), for the rating indicators


@dataclass(frozen=True)
class Indicator:
    key: str
    dimension: str
    label: str | Promise
    explains: str | Promise  # how it is measured, in words
    kind: str  # "per_inspector" | "share" | "rating"
    records: Callable[[Scope, Period], list[Row]]
    # person id → (rows that count, rows) for each of these people: an inspector's `records`, grouped (ratings:
    # (sum of the ratings, answers))
    grouped: Callable[[Sequence[int], Period], dict[int, tuple[int, int]]]

    def summarise(self, rows: list[Row], scope: Scope) -> Measure | None:
        """The figure of these rows (the scope's `records`): counted rows per certified inspector, the share of the
        rows that count, or the mean rating."""
        if self.kind == "per_inspector":
            return _per_inspector(rows, scope)
        if self.kind == "rating":
            return _rating(rows)
        return _share(rows)

    def measure(self, scope: Scope, period: Period) -> Measure | None:
        return self.summarise(self.records(scope, period), scope)

    def by_inspector(self, people: Sequence[int], period: Period) -> dict[int, Measure | None]:
        """Each person's `measure` as one inspector's scope, from one grouped query for them all."""
        figures = self.grouped(people, period)
        out: dict[int, Measure | None] = {}
        for pk in people:
            counted, total = figures.get(pk, (0, 0))
            if self.kind == "per_inspector":  # one certified inspector: a real zero when there is nothing
                out[pk] = Measure(counted, 1, records=total)
            else:
                out[pk] = Measure(counted, total, records=total) if total else None
        return out


# --- the records of a scope ----------------------------------------------------------------------------------------

def _cases(scope: Scope) -> QuerySet[Case]:
    qs = Case.objects.select_related("entity")
    if scope.inspector is not None:
        return qs.filter(handlers=scope.inspector)
    return qs.filter(organization=scope.organization)


def _inspections(scope: Scope, period: Period) -> QuerySet[Inspection]:
    qs = Inspection.objects.filter(inspected_on__range=(period.start, period.end)).select_related("entity")
    if scope.inspector is not None:
        return qs.filter(inspectors=scope.inspector)
    return qs.filter(pk__in=Inspection.objects.filter(inspectors__organization=scope.organization).values("pk"))


def _leads(scope: Scope) -> QuerySet[Lead]:
    qs = Lead.objects.select_related("entity")
    if scope.inspector is not None:
        return qs.filter(assigned_to=scope.inspector)
    return qs.filter(assigned_to__organization=scope.organization)


def _case_row(case: Case, counts: bool, date: dt.date | None, detail: str = "") -> Row:
    return Row(f"{case.number} {case.title}", date, counts, detail, reverse("cases:detail", args=[case.pk]))


def _share(rows: list[Row]) -> Measure | None:
    return Measure(sum(r.counts for r in rows), len(rows), records=len(rows)) if rows else None


def _per_inspector(rows: list[Row], scope: Scope) -> Measure | None:
    """Counted rows per certified inspector; None where the unit has no certified inspector."""
    staff = scope.certified_count()
    if not staff:
        return None
    return Measure(sum(r.counts for r in rows), staff, records=len(rows))


# --- 执法力度 --------------------------------------------------------------------------------------------------------

def _inspection_rows(scope: Scope, period: Period) -> list[Row]:
    return [Row(str(i.entity), i.inspected_on, True, str(i.get_kind_display()), reverse("registry:entity_detail", args=[i.entity_id]))
            for i in _inspections(scope, period).order_by("inspected_on", "pk")]


def _filed_rows(scope: Scope, period: Period) -> list[Row]:
    cases = _cases(scope).filter(filed_on__range=(period.start, period.end)).exclude(stage="proposed")
    return [_case_row(c, True, c.filed_on) for c in cases.order_by("filed_on", "pk")]


# --- 办案质量 --------------------------------------------------------------------------------------------------------

def _decided(scope: Scope, period: Period) -> QuerySet[Case]:
    return _cases(scope).filter(decided_on__range=(period.start, period.end)).order_by("decided_on", "pk")


def _in_time_rows(scope: Scope, period: Period) -> list[Row]:
    rows = []
    for c in _decided(scope, period):
        late = c.decided_on > c.decision_due
        rows.append(_case_row(c, not late, c.decided_on, str(_("late: due %(due)s") % {"due": c.decision_due}) if late
                              else str(_("due %(due)s") % {"due": c.decision_due})))
    return rows


def _review_rows(scope: Scope, period: Period) -> list[Row]:
    # the audit chain keeps object ids as text
    returned = AuditEvent.objects.filter(object_type="cases.case", action="case.legal_review_return",
                                         object_id=Cast(OuterRef("pk"), output_field=CharField()))
    cases = _decided(scope, period).filter(legal_reviewed_on__isnull=False).annotate(returned=Exists(returned))
    return [_case_row(c, not c.returned, c.decided_on,
                      str(_("returned by legal review at least once")) if c.returned else str(_("passed first time")))
            for c in cases]


# --- 工作成效 --------------------------------------------------------------------------------------------------------

def _detection_rows(scope: Scope, period: Period) -> list[Row]:
    return [Row(str(i.entity), i.inspected_on, i.violation_found,
                str(_("violation found")) if i.violation_found else str(_("no violation")),
                reverse("registry:entity_detail", args=[i.entity_id]))
            for i in _inspections(scope, period).order_by("inspected_on", "pk")]


def _lead_rows(scope: Scope, period: Period) -> list[Row]:
    rows = []
    for lead in _leads(scope).filter(assignment_due__range=(period.start, period.end)).order_by("assignment_due", "pk"):
        done = timezone.localtime(lead.triaged_at).date() if lead.triaged_at else None
        in_time = done is not None and done <= lead.assignment_due
        detail = (str(_("verified on %(day)s, due %(due)s") % {"day": done, "due": lead.assignment_due}) if done
                  else str(_("not verified yet, due %(due)s") % {"due": lead.assignment_due}))
        rows.append(Row(f"{lead.number} {lead.title}", lead.assignment_due, in_time, detail,
                        reverse("leads:detail", args=[lead.pk])))
    return rows


# --- 优化创新 --------------------------------------------------------------------------------------------------------

def _offsite_rows(scope: Scope, period: Period) -> list[Row]:
    cases = (_cases(scope).filter(filed_on__range=(period.start, period.end)).exclude(stage="proposed")
             .annotate(offsite=Exists(Lead.objects.filter(case=OuterRef("pk"), source=Lead.Source.WARNING)))
             .order_by("filed_on", "pk"))
    return [_case_row(c, c.offsite, c.filed_on, str(_("from an off-site monitoring warning")) if c.offsite
                      else str(_("found otherwise"))) for c in cases]


# --- 指导帮扶 --------------------------------------------------------------------------------------------------------

def _help_visit_rows(scope: Scope, period: Period) -> list[Row]:
    """Guidance and help visits (帮扶) to firms recorded on the enterprise side, the officers named on each."""
    from ecoenforce.compliance.models import HelpVisit

    qs = HelpVisit.objects.filter(date__range=(period.start, period.end)).select_related("entity")
    if scope.inspector is not None:
        qs = qs.filter(officers=scope.inspector)
    else:
        qs = qs.filter(pk__in=HelpVisit.objects.filter(officers__organization=scope.organization).values("pk"))
    return [Row(f"{v.entity.name} · {v.topic}", v.date, True, v.follow_ups or v.notes[:80],
                reverse("registry:entity_detail", args=[v.entity_id])) for v in qs.order_by("date", "pk")]


# --- 企业评价, 公众满意度 ---------------------------------------------------------------------------------------------

def _firm_answers(scope: Scope, period: Period) -> QuerySet[SatisfactionAnswer]:
    qs = SatisfactionAnswer.objects.filter(respondent="firm", answered_at__date__range=(period.start, period.end))
    if scope.inspector is not None:
        return qs.filter(case__handlers=scope.inspector)
    return qs.filter(case__organization=scope.organization)


def _public_answers(scope: Scope, period: Period) -> QuerySet[SatisfactionAnswer]:
    qs = SatisfactionAnswer.objects.filter(respondent="public", answered_at__date__range=(period.start, period.end))
    if scope.inspector is not None:
        return qs.filter(Q(lead__assigned_to=scope.inspector) | Q(lead__case__handlers=scope.inspector)).distinct()
    return qs.filter(Q(lead__assigned_to__organization=scope.organization)
                     | Q(lead__case__organization=scope.organization)).distinct()


def _rating(rows: list[Row]) -> Measure | None:
    """The mean rating: the sum of the ratings over their number."""
    return Measure(sum(r.score for r in rows), len(rows), records=len(rows)) if rows else None


def _firm_rows(scope: Scope, period: Period) -> list[Row]:
    return [Row(f"{a.case.number} {a.case.title}", timezone.localtime(a.answered_at).date(), True,
                f"{a.score}/5 {a.comment}".strip(), reverse("cases:detail", args=[a.case_id]), a.score)
            for a in _firm_answers(scope, period).select_related("case")]


def _public_rows(scope: Scope, period: Period) -> list[Row]:
    # The tip's lead, never the tipster: the rating and its comment only.
    return [Row(f"{a.lead.number} {a.lead.title}", timezone.localtime(a.answered_at).date(), True,
                f"{a.score}/5 {a.comment}".strip(), reverse("leads:detail", args=[a.lead_id]), a.score)
            for a in _public_answers(scope, period).select_related("lead")]


# --- the same, grouped by inspector (a unit's page) -----------------------------------------------------------------

def _pairs(rows) -> dict[int, tuple[int, int]]:
    return {r["person"]: (r["counted"] or 0, r["total"]) for r in rows}


def _case_handlers(people: Sequence[int]):
    """(case, handler) pairs of these people: an inspector's `_cases`, one row per person and case."""
    return Case.handlers.through.objects.filter(user_id__in=people).annotate(person=F("user_id"))


def _inspection_people(people: Sequence[int], period: Period):
    return (Inspection.inspectors.through.objects
            .filter(user_id__in=people, inspection__inspected_on__range=(period.start, period.end))
            .annotate(person=F("user_id")))


def _inspections_grouped(people: Sequence[int], period: Period) -> dict[int, tuple[int, int]]:
    return _pairs(_inspection_people(people, period).values("person")
                  .annotate(counted=Count("pk"), total=Count("pk")))


def _filed_grouped(people: Sequence[int], period: Period) -> dict[int, tuple[int, int]]:
    pairs = _case_handlers(people).filter(case__filed_on__range=(period.start, period.end)).exclude(
        case__stage="proposed")
    return _pairs(pairs.values("person").annotate(counted=Count("pk"), total=Count("pk")))


def _in_time_grouped(people: Sequence[int], period: Period) -> dict[int, tuple[int, int]]:
    pairs = _case_handlers(people).filter(case__decided_on__range=(period.start, period.end))
    return _pairs(pairs.values("person").annotate(
        counted=Count("pk", filter=Q(case__decided_on__lte=F("case__decision_due"))), total=Count("pk")))


def _review_grouped(people: Sequence[int], period: Period) -> dict[int, tuple[int, int]]:
    returned = AuditEvent.objects.filter(object_type="cases.case", action="case.legal_review_return",
                                         object_id=Cast(OuterRef("case_id"), output_field=CharField()))
    pairs = _case_handlers(people).filter(case__decided_on__range=(period.start, period.end),
                                          case__legal_reviewed_on__isnull=False)
    return _pairs(pairs.values("person").annotate(counted=Count("pk", filter=~Exists(returned)), total=Count("pk")))


def _detection_grouped(people: Sequence[int], period: Period) -> dict[int, tuple[int, int]]:
    return _pairs(_inspection_people(people, period).values("person").annotate(
        counted=Count("pk", filter=Q(inspection__violation_found=True)), total=Count("pk")))


def _leads_grouped(people: Sequence[int], period: Period) -> dict[int, tuple[int, int]]:
    # verified on time: triaged on a local day (`__date`: the current time zone, as `timezone.localtime`) by the due date
    leads = Lead.objects.filter(assigned_to_id__in=people, assignment_due__range=(period.start, period.end))
    return _pairs(leads.annotate(person=F("assigned_to_id")).values("person").annotate(
        counted=Count("pk", filter=Q(triaged_at__date__lte=F("assignment_due"))), total=Count("pk")))


def _offsite_grouped(people: Sequence[int], period: Period) -> dict[int, tuple[int, int]]:
    warning = Lead.objects.filter(case=OuterRef("case_id"), source=Lead.Source.WARNING)
    pairs = _case_handlers(people).filter(case__filed_on__range=(period.start, period.end)).exclude(
        case__stage="proposed")
    return _pairs(pairs.values("person").annotate(counted=Count("pk", filter=Exists(warning)), total=Count("pk")))


def _help_visits_grouped(people: Sequence[int], period: Period) -> dict[int, tuple[int, int]]:
    from ecoenforce.compliance.models import HelpVisit

    pairs = HelpVisit.officers.through.objects.filter(user_id__in=people,
                                                      helpvisit__date__range=(period.start, period.end))
    return _pairs(pairs.annotate(person=F("user_id")).values("person")
                  .annotate(counted=Count("pk"), total=Count("pk")))


def _firm_grouped(people: Sequence[int], period: Period) -> dict[int, tuple[int, int]]:
    answers = SatisfactionAnswer.objects.filter(respondent="firm",
                                                answered_at__date__range=(period.start, period.end))
    pairs = _case_handlers(people).filter(case__firm_satisfaction__in=answers)
    return _pairs(pairs.values("person").annotate(counted=Sum("case__firm_satisfaction__score"), total=Count("pk")))


def _public_grouped(people: Sequence[int], period: Period) -> dict[int, tuple[int, int]]:
    # An answer counts once for a person whether the tip's lead was assigned to them, its case handled by them, or
    # both: the union of the two (person, answer, rating) lists drops the repeats, as `.distinct()` does for one.
    answers = SatisfactionAnswer.objects.filter(respondent="public",
                                                answered_at__date__range=(period.start, period.end))
    assigned = (answers.annotate(person=F("lead__assigned_to_id")).filter(person__in=people)
                .values_list("person", "pk", "score").order_by())
    handled = (answers.annotate(person=F("lead__case__handlers")).filter(person__in=people)
               .values_list("person", "pk", "score").order_by())
    sums: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for person, _pk, score in assigned.union(handled):
        sums[person][0] += score
        sums[person][1] += 1
    return {person: (total, n) for person, (total, n) in sums.items()}


INDICATORS: dict[str, Indicator] = {i.key: i for i in [
    Indicator("inspections_per_inspector", "intensity", _("On-site inspections per inspector"),
              _("Inspections in the period that the unit's people (or this inspector) took part in, per certified "
                "inspector."), "per_inspector", _inspection_rows, _inspections_grouped),
    Indicator("cases_per_inspector", "intensity", _("Cases filed per inspector"),
              _("Cases filed in the period (filing approved), per certified inspector."), "per_inspector",
              _filed_rows, _filed_grouped),
    Indicator("decided_in_time", "quality", _("Decisions within the time limit"),
              _("Share of the cases decided in the period that were decided by their decision deadline."), "share",
              _in_time_rows, _in_time_grouped),
    Indicator("passed_review_first_time", "quality", _("Passed legal review first time"),
              _("Share of the cases decided in the period after a legal review that the reviewer never returned."),
              "share", _review_rows, _review_grouped),
    Indicator("detection_rate", "effectiveness", _("Problems found per inspection"),
              _("Share of the period's inspections that found a violation."), "share", _detection_rows,
              _detection_grouped),
    Indicator("leads_verified_in_time", "effectiveness", _("Leads verified on time"),
              _("Share of the leads due for verification in the period that were verified by their due date."),
              "share", _lead_rows, _leads_grouped),
    Indicator("offsite_case_share", "innovation", _("Cases found by off-site supervision"),
              _("Share of the cases filed in the period that began as an off-site monitoring warning."), "share",
              _offsite_rows, _offsite_grouped),
    Indicator("help_visits_per_inspector", "guidance", _("Help visits per inspector"),
              _("Guidance and help visits (帮扶) to firms recorded in the period, per certified inspector."),
              "per_inspector", _help_visit_rows, _help_visits_grouped),
    Indicator("firm_satisfaction", "firm_rating", _("Firms' rating of case handling"),
              _("Mean rating (1–5) the firms gave, after their case closed, to how it was handled."), "rating",
              _firm_rows, _firm_grouped),
    Indicator("public_satisfaction", "public_rating", _("Public's rating of tip handling"),
              _("Mean rating (1–5) tipsters gave, once their tip had an outcome, to how it was handled."), "rating",
              _public_rows, _public_grouped),
]}
