"""Seed the demo city (常州市, 320400): organizations, one user per role, 48 certified inspectors, 2,050
regulated entities with valid credit codes, and a year of inspections, leads and cases at every stage.

Everything with a workflow goes through the real services, so the audit chain covers the demo too.
The random generator is seeded: two fresh installs get the same city.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ecoenforce.cases.discretion import decision_assess, discretion_choices
from ecoenforce.cases.procedure import discussion_required
from ecoenforce.cases.procedure_services import procedure_rules_current
from ecoenforce.cases.services import case_transition
from ecoenforce.core.models import Organization, Region, Role, User
from ecoenforce.inspections.models import Inspection
from ecoenforce.leads.models import Lead
from ecoenforce.leads.services import lead_close, lead_convert, lead_create
from ecoenforce.registry.catalogue.services import matter_current
from ecoenforce.registry.catalogue.starter import catalogue_load_starter
from ecoenforce.registry.models import EntityEvent, Industry, PermitClass, RegulatedEntity
from ecoenforce.registry.uscc import uscc_make

CITY = "320400"
# (GB/T 4754 class, how many) of the facilities with automatic monitoring in the demo.
MONITORED_FACILITIES = [("4411", 2), ("4412", 3), ("3011", 5), ("4417", 5), ("4620", 5)]
DEMO_PASSWORD = "Demo@2026"
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"

# county code → (short name for document numbers, number of entities, real towns and streets)
COUNTIES = {
    "320412": ("武", 700, ["湖塘镇", "横林镇", "洛阳镇", "礼嘉镇", "雪堰镇", "前黄镇", "牛塘镇"]),
    "320411": ("新", 450, ["春江街道", "孟河镇", "薛家镇", "罗溪镇", "西夏墅镇"]),
    "320481": ("溧", 300, ["天目湖镇", "上兴镇", "社渚镇", "别桥镇", "埭头镇"]),
    "320413": ("坛", 250, ["儒林镇", "直溪镇", "朱林镇", "薛埠镇", "指前镇"]),
    "320402": ("天", 180, ["郑陆镇", "青龙街道", "茶山街道", "雕庄街道"]),
    "320404": ("钟", 170, ["邹区镇", "北港街道", "西林街道", "五星街道"]),
}
ROADS = ["长江路", "人民路", "常武路", "滆湖路", "龙锦路", "工业大道", "兴业路", "科技路", "花园路", "东方大道"]
TRADE_NAMES = [
    "恒泰", "华宇", "金鑫", "永兴", "天成", "新越", "宏达", "瑞丰", "中天", "龙城", "运河", "武澄", "茅山", "天目",
    "润华", "东昇", "协和", "嘉润", "博源", "盛世", "鼎盛", "环宇", "三和", "万通", "振华", "明珠", "正昌", "聚丰",
    "长荣", "金坛", "创新", "恒润", "荣达", "佳禾", "富源", "国茂", "汇丰", "凯迪", "锦程", "新城",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚"
GIVEN = ["伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "建华",
         "志强", "海燕", "晓东", "文杰", "国栋", "婷婷", "雪梅", "卫东", "春华", "立新", "振宇", "丽娟", "红军"]


@dataclass(frozen=True)
class ViolationType:
    """A kind of violation the demo cases are about and the catalogue matter a decision on it cites.

    The legal basis and the fine range are the matter's (the published catalogue), so a case's title, its legal
    basis and its decision text always name the same violation."""

    title: str
    matter: str


AIR_EXCEEDANCE = ViolationType("超标排放大气污染物", "CF-DQ-099")
AIR_EVASION = ViolationType("不正常运行大气污染防治设施、逃避监管排放大气污染物", "CF-DQ-099")
WATER_EXCEEDANCE = ViolationType("超标排放水污染物", "CF-SW-083")
WATER_EVASION = ViolationType("通过雨水排口逃避监管排放水污染物", "CF-SW-083")
HAZARDOUS_WASTE = ViolationType("未按规定设置危险废物识别标志", "CF-GF-112-A")
SELF_MONITORING = ViolationType("未按排污许可证规定开展自行监测", "CF-PW-036")
VOC = ViolationType("挥发性有机物无组织排放未采取密闭措施", "CF-DQ-108")
VIOLATIONS = [AIR_EXCEEDANCE, AIR_EVASION, WATER_EXCEEDANCE, WATER_EVASION, HAZARDOUS_WASTE, SELF_MONITORING, VOC]

# Each lead's title with the violations a case opened on it may be about: a tip about wastewater becomes a water
# case, never an air-emission one.
LEAD_TITLES = {
    "inspection": [("现场检查发现涉嫌环境违法行为", VIOLATIONS)],
    "tip": [("群众举报夜间偷排废水", [WATER_EXCEEDANCE, WATER_EVASION]),
            ("群众举报厂区异味扰民", [VOC, AIR_EXCEEDANCE]),
            ("举报危险废物贮存场所未设识别标志、随意堆放", [HAZARDOUS_WASTE])],
    "warning": [("自动监控小时均值超标预警", [AIR_EXCEEDANCE]),
                ("自动监测数据恒值异常", [AIR_EVASION, SELF_MONITORING]),
                ("治污设施停运而生产设施运行", [AIR_EVASION])],
    "grid": [("网格员巡查发现雨水排口有异常排水", [WATER_EVASION])],
    "third_party": [("第三方辅助检查发现废气收集设施破损", [VOC])],
    "referral": [("市公安局移送涉嫌环境违法线索", [HAZARDOUS_WASTE, WATER_EVASION])],
}


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _org_body(rng: random.Random) -> str:
    return "".join(rng.choice(ALPHABET[:10] + "ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))


class DemoSeeder:
    """Builds the demo city step by step; `run` is the only entry point."""

    def __init__(self, *, today: dt.date | None = None, entity_scale: float = 1.0, log=print):
        self.rng = random.Random(20260101)
        self.today = today or timezone.localdate()
        self.scale = entity_scale
        self.log = log
        self.users: dict[str, User] = {}

    # --- organizations and people -------------------------------------------------------------
    def organizations(self) -> None:
        city_region = Region.objects.get(code=CITY)
        self.city_org = Organization.objects.create(
            name="常州市生态环境综合行政执法支队", short_name="常", kind=Organization.Kind.CITY_BUREAU, region=city_region,
            address="常州市新北区龙城大道1280号", phone="0519-85682369")
        self.county_orgs: dict[str, Organization] = {}
        for code, (short, _n, _towns) in COUNTIES.items():
            region = Region.objects.get(code=code)
            self.county_orgs[code] = Organization.objects.create(
                name=f"{region.name}生态环境综合行政执法大队", short_name=short, kind=Organization.Kind.COUNTY_BUREAU,
                region=region, parent=self.city_org)
        self.police = Organization.objects.create(
            name="常州市公安局环境食品药品和旅游安全保卫支队", short_name="公", kind=Organization.Kind.PARTNER,
            region=city_region)
        self.contractor = Organization.objects.create(
            name="江苏常环环境技术服务有限公司", short_name="服", kind=Organization.Kind.CONTRACTOR, region=city_region)

    def _user(self, username: str, role: str, org: Organization | None, *, certified: bool, full_name: str = "",
              superuser: bool = False) -> User:
        cert = ""
        if certified:
            cert = f"{org.region.code}{len(self.users) + 1:05d}"
        user = User(username=username, role=role, organization=org, full_name=full_name or _name(self.rng),
                    certificate_no=cert, is_staff=superuser, is_superuser=superuser)
        user.set_password(DEMO_PASSWORD)
        user.save()
        self.users[username] = user
        return user

    def people(self) -> None:
        wj = self.county_orgs["320412"]
        self._user("inspector", Role.INSPECTOR, wj, certified=True, full_name="周明")
        self._user("inspector2", Role.INSPECTOR, wj, certified=True, full_name="吴静")
        self._user("leader", Role.UNIT_LEADER, wj, certified=True, full_name="陈建华")
        self._user("legal", Role.LEGAL_REVIEWER, wj, certified=True, full_name="林海燕")
        self._user("cityleader", Role.UNIT_LEADER, self.city_org, certified=True, full_name="王国栋")
        self._user("operator", Role.MONITORING_OPERATOR, self.city_org, certified=False, full_name="徐晓东")
        self._user("grid", Role.GRID_MEMBER, wj, certified=False, full_name="蒋春华")
        self._user("thirdparty", Role.THIRD_PARTY, self.contractor, certified=False, full_name="潘立新")
        self._user("enterprise", Role.ENTERPRISE, None, certified=False, full_name="曹丽娟")
        self._user("partner", Role.PARTNER, self.police, certified=False, full_name="彭振宇")
        self._user("admin", Role.ADMINISTRATOR, self.city_org, certified=False, full_name="系统管理员", superuser=True)
        # 8 certified inspectors per county (the Wujin ones above count toward theirs), plus 4 at the city.
        self.inspectors: dict[str, list[User]] = {code: [] for code in COUNTIES}
        self.inspectors["320412"] += [self.users["inspector"], self.users["inspector2"], self.users["leader"]]
        n = 0
        for code, org in self.county_orgs.items():
            while len(self.inspectors[code]) < 8:
                n += 1
                self.inspectors[code].append(self._user(f"insp{n:02d}", Role.INSPECTOR, org, certified=True))
        for i in range(4):
            self._user(f"city{i + 1:02d}", Role.INSPECTOR, self.city_org, certified=True)
        self.leaders = {code: self._user(f"leader_{code}", Role.UNIT_LEADER, org, certified=True)
                        for code, org in self.county_orgs.items() if code != "320412"}
        self.leaders["320412"] = self.users["leader"]
        self.legals = {code: self._user(f"legal_{code}", Role.LEGAL_REVIEWER, org, certified=True)
                       for code, org in self.county_orgs.items() if code != "320412"}
        self.legals["320412"] = self.users["legal"]

    # --- entities -------------------------------------------------------------------------------
    def _permit_class(self, industry: Industry) -> str:
        rule = industry.permit_class_rule
        roll = self.rng.random()
        if "重点" in rule and "无" not in rule.split("重点")[1][:3]:
            return (PermitClass.KEY if roll < 0.25 else PermitClass.SIMPLIFIED if roll < 0.55 else PermitClass.REGISTRATION)
        if "简化" in rule:
            return PermitClass.SIMPLIFIED if roll < 0.35 else PermitClass.REGISTRATION
        return PermitClass.REGISTRATION if roll < 0.85 else PermitClass.NONE

    def entities(self) -> None:
        industries = list(Industry.objects.all())
        weights = [3 if "13" <= i.code[:2] <= "43" else 1 for i in industries]
        used: set[str] = set()
        rows = []
        regions = {r.code: r for r in Region.objects.filter(code__in=COUNTIES)}
        # The facilities the monitoring demo watches (power plants, cement kilns, waste-to-energy plants, sewage
        # works), whatever the scale: each gets the limits of its own industry's standard.
        by_code = {i.code: i for i in Industry.objects.filter(code__in=[c for c, _n in MONITORED_FACILITIES])}
        anchors = [by_code[c] for c, n in MONITORED_FACILITIES for _ in range(n) if c in by_code]
        for index, (code, (_short, count, towns)) in enumerate(COUNTIES.items()):
            region = regions[code]
            picks = [self.rng.choices(industries, weights)[0] for _ in range(max(1, int(count * self.scale)))]
            for industry in picks + anchors[index::len(COUNTIES)]:
                while True:
                    uscc = uscc_make("91" + code, _org_body(self.rng))
                    if uscc not in used:
                        used.add(uscc)
                        break
                short_name = (industry.name_zh.split("、")[0].split("及")[0].replace("的饲养", "养殖")
                              .removesuffix("制造").removesuffix("加工"))
                name = f"常州{self.rng.choice(TRADE_NAMES)}{self.rng.choice(TRADE_NAMES)}{short_name}有限公司"
                permit_class = self._permit_class(industry)
                permit_no = f"{uscc}{self.rng.randint(1, 3):03d}{'P' if permit_class == PermitClass.KEY else 'Q' if permit_class == PermitClass.SIMPLIFIED else 'W'}" if permit_class != PermitClass.NONE else ""
                rows.append(RegulatedEntity(
                    uscc=uscc, name=name, industry=industry, region=region,
                    address=f"常州市{region.name}{self.rng.choice(towns)}{self.rng.choice(ROADS)}{self.rng.randint(1, 999)}号",
                    legal_representative=_name(self.rng),
                    contact_phone=f"1{self.rng.choice('3589')}{self.rng.randint(0, 999999999):09d}",
                    permit_class=permit_class, permit_number=permit_no,
                    is_key_unit=(permit_class == PermitClass.KEY and self.rng.random() < 0.7)
                    or (permit_class == PermitClass.SIMPLIFIED and self.rng.random() < 0.08),
                    latitude=Decimal("31.78") + Decimal(self.rng.randint(-3000, 3000)) / 10000,
                    longitude=Decimal("119.95") + Decimal(self.rng.randint(-4000, 4000)) / 10000,
                ))
        RegulatedEntity.objects.bulk_create(rows, batch_size=500)
        self.entities_by_county = {code: list(RegulatedEntity.objects.filter(region__code=code)) for code in COUNTIES}

    # --- a year of inspections ------------------------------------------------------------------
    def inspections(self) -> list[Inspection]:
        found: list[Inspection] = []
        through = Inspection.inspectors.through
        links = []
        events = []
        for code, entities in self.entities_by_county.items():
            for entity in entities:
                per_year = {PermitClass.KEY: 3, PermitClass.SIMPLIFIED: 1}.get(entity.permit_class, 0)
                if per_year == 0 and self.rng.random() < 0.3:
                    per_year = 1
                for _ in range(per_year):
                    when = self.today - dt.timedelta(days=self.rng.randint(1, 364))
                    rate = 0.07 if entity.permit_class == PermitClass.KEY else 0.045
                    violation = self.rng.random() < rate
                    inspection = Inspection.objects.create(
                        entity=entity, region=entity.region, kind=Inspection.Kind.ROUTINE, inspected_on=when,
                        violation_found=violation,
                        findings="现场检查发现违法行为，已制作现场检查笔录并拍照取证。" if violation else "现场检查未发现环境违法行为。")
                    for inspector in self.rng.sample(self.inspectors[code], 2):
                        links.append(through(inspection_id=inspection.pk, user_id=inspector.pk))
                    events.append(EntityEvent(entity=entity, date=when, ref=f"INSP-{inspection.pk}",
                                              kind=EntityEvent.Kind.INSPECTION_VIOLATION if violation else EntityEvent.Kind.INSPECTION_CLEAN))
                    if violation:
                        found.append(inspection)
        through.objects.bulk_create(links, batch_size=1000)
        EntityEvent.objects.bulk_create(events, batch_size=1000)
        return found

    # --- leads and cases ------------------------------------------------------------------------
    def _walk(self, case, code: str, filed_on: dt.date, violation: ViolationType) -> None:
        """Move a case along as far as its age suggests, on dates that follow the filing date."""
        age = (self.today - filed_on).days
        target_index = min(10, age // 14 + 1) if self.rng.random() < 0.85 else self.rng.randint(0, 3)
        inspector, leader, legal = self.inspectors[code][0], self.leaders[code], self.legals[code]
        matter = matter_current(violation.matter)
        facts = self._discretion_facts(violation.matter)
        # The fine is the discretion benchmark's, computed from the facts the officer records (the decision text
        # states it); the decision below records the same facts and imposes the computed fine.
        fine = decision_assess(matter=matter, raw=facts)["fine"]
        steps = [
            ("approve_filing", leader, "涉嫌环境违法事实基本清楚，属本局管辖，同意立案。", {}),
            ("start_investigation", inspector, "", {}),
            ("submit_for_review", inspector, "证据已收集完毕：现场检查笔录、询问笔录、监测报告、照片。", {}),
            ("send_to_legal_review", leader, "案件事实清楚，拟作出行政处罚，送法制审核。", {}),
            ("legal_review_pass", legal, "事实清楚，证据确凿，适用法律正确，程序合法，裁量适当，同意。", {}),
            ("serve_notice", inspector, "行政处罚事先告知书已直接送达当事人，告知陈述、申辩和听证权利。", {}),
            ("decide", leader, "当事人未提出陈述申辩，依法作出处罚决定。", {
                "discretion": facts, "matter_code": violation.matter,
                "decision_text": (f"经查，你单位（法定代表人：{case.entity.legal_representative}）存在{violation.title}的行为，"
                                  f"违反了生态环境保护法律法规的规定。依据{matter.citation}，决定处以罚款人民币{fine}元。"
                                  f"限于收到本决定书之日起十五日内缴至指定银行。"),
            }),
            ("serve", inspector, "直接送达，当事人签收。", {"details": {
                "method": "direct", "recipient": f"{case.entity.legal_representative or '当事人'}（签收）"}}),
            ("start_execution", inspector, "", {}),
            ("close", leader, "罚款已缴纳，案件执行完毕，予以结案。", {}),
        ]
        day = filed_on
        taken = steps[:target_index]
        for index, (action, actor, reason, extra) in enumerate(taken):
            # The leader approves the filing on the day it is proposed; later steps follow every few days.
            step_gap = dt.timedelta(days=self.rng.randint(3, 12))
            day = filed_on if action == "approve_filing" else min(self.today, day + step_gap)
            if index == len(taken) - 1 and action != "close" and self.rng.random() < 0.8:
                # Most open cases moved recently; the rest are the stuck ones a dashboard should flag.
                day = max(day, self.today - dt.timedelta(days=self.rng.randint(0, 4)))
            if action == "send_to_legal_review" and self.rng.random() < 0.08:
                case_transition(case_id=case.pk, actor=leader, action="close_without_penalty", effective_date=day,
                                reason="违法情节轻微并及时改正，没有造成危害后果，依法不予行政处罚。")
                return
            if action == "send_to_legal_review":
                # 案件审查: the leader sets the proposed penalty the legal reviewer examines and the notice states.
                case_transition(case_id=case.pk, actor=leader, action="propose_penalty", effective_date=day,
                                discretion=facts, matter_code=violation.matter)
            if action == "decide" and case.notice_period_ends and day <= case.notice_period_ends:
                if self.rng.random() < 0.3:  # the party waived its rights in writing: the decision may follow at once
                    case_transition(case_id=case.pk, actor=inspector, action="record_waiver", effective_date=day,
                                    reason="当事人书面声明放弃陈述、申辩和听证权利。")
                else:  # otherwise the decision waits for the party's period, if it has ended by now
                    day = case.notice_period_ends + dt.timedelta(days=self.rng.randint(1, 3))
                    if day > self.today:
                        return
            if action == "close" and case.fine_amount:
                # The fine was paid before the case closed: the payment with the bank's receipt number.
                case_transition(case_id=case.pk, actor=inspector, action="record_payment", effective_date=day,
                                details={"amount": str(case.fine_amount),
                                         "receipt_no": f"JS{day:%Y%m%d}{case.pk:06d}"})
            if action == "decide" and fine is not None and discussion_required(procedure_rules_current()[0],
                                                                               fine=Decimal(fine)):
                case_transition(case_id=case.pk, actor=leader, action="record_discussion", effective_date=day,
                                details={"participants": "局长、分管副局长、法制审核机构负责人、案件承办人",
                                         "conclusion": "违法事实清楚，情节严重，同意按裁量基准处罚。"})
            case = case_transition(case_id=case.pk, actor=actor, action=action, reason=reason, effective_date=day,
                                   **extra)

    def _discretion_facts(self, matter_code: str) -> dict:
        """Facts an officer would record: a level for most factors of the matter's benchmark, now and then an
        aggravating or mitigating situation, and a public apology in a few cases."""
        choices = discretion_choices(matter_code)
        levels = {}
        for bench in choices["benchmarks"]:
            if matter_code in bench.matters:
                levels = {f.code: self.rng.choice(f.levels[:3]).code for f in bench.factors if self.rng.random() < 0.7}
        situations = []
        if self.rng.random() < 0.15 and choices["aggravating"]:
            situations.append(self.rng.choice(choices["aggravating"]).code)
        lighter = [s for s in choices["mitigating"] if s.kind == "lighter"]
        if self.rng.random() < 0.15 and lighter:  # not every matter's benchmark has a lighter situation
            situations.append(self.rng.choice(lighter).code)
        return {"levels": levels, "situations": situations, "apology": self.rng.random() < 0.1}

    def leads_and_cases(self, violations: list[Inspection]) -> None:
        sources = ([Lead.Source.INSPECTION] * len(violations) + [Lead.Source.TIP] * 160 + [Lead.Source.WARNING] * 70
                   + [Lead.Source.GRID] * 40 + [Lead.Source.THIRD_PARTY] * 15 + [Lead.Source.REFERRAL] * 10)
        for i, source in enumerate(sources):
            if source == Lead.Source.INSPECTION:
                inspection = violations[i]
                entity, when = inspection.entity, inspection.inspected_on
            else:
                code = self.rng.choice(list(COUNTIES))
                entity = self.rng.choice(self.entities_by_county[code])
                when = self.today - dt.timedelta(days=self.rng.randint(0, 364))
            code = entity.region.code
            received = timezone.make_aware(dt.datetime.combine(when, dt.time(self.rng.randint(8, 17), self.rng.randint(0, 59))))
            title, fitting = self.rng.choice(LEAD_TITLES[str(source)])
            lead, _ = lead_create(source=source, title=title, entity=entity, received_at=received,
                                  description=f"{entity.name}：{title}。",
                                  reporter_name=_name(self.rng) if source == Lead.Source.TIP else "",
                                  created_by=self.inspectors[code][1], external_ref=f"demo:{i}")
            recent = (self.today - when).days < 10
            convert = source == Lead.Source.INSPECTION or self.rng.random() < 0.18
            if recent and not convert:
                continue  # still in the inbox
            if not convert:
                lead_close(lead_id=lead.pk, actor=self.inspectors[code][0], reason=self.rng.choice(
                    [Lead.CloseReason.NO_VIOLATION] * 4 + [Lead.CloseReason.MINOR_GUIDANCE, Lead.CloseReason.DUPLICATE]),
                    note="现场核查：未发现举报所述违法行为，已向举报人反馈。")
                continue
            filed_on = min(self.today, when + dt.timedelta(days=self.rng.randint(0, 5)))
            handlers = self.inspectors[code][:2]
            violation = self.rng.choice(fitting)
            case = lead_convert(lead_id=lead.pk, actor=handlers[0], title=f"{entity.name}涉嫌{violation.title}案",
                                facts=lead.description, handlers=handlers, filed_on=filed_on)
            self._walk(case, code, filed_on, violation)

    @transaction.atomic
    def run(self) -> bool:
        """Seed everything once; returns False (and changes nothing) if the demo city is already there."""
        if Organization.objects.filter(region__code=CITY, kind=Organization.Kind.CITY_BUREAU).exists():
            return False
        self.organizations()
        self.people()
        # Decisions cite the enforcement-item catalogue, so the (starter) catalogue is published first.
        catalogue_load_starter(actor=self.users["admin"])
        self.entities()
        self.log(f"entities: {RegulatedEntity.objects.count()}")
        violations = self.inspections()
        self.log(f"inspections: {Inspection.objects.count()} ({len(violations)} with a violation)")
        self.leads_and_cases(violations)
        self.log(f"leads: {Lead.objects.count()}")
        self.classify()
        self.monitoring_warnings()
        self.monitoring_registry()
        self.classified_supervision()
        self.credit()
        self.planning()
        self.onsite()
        self.cross_region()
        self.criminal_link()
        self.handling()
        self.work_queues()
        self.enterprise_service()
        self.grid_patrols()
        self.third_party_assistance()
        self.department_coordination()
        self.sampling()
        self.duty()
        return True

    # --- monitoring warnings (issue 4; owned by the warnings app) -------------------------------------
    def monitoring_warnings(self) -> None:
        """A simulated month of automatic and electricity monitoring for 24 entities, then one rule run."""
        from ecoenforce.warnings.demo import monitoring_demo

        out = monitoring_demo(entities=24, days=30, end=self.today - dt.timedelta(days=1))
        self.log(f"monitoring: {out['frames']} HJ 212 frames sent through the gateway ({out['acknowledged']} acknowledged), "
                 f"{out['readings']} readings, {out['warnings']} warnings ({out['status']})")

    def classify(self) -> None:
        """Classify every entity from its seeded history, as a leader's first run would."""
        from ecoenforce.registry.risk_services import risk_classify

        totals = risk_classify(actor=self.users["admin"], as_of=self.today)
        self.log(f"classes: {totals['key']} key, {totals['general']} general, {totals['special']} special")

    # --- monitoring registry (issue 3; owned by the monitoring app) ------------------------------------
    def monitoring_registry(self, total: int = 60) -> None:
        """Register ~60 HJ 212 devices: the warnings demo's CEMS MNs first, then other key units; write the snapshot."""
        from ecoenforce.monitoring.demo import registry_demo

        out = registry_demo(actor=self.users["admin"], total=total)
        self.log(f"monitoring devices: {out['devices']} ({out['gas']} flue gas, {out['water']} wastewater)")


    # --- classified supervision (issue 5 part A; owned by the registry) ---------------------------------
    def classified_supervision(self) -> None:
        """Catalogue, known facts and credit, classes with reasons, ~3% of clean firms on the positive list, ties."""
        from ecoenforce.registry.demo import classification_demo

        out = classification_demo(
            actor=self.users["admin"], applicants={code: people[0] for code, people in self.inspectors.items()},
            leaders=self.leaders, enterprise=self.users.get("enterprise"), today=self.today)
        if not out["skipped"]:
            self.log(f"catalogue: {out['matters']} matters; classes: {out['key']} key, {out['general']} general, "
                     f"{out['special']} special; positive list: {out['listed']} of {out['clean']} eligible firms; "
                     f"{out['ties']} declared inspector ties")

    # --- environmental credit (issue 13 item 2; owned by the credit app) -----------------------------------------
    def credit(self) -> None:
        """Rate the last 12 months of every entity with a record (and the firm's facility) through the credit service;
        the other entities keep the grade the classification demo imported. Then classify again: the computed grades
        feed the risk classes."""
        from django.db.models import Q

        from ecoenforce.credit.services import credit_rate
        from ecoenforce.registry.risk_services import risk_classify

        start, end = self.today - dt.timedelta(days=365), self.today
        rated: dict[str, int] = {}
        entities = (RegulatedEntity.objects.filter(Q(events__date__gte=start) | Q(enterprise_accounts__isnull=False)
                                                   | Q(cases__isnull=False)).distinct().select_related("region"))
        for entity in entities:
            rating = credit_rate(actor=self.users["admin"], entity=entity, period_start=start, period_end=end)
            rated[rating.grade] = rated.get(rating.grade, 0) + 1
        totals = risk_classify(actor=self.users["admin"], as_of=self.today)
        self.log(f"credit: {sum(rated.values())} rated ({', '.join(f'{k} {v}' for k, v in sorted(rated.items()))}); "
                 f"classes: {totals['key']} key, {totals['general']} general, {totals['special']} special")

    # --- annual plan and double-random rounds (issue 5 part B; owned by the planning app) -------------------
    def planning(self) -> None:
        """Wujin's approved plan, one published verifiable round, one drawn campaign with open tasks."""
        from ecoenforce.planning.demo import planning_demo

        out = planning_demo(leader=self.users["leader"], today=self.today)
        if not out["skipped"]:
            self.log(f"plan: {out['planned']} routine inspections approved; round {out['published']} published "
                     f"({out['published_targets']} targets, {out['violations']} with a violation); round "
                     f"{out['open_round']} drawn with {out['open_tasks']} open tasks")


    # --- on-site records (issue 9; owned by the onsite app) -------------------------------------------------
    def onsite(self) -> None:
        """A few drawn campaign tasks inspected on site (signed, with a photo); the demo inspector's stay open."""
        from ecoenforce.onsite.demo import onsite_demo

        out = onsite_demo(avoid=[self.users["inspector"]])
        self.log(f"on-site records: {out['records']} filed ({out['problems']} with a problem raising a lead)")

    def cross_region(self) -> None:
        """The city's cross-region round over Wujin: officers of other counties, three results returned to Wujin."""
        from ecoenforce.planning.demo import cross_region_demo

        out = cross_region_demo(city_leader=self.users["cityleader"], home=self.users["leader"].organization,
                                today=self.today)
        if not out["skipped"]:
            self.log(f"cross-region round {out['round']}: {out['targets']} targets, {out['returned']} results returned "
                     f"to 武进区 (lead {out['lead'] or '—'})")

    # --- the day's work queues (issue 14; owned by the flow of work) -----------------------------------------
    def criminal_link(self) -> None:
        """Two Wujin cases meeting a criminal threshold: one transferred to the police, one awaiting the decision."""
        from ecoenforce.transfers.demo import transfers_demo

        out = transfers_demo(users=self.users, today=self.today)
        self.log(f"criminal link: case {out['transferred'] or '—'} sent to the police, case {out['waiting'] or '—'} "
                 f"awaits the transfer decision")
        from ecoenforce.casebook.demo import casebook_demo

        self.log(f"typical cases: {'; '.join(casebook_demo(leader=self.users['cityleader'])) or '—'}")

    def handling(self) -> None:
        """A Wujin case decided after a hearing, and one with a daily continuous penalty (owned by the cases app)."""
        from ecoenforce.cases.demo import handling_demo

        out = handling_demo(users=self.users, today=self.today)
        self.log(f"handling: case {out['hearing'] or '—'} decided after a hearing; case {out['daily'] or '—'} with "
                 f"{out.get('daily_rounds', 0)} orders to correct and {out.get('daily_amount', 0)} yuan of daily penalty")

    def work_queues(self) -> None:
        """Leads handed to officers and a city-level case at review, so that every role's queue has work."""
        from ecoenforce.demo.work import work_demo

        out = work_demo(users=self.users, today=self.today)
        self.log(f"work queues: {out['assigned']} leads assigned, {out['taken']} warnings taken; city case {out['city_case'] or '—'} at review; "
                 f"case {out['legal_case'] or '—'} waits for {out['legal_reviewer']}'s legal review; "
                 f"electronic notices: {out['notices_answered']} answered by the firm, {out['notices_pending']} awaiting its "
                 f"explanation; {out['deadline_notices']} deadline notifications")

    # --- grid patrols (issue 12; owned by the grids app) ------------------------------------------------------
    def grid_patrols(self) -> None:
        """Grids in 武进区 and 新北区, this month's plans, one patrol with a track and the problem it reported."""
        from ecoenforce.grids.demo import grids_demo

        out = grids_demo(leader=self.users["leader"], city_leader=self.users["cityleader"], member=self.users["grid"])
        self.log(f"grids: {out['grids']} grids; a patrol reported lead {out['problem']}")

    def third_party_assistance(self) -> None:
        """The contractor's night monitoring of 武进区 key units, with findings verified by an officer."""
        from ecoenforce.assist.demo import assist_demo

        out = assist_demo(leader=self.users["leader"], assistant=self.users["thirdparty"], inspector=self.users["inspector"])
        self.log(f"third-party assistance: {out['assignment']}, {out['findings']} findings")
    # --- enforcement monitoring (issue 9 item 4; owned by the sampling app) -----------------------------------
    def sampling(self) -> None:
        """The city's monitoring station and one request from a Wujin case run to a lab result with an exceedance."""
        from ecoenforce.sampling.demo import sampling_demo

        out = sampling_demo(users=self.users, password=DEMO_PASSWORD, today=self.today)
        self.log(f"enforcement monitoring: {out['station']}; request {out['request'] or '—'} reported on case "
                 f"{out.get('case') or '—'}")

    def department_coordination(self) -> None:
        """Partner departments, referrals both ways (one overdue) and a joint inspection with the police."""
        from ecoenforce.referrals.demo import referrals_demo

        out = referrals_demo(inspector=self.users["inspector"], leader=self.users["leader"], police_user=self.users["partner"])
        self.log(f"department coordination: {out['departments']} partner departments, {out['referrals']} referrals, "
                 f"joint inspection {out['joint']}")


    # --- the enterprise service (issue 13 item 1; owned by the compliance app) ---------------------------------
    def enterprise_service(self) -> None:
        """The demo firm's rectification tasks in every state, a self-inspection, a published disclosure report
        and a help visit, through the services (the city leader issues and decides)."""
        from ecoenforce.compliance.demo import enterprise_demo

        out = enterprise_demo(firm=self.users.get("enterprise"), officer=self.users["cityleader"], today=self.today)
        self.log(f"enterprise service: {out['tasks']} rectification tasks and {out['published']} published "
                 f"disclosure report for {out.get('entity', '—')}")


    # --- duties and scorecards (issue 13 item 3; owned by the duty app) ----------------------------------------
    def duty(self) -> None:
        """The posts' plain-language duties; the scorecards themselves are read from the records above."""
        from ecoenforce.duty.demo import duty_demo

        out = duty_demo(actor=self.users["admin"])
        if not out["skipped"]:
            self.log(f"duty requirements: {out['requirements']}")


def demo_logins() -> list[tuple[str, str, str]]:
    """(user name, role, what to try) for the README and the `up` banner."""
    return [
        ("inspector", "执法人员 Inspector", "武进区大队: leads, cases, on-site work"),
        ("leader", "执法机构负责人 Unit leader", "武进区大队: approves reviews and decisions"),
        ("legal", "法制审核人员 Legal reviewer", "武进区大队: legal review of decisions"),
        ("cityleader", "支队负责人 City unit leader", "sees all six counties"),
        ("operator", "监控中心值班员 Monitoring operator", "off-site warnings"),
        ("station", "监测站技术人员 Monitoring station", "常州市环境监测中心: sampling requests, custody, lab results"),
        ("grid", "网格员 Grid member", "patrols and reports"),
        ("thirdparty", "第三方辅助人员 Third-party assistant", "assisted inspections"),
        ("enterprise", "企业用户 Enterprise user", "its facilities: notices to answer, rectification tasks, self-inspection, disclosure, calendar"),
        ("partner", "公安 Partner department", "transfers and referrals"),
        ("admin", "系统管理员 Administrator", "reference data, users, policy (/admin/)"),
    ]
