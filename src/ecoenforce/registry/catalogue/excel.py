"""Catalogue spreadsheets: the documented columns, reading rows into MatterRows with a report, writing a workbook."""

from __future__ import annotations

import io
from collections.abc import Iterable
from decimal import Decimal

from django.utils.translation import gettext as _

from ecoenforce.core.export import neutralise_formulas
from ecoenforce.core.tables.layout import Column, read_table
from ecoenforce.core.tables.report import ImportReport
from ecoenforce.registry.catalogue.diff import MatterRow
from ecoenforce.registry.catalogue.models import MatterKind, PenaltyKind, ResponsibleLevel
from ecoenforce.registry.pools import parsing

COLUMNS = (
    Column("code", "事项编码", True, ""), Column("name", "事项名称", True, ""),
    Column("kind", "事项类型", True, "行政处罚/行政强制/行政检查/其他"), Column("law", "法律法规名称", True, ""),
    Column("article", "条款", True, ""), Column("basis_text", "依据内容", True, ""),
    Column("level", "责任层级", True, "省级/市级/县级"), Column("penalty_kinds", "处罚种类", False, "、"),
    Column("fine_min", "最低罚款（元）", False, ""), Column("fine_max", "最高罚款（元）", False, ""),
    Column("fine_rule", "罚款规则", False, ""), Column("text_verified", "文本已核对", False, "是/否"),
)
KINDS = {"行政处罚": "penalty", "行政强制": "coercion", "行政检查": "inspection", "其他": "other", "其他行政权力": "other",
         **{v: v for v in MatterKind.values}}
LEVELS = {"省级": "province", "省": "province", "市级": "city", "市": "city", "设区的市级": "city", "县级": "county",
          "县": "county", **{v: v for v in ResponsibleLevel.values}}
PENALTIES = {"警告": "warning", "罚款": "fine", "没收违法所得": "confiscation", "没收": "confiscation",
             "没收违法所得、非法财物": "confiscation", "责令改正": "correction", "限制生产": "restrict", "停产整治": "restrict",
             "限制生产、停产整治": "restrict", "责令停业、关闭": "close", "责令停业": "close", "关闭": "close",
             "吊销许可证": "revoke", "移送拘留": "detention", "拘留": "detention", "查封、扣押": "seizure", "查封": "seizure",
             "扣押": "seizure", **{v: v for v in PenaltyKind.values}}
MAX_ROWS = 5_000  # a provincial catalogue has a few hundred matters
ZH_KIND = {"penalty": "行政处罚", "coercion": "行政强制", "inspection": "行政检查", "other": "其他"}
ZH_LEVEL = {"province": "省级", "city": "市级", "county": "县级"}
ZH_PENALTY = {"warning": "警告", "fine": "罚款", "confiscation": "没收违法所得", "correction": "责令改正",
              "restrict": "限制生产、停产整治", "close": "责令停业、关闭", "revoke": "吊销许可证", "detention": "移送拘留",
              "seizure": "查封、扣押"}


def _penalties(text: str) -> tuple[str, ...]:
    out: list[str] = []
    for part in [p.strip() for p in text.replace("；", ";").replace("，", ";").replace(",", ";").split(";")]:
        if not part:
            continue
        code = PENALTIES.get(part) or PENALTIES.get(part.lower())
        if code is None:
            # "警告、罚款" — split on the enumeration comma only when the whole part is not a known phrase
            codes = [PENALTIES.get(p.strip()) for p in part.split("、")]
            if None in codes:
                raise parsing.CellError(part)
            out.extend(c for c in codes if c not in out)
        elif code not in out:
            out.append(code)
    return tuple(out)


def read_matters(data: bytes, filename: str, report: ImportReport) -> list[MatterRow] | None:
    """Every row as a MatterRow, or None with the problems in `report` (nothing is half-read)."""
    table = read_table(data=data, filename=filename, columns=COLUMNS, report=report, max_rows=MAX_ROWS,
                       template=_("export the current catalogue to see every column"))
    if table is None:
        return None
    headers = table.headers
    rows, seen = [], {}
    for number, cells in table.rows:
        bad = len(report.problems)

        def problem(key: str, what: str, todo: str) -> None:
            report.add(number, headers.get(key, key), what, todo)  # noqa: B023 (called at once)

        for column in COLUMNS:
            if column.required and not cells.get(column.key):
                problem(column.key, _("The cell is empty."), _("Fill in this required cell."))
        code = cells.get("code", "")
        if code in seen:
            problem("code", _("Matter code %(v)s already appears in row %(row)d.") % {"v": code, "row": seen[code]},
                    _("Give every matter its own code."))
        seen.setdefault(code, number)
        kind = KINDS.get(cells.get("kind", ""))
        if cells.get("kind") and kind is None:
            problem("kind", _("%(v)s cannot be read here.") % {"v": cells["kind"]}, _("Write 行政处罚, 行政强制, 行政检查 or 其他."))
        level = LEVELS.get(cells.get("level", ""))
        if cells.get("level") and level is None:
            problem("level", _("%(v)s cannot be read here.") % {"v": cells["level"]}, _("Write 省级, 市级 or 县级."))
        values: dict = {}
        try:
            values["penalty_kinds"] = _penalties(cells.get("penalty_kinds", ""))
        except parsing.CellError as exc:
            problem("penalty_kinds", _("%(v)s is not a penalty kind.") % {"v": exc.args[0]},
                    _("Use 警告, 罚款, 没收违法所得, 责令改正, 限制生产、停产整治, 责令停业、关闭, 吊销许可证, 移送拘留 or 查封、扣押, "
                      "separated by ';'."))
        for key in ("fine_min", "fine_max"):
            try:
                values[key] = parsing.decimal_or_none(cells.get(key, ""))
            except parsing.CellError:
                problem(key, _("%(v)s cannot be read here.") % {"v": cells[key]},
                        _("Write an amount in yuan, e.g. 100000, or leave it empty."))
        if values.get("fine_min") is not None and values.get("fine_max") is not None \
                and values["fine_min"] > values["fine_max"]:
            problem("fine_max", _("The maximum fine is below the minimum fine."), _("Swap or correct the amounts."))
        try:
            verified = parsing.yes_no(cells.get("text_verified", ""), empty=False)
        except parsing.CellError:
            problem("text_verified", _("%(v)s cannot be read here.") % {"v": cells["text_verified"]},
                    _("Write 是 or 否 (yes or no)."))
            verified = False
        if len(report.problems) == bad:
            rows.append(MatterRow(code=code, name=cells["name"], kind=kind, law=cells["law"], article=cells["article"],
                                  basis_text=cells["basis_text"], level=level, penalty_kinds=values["penalty_kinds"],
                                  fine_min=values["fine_min"], fine_max=values["fine_max"],
                                  fine_rule=cells.get("fine_rule", ""), text_verified=bool(verified)))
    return rows if report.ok else None


def _amount(value: Decimal | None) -> object:
    return "" if value is None else (int(value) if value == value.to_integral_value() else float(value))


def matters_xlsx(rows: Iterable[MatterRow], *, title: str) -> bytes:
    """A workbook in the import layout (Chinese headers), so an export can be edited and imported back."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([c.zh for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for m in rows:
        sheet.append([m.code, m.name, ZH_KIND.get(m.kind, m.kind), m.law, m.article, m.basis_text,
                      ZH_LEVEL.get(m.level, m.level), "；".join(ZH_PENALTY.get(p, p) for p in m.penalty_kinds),
                      _amount(m.fine_min), _amount(m.fine_max), m.fine_rule, "是" if m.text_verified else "否"])
    for letter, width in zip("ABCDEFGHIJKL", (14, 36, 10, 26, 12, 80, 8, 30, 12, 12, 30, 10), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2, min_col=6, max_col=6):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    neutralise_formulas(sheet)  # matter text imported from a spreadsheet may begin with "="
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
