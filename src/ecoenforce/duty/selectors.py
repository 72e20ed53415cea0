"""Scorecards read through the jurisdiction: a leader sees the units in reach and their inspectors, an inspector
their own card; a unit or a person outside reach is not found."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from ecoenforce.cases.models import Case
from ecoenforce.cases.workflow import Stage
from ecoenforce.core.access import ENFORCEMENT_KINDS, has_role, scope_by_region
from ecoenforce.core.errors import NotFound
from ecoenforce.core.models import Organization, Role, User
from ecoenforce.duty.indicators import CERTIFIED_ROLES, INDICATORS, Indicator, Row, Scope
from ecoenforce.duty.models import DutyPolicy, DutyRequirement, SatisfactionAnswer
from ecoenforce.duty.scorecard import DEFAULT_VALUES, Period, Scorecard, scorecard

LEADER_ROLES = (Role.UNIT_LEADER,)
# How long after closing a firm may still rate how its case was handled.
RATING_WINDOW_DAYS = 90


def duty_policy_current() -> tuple[dict, int | None]:
    """The scoring policy in force and its version (None: the built-in defaults)."""
    newest = DutyPolicy.newest()
    return (newest.values, newest.version) if newest else (DEFAULT_VALUES, None)


@dataclass
class Card:
    scope: Scope
    card: Scorecard


def card_for(scope: Scope, period: Period) -> Card:
    values, _version = duty_policy_current()
    keys = {k for d in values["dimensions"].values() for k in d["indicators"]}
    measures = {k: INDICATORS[k].measure(scope, period) for k in keys if k in INDICATORS}
    return Card(scope, scorecard(values, measures))


def _units(user: User) -> QuerySet[Organization]:
    orgs = Organization.objects.filter(kind__in=ENFORCEMENT_KINDS).select_related("region")
    return scope_by_region(orgs, user=user).order_by("region__code", "name")


def scorecard_units(*, user: User, period: Period) -> list[Card]:
    """Every unit in the leader's reach, scored; an inspector's list holds their own unit only."""
    if has_role(user, LEADER_ROLES):
        return [card_for(Scope(org), period) for org in _units(user)]
    if user.organization_id and user.organization.kind in ENFORCEMENT_KINDS:
        return [card_for(Scope(user.organization), period)]
    return []


def unit_for_user(*, user: User, organization_id: object) -> Organization:
    for org in _units(user):
        if str(org.pk) == str(organization_id):
            if has_role(user, LEADER_ROLES) or org.pk == user.organization_id:
                return org
    raise NotFound()


def unit_inspectors(organization: Organization) -> QuerySet[User]:
    return (User.objects.filter(organization=organization, is_active=True, role__in=CERTIFIED_ROLES)
            .exclude(certificate_no="").order_by("username"))


def scorecard_unit(*, user: User, organization_id: object, period: Period) -> tuple[Card, list[Card]]:
    """A unit's card and its inspectors' cards (a leader's view; an inspector sees only their own row)."""
    org = unit_for_user(user=user, organization_id=organization_id)
    people = unit_inspectors(org)
    if not has_role(user, LEADER_ROLES):
        people = people.filter(pk=user.pk)
    return card_for(Scope(org), period), cards_for_inspectors(org, list(people), period)


def cards_for_inspectors(organization: Organization, people: list[User], period: Period) -> list[Card]:
    """Each person's card as `card_for(Scope(organization, person))` gives it, measured for them all at once: one
    grouped query per indicator, however many people the unit has."""
    values, _version = duty_policy_current()
    keys = {k for d in values["dimensions"].values() for k in d["indicators"]} & set(INDICATORS)
    ids = [p.pk for p in people]
    measures = {k: INDICATORS[k].by_inspector(ids, period) for k in keys}
    return [Card(Scope(organization, p), scorecard(values, {k: measures[k][p.pk] for k in keys})) for p in people]


def scope_for_user(*, user: User, organization_id: object, inspector_id: object | None = None) -> Scope:
    """The scope a drill-down reads: a unit in reach, or one of its certified people (an inspector: only oneself)."""
    org = unit_for_user(user=user, organization_id=organization_id)
    if inspector_id in (None, ""):
        return Scope(org)
    person = unit_inspectors(org).filter(pk=inspector_id).first() if str(inspector_id).isdigit() else None
    if person is None or (not has_role(user, LEADER_ROLES) and person.pk != user.pk):
        raise NotFound()
    return Scope(org, person)


def indicator_records(*, scope: Scope, key: str, period: Period) -> tuple[Indicator, list[Row]]:
    indicator = INDICATORS.get(key)
    if indicator is None:
        raise NotFound()
    return indicator, indicator.records(scope, period)


def duty_requirements(*, level: str = "", post: str = "") -> QuerySet[DutyRequirement]:
    qs = DutyRequirement.objects.select_related("matter")
    if level:
        qs = qs.filter(level=level)
    if post:
        qs = qs.filter(post=post)
    return qs


# --- ratings -------------------------------------------------------------------------------------------------------

def cases_to_rate(user: User, *, today: dt.date | None = None) -> QuerySet[Case]:
    """A firm user's cases closed in the last RATING_WINDOW_DAYS days that the firm has not rated yet."""
    if not user.is_authenticated or user.role != Role.ENTERPRISE:
        return Case.objects.none()
    today = today or timezone.localdate()
    return (Case.objects.filter(entity__enterprise_accounts__user=user, stage=Stage.CLOSED,
                                closed_on__gte=today - dt.timedelta(days=RATING_WINDOW_DAYS),
                                firm_satisfaction__isnull=True)
            .select_related("entity").distinct().order_by("-closed_on", "-pk"))


def case_to_rate(*, user: User, case_id: object) -> Case:
    case = cases_to_rate(user).filter(pk=case_id).first() if str(case_id).isdigit() else None
    if case is None:
        raise NotFound()
    return case


def firm_answer_for(*, user: User, case_id: object) -> SatisfactionAnswer | None:
    """The firm's answer for one of its own cases (to say 'thank you, you rated 4/5'), or None."""
    return (SatisfactionAnswer.objects.filter(case_id=case_id, case__entity__enterprise_accounts__user=user)
            .first() if str(case_id).isdigit() else None)


def tip_rated(code: str) -> bool:
    """Whether the tip with this tracking code has been rated (an unknown code: not found)."""
    from ecoenforce.social.selectors import tip_get_by_code

    return SatisfactionAnswer.objects.filter(lead=tip_get_by_code(code).lead).exists()
