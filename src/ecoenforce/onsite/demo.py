"""Demo on-site records: a few of the drawn campaign's Wujin tasks inspected on site through the real services — one
clean, one with a problem that raises a lead, each signed by both drawn officers and the party (or refused before a
witness), with a photo carrying EXIF time and position; and an inquiry record on the problem."""

from __future__ import annotations

import datetime as dt
import io
import random

from django.utils import timezone
from PIL import Image, ImageDraw

from ecoenforce.core.models import User
from ecoenforce.onsite.models import OnSiteRecord
from ecoenforce.onsite.rules import COMPLIANT, NOT_APPLICABLE, PROBLEM
from ecoenforce.onsite.selectors import checklist_for_entity
from ecoenforce.onsite.services import OfficerSign, inquiry_record_submit, onsite_record_submit
from ecoenforce.planning.models import DrawRound, InspectionTask

PROBLEM_NOTES = ["活性炭吸附装置活性炭未按期更换，更换记录缺失", "危险废物贮存间未设置识别标志，部分废包装桶露天堆放",
                 "雨水排口发现黄色废水流出，现场采样", "自动监测设备维护记录缺失近一个月"]


def _signature(seed: int) -> bytes:
    rng = random.Random(seed)
    img = Image.new("RGBA", (360, 120), (255, 255, 255, 0))
    points = [(20 + i * 40, rng.randint(25, 95)) for i in range(9)]
    ImageDraw.Draw(img).line(points, fill=(20, 20, 20, 255), width=4, joint="curve")
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def _photo(seed: int, when: dt.datetime, lat: float, lon: float) -> bytes:
    rng = random.Random(seed)
    img = Image.new("RGB", (800, 600), (rng.randint(80, 160), rng.randint(90, 150), rng.randint(70, 120)))
    draw = ImageDraw.Draw(img)
    for _i in range(12):
        x, y = rng.randint(0, 760), rng.randint(0, 560)
        draw.rectangle([x, y, x + rng.randint(20, 200), y + rng.randint(20, 120)], fill=(rng.randint(0, 255),) * 3)
    exif = Image.Exif()
    exif[0x0110] = "Demo phone"
    local = timezone.localtime(when)
    exif.get_ifd(0x8769)[36867] = local.strftime("%Y:%m:%d %H:%M:%S")
    exif.get_ifd(0x8769)[36881] = local.strftime("%z")[:3] + ":" + local.strftime("%z")[3:]

    def dms(v: float) -> tuple[float, float, float]:
        d = int(v)
        m = int((v - d) * 60)
        return (float(d), float(m), round(((v - d) * 60 - m) * 60, 2))

    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", dms(lat), "E", dms(lon)
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=75, exif=exif.tobytes())
    return out.getvalue()


def onsite_demo(*, avoid: list[User] = (), count: int = 3, seed: int = 9) -> dict:
    """File on-site records for a few open drawn tasks (not those of `avoid`, whose own tasks stay open to try)."""
    rng = random.Random(seed)
    open_tasks = (InspectionTask.objects.filter(status=InspectionTask.Status.ASSIGNED,
                                                round__status=DrawRound.Status.DRAWN, entity__region__code="320412")
                  .select_related("entity__industry", "round").order_by("pk"))
    tasks = list(open_tasks.exclude(inspectors__in=list(avoid))[:count])
    if len(tasks) < count:  # a small city: take the avoided officers' tasks too, leaving each of them one open
        kept = {u.pk: False for u in avoid}
        for task in open_tasks.filter(inspectors__in=list(avoid)).distinct():
            mine = [pk for pk in task.inspectors.values_list("pk", flat=True) if pk in kept]
            if all(kept[pk] for pk in mine) and len(tasks) < count:
                tasks.append(task)
            for pk in mine:
                kept[pk] = True
    made, problems = 0, 0
    now = timezone.now()
    for n, task in enumerate(tasks):
        officers = sorted(task.inspectors.all(), key=lambda u: u.pk)
        if len(officers) < 2:
            continue
        _group, items, _version = checklist_for_entity(task.entity)
        with_problem = n == 1
        findings = {i.code: {"result": COMPLIANT if rng.random() < 0.85 else NOT_APPLICABLE, "note": ""}
                    for i in items}
        if with_problem:
            findings[items[0].code] = {"result": PROBLEM, "note": rng.choice(PROBLEM_NOTES)}
        start = now - dt.timedelta(hours=3 + n, minutes=rng.randint(0, 40))
        if task.round.drawn_at and start < task.round.drawn_at:  # inspected after the draw, on the phone's clock
            start = task.round.drawn_at + (now - task.round.drawn_at) * (n + 1) / (count + 2)
        lat, lon = 31.70 + rng.random() * 0.1, 119.90 + rng.random() * 0.1
        refused = n == 2
        record, _created = onsite_record_submit(
            actor=officers[0], idempotency_key=f"demo-onsite-{task.pk}", subject="task", subject_id=task.pk,
            started_at=start, ended_at=min(start + dt.timedelta(minutes=55), now), device_now=now, latitude=lat, longitude=lon,
            accuracy_m=rng.randint(5, 30), location="厂区废气排放口及危废贮存间",
            officers=[OfficerSign(u.pk, _signature(u.pk)) for u in officers[:2]], party_name="王建国",
            party_post="安全环保部经理", party_id_last4=f"{rng.randint(0, 9999):04d}",
            party_signature=None if refused else _signature(1000 + n), party_refused=refused,
            witness_name="李卫东（园区管委会工作人员）" if refused else "",
            witness_signature=_signature(2000 + n) if refused else None, findings=findings,
            summary="企业正常生产，废气治理设施运行中。" if not with_problem else "检查中发现问题，已拍照取证。",
            party_statement="对检查情况无异议。" if not refused else "",
            evidence=[{"data": _photo(task.pk, start + dt.timedelta(minutes=10), lat, lon), "kind": "photo",
                       "original_name": "现场照片.jpg"}])
        made += 1
        problems += with_problem
        if with_problem:
            inquiry_record_submit(
                actor=officers[0], idempotency_key=f"demo-inquiry-{task.pk}", subject="task", subject_id=task.pk,
                started_at=min(start + dt.timedelta(minutes=60), now), ended_at=now,
                device_now=now, location="企业会议室",
                officers=[OfficerSign(u.pk, _signature(u.pk)) for u in officers[:2]], interviewee_name="王建国",
                interviewee_post="安全环保部经理", interviewee_signature=_signature(3000 + n),
                qa=[{"q": "我们是武进区生态环境综合行政执法大队的执法人员，已出示执法证件，你是否看清？", "a": "看清了。"},
                    {"q": "现场发现的问题是否属实？", "a": "属实，是管理疏忽造成的。"},
                    {"q": "你单位准备如何整改？", "a": "立即整改，三日内报送整改材料。"}])
    return {"records": made, "problems": problems, "total": OnSiteRecord.objects.count()}
