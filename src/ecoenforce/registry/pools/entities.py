"""The regulated-entity pool (动态污染源库) import: validate every row, create or update by credit code."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ecoenforce.core.audit import audit_record
from ecoenforce.core.models import Region, User
from ecoenforce.core.regions import RegionIndex, ambiguity_text
from ecoenforce.core.tables.layout import Table
from ecoenforce.core.tables.report import ImportReport
from ecoenforce.registry.models import Industry, RegulatedEntity
from ecoenforce.registry.pools import parsing
from ecoenforce.registry.uscc import uscc_problem

USCC_PROBLEMS = {
    "length": lambda: _("A unified social credit code has exactly 18 characters."),
    "format": lambda: _("The code contains characters a credit code cannot have (letters I, O, S, V, Z are never used)."),
    "checksum": lambda: _("The last character does not match the rest of the code."),
    "org_checksum": lambda: _("Characters 9–17 are not a valid organisation code."),
}

# Column key → model field, for the columns whose value is stored as parsed.
FIELDS = {"name": "name", "address": "address", "permit_class": "permit_class", "permit_number": "permit_number",
          "key_unit": "is_key_unit", "legal_representative": "legal_representative", "contact_phone": "contact_phone",
          "annual_discharge_t": "annual_discharge_t", "near_sensitive_receptor": "near_sensitive_receptor",
          "credit_grade": "credit_grade", "networked_monitoring": "networked_monitoring",
          "permit_reports_on_time": "permit_reports_on_time"}
YES_NO = {"key_unit": False, "near_sensitive_receptor": None, "networked_monitoring": False,
          "permit_reports_on_time": None}  # column → value when the cell is empty


class _Row:
    """Collects one row's problems against the report, with the file's own header names."""

    def __init__(self, number: int, table: Table, report: ImportReport):
        self.number, self.table, self.report, self.bad = number, table, report, False

    def problem(self, key: str, problem: str, action: str) -> None:
        self.report.add(self.number, self.table.headers.get(key, key), problem, action)
        self.bad = True


def _parse(row: _Row, cells: dict[str, str], industries: dict[str, Industry],
           counties: dict[str, Region], by_name: RegionIndex) -> dict:
    values: dict = {}
    for key in ("credit_code", "name", "industry_code", "address", "permit_class"):
        if not cells.get(key):
            row.problem(key, _("The cell is empty."), _("Fill in this required cell."))
    industry_code = cells.get("industry_code", "")
    if industry_code:
        industry_code = industry_code.zfill(4) if industry_code.isdigit() else industry_code
        if industry_code not in industries:
            row.problem("industry_code", _("%(v)s is not one of the platform's 1,380 GB/T 4754-2017 small classes.")
                        % {"v": industry_code},
                        _("Copy the 4-digit industry code from the firm's pollutant-discharge permit (e.g. 2614); a "
                          "3-digit code is a group, give one of its classes. A code of the 2011 edition must be "
                          "converted. If the code is right, an administrator adds it under Industries in /admin/."))
        else:
            values["industry"] = industries[industry_code]
    code, name = cells.get("county_code", ""), cells.get("county_name", "")
    region = None
    if code:
        region = counties.get(code)
        if region is None:
            row.problem("county_code", _("%(v)s is not a county of your jurisdiction.") % {"v": code},
                        _("Use the 6-digit GB/T 2260 code of a county you supervise, e.g. 320412."))
        elif name and region not in by_name.find(name):
            row.problem("county_name", _("The county name %(name)s does not match code %(code)s (%(real)s).")
                        % {"name": name, "code": code, "real": region.path_label}, _("Correct the name or the code."))
    elif name:
        found = by_name.find(name)
        if len(found) == 1:
            region = found[0]
        elif found:  # never a guess: three counties are called 城区
            row.problem("county_name", _("%(v)s names %(n)s counties of your jurisdiction: %(which)s.")
                        % {"v": name, "n": len(found), "which": ambiguity_text(found)},
                        _("Give the county code (区县代码), or write the city with the name, e.g. 阳泉市城区."))
        else:
            row.problem("county_name", _("%(v)s is not a county of your jurisdiction.") % {"v": name},
                        _("Write the county's name exactly as in GB/T 2260, e.g. 武进区, or give the code."))
    else:
        row.problem("county_code", _("Neither the county code nor the county name is filled in."),
                    _("Give the 6-digit county code (or the county name)."))
    if region is not None:
        values["region"] = region
    for key, field in FIELDS.items():
        if key not in row.table.headers:
            continue  # an optional column the file does not have: keep what is stored
        text = cells.get(key, "")
        try:
            if key in YES_NO:
                values[field] = parsing.yes_no(text, empty=YES_NO[key])
            elif key == "permit_class":
                if text:
                    values[field] = parsing.permit_class(text)
            elif key == "credit_grade":
                values[field] = parsing.credit_grade(text)
            elif key == "annual_discharge_t":
                values[field] = parsing.decimal_or_none(text)
            else:
                values[field] = text
        except parsing.CellError:
            row.problem(key, _("%(v)s cannot be read here.") % {"v": text}, {
                "permit_class": _("Write 重点管理, 简化管理, 登记管理 or 无."),
                "credit_grade": _("Write 绿, 蓝, 黄, 红 or 黑 (or leave it empty)."),
                "annual_discharge_t": _("Write a number of tonnes, e.g. 12.5, or leave it empty."),
            }.get(key, _("Write 是 or 否 (yes or no).")))
    return values


def entities_import(*, actor: User | None, prefix: str, table: Table, report: ImportReport) -> None:
    """Check every row, then create or update the entities (the caller's transaction rolls back on any problem)."""
    industries = {i.code: i for i in Industry.objects.all()}
    counties = {r.code: r for r in Region.objects.filter(level=Region.Level.COUNTY, code__startswith=prefix)
                .select_related("parent__parent")}
    by_name = RegionIndex(counties.values())
    codes = [cells.get("credit_code", "").strip().upper() for _n, cells in table.rows]
    existing = {e.uscc: e for e in RegulatedEntity.objects.select_related("industry", "region")
                .filter(uscc__in=[c for c in codes if c])}
    seen: dict[str, int] = {}
    planned: list[tuple[int, str, dict, RegulatedEntity | None]] = []
    for (number, cells), uscc in zip(table.rows, codes, strict=True):
        row = _Row(number, table, report)
        if uscc:
            problem = uscc_problem(uscc)
            if problem:
                row.problem("credit_code", _("%(v)s is not a valid credit code: %(why)s")
                            % {"v": uscc, "why": USCC_PROBLEMS[problem]()},
                            _("Copy the code again from the business licence or the national credit website."))
            elif uscc in seen:
                row.problem("credit_code", _("Credit code %(v)s already appears in row %(row)d.")
                            % {"v": uscc, "row": seen[uscc]}, _("Keep one row per entity and delete the other."))
            seen.setdefault(uscc, number)
        values = _parse(row, cells, industries, counties, by_name)
        entity = existing.get(uscc)
        if entity is not None and not entity.region.code.startswith(prefix):
            row.problem("credit_code", _("This entity is registered in another jurisdiction."),
                        _("Delete the row, or ask the city detachment to import it."))
        if not row.bad:
            planned.append((number, uscc, values, entity))
    if not report.ok:
        return
    for number, uscc, values, entity in planned:
        _apply(actor, number, uscc, values, entity, report)


def _snapshot(entity: RegulatedEntity, fields: list[str]) -> dict:
    return {f: getattr(entity, f + "_id" if f in ("industry", "region") else f) for f in fields}


def _apply(actor: User | None, number: int, uscc: str, values: dict, entity: RegulatedEntity | None, report: ImportReport) -> None:
    if entity is None:
        entity = RegulatedEntity(uscc=uscc, **values)
        try:
            entity.full_clean(validate_unique=False)
        except ValidationError as exc:
            report.add(number, uscc, "; ".join(exc.messages), _("Correct the row and upload the file again."))
            return
        entity.save()
        report.created += 1
        audit_record(actor=actor, obj=entity, action="entity.import_create", after=_snapshot(entity, list(values)))
        return
    changed = [f for f, v in values.items() if getattr(entity, f) != v]
    if not changed:
        report.unchanged += 1
        return
    before = _snapshot(entity, changed)
    for field in changed:
        setattr(entity, field, values[field])
    try:
        entity.full_clean(validate_unique=False)
    except ValidationError as exc:
        report.add(number, uscc, "; ".join(exc.messages), _("Correct the row and upload the file again."))
        return
    entity.save(update_fields=changed)
    report.updated += 1
    audit_record(actor=actor, obj=entity, action="entity.import_update", before=before, after=_snapshot(entity, changed))
