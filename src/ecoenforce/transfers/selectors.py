"""Criminal-link reads, through the user's jurisdiction."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from ecoenforce.cases.workflow import OPEN_STAGES
from ecoenforce.core.access import get_in_scope, has_role, home_region_q, scope_by_region
from ecoenforce.core.models import Role, User
from ecoenforce.transfers.models import CaseFacts, Transfer
from ecoenforce.transfers.workflow import DECIDED, Status, steps_from


def transfer_get_for_user(*, user: User, transfer_id: object) -> Transfer:
    qs = Transfer.objects.select_related("case", "case__entity", "case__region", "case__organization", "proposed_by",
                                         "decided_by")
    return get_in_scope(qs, user=user, pk=transfer_id, field="case__region__code")


def transfers_for_case(*, case) -> list[Transfer]:
    return list(Transfer.objects.filter(case=case).select_related("proposed_by", "decided_by").order_by("id"))


def case_facts_for_case(*, case) -> CaseFacts | None:
    return CaseFacts.objects.filter(case=case).first()


def transfer_list_for_user(*, user: User, status: str = "") -> QuerySet[Transfer]:
    qs = scope_by_region(Transfer.objects.select_related("case", "case__entity", "case__region"), user=user,
                         field="case__region__code")
    if status == "open":
        qs = qs.exclude(status__in=[Status.NOT_TRANSFERRED, Status.ACCEPTED, Status.REFUSAL_ACCEPTED,
                                    Status.REFUSAL_FINAL])
    elif status in Status.__members__.values() or status in {s.value for s in Status}:
        qs = qs.filter(status=status)
    return qs.order_by("-proposed_on", "-id")


def transfer_steps_for_user(*, user: User, transfer: Transfer):
    """The steps this user may take now (the case's handlers or the handling organization's leader)."""
    case = transfer.case
    leader = has_role(user, [Role.UNIT_LEADER]) and user.organization_id == case.organization_id
    handler = has_role(user, [Role.INSPECTOR]) and case.handlers.filter(pk=user.pk).exists()
    return [s for s in steps_from(transfer.status) if (leader and Role.UNIT_LEADER in s.roles)
            or (handler and Role.INSPECTOR in s.roles)]


def _handled_by(user: User) -> Q:
    from ecoenforce.cases.models import Case

    handled = Case.handlers.through.objects.filter(user_id=user.pk).values("case_id")
    return Q(case_id__in=handled)


def thresholds_waiting_for(user: User) -> QuerySet[CaseFacts]:
    """Open cases whose facts meet a threshold with no criminal transfer reported or decided: their handlers and
    the handling organization's leaders must report and decide (3 days from the day it was first met)."""
    any_transfer = Transfer.objects.filter(case_id=OuterRef("case_id"), kind=Transfer.Kind.CRIMINAL)
    qs = CaseFacts.objects.filter(tier__gt=0, case__stage__in=[s.value for s in OPEN_STAGES]).exclude(
        Exists(any_transfer))
    mine = _handled_by(user)
    if user.role == Role.UNIT_LEADER and user.organization_id:
        mine |= Q(case__organization_id=user.organization_id) & home_region_q(user, field="case__region__code")
    qs = scope_by_region(qs.filter(mine), user=user, field="case__region__code")
    return qs.select_related("case", "case__entity").order_by("decide_due", "id")


HANDLER_STATUSES = (Status.TO_SEND, Status.SENT, Status.REFUSED, Status.RECONSIDERATION)


def transfers_waiting_for(user: User) -> QuerySet[Transfer]:
    """Transfers at a step this user acts on: the leader decides; the handlers send, chase the reply and ask for
    reconsideration."""
    waiting = _handled_by(user) & Q(status__in=HANDLER_STATUSES)
    if user.role == Role.UNIT_LEADER and user.organization_id:
        waiting |= (Q(status__in=[Status.PROPOSED, Status.REFUSED], case__organization_id=user.organization_id)
                    & home_region_q(user, field="case__region__code"))
    qs = scope_by_region(Transfer.objects.filter(waiting), user=user, field="case__region__code")
    return qs.select_related("case", "case__entity").order_by("step_due", "id")


def shares_waiting_for(user: User) -> QuerySet[Transfer]:
    """Decided transfers not yet entered on the sharing platform with the procuratorate (7 days)."""
    qs = Transfer.objects.filter(_handled_by(user), status__in=[s.value for s in DECIDED], shared_on__isnull=True)
    return scope_by_region(qs, user=user, field="case__region__code").select_related("case", "case__entity").order_by(
        "share_due", "id")
