"""Referral reads: a partner department's users see the referrals and joint inspections of their own department
only; bureau staff see those of their jurisdiction. Overdue = still awaiting the answer after its deadline."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from ecoenforce.core.access import STAFF_ROLES, has_role, home_region_q, scope_by_region
from ecoenforce.core.errors import NotFound
from ecoenforce.core.models import Organization, Role, User
from ecoenforce.referrals.models import JointInspection, Referral, ReferralFile


def is_partner(user: User) -> bool:
    return (user.is_authenticated and user.role == Role.PARTNER and user.organization_id is not None
            and user.organization.kind == Organization.Kind.PARTNER)


def referrals_for_user(*, user: User, direction: str = "", status: str = "", overdue: bool = False) -> QuerySet[Referral]:
    qs = Referral.objects.select_related("department", "region", "lead", "case", "entity", "sent_by")
    if is_partner(user):
        qs = qs.filter(department_id=user.organization_id)
    elif has_role(user, STAFF_ROLES):
        qs = scope_by_region(qs, user=user)
    else:
        return qs.none()
    if direction in Referral.Direction.values:
        qs = qs.filter(direction=direction)
    if status in Referral.Status.values:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(status=Referral.Status.SENT, deadline__lt=timezone.localdate())
    return qs.order_by("-sent_at", "-id")


def referral_get_for_user(*, user: User, referral_id: object) -> Referral:
    try:
        return referrals_for_user(user=user).get(pk=referral_id)
    except (Referral.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def referral_file_for_user(*, user: User, file_id: object) -> ReferralFile:
    try:
        item = ReferralFile.objects.get(pk=file_id)
    except (ReferralFile.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    referral_get_for_user(user=user, referral_id=item.referral_id)
    return item


def referrals_to_answer(user: User) -> QuerySet[Referral]:
    """A partner's queue: referrals addressed to their department awaiting its answer, the earliest deadline first."""
    if not is_partner(user):
        return Referral.objects.none()
    return (Referral.objects.filter(department_id=user.organization_id, direction=Referral.Direction.OUT,
                                    status=Referral.Status.SENT)
            .select_related("department", "region", "entity").order_by("deadline", "id"))


def referrals_incoming(user: User) -> QuerySet[Referral]:
    """Staff queue: referrals from departments to the user's own bureau awaiting its answer."""
    return (scope_by_region(Referral.objects.filter(direction=Referral.Direction.IN, status=Referral.Status.SENT),
                            user=user).filter(home_region_q(user))
            .select_related("department", "region", "entity").order_by("deadline", "id"))


def referrals_overdue_out(user: User) -> QuerySet[Referral]:
    """A leader's queue: the bureau's referrals to departments still unanswered after their deadline (to chase)."""
    return (scope_by_region(Referral.objects.filter(direction=Referral.Direction.OUT, status=Referral.Status.SENT,
                                                    deadline__lt=timezone.localdate()), user=user)
            .filter(home_region_q(user)).select_related("department", "region", "entity").order_by("deadline", "id"))


def referral_answers_to_close(user: User) -> QuerySet[Referral]:
    """Answers received that the sender side has not yet acknowledged (staff: their bureau's outgoing ones)."""
    if is_partner(user):
        return Referral.objects.filter(department_id=user.organization_id, direction=Referral.Direction.IN,
                                       status=Referral.Status.ANSWERED).select_related("department", "region")
    return (scope_by_region(Referral.objects.filter(direction=Referral.Direction.OUT, status=Referral.Status.ANSWERED),
                            user=user).filter(home_region_q(user)).select_related("department", "region"))


def referral_stats_for_user(*, user: User) -> dict:
    """For the dashboard: referrals awaiting an answer and those overdue, in the user's reach."""
    qs = referrals_for_user(user=user, status=Referral.Status.SENT)
    return {"waiting": qs.count(), "overdue": qs.filter(deadline__lt=timezone.localdate()).count()}


def joint_inspections_for_user(*, user: User) -> QuerySet[JointInspection]:
    qs = JointInspection.objects.select_related("entity", "entity__region").prefetch_related("departments", "results")
    if is_partner(user):
        return qs.filter(departments=user.organization_id)
    if not has_role(user, STAFF_ROLES):
        return qs.none()
    return scope_by_region(qs, user=user, field="entity__region__code")


def joint_inspection_get_for_user(*, user: User, inspection_id: object) -> JointInspection:
    try:
        return joint_inspections_for_user(user=user).get(pk=inspection_id)
    except (JointInspection.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def partner_departments() -> QuerySet[Organization]:
    return Organization.objects.filter(kind=Organization.Kind.PARTNER).order_by("name")
