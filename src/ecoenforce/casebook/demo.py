"""Demo of the typical-case library: the city leader curates two closed penalty cases (the most recent ones of
different matters), redacted and tagged, through the service."""

from __future__ import annotations

from ecoenforce.casebook.services import typical_case_create
from ecoenforce.cases.models import Case
from ecoenforce.cases.workflow import Stage
from ecoenforce.core.models import User

TAGS = ["超标排放", "从重处罚", "按日计罚", "危险废物", "自动监控", "首违"]


def casebook_demo(*, leader: User) -> list[str]:
    """Curate up to two typical cases; returns their titles."""
    closed = (Case.objects.filter(stage=Stage.CLOSED, outcome=Case.Outcome.PENALTY, matter__isnull=False)
              .select_related("matter", "entity").order_by("-decided_on", "-pk"))
    picked, matters = [], set()
    for case in closed[:200]:
        if case.matter.code in matters:
            continue
        matters.add(case.matter.code)
        picked.append(case)
        if len(picked) == 2:
            break
    titles = []
    for i, case in enumerate(picked):
        facts = case.facts or case.decision_text
        typical = typical_case_create(
            case_id=case.pk, actor=leader, title=f"{case.entity.name}{case.matter.name}案",
            facts_summary=f"{facts}\n执法人员现场检查后依法立案调查，当事人对违法事实无异议，已按期缴纳罚款并完成整改。",
            tags=[TAGS[i * 2], TAGS[i * 2 + 1]])
        titles.append(typical.title)
    return titles
