"""A bureau's dated history read clearly: the event vocabulary, a kind map, optional facility columns, bad input refused.

The history is a table (.csv or .xlsx, through the one safe reader `core.tables`), one row per dated event:

- required: `entity_id` (主体编号 — the unified social credit code when the entities are in the registry),
  `date` (日期, YYYY-MM-DD), `kind` (事件类型, one of `VOCABULARY` or a kind the `--map` file maps);
- optional, used when present: `ref` (文号: two rows with the same entity, date, kind and reference are one event
  written twice), `industry_code` (行业代码, GB/T 4754), `permit_class` (排污许可类别: key / simplified /
  registration / none), `key_unit` (重点排污单位: 1/0, 是/否), `annual_discharge_t` (年排放量（吨）),
  `sensitive_receptor` (邻近敏感目标: 1/0), `credit_grade` (信用等级: green / blue / yellow / red / black).
  A facility's facts come from its first row that carries them; when the file has no `industry_code` column the
  facts are the registry's and every entity must be in the registry.

Refused, with the row number and what to change: an unknown kind (the accepted kinds are listed; a kind map
`kind,maps_to` — `maps_to` an accepted kind or `ignore` — translates a bureau's own words), a date that is not a
date or lies in the future, the same event twice, a fact that is not one of its values, an entity unknown to the
registry. Nothing is scored until the whole file is clean.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from ecoenforce.core.tables.layout import Column, read_table
from ecoenforce.core.tables.report import ImportReport
from ecoenforce.registry.models import CreditGrade, EntityEvent, PermitClass
from ecoenforce.registry.risk import EntityFacts

VOCABULARY = tuple(EntityEvent.Kind.values)  # the kinds every score reads (EntityEvent.Kind)
IGNORE = "ignore"
MAX_ROWS = 100_000  # a city's ten-year history is well below this; the 10 MB file cap applies as well
MAX_PROBLEMS = 50  # listed; beyond that the report says how many more
YES = {"1", "yes", "true", "y", "是", "x", "√"}
NO = {"0", "no", "false", "n", "否", ""}

COLUMNS = (
    Column("entity_id", "主体编号", True, _lazy("the entity's unified social credit code or the bureau's own id"),
           "91320412MA1XXXXX0A", ("统一社会信用代码", "uscc", "企业编号", "facility_id", "entity")),
    Column("date", "日期", True, _lazy("the event's date, YYYY-MM-DD"), "2025-06-01", ("事件日期", "event_date")),
    Column("kind", "事件类型", True, _lazy("one of the accepted event kinds, or a kind your map translates"),
           "inspection_violation", ("类型", "event", "event_kind")),
    Column("ref", "文号", False, _lazy("the record's number; repeated rows with the same number are duplicates"),
           "常环罚〔2025〕12号", ("reference", "编号")),
    Column("industry_code", "行业代码", False, _lazy("GB/T 4754 code"), "3360", ("industry",)),
    Column("permit_class", "排污许可类别", False, _lazy("key, simplified, registration or none"), "simplified",
           ("许可类别", "permit")),
    Column("key_unit", "重点排污单位", False, _lazy("1 if listed as a key discharging unit, else 0"), "0",
           ("is_key_unit",)),
    Column("annual_discharge_t", "年排放量", False, _lazy("tonnes a year of main pollutants"), "12.5",
           ("discharge",)),
    Column("sensitive_receptor", "邻近敏感目标", False, _lazy("1 if near residents, a school, a hospital or drinking "
                                                           "water, else 0"), "0", ("near_sensitive_receptor",)),
    Column("credit_grade", "信用等级", False, _lazy("green, blue, yellow, red or black"), "blue", ("credit",)),
)
FACT_COLUMNS = ("industry_code", "permit_class", "key_unit", "annual_discharge_t", "sensitive_receptor", "credit_grade")
MAP_COLUMNS = (
    Column("kind", "原类型", True, _lazy("the kind as written in your history"), "complaint", ("source_kind", "类型")),
    Column("maps_to", "对应类型", True, _lazy("an accepted kind, or ignore"), "tip", ("target", "映射为")),
)


class HistoryRefused(Exception):
    """The history (or its kind map) cannot be used; `report` lists every problem with its row and what to change."""

    def __init__(self, report: ImportReport):
        super().__init__("; ".join(f"{p.row}: {p.problem}" for p in report.problems[:3]))
        self.report = report


@dataclass
class History:
    """Every entity's dated events and facts, ready for scoring."""

    events: dict[str, list[tuple[dt.date, str]]]
    facts: dict[str, EntityFacts]
    first: dt.date
    last: dt.date
    rows: int
    ignored: int = 0  # rows whose kind the map says to ignore
    columns: tuple[str, ...] = field(default_factory=tuple)  # the optional columns the file had


def vocabulary_text() -> str:
    """The accepted kinds with their meaning, for help texts and messages."""
    return ", ".join(f"{value} ({label})" for value, label in EntityEvent.Kind.choices)


def _refuse_if(report: ImportReport) -> None:
    if not report.ok:
        extra = len(report.problems) - MAX_PROBLEMS
        if extra > 0:
            report.problems = report.problems[:MAX_PROBLEMS]
            report.add(0, "", _("%(n)d more problems are not listed.") % {"n": extra},
                       _("Correct the ones above, then check the file again."))
        raise HistoryRefused(report)


def read_kind_map(data: bytes, filename: str) -> dict[str, str]:
    """A bureau's kind map: its own kind (lower-cased) → an accepted kind or `ignore`."""
    report = ImportReport(kind="risk_kind_map")
    table = read_table(data=data, filename=filename, columns=MAP_COLUMNS, report=report, max_rows=1000)
    _refuse_if(report)
    mapping: dict[str, str] = {}
    for n, row in table.rows:
        source, target = row.get("kind", "").strip().lower(), row.get("maps_to", "").strip().lower()
        if not source:
            report.add(n, "kind", _("The kind to map is empty."), _("Write the kind as it appears in your history."))
        elif target not in VOCABULARY and target != IGNORE:
            report.add(n, "maps_to", _("'%(t)s' is not an accepted kind.") % {"t": target},
                       _("Map it to one of: %(kinds)s, or to 'ignore'.") % {"kinds": ", ".join(VOCABULARY)})
        elif source in mapping and mapping[source] != target:
            report.add(n, "kind", _("'%(k)s' is mapped twice, to different kinds.") % {"k": source},
                       _("Keep one row for it."))
        else:
            mapping[source] = target
    _refuse_if(report)
    return mapping


def _flag(text: str) -> bool | None:
    value = text.strip().lower()
    if value in YES:
        return True
    return False if value in NO else None


def _facts(entity: str, row: Mapping[str, str], n: int, report: ImportReport) -> EntityFacts:
    permit = row.get("permit_class", "").strip().lower() or "registration"
    if permit not in PermitClass.values:
        report.add(n, "permit_class", _("'%(v)s' is not a permit class.") % {"v": permit},
                   _("Write one of: %(values)s.") % {"values": ", ".join(PermitClass.values)})
    credit = row.get("credit_grade", "").strip().lower()
    if credit and credit not in CreditGrade.values:
        report.add(n, "credit_grade", _("'%(v)s' is not a credit grade.") % {"v": credit},
                   _("Write one of: %(values)s, or leave it empty.") % {"values": ", ".join(CreditGrade.values)})
    key_unit = _flag(row.get("key_unit", ""))
    receptor_text = row.get("sensitive_receptor", "").strip()
    receptor = _flag(receptor_text)
    for column, value in (("key_unit", key_unit), ("sensitive_receptor", receptor)):
        if value is None:
            report.add(n, column, _("'%(v)s' is neither yes nor no.") % {"v": row.get(column, "")},
                       _("Write 1 (yes) or 0 (no)."))
    discharge_text = row.get("annual_discharge_t", "").strip()
    discharge = None
    if discharge_text:
        try:
            discharge = float(discharge_text)
            if discharge < 0:
                raise ValueError
        except ValueError:
            report.add(n, "annual_discharge_t", _("'%(v)s' is not a number of tonnes.") % {"v": discharge_text},
                       _("Write the tonnes a year as a number (12.5), or leave it empty."))
            discharge = None
    return EntityFacts(id=entity, industry_code=row.get("industry_code", "").strip(), permit_class=permit,
                       is_key_unit=bool(key_unit), annual_discharge_t=discharge,
                       near_sensitive_receptor=receptor if receptor_text else None, credit_grade=credit)


def read_history(data: bytes, filename: str, *, today: dt.date, kind_map: Mapping[str, str] | None = None,
                 registry_facts: Callable[[set[str]], dict[str, EntityFacts]] | None = None) -> History:
    """The history's events and facts, or HistoryRefused listing every problem. `registry_facts` gives the facts of
    the entities the registry knows (by id) and is asked when the file has no `industry_code` column."""
    report = ImportReport(kind="risk_history")
    table = read_table(data=data, filename=filename, columns=COLUMNS, report=report, max_rows=MAX_ROWS,
                       template=_("see the event vocabulary in the command's help"))
    _refuse_if(report)
    kind_map = {k.lower(): v for k, v in (kind_map or {}).items()}
    has_facts = "industry_code" in table.headers
    events: dict[str, list[tuple[dt.date, str]]] = defaultdict(list)
    facts: dict[str, EntityFacts] = {}
    first_row: dict[str, int] = {}
    seen: dict[tuple, int] = {}
    ignored = 0
    unknown_kinds: dict[str, int] = {}
    for n, row in table.rows:
        entity = row.get("entity_id", "").strip()
        if not entity:
            report.add(n, "entity_id", _("The entity is empty."), _("Write the entity's id on every row."))
            continue
        first_row.setdefault(entity, n)
        if has_facts and entity not in facts and row.get("industry_code", "").strip():
            facts[entity] = _facts(entity, row, n, report)  # facts stand whatever the row's event
        text = row.get("date", "").strip()
        try:
            day = dt.date.fromisoformat(text[:10])
        except ValueError:
            report.add(n, "date", _("'%(v)s' is not a date.") % {"v": text}, _("Write the date as YYYY-MM-DD."))
            continue
        if day > today:
            report.add(n, "date", _("%(d)s is in the future.") % {"d": day.isoformat()},
                       _("Correct the date (events can only be recorded once they happened) or delete the row."))
            continue
        written = row.get("kind", "").strip()
        kind = kind_map.get(written.lower(), written.lower())
        if kind == IGNORE:
            ignored += 1
            continue
        if kind not in VOCABULARY:
            unknown_kinds.setdefault(written, n)
            report.add(n, "kind", _("'%(k)s' is not an accepted event kind.") % {"k": written},
                       _("Use one of: %(kinds)s; or map your kinds to these in a kind map file (columns kind, "
                         "maps_to; maps_to may be 'ignore') given with --map.") % {"kinds": ", ".join(VOCABULARY)})
            continue
        key = (entity, day, kind, row.get("ref", "").strip())
        if key in seen:
            report.add(n, "", _("The same event as row %(row)d (entity, date, kind and reference).") % {"row": seen[key]},
                       _("Delete one of the two rows, or give each its own reference (文号) if they are two events."))
            continue
        seen[key] = n
        events[entity].append((day, kind))
    if has_facts:
        for entity, n in first_row.items():
            if entity not in facts:
                report.add(n, "industry_code", _("No row of entity %(e)s gives its industry code.") % {"e": entity},
                           _("Fill in the industry code on at least its first row."))
    elif registry_facts is not None:
        known = registry_facts(set(first_row))
        for entity, n in sorted(first_row.items(), key=lambda item: item[1]):
            if entity not in known:
                report.add(n, "entity_id", _("Entity %(e)s is not in the registry.") % {"e": entity},
                           _("Correct the credit code, add the entity to the registry first, or add the facility "
                             "columns (industry_code, permit_class …) to the file."))
        facts = {e: f for e, f in known.items() if e in first_row}
    else:
        report.add(table.header_row, "industry_code", _("The file has no industry code column."),
                   _("Add the facility columns (industry_code, permit_class, key_unit …)."))
    _refuse_if(report)
    if not events:
        report.add(0, "", _("The history has no events."), _("Add one row per dated event."))
        _refuse_if(report)
    for entity in events:
        events[entity].sort()
    days = [d for rows in events.values() for d, _k in rows]
    return History(events=dict(events), facts=facts, first=min(days), last=max(days), rows=report.rows,
                   ignored=ignored, columns=tuple(c for c in FACT_COLUMNS + ("ref",) if c in table.headers))


def report_lines(report: ImportReport) -> list[str]:
    """One line per problem: row, column, what is wrong and what to do."""
    lines = []
    for p in report.problems:
        where = _("row %(n)d") % {"n": p.row} if p.row else _("file")
        column = f" [{p.column}]" if p.column else ""
        lines.append(f"{where}{column}: {p.problem} {p.action}")
    return lines
