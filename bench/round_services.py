"""A whole double-random round through the services on the demo city, against the pure draw on the same pools.

    .venv/bin/python bench/round_services.py     # needs the demo seeded (make up, or: ecoenforce demo)

The city unit leader runs a cross-region round over all of 常州's entities: commit (pools frozen, trial
draw), draw (tasks dispatched), every result recorded, publish (round file built and verified). All of
it happens inside one transaction that is rolled back, so the demo data is left as it was. The
baseline, measured in the same run, is the pure `draw()` on the same frozen pools: the ratio says what
the database work around the draw costs, whatever the machine is doing.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecoenforce.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from ecoenforce.core.models import User  # noqa: E402
from ecoenforce.planning.draw import DrawPolicy, draw, seed_new  # noqa: E402
from ecoenforce.planning.models import InspectionTask  # noqa: E402
from ecoenforce.planning.rounds import frozen_pools, round_commit, round_draw, round_publish  # noqa: E402
from ecoenforce.planning.tasks import task_record_result  # noqa: E402

RATIOS = {"key": Decimal("0.25"), "general": Decimal("0.05"), "special": Decimal("1")}
RUNS = 3


class _Rollback(Exception):
    pass


def one_round(leader: User) -> dict[str, float]:
    times: dict[str, float] = {}
    today = timezone.localdate()
    try:
        with transaction.atomic():
            start = time.perf_counter()
            round_ = round_commit(actor=leader, title="基准测试轮次", period_start=today, period_end=today,
                                  ratios=RATIOS, cross_region=True)
            times["commit (freeze pools, trial draw)"] = time.perf_counter() - start
            start = time.perf_counter()
            round_draw(actor=leader, round_id=round_.pk, public_entropy="bench")
            times["draw (tasks dispatched)"] = time.perf_counter() - start
            tasks = list(InspectionTask.objects.filter(round=round_).values_list("pk", flat=True))
            start = time.perf_counter()
            for n, pk in enumerate(tasks):
                task_record_result(actor=leader, task_id=pk, inspected_on=today.isoformat(),
                                   violation_found=n % 10 == 0, findings="基准测试" if n % 10 == 0 else "")
            times[f"record {len(tasks)} results"] = time.perf_counter() - start
            start = time.perf_counter()
            round_publish(actor=leader, round_id=round_.pk)
            times["publish (round file built and verified)"] = time.perf_counter() - start
            times["targets"] = len(tasks)
            raise _Rollback
    except _Rollback:
        pass
    return times


def main() -> int:
    leader = User.objects.filter(username="cityleader").select_related("organization__region").first()
    if leader is None:
        print("no demo data: run `ecoenforce demo` first", file=sys.stderr)
        return 1
    entities, inspectors = frozen_pools(organization=leader.organization, cross_region=True,
                                        as_of=timezone.localdate(), recent_window_days=365)
    policy = DrawPolicy(ratios=RATIOS, inspectors_per_target=2, recent_window_days=365, cross_region=True)
    baseline = []
    for _ in range(RUNS):
        start = time.perf_counter()
        draw(seed_new(), entities, inspectors, policy)
        baseline.append(time.perf_counter() - start)
    base = statistics.median(baseline)
    runs = [one_round(leader) for _ in range(RUNS)]
    print(f"pools: {len(entities)} entities, {len(inspectors)} certified officers; "
          f"{int(runs[0]['targets'])} targets; medians of {RUNS} runs")
    print(f"{'step':<44} {'median ms':>10} {'× baseline':>11}")
    print(f"{'baseline: pure draw() on the same pools':<44} {base * 1000:>10.1f} {1:>11.1f}")
    for step in runs[0]:
        if step == "targets":
            continue
        median = statistics.median(r[step] for r in runs if step in r)
        print(f"{step:<44} {median * 1000:>10.1f} {median / base:>11.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
