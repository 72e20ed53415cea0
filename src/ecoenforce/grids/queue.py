"""The grids' share of the work queue: a grid member's plans in force (so the member lands on /work/)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecoenforce.core.models import Role
from ecoenforce.core.queue import QueueItem, QueueSource, queue_register
from ecoenforce.grids.models import PatrolPlan
from ecoenforce.grids.selectors import plans_waiting


def _row(plan: PatrolPlan) -> QueueItem:
    done = plan.patrols.filter(ended_at__isnull=False).count()
    return QueueItem(source="grids.plans", ref=f"grids.patrolplan:{plan.pk}",
                     title=f"{plan.grid.code} {plan.grid.name}", url=reverse("grids:patrol_new") + f"?grid={plan.grid_id}",
                     subject=plan.grid.region.name,
                     state=_("%(done)d of %(planned)d patrols done") % {"done": done, "planned": plan.patrols_planned},
                     due=plan.ends_on)


def register() -> None:
    queue_register(QueueSource(
        key="grids.plans", label=gettext_lazy("Patrols planned for my grids"), order=15,
        roles=frozenset({Role.GRID_MEMBER}), waiting=plans_waiting, row=_row, due_field="ends_on",
        nav="grids:patrol_list", more=lambda user: reverse("grids:patrol_list"),
    ))
