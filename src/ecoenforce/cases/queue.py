"""Who acts next on a case, and the cases waiting in each person's queue — both read off `workflow.TRANSITIONS`.

A stage waits for the roles of the moves the table allows out of it. Where the inspector is among them, the
case's own handlers act (a leader may step in, but it is not waiting for him); otherwise it waits for the people
of the handling organization who hold one of those roles (the unit leader at case review, the legal reviewer at
legal review). Change the table and the queues and the "next step" line follow.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from ecoenforce.cases.models import STAGE_LABELS, Case, CorrectionOrder, Hearing, Payment
from ecoenforce.cases.workflow import INSPECTOR, OPEN_STAGES, Stage, Transition, transitions_from
from ecoenforce.core.access import scope_by_region
from ecoenforce.core.models import Role, User
from ecoenforce.core.queue import QueueItem, QueueSource, queue_register
from ecoenforce.notifications.models import Kind
from ecoenforce.notifications.services import notify

# Steps a person may take at a stage without the case waiting for them (the extension of the limit, a collective
# discussion, a payment, the court application): they do not decide whose queue the case is in.
SIDE_STEPS = frozenset({"extension", "discussion", "payment", "enforcement"})


def acting_roles(stage: Stage | str) -> frozenset[str]:
    """Every role that may take some move out of `stage` (empty for a closed case), side steps aside."""
    return frozenset(role for t in transitions_from(stage) if t.records not in SIDE_STEPS for role in t.roles)


def handlers_act(stage: Stage | str) -> bool:
    """True where the case's own handlers take the next step."""
    return INSPECTOR in acting_roles(stage)


HANDLER_STAGES = tuple(s.value for s in Stage if s in OPEN_STAGES and handlers_act(s))


def organization_stages(role: str) -> tuple[str, ...]:
    """Stages that wait for `role` in the handling organization (not for the handlers)."""
    return tuple(s.value for s in Stage if s in OPEN_STAGES and not handlers_act(s) and role in acting_roles(s))


@dataclass(frozen=True)
class NextStep:
    """The roles that act next on a case and the people who hold them."""

    roles: tuple[str, ...]
    people: tuple[User, ...]

    @property
    def role_labels(self) -> list[str]:
        return [str(Role(r).label) for r in self.roles]


def next_step(case: Case) -> NextStep:
    """Who acts next: the handlers, or the handling organization's people in the acting roles."""
    roles = acting_roles(case.stage)
    if not roles:
        return NextStep((), ())
    if handlers_act(case.stage):
        return NextStep((INSPECTOR,), tuple(case.handlers.filter(is_active=True).order_by("full_name", "pk")))
    ordered = tuple(r for r in Role.values if r in roles)
    people = User.objects.filter(organization_id=case.organization_id, role__in=ordered, is_active=True)
    return NextStep(ordered, tuple(people.order_by("role", "full_name", "pk")))


def _stage_msgid(stage: str) -> str:
    with translation.override("en"):
        return str(STAGE_LABELS[Stage(stage)])


def case_opened_notify(case: Case, *, opened_by: User) -> None:
    """Tell the co-handlers named on a new case, and the leaders who approve its filing (inside case_open's
    transaction; sent on commit); a case entered afterwards from the paper files notifies nobody."""
    if case.filed_on < timezone.localdate():
        return
    url, ref = reverse("cases:detail", args=[case.pk]), f"cases.case:{case.pk}"
    notify(recipients=[h for h in case.handlers.all() if h.pk != opened_by.pk], kind=Kind.ASSIGNMENT,
           verb=gettext_noop("%(who)s named you handler of case %(number)s: %(title)s"),
           params={"who": opened_by.display_name, "number": case.number, "title": case.title},
           url=url, ref=ref, key=f"case.open:{case.pk}")
    approvers = [p for p in next_step(case).people if p.pk != opened_by.pk]
    if approvers:
        notify(recipients=approvers, kind=Kind.ASSIGNMENT, url=url, ref=ref, key=f"case.propose:{case.pk}",
               verb=gettext_noop("Case %(number)s (%(entity)s) now waits for your step: %(stage)s"),
               params={"who": opened_by.display_name, "number": case.number, "entity": case.entity.name,
                       "stage": {"t": _stage_msgid(case.stage)}, "reason": ""})


def case_step_notify(case: Case, *, step: Transition, actor: User, reason: str, day) -> None:
    """After a step that hands the case to other people, they hear of it (a return tells the handlers why); a step
    among the handlers themselves, or one entered afterwards for an earlier day (historical files), notifies nobody."""
    if day < timezone.localdate():
        return

    def group(stage) -> object:
        return "handlers" if handlers_act(stage) else acting_roles(stage)

    if step.forward and group(step.source) == group(step.target):
        return
    people = [p for p in next_step(case).people if p.pk != actor.pk]
    params = {"who": actor.display_name, "number": case.number, "entity": case.entity.name,
              "stage": {"t": _stage_msgid(case.stage)}, "reason": reason}
    common = {"url": reverse("cases:detail", args=[case.pk]), "ref": f"cases.case:{case.pk}",
              "key": f"case.{step.action}:{case.pk}:{timezone.now().isoformat()}"}
    if not step.forward:
        notify(recipients=people, kind=Kind.RETURN, params=params, **common,
               verb=gettext_noop("%(who)s returned case %(number)s (%(entity)s) to %(stage)s: %(reason)s"))
    elif people:
        notify(recipients=people, kind=Kind.ASSIGNMENT, params=params, **common,
               verb=gettext_noop("Case %(number)s (%(entity)s) now waits for your step: %(stage)s"))


def cases_waiting_for(user: User) -> QuerySet[Case]:
    """Open cases at a stage this user acts on: as a handler, or as the handling organization's leader/reviewer."""
    handled = Case.handlers.through.objects.filter(user_id=user.pk).values("case_id")
    waiting = Q(stage__in=HANDLER_STAGES, pk__in=handled)
    own_stages = organization_stages(user.role)
    if own_stages and user.organization_id:
        waiting |= Q(stage__in=own_stages, organization_id=user.organization_id)
    qs = scope_by_region(Case.objects.filter(waiting), user=user).select_related("entity", "region")
    return qs.order_by(F("stage_due").asc(nulls_last=True), "decision_due", "id")


def _row(case: Case) -> QueueItem:
    return QueueItem(source="cases.waiting", ref=f"cases.case:{case.pk}", title=f"{case.number} {case.title}",
                     url=reverse("cases:detail", args=[case.pk]), subject=case.entity.name,
                     state=str(case.stage_label), due=case.stage_due)


def _handled_in_reach(user: User) -> QuerySet[Case]:
    return scope_by_region(Case.objects.filter(handlers=user), user=user)


def hearings_waiting_for(user: User) -> QuerySet[Hearing]:
    """Hearings scheduled on the user's cases and not yet recorded (the date is the deadline)."""
    return (Hearing.objects.filter(case__in=_handled_in_reach(user).values("pk"), hearing_on__isnull=False,
                                   held_on__isnull=True)
            .select_related("case", "case__entity").order_by("hearing_on", "id"))


def _hearing_row(hearing: Hearing) -> QueueItem:
    return QueueItem(source="cases.hearings", ref=f"cases.hearing:{hearing.pk}",
                     title=f"{hearing.case.number} {hearing.case.title}", subject=hearing.case.entity.name,
                     url=reverse("cases:detail", args=[hearing.case_id]), state=str(_("Hearing scheduled")),
                     due=hearing.hearing_on)


def reinspections_waiting_for(user: User) -> QuerySet[CorrectionOrder]:
    """Orders to correct on the user's cases whose covert re-inspection is still to be done (due 30 days after)."""
    return (CorrectionOrder.objects.filter(case__in=_handled_in_reach(user).values("pk"), reinspected_on__isnull=True)
            .select_related("case", "case__entity").order_by("reinspection_due", "id"))


def _reinspection_row(order: CorrectionOrder) -> QueueItem:
    return QueueItem(source="cases.reinspections", ref=f"cases.correctionorder:{order.pk}",
                     title=f"{order.case.number} {order.number}", subject=order.case.entity.name,
                     url=reverse("cases:detail", args=[order.case_id]), state=str(_("Re-inspection due")),
                     due=order.reinspection_due)


def payments_overdue_for(user: User) -> QuerySet[Case]:
    """Served decisions on the user's cases whose fine is not fully paid (the payment deadline is the due date: the
    queue flags it overdue once it has passed, when the late surcharge runs)."""
    paid = Subquery(Payment.objects.filter(case=OuterRef("pk")).values("case").annotate(s=Sum("amount")).values("s"),
                    output_field=DecimalField(max_digits=14, decimal_places=2))
    return (_handled_in_reach(user).filter(stage__in=(Stage.SERVICE, Stage.EXECUTION), payment_due__isnull=False)
            .annotate(paid=Coalesce(paid, 0, output_field=DecimalField(max_digits=14, decimal_places=2)))
            .filter(paid__lt=F("fine_amount")).select_related("entity").order_by("payment_due", "id"))


def _payment_row(case: Case) -> QueueItem:
    return QueueItem(source="cases.payments", ref=f"cases.case:{case.pk}", title=f"{case.number} {case.title}",
                     subject=case.entity.name, url=reverse("cases:detail", args=[case.pk]),
                     state=str(_("Fine not fully paid")), due=case.payment_due)


def register() -> None:
    """Called from CasesConfig.ready()."""
    staff = frozenset({Role.INSPECTOR, Role.UNIT_LEADER})
    queue_register(QueueSource(key="cases.hearings", label=_("Hearings to hold"), order=31, roles=staff,
                               waiting=hearings_waiting_for, row=_hearing_row, due_field="hearing_on",
                               nav="cases:list"))
    queue_register(QueueSource(key="cases.reinspections", label=_("Covert re-inspections due (daily penalty)"),
                               order=32, roles=staff, waiting=reinspections_waiting_for, row=_reinspection_row,
                               due_field="reinspection_due", nav="cases:list"))
    queue_register(QueueSource(key="cases.payments", label=_("Fines awaiting payment"), order=33, roles=staff,
                               waiting=payments_overdue_for, row=_payment_row, due_field="payment_due",
                               nav="cases:list"))
    queue_register(QueueSource(
        key="cases.waiting", label=_("Cases waiting for my step"), order=30,
        roles=frozenset({Role.INSPECTOR, Role.UNIT_LEADER, Role.LEGAL_REVIEWER}),
        waiting=cases_waiting_for, row=_row, due_field="stage_due", nav="cases:list",
        more=lambda user: reverse("cases:list"),
    ))
