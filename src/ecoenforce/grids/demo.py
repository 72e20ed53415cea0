"""Demo grids (issue 12): three grids in 武进区 and one in 新北区 drawn around the demo entities' coordinates, the
demo grid member on the 武进 grids, this month's plans, one patrol with a track, and a problem it reported (a lead)."""

from __future__ import annotations

import time
import uuid

from django.utils import timezone

from ecoenforce.core.models import Region, User
from ecoenforce.grids.selectors import entities_in_grid, period_default
from ecoenforce.grids.services import (
    grid_create,
    patrol_finish,
    patrol_plan_create,
    patrol_problem_report,
    patrol_start,
    patrol_track_add,
)

# (code, name, county, town, corners as (lon, lat)): plausible town-sized areas near 31.7–31.85 N, 119.9–120.05 E.
GRIDS = [
    ("WJ-HT-01", "湖塘镇第一网格", "320412", "湖塘镇",
     [(119.90, 31.74), (119.96, 31.735), (119.97, 31.78), (119.93, 31.80), (119.895, 31.78)]),
    ("WJ-HT-02", "湖塘镇第二网格", "320412", "湖塘镇",
     [(119.96, 31.735), (120.03, 31.74), (120.04, 31.79), (119.97, 31.78)]),
    ("WJ-LJ-01", "礼嘉镇网格", "320412", "礼嘉镇",
     [(119.93, 31.80), (119.97, 31.78), (120.04, 31.79), (120.02, 31.85), (119.94, 31.85)]),
    ("XB-CJ-01", "春江街道网格", "320411", "春江街道",
     [(119.88, 31.82), (119.95, 31.82), (119.95, 31.88), (119.88, 31.88)]),
]


def grids_demo(*, leader: User, city_leader: User, member: User) -> dict:
    """Create the grids, plans and a patrol through the services; returns counts for the log."""
    start, end = period_default()
    grids = []
    for code, name, county, town, corners in GRIDS:
        region = Region.objects.get(code=county)
        ring = [[lon, lat] for lon, lat in corners] + [[corners[0][0], corners[0][1]]]
        actor = leader if county == "320412" else city_leader
        grid = grid_create(actor=actor, code=code, name=name, region=region, town=town,
                           boundary={"type": "Polygon", "coordinates": [ring]},
                           member_ids=[member.pk] if county == "320412" else [])
        inside = entities_in_grid(grid)
        patrol_plan_create(actor=actor, grid_id=grid.pk, starts_on=start, ends_on=end, patrols_planned=4,
                           entity_ids=[e.pk for e in inside[:6]], note="每周巡查一次，重点看雨水排口和废气收集设施。")
        grids.append((grid, inside))
    grid, inside = grids[0]
    patrol = patrol_start(actor=member, grid_id=grid.pk)
    now = int(time.time())
    track = [[31.742 + i * 0.003, 119.905 + i * 0.004, now - 55 + 20 * i, 8] for i in range(12)]
    patrol_track_add(actor=member, patrol_id=patrol.pk, points=track)
    problem = patrol_problem_report(
        actor=member, patrol_id=patrol.pk, token=uuid.uuid4().hex, title="雨水排口有黄色浑浊水排出",
        description="厂区东侧雨水排口持续排水，颜色发黄，有刺鼻气味。", entity_id=inside[0].pk if inside else None,
        latitude=31.751, longitude=119.918)
    patrol_finish(actor=member, patrol_id=patrol.pk, entity_ids=[e.pk for e in inside[:3]],
                  notes="巡查湖塘镇第一网格，发现一处雨水排口异常，已上报。")
    return {"grids": len(grids), "problem": problem.lead.number, "at": timezone.localtime().isoformat(timespec="minutes")}
