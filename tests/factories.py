"""Factories for the foundation's tests: every object with a workflow is made through the real services."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import itertools
from html.parser import HTMLParser

from django.apps import apps as django_apps
from django.db.migrations import RunPython
from openpyxl import Workbook

from ecoenforce.cases.models import Case
from ecoenforce.cases.services import case_transition
from ecoenforce.cases.workflow import Stage, transition_for
from ecoenforce.core.models import Region, User
from ecoenforce.leads.models import Lead
from ecoenforce.leads.services import lead_convert, lead_create
from ecoenforce.registry.catalogue.starter import catalogue_load_starter
from ecoenforce.registry.models import Industry, PermitClass, RegulatedEntity
from ecoenforce.registry.services import entity_create
from ecoenforce.registry.uscc import uscc_make

_counter = itertools.count(1)

# A date inside the 2026 official schedule, so deadlines are not provisional and numbers carry 〔2026〕.
FILED_ON = dt.date(2026, 11, 2)
DECISION_TEXT = "经查，你单位（法定代表人：张三丰，电话13912345678）超标排放大气污染物，决定罚款人民币200000元。"
# The starter catalogue's matter for excess air emissions (《大气污染防治法》第九十九条); decisions must cite one.
DECISION_MATTER = "CF-DQ-099"


# Every migration that seeds reference data or a policy's first version, in migration order: what a fresh test
# database holds before any test runs. A transactional test flushes it all when it ends, so a later test that needs
# it puts it back with `reference_reseed` (fixture `seeded_reference`). tests/test_reference_seed.py holds this list to
# the migrations: a new seed migration must be added here (or named in its TRANSFORMS as a change of existing rows).
SEED_MIGRATIONS = (
    "core.migrations.0002_seed_reference",  # regions (GB/T 2260) and the 2026 working-day schedule
    "registry.migrations.0002_seed_industries",  # the curated GB/T 4754 classes
    "registry.migrations.0005_seed_risk_policy",
    "registry.migrations.0007_industry_all_small_classes",  # every other GB/T 4754-2017 small class
    "cases.migrations.0002_seed_stage_deadlines",
    "cases.migrations.0005_seed_discretion_policy",
    "cases.migrations.0009_seed_filing_approval_deadline",
    "cases.migrations.0010_legal_review_gate",  # the legal review policy v1
    "planning.migrations.0002_seed_planning_policy",
    "credit.migrations.0002_seed_jiangsu_policy",
    "onsite.migrations.0002_seed_checklists",
    "sampling.migrations.0002_seed_turnaround",
    "social.migrations.0004_seed_reward_policy",
)


def reference_reseed() -> None:
    """Put back what the seed migrations write, running their data steps against today's models. Every seed is
    idempotent (get_or_create, ignore_conflicts), so on a database that still holds the rows nothing changes."""
    for name in SEED_MIGRATIONS:
        for operation in importlib.import_module(f"ecoenforce.{name}").Migration.operations:
            if isinstance(operation, RunPython):
                operation.code(django_apps, None)


def publish_starter_catalogue() -> None:
    """Publish the starter enforcement-item catalogue unless one exists: decisions cite its matters."""
    catalogue_load_starter(actor=None)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    """An .xlsx file with the rows on its first sheet."""
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def make_entity(*, region: Region, actor: User | None = None, name: str = "", industry_code: str = "",
                permit_class: str = PermitClass.KEY, legal_representative: str = "张三丰",
                contact_phone: str = "13912345678", is_key_unit: bool = False) -> RegulatedEntity:
    """A regulated entity with a fresh valid credit code in `region` (a county)."""
    n = next(_counter)
    industry = Industry.objects.get(code=industry_code) if industry_code else Industry.objects.filter(confidence="").order_by("code").first()  # a curated class
    return entity_create(
        actor=actor, uscc=uscc_make("91" + region.code, f"{n:08d}"), name=name or f"常州测试化工有限公司{n:04d}",
        industry=industry, region=region, address=f"常州市{region.name}测试路{n}号", permit_class=permit_class,
        legal_representative=legal_representative, contact_phone=contact_phone, is_key_unit=is_key_unit,
    )


def make_lead(*, entity: RegulatedEntity | None = None, region: Region | None = None, created_by: User | None = None,
              source: str = Lead.Source.MANUAL, title: str = "群众反映厂区异味", external_ref: str | None = None) -> Lead:
    """A new lead through lead_create."""
    lead, created = lead_create(source=source, title=title, entity=entity, region=region, created_by=created_by,
                                external_ref=external_ref, description="现场有刺鼻气味。")
    assert created is True
    return lead


def make_case(*, entity: RegulatedEntity, opener: User, handlers: list[User], filed_on: dt.date = FILED_ON) -> Case:
    """A filed case, opened from a fresh lead through lead_convert."""
    lead = make_lead(entity=entity, created_by=opener)
    return lead_convert(lead_id=lead.pk, actor=opener, title=f"{entity.name}涉嫌超标排放案", facts="监测超标。",
                        handlers=handlers, filed_on=filed_on)


def main_road(*, inspector: User, leader: User, legal: User) -> list[tuple[str, User, dict]]:
    """The steps from PROPOSED (立案审批) to CLOSED along the main road: (action, actor, extra kwargs)."""
    return [
        ("approve_filing", leader, {"reason": "同意立案。"}),
        ("start_investigation", inspector, {}),
        ("submit_for_review", inspector, {}),
        # Exceedance 50–100 %, the other factors undetermined: (10 % + 10 %) × 1,000,000 = 200,000 (discretion v1),
        # a major decision (fine ≥ 200,000): legal review examines the proposal.
        ("propose_penalty", leader, {"discretion": {"levels": {"exceedance": "50to100"}},
                                     "matter_code": DECISION_MATTER}),
        ("send_to_legal_review", leader, {}),
        ("legal_review_pass", legal, {"reason": "事实清楚，证据确凿，同意。"}),
        ("serve_notice", inspector, {}),
        ("record_waiver", inspector, {"reason": "当事人书面放弃陈述、申辩和听证权利。"}),
        # Exceedance 50–100 %, the other factors undetermined: (10 % + 10 %) × 1,000,000 = 200,000 (discretion v1).
        ("decide", leader, {"discretion": {"levels": {"exceedance": "50to100"}}, "decision_text": DECISION_TEXT,
                            "matter_code": DECISION_MATTER}),
        ("serve", inspector, {"details": {"method": "direct", "recipient": "张卫东（法定代表人）"}}),
        ("start_execution", inspector, {}),
        ("close", leader, {"reason": "罚款已缴纳，予以结案。"}),
    ]


def advance_case(case: Case, *, to: Stage, inspector: User, leader: User, legal: User,
                 on: dt.date = FILED_ON) -> Case:
    """Move a proposed case along the main road until it stands at `to` (at NOTICE: notified, rights waived)."""
    steps = []
    stage = Stage(case.stage)
    for action, actor, extra in main_road(inspector=inspector, leader=leader, legal=legal):
        step = transition_for(stage, action)
        if stage == Stage(to) and step.target != stage:
            break
        steps.append((action, actor, extra))
        stage = step.target
    if any(action in ("propose_penalty", "decide") for action, _actor, _extra in steps):
        publish_starter_catalogue()
    for action, actor, extra in steps:
        case = case_transition(case_id=case.pk, actor=actor, action=action, effective_date=on, **extra)
    assert case.stage == Stage(to)
    return case


class _Rows(HTMLParser):
    """Collects the cell texts of the <tbody> rows inside the element with data-testid=`testid`."""

    def __init__(self, testid: str):
        super().__init__()
        self.testid, self.depth, self.rows, self.cell = testid, 0, {}, None
        self.row_key = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.depth:
            self.depth += tag not in _VOID
        elif attrs.get("data-testid") == self.testid:
            self.depth = 1
            return
        if not self.depth:
            return
        if tag == "tr" and "data-row" in attrs:
            self.row_key = attrs["data-row"]
            self.rows[self.row_key] = []
        elif tag in ("td", "th") and self.row_key is not None:
            self.cell = []

    def handle_endtag(self, tag):
        if not self.depth:
            return
        if tag in ("td", "th") and self.cell is not None:
            self.rows[self.row_key].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr":
            self.row_key = None
        self.depth -= tag not in _VOID

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


_VOID = {"br", "img", "input", "hr", "meta", "link", "wbr"}


def table_rows(html: str, testid: str) -> dict[str, list[str]]:
    """{data-row value: [cell texts]} of the table (or block) marked data-testid=`testid` in a page."""
    parser = _Rows(testid)
    parser.feed(html)
    return parser.rows


def device_input(entity, mn: str = "SIM00000000", **kw):
    """A water device at outlet DW001 measuring the simulator's water factors."""
    base = {"entity_id": entity.pk, "outlet_code": "DW001", "outlet_name": "总排口", "outlet_kind": "water", "mn": mn,
            "password": "123456", "pollutants": ["w00000", "w01001", "w01018", "w21003", "w21011"]}  # fmt: skip
    base.update(kw)
    from ecoenforce.monitoring import services

    return services.DeviceInput(**base)
