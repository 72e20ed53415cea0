"""Demo of enforcement monitoring, through the services: the city's monitoring station and its lab technician, and
one request from a Wujin case run to a result — COD over the limit, ammonia nitrogen not detected — with its chain
of custody and a printed lab report on the case. Called by `demo/seed.py` once cases and monitoring points exist."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from ecoenforce.core.models import Region, Role, User
from ecoenforce.sampling import services

STATION_NAME = "常州市环境监测中心"
WUJIN = "320412"
GB8978 = ("GB 8978-1996", "第二类污染物(表4, 1998-01-01后建设)/一级/其他排污单位")
FONT = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")


def _report_pdf(*, number: str, entity: str, rows: list[tuple[str, str, str, str]]) -> bytes:
    """A one-page lab report (检测报告) as the station would print it."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_page()
    font = Path(getattr(settings, "PDF_CJK_FONT", "") or FONT)
    if font.exists():
        pdf.add_font("serif", fname=str(font), collection_font_number=2)
        pdf.set_font("serif", size=16)
    else:  # no CJK font on this machine: an ASCII report still makes a valid file
        pdf.set_font("helvetica", size=16)
        entity, rows = "entity", [(a.encode("ascii", "replace").decode(), b, c, d) for a, b, c, d in rows]
    ascii_only = not font.exists()
    pdf.cell(0, 12, "Test report" if ascii_only else f"{STATION_NAME} 检测报告", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font_size(11)
    pdf.cell(0, 8, number, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 8, ("" if ascii_only else "受检单位：") + entity, new_x="LMARGIN", new_y="NEXT")
    for row in rows:
        pdf.cell(0, 8, "    ".join(row), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def sampling_demo(*, users: dict[str, User], password: str, today: dt.date | None = None) -> dict:
    """The station, its technician (user name `station`) and one request run to a result with an exceedance."""
    from ecoenforce.cases.models import Case
    from ecoenforce.cases.workflow import OPEN_STAGES
    from ecoenforce.warnings.models import EmissionStandard

    station = services.station_ensure(name=STATION_NAME, region=Region.objects.get(code="320400"))
    lab = User.objects.filter(username="station").first()
    if lab is None:
        lab = User(username="station", role=Role.MONITORING_OPERATOR, organization=station, full_name="钱慧")
        lab.set_password(password)
        lab.save()
    users["station"] = lab
    inspector = users["inspector"]
    case = (Case.objects.filter(region__code=WUJIN, stage__in=[s.value for s in OPEN_STAGES], handlers=inspector)
            .exclude(stage="proposed").order_by("pk").first()
            or Case.objects.filter(region__code=WUJIN, stage__in=[s.value for s in OPEN_STAGES])
            .exclude(stage="proposed").order_by("pk").first())
    if case is None:
        return {"station": station.name, "request": None}
    standard = EmissionStandard.objects.filter(code=GB8978[0]).first()
    now = timezone.now()
    req = services.request_create(
        actor=inspector, medium="waste_water", factors=["w01018", "w21003"], case_id=case.pk,
        location="厂区废水总排口（标准化排放口）", purpose="核实群众举报的夜间超标排放：采集总排口瞬时水样。",
        standard_id=standard.pk if standard else None, category=GB8978[1] if standard else "",
        now=now - dt.timedelta(days=3))
    sample = services.sample_record(actor=inspector, request_id=req.pk, sample_no=f"{req.number}-W01",
                                    container="500 mL 硼硅玻璃瓶", preservation="加H2SO4至pH<2，0–4℃冷藏避光",
                                    samplers="周明、钱慧", location=req.location, sampled_at=now - dt.timedelta(days=3, hours=-1))
    seal = f"CZJC-{req.number[-4:]}-01"
    steps = [(inspector, "sealed", "周明", f"{case.entity.legal_representative or '企业代表'}（企业负责人，见证封样）", 2.95),
             (inspector, "handed_over", "周明", "钱慧（监测中心采样组）", 2.8),
             (lab, "received", "钱慧", "孙丽（样品管理员）", 2.7)]
    for actor, step, giver, taker, days in steps:
        services.custody_step_record(actor=actor, sample_id=sample.pk, step=step, from_party=giver, to_party=taker,
                                     seal_no=seal, at=now - dt.timedelta(days=days))
    report_number = f"常环监(执)字〔{timezone.localtime(now):%Y}〕第{req.number[-4:]}号"
    pdf = _report_pdf(number=report_number, entity=case.entity.name, rows=[
        ("化学需氧量", "117.5 mg/L", "HJ 828-2017", "检出限 4 mg/L"),
        ("氨氮", "未检出", "HJ 535-2009", "检出限 0.025 mg/L")])
    services.result_record(actor=lab, request_id=req.pk, report_number=report_number, report=pdf,
                           report_name=f"{report_number}.pdf", conclusion="化学需氧量超过GB 8978-1996一级标准限值。", rows=[
                               {"sample_id": sample.pk, "factor": "w01018", "value": "117.5", "unit": "mg/L",
                                "detection_limit": "4"},
                               {"sample_id": sample.pk, "factor": "w21003", "not_detected": True, "unit": "mg/L",
                                "detection_limit": "0.025"}])
    return {"station": station.name, "request": req.number, "case": case.number}
