"""Public-portal reads: only what is cleared for publication, with personal data masked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.utils import timezone

from ecoenforce.cases.models import Case
from ecoenforce.core.errors import NotFound
from ecoenforce.core.masking import mask_free_text
from ecoenforce.core.models import Region


@dataclass(frozen=True)
class PublicDecision:
    """A penalty decision as the public sees it."""

    id: int
    decision_number: str
    entity_name: str
    uscc: str
    region_name: str
    title: str
    decision_text: str
    fine_amount: Decimal | None
    decided_on: dt.date | None
    legal_basis: str = ""  # the cited catalogue matter's law and article


def _public(case: Case) -> PublicDecision:
    """Every free-text field passes the mask: a title copied from a tip can carry a name and a phone, and an
    individual business is often named after its owner (张三丰废品回收站)."""
    names = [case.entity.legal_representative]
    return PublicDecision(
        id=case.pk, decision_number=case.decision_number, entity_name=mask_free_text(case.entity.name, names=names),
        uscc=case.entity.uscc, region_name=case.region.name, title=mask_free_text(case.title, names=names),
        decision_text=mask_free_text(case.decision_text, names=names), fine_amount=case.fine_amount,
        decided_on=case.decided_on, legal_basis=mask_free_text(case.legal_basis, names=names),
    )


def _published():
    return Case.objects.select_related("entity", "region").filter(published_at__isnull=False).exclude(decision_number="")


def _search(q: str, region: str):
    qs = _published()
    if q:
        qs = qs.filter(Q(entity__name__icontains=q) | Q(decision_number__icontains=q) | Q(entity__uscc__icontains=q))
    if region:
        qs = qs.filter(region__code=region)
    return qs.order_by("-decided_on", "-id")


def public_decision_list(*, q: str = "", region: str = "") -> list[PublicDecision]:
    """Published decisions, newest first (at most 200)."""
    return [_public(c) for c in _search(q, region)[:200]]


def public_decision_page(*, q: str = "", region: str = "", page: object = 1, per_page: int = 30) -> Page:
    """One page of published decisions, newest first, as public records."""
    result = Paginator(_search(q, region), per_page).get_page(page)
    result.object_list = [_public(c) for c in result.object_list]
    return result


def public_decision_get(*, decision_id: int) -> PublicDecision:
    """One published decision, or NotFound."""
    case = _published().filter(pk=decision_id).first()
    if case is None:
        raise NotFound()
    return _public(case)


def public_regions():
    """Counties that have at least one published decision (the portal's county filter)."""
    return Region.objects.filter(pk__in=_published().values("region_id")).select_related("parent").order_by("code")


# --- the enforcement-item catalogue (执法事项目录), as published -------------------------------------------

@dataclass(frozen=True)
class PublicMatter:
    """An enforcement matter of the current catalogue, as a citizen checks a penalty against it."""

    code: str
    name: str
    kind: str
    kind_label: str
    law: str
    article: str
    basis_text: str
    level_label: str
    penalty_kinds: list[str]
    fine_min: Decimal | None
    fine_max: Decimal | None
    fine_rule: str
    text_verified: bool


def public_catalogue_page(*, q: str = "", kind: str = "", page: object = 1, per_page: int = 50) -> tuple[object, Page]:
    """(current version or None, one page of its matters) — only a published catalogue is ever shown."""
    from ecoenforce.registry.catalogue.selectors import catalogue_current_version, matters_current

    version = catalogue_current_version()
    result = Paginator(matters_current(q=q, kind=kind), per_page).get_page(page)
    result.object_list = [PublicMatter(
        code=m.code, name=m.name, kind=m.kind, kind_label=str(m.get_kind_display()), law=m.law, article=m.article,
        basis_text=m.basis_text, level_label=str(m.get_level_display()), penalty_kinds=m.penalty_kind_labels(),
        fine_min=m.fine_min, fine_max=m.fine_max, fine_rule=m.fine_rule, text_verified=m.text_verified,
    ) for m in result.object_list]
    return version, result


# --- the facility compliance page (ECHO-like) and open data ---------------------------------------------------
#
# Only what the bureau has published or what is public by law reaches it: penalty decisions once published,
# inspections of published double-random rounds, and exceedances of the facility's own automatic monitoring that an
# operator confirmed (a notice sent, or taken further) — never a lead, a tip, an open or dismissed warning, or an
# unpublished case. Four queries per facility page whatever its history; the search is one page of one query.

QUARTERS_SHOWN = 12


@dataclass(frozen=True)
class Quarter:
    """A calendar quarter: 2026 Q1 = 1 Jan – 31 Mar 2026."""

    year: int
    number: int

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> dt.date:
        if self.number == 4:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, 3 * self.number + 1, 1) - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        from django.utils.translation import gettext

        return gettext("%(year)s Q%(n)s") % {"year": self.year, "n": self.number}


def quarter_of(day: dt.date) -> Quarter:
    """The quarter a day falls in."""
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def quarters_back(today: dt.date, n: int = QUARTERS_SHOWN) -> list[Quarter]:
    """The quarter of `today` and the n-1 before it, newest first (crossing year boundaries)."""
    current = quarter_of(today)
    index = current.year * 4 + current.number - 1
    return [Quarter((index - i) // 4, (index - i) % 4 + 1) for i in range(n)]


@dataclass(frozen=True)
class PublicFacility:
    """A facility as the public finds it: the name masked like every free text."""

    id: int
    name: str
    uscc: str
    region_name: str
    industry_name: str


@dataclass(frozen=True)
class PublicInspection:
    """An inspection of a published double-random round."""

    round_id: int
    round_title: str
    inspected_on: dt.date
    violation_found: bool


@dataclass(frozen=True)
class PublicExceedance:
    """Confirmed exceedances of one factor in a quarter (counts only: what the firm's own monitoring showed)."""

    pollutant: str
    count: int


@dataclass
class QuarterRow:
    """One quarter of a facility's compliance history."""

    quarter: Quarter
    inspections: list[PublicInspection]
    decisions: list[PublicDecision]
    exceedances: list[PublicExceedance]

    @property
    def violations(self) -> int:
        return sum(1 for i in self.inspections if i.violation_found)

    @property
    def empty(self) -> bool:
        return not (self.inspections or self.decisions or self.exceedances)


@dataclass(frozen=True)
class FacilityHistory:
    """A facility and its last 12 quarters, newest first, as of `as_of`."""

    facility: PublicFacility
    as_of: dt.date
    quarters: list[QuarterRow]

    @property
    def has_records(self) -> bool:
        return any(not row.empty for row in self.quarters)


def _facility(entity) -> PublicFacility:
    from django.utils.translation import get_language

    industry = entity.industry
    english = (get_language() or "").startswith("en") and industry.name_en
    return PublicFacility(id=entity.pk, name=mask_free_text(entity.name, names=[entity.legal_representative]),
                          uscc=entity.uscc, region_name=entity.region.name,
                          industry_name=industry.name_en if english else industry.name_zh)


def _entities():
    from ecoenforce.registry.models import RegulatedEntity

    return RegulatedEntity.objects.select_related("region", "industry")


def public_facility_page(*, q: str = "", page: object = 1, per_page: int = 25) -> Page:
    """Facilities whose name or credit code contains `q`, by name; empty until a search is typed."""
    if not q:
        return _facility_paginate(_entities().none(), page, per_page)
    from django.db.models import CharField, Value
    from django.db.models.functions import StrIndex

    # A name is shown masked (张三丰废品回收站 → 张**废品回收站), so typing the owner's name must not find it either:
    # a name match counts only when the words typed and the legal representative's name do not overlap.
    qs = _entities().annotate(rep_in_q=StrIndex(Value(q, output_field=CharField()), "legal_representative"))
    names_person = Q(legal_representative__gt="") & (Q(legal_representative__icontains=q) | Q(rep_in_q__gt=0))
    return _facility_paginate(qs.filter((Q(name__icontains=q) & ~names_person) | Q(uscc__icontains=q)), page,
                              per_page)


def _facility_paginate(qs, page: object, per_page: int) -> Page:
    result = Paginator(qs.order_by("name", "id"), per_page).get_page(page)
    result.object_list = [_facility(e) for e in result.object_list]
    return result


def _published_round_tasks():
    from ecoenforce.planning.models import DrawRound, InspectionTask

    return (InspectionTask.objects.filter(round__status=DrawRound.Status.PUBLISHED, inspection__isnull=False)
            .select_related("round", "inspection", "entity"))


def public_facility_history(*, facility_id: int, today: dt.date) -> FacilityHistory:
    """A facility's last 12 quarters of published compliance records, or NotFound."""
    from ecoenforce.monitoring.factors import factor_label
    from ecoenforce.warnings.models import Warning

    entity = _entities().filter(pk=facility_id).first()
    if entity is None:
        raise NotFound()
    quarters = quarters_back(today)
    first, last = quarters[-1].start, quarters[0].end
    rows = {q: QuarterRow(q, [], [], []) for q in quarters}
    names = [entity.legal_representative]
    for task in (_published_round_tasks().filter(entity=entity, inspection__inspected_on__range=(first, last))
                 .order_by("-inspection__inspected_on", "-id")):
        rows[quarter_of(task.inspection.inspected_on)].inspections.append(PublicInspection(
            round_id=task.round_id, round_title=mask_free_text(task.round.title, names=names),
            inspected_on=task.inspection.inspected_on, violation_found=task.inspection.violation_found))
    for case in _published().filter(entity=entity, decided_on__range=(first, last)).order_by("-decided_on", "-id"):
        rows[quarter_of(case.decided_on)].decisions.append(_public(case))
    confirmed = (Warning.objects.filter(entity=entity, rule="exceedance",
                                        status__in=[Warning.Status.NOTIFIED, Warning.Status.LEAD])
                 .values_list("start", "pollutant"))
    counts: dict[tuple[Quarter, str], int] = {}
    for start, pollutant in confirmed:
        day = timezone.localtime(start).date()
        if first <= day <= last:
            key = (quarter_of(day), pollutant)
            counts[key] = counts.get(key, 0) + 1
    for (quarter, pollutant), n in sorted(counts.items(), key=lambda kv: kv[0][1]):
        rows[quarter].exceedances.append(PublicExceedance(pollutant=factor_label(pollutant)["name"], count=n))
    return FacilityHistory(facility=_facility(entity), as_of=today, quarters=[rows[q] for q in quarters])


def public_decision_rows():
    """Every published decision as open-data rows (masked), newest first."""
    for case in _search("", "").iterator(chunk_size=500):
        d = _public(case)
        yield [d.decision_number, d.entity_name, d.uscc, d.region_name, d.title, d.legal_basis, d.fine_amount,
               d.decided_on, d.decision_text]


def public_round_result_rows():
    """Every result of every published round as open-data rows (masked): round, bureau, period, target, outcome."""
    from django.utils.translation import gettext as _

    from ecoenforce.planning.models import DrawRound, InspectionTask

    tasks = (InspectionTask.objects.filter(round__status=DrawRound.Status.PUBLISHED)
             .select_related("round__organization__region", "entity__region", "inspection")
             .order_by("-round__committed_at", "round_id", "risk_class", "rank_in_class"))
    for t in tasks.iterator(chunk_size=500):
        names = [t.entity.legal_representative]
        if t.inspection is not None:
            outcome = _("Violation found") if t.inspection.violation_found else _("No violation found")
        else:
            outcome = _("Not inspected") + ": " + mask_free_text(t.result_note, names=names)
        yield [t.round.round_id, mask_free_text(t.round.title, names=names), t.round.organization.name, t.round.period_start,
               t.round.period_end, mask_free_text(t.entity.name, names=names), t.entity.uscc, t.entity.region.name,
               t.get_risk_class_display(), t.inspection.inspected_on if t.inspection else None, outcome]


# --- 事前公开: the officers who may inspect, and the procedure a party goes through ------------------------------

@dataclass(frozen=True)
class PublicOfficer:
    name: str
    certificate_no: str
    unit: str
    post: str


def public_officers(*, q: str = "", unit: str = "") -> list[PublicOfficer]:
    """The certified enforcement officers (行政执法人员公示: name, certificate number, unit) of the enforcement
    bureaus, so that a party can check the certificate an officer shows. Nothing else about a person is public."""
    from ecoenforce.core.access import ENFORCEMENT_KINDS
    from ecoenforce.core.models import Role, User

    qs = (User.objects.filter(is_active=True, organization__kind__in=ENFORCEMENT_KINDS,
                              role__in=(Role.INSPECTOR, Role.UNIT_LEADER, Role.LEGAL_REVIEWER))
          .exclude(certificate_no="").select_related("organization__region"))
    if unit:
        qs = qs.filter(organization_id=unit) if str(unit).isdigit() else qs.none()
    q = q.strip()
    if q:
        qs = qs.filter(Q(full_name__icontains=q) | Q(certificate_no__iexact=q) | Q(organization__name__icontains=q))
    return [PublicOfficer(u.full_name or u.username, u.certificate_no, u.organization.name, str(Role(u.role).label))
            for u in qs.order_by("organization__region__code", "organization__name", "certificate_no")]


def public_units():
    """The enforcement bureaus whose officers are listed (for the filter)."""
    from ecoenforce.core.access import ENFORCEMENT_KINDS
    from ecoenforce.core.models import Organization

    return Organization.objects.filter(kind__in=ENFORCEMENT_KINDS).order_by("region__code", "name")


@dataclass(frozen=True)
class ProcedureStep:
    stage: str
    label: str
    limit: str  # the time limit in words, "" where the law sets none
    basis: str


def public_procedure() -> list[ProcedureStep]:
    """The administrative penalty procedure step by step with its time limits, read from the rules the platform
    enforces (the workflow's stages, the stage deadlines, the procedure policy in force), so that the page a party
    reads and the deadlines the platform keeps cannot disagree."""
    from django.utils.translation import gettext as _

    from ecoenforce.cases.models import STAGE_LABELS, StageDeadline
    from ecoenforce.cases.procedure_services import procedure_rules_current
    from ecoenforce.cases.services import DECISION_WITHIN_DAYS
    from ecoenforce.cases.workflow import NOTICE_PERIOD_WORKING_DAYS, ORDER

    rules, _version = procedure_rules_current()
    deadlines = {d.stage: d for d in StageDeadline.objects.all()}
    fixed = {
        "filed": (_("The decision is due within %(n)d days of filing (extended once by %(e)d days with the head's "
                    "approval, recorded with the reason).") % {"n": DECISION_WITHIN_DAYS, "e": rules.extension_days},
                  "《行政处罚法》第六十条"),
        "notice": (_("The party may state its case, defend itself and ask for a hearing within %(n)d working days of "
                     "the advance notice; a hearing is notified at least %(h)d working days before it is held.")
                   % {"n": NOTICE_PERIOD_WORKING_DAYS, "h": rules.hearing_notice_working_days},
                   "《行政处罚法》第四十四条、第六十三条、第六十四条"),
        "service": (_("The fine is paid within %(p)d days of receiving the decision; after that %(s)s%% of the fine "
                      "is added each day, at most the fine itself.") % {"p": rules.payment_days,
                                                                        "s": rules.surcharge_percent_per_day},
                    "《行政处罚法》第六十七条、第七十二条"),
        "execution": (_("The party may apply for reconsideration within %(r)d days or sue within %(l)d months; if it "
                        "neither pays nor appeals, the bureau may apply to the court within %(a)d months after those "
                        "periods.") % {"r": rules.reconsideration_days, "l": rules.lawsuit_months,
                                       "a": rules.enforcement_application_months},
                      "《行政复议法》第二十条；《行政诉讼法》第四十六条；《行政强制法》第五十三条"),
    }
    steps = []
    for stage in ORDER:
        key = str(stage.value if hasattr(stage, "value") else stage)
        limit, basis = fixed.get(key, ("", ""))
        d = deadlines.get(key)
        if d is not None and not limit:
            limit = (_("%(n)d working days") if d.day_kind == "working" else _("%(n)d days")) % {"n": d.days}
            basis = d.basis
        steps.append(ProcedureStep(key, str(STAGE_LABELS.get(stage, key)), limit, basis))
    return steps
