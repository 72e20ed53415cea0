"""Import monitoring devices from CSV or Excel: validate every row, then apply all rows or none.

Column layout (first row = these headers, any order; extra columns are ignored):
    entity_credit_code  unified social credit code of the regulated entity (must be in your jurisdiction)
    outlet_code         the entity's outlet code, e.g. DA001 / DW001
    outlet_name         outlet name
    outlet_kind         gas | water
    mn                  device MN (re-importing an MN updates that device)
    password            device password (PW)
    protocol            2005 | 2017 | 2025 (empty = 2017)
    sm4_key             32 hex characters, or empty
    pollutants          HJ 212-2017 factor codes separated by ';', e.g. a34013;a21026;a21002
    standard            the outlet's applicable emission standard, e.g. GB 13223-2011 (optional)
    category            its source category in that standard, e.g. 燃煤锅炉 特别排放限值 (with a standard)

With a standard and category, every measured factor gets its limit from the seeded limits table (through the
limits assigner another app registers in `monitoring.hooks`); the report lists, by name, the factors it could
not match. Without them the outlet keeps the standard and limits it has.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from ecoenforce.core.access import require_role, scope_by_region
from ecoenforce.core.audit import audit_record
from ecoenforce.core.errors import ApplicationError, ValidationFailed
from ecoenforce.core.models import User
from ecoenforce.core.tables.reader import TableRefused, read_rows
from ecoenforce.monitoring import hooks, services
from ecoenforce.monitoring.models import MonitoringDevice, Outlet
from ecoenforce.registry.models import RegulatedEntity

COLUMNS = ("entity_credit_code", "outlet_code", "outlet_name", "outlet_kind", "mn", "password", "protocol", "sm4_key",
           "pollutants", "standard", "category")  # fmt: skip
EXAMPLE_ROWS = (
    ("91320412MA1XXXXXX1", "DA001", "1#锅炉排气筒", "gas", "CZ3204120000001G", "123456", "2017", "",
     "a34013;a21026;a21002;a19001;a00000", "GB 13223-2011", "燃煤锅炉 特别排放限值"),
    ("91320412MA1XXXXXX1", "DW001", "废水总排口", "water", "CZ3204120000002W", "123456", "2017", "",
     "w01018;w21003;w21011;w00000", "GB 18918-2002", "一级A/基本控制项目(表1)"),
)  # fmt: skip
REQUIRED = ("entity_credit_code", "outlet_code", "outlet_name", "outlet_kind", "mn", "password", "pollutants")
MAX_ROWS = 5000


@dataclass
class ImportReport:
    """Outcome of one import: rows read, created, updated, and one message per problem (row-numbered)."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # factors whose limit could not be matched, by name
    limits_assigned: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def read_table(data: bytes, filename: str) -> list[dict[str, str]]:
    """Rows of a .csv (UTF-8, with or without BOM) or .xlsx file as dicts keyed by lower-case header."""
    try:  # the shared, bounded reader: row and column limits hold while reading, whatever the file declares
        values = [row for _n, row in read_rows(data, filename, max_rows=MAX_ROWS).rows]
    except TableRefused as refused:
        raise ValidationFailed(f"{refused.problem} {refused.action}") from None
    if not values:
        raise ValidationFailed(_("The file is empty. Use the documented columns with a header row."))
    header = [h.strip().lower() for h in values[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ValidationFailed(_("Missing column(s): %(cols)s. The header row must name: %(all)s.")
                               % {"cols": ", ".join(missing), "all": ", ".join(COLUMNS)})  # fmt: skip
    if len(values) - 1 > MAX_ROWS:
        raise ValidationFailed(_("At most %(n)d rows per file; split the file and import the parts.") % {"n": MAX_ROWS})
    return [dict(zip(header, row + [""] * (len(header) - len(row)), strict=False)) for row in values[1:]]


def template_xlsx() -> bytes:
    """The downloadable template: the header row this import reads and example rows to overwrite."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "devices"
    sheet.append(list(COLUMNS))
    for row in EXAMPLE_ROWS:
        sheet.append(list(row))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for i, name in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(1, i).column_letter].width = max(14, len(name) + 4)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _messages(exc: ApplicationError) -> list[str]:
    if isinstance(exc, ValidationFailed) and exc.details:
        return [f"{name}: {m}" if name != "__all__" else str(m) for name, msgs in exc.details.items() for m in msgs]
    return [str(exc.message)]


def devices_import(*, actor: User, rows: list[dict[str, str]]) -> ImportReport:
    """Validate every row; if all are valid apply them in one transaction, else change nothing and report."""
    require_role(actor, services.REGISTRY_ROLES)
    report = ImportReport(rows=len(rows))
    entities = {e.uscc: e.pk for e in scope_by_region(RegulatedEntity.objects.all(), user=actor)}
    kinds, seen = set(Outlet.Kind.values), {}
    standards: list[hooks.PointStandard] = []
    with transaction.atomic():
        for number, row in enumerate(rows, start=2):  # row 1 is the header
            problems = []
            uscc, mn = row.get("entity_credit_code", ""), row.get("mn", "")
            for column in REQUIRED:
                if not row.get(column):
                    problems.append(_("column %(col)s is empty") % {"col": column})
            if uscc and uscc not in entities:
                problems.append(_("no regulated entity with credit code %(code)s in your jurisdiction") % {"code": uscc})
            kind = row.get("outlet_kind", "").lower()
            if kind and kind not in kinds:
                problems.append(_("outlet_kind must be gas or water, not %(v)s") % {"v": row["outlet_kind"]})
            protocol = row.get("protocol") or MonitoringDevice.Protocol.HJ2017
            if protocol not in MonitoringDevice.Protocol.values:
                problems.append(_("protocol must be 2005, 2017 or 2025, not %(v)s") % {"v": protocol})
            standard, category = row.get("standard", "").strip(), row.get("category", "").strip()
            if category and not standard:
                problems.append(_("column standard is empty: a category needs its standard"))
            if standard and not category:
                problems.append(_("column category is empty: name the source category under %(standard)s")
                                % {"standard": standard})  # fmt: skip
            if mn and mn in seen:
                problems.append(_("MN %(mn)s already appears in row %(row)d") % {"mn": mn, "row": seen[mn]})
            seen.setdefault(mn, number)
            if not problems:
                data = services.DeviceInput(
                    entity_id=entities[uscc], outlet_code=row["outlet_code"], outlet_name=row["outlet_name"],
                    outlet_kind=kind, mn=mn, password=row["password"], protocol=protocol,
                    sm4_key=row.get("sm4_key", ""), pollutants=row["pollutants"].replace("；", ";").split(";"),
                    standard=standard or None, category=category or None,
                )  # fmt: skip
                try:
                    with transaction.atomic():
                        device, created = services._save(data, actor)
                    report.created += created
                    report.updated += not created
                    if standard:
                        codes = tuple(device.point.pollutants.values_list("code", flat=True))
                        standards.append(hooks.PointStandard(number, device, standard, category, codes))
                except ApplicationError as exc:
                    problems.extend(_messages(exc))
            for p in problems:
                report.errors.append(_("Row %(row)d: %(problem)s") % {"row": number, "problem": p})
        if not report.errors and standards:
            outcome = hooks.limits_assign(actor=actor, points=standards)
            if outcome is None:
                report.notices.append(_("No limits table is installed: the standards are recorded, no limit was "
                                        "assigned."))  # fmt: skip
            else:
                for number, column, message in outcome.problems:
                    report.errors.append(_("Row %(row)d: %(problem)s") % {"row": number,
                                                                          "problem": f"{column}: {message}"})
                for number, _column, message in outcome.notices:
                    report.notices.append(_("Row %(row)d: %(problem)s") % {"row": number, "problem": message})
                report.limits_assigned = outcome.assigned
        if report.errors:
            transaction.set_rollback(True)  # all or nothing: keep the registry exactly as it was
            report.created = report.updated = report.limits_assigned = 0
            report.notices = []
        else:
            audit_record(actor=actor, object_type="monitoring.import", object_id="", action="monitoring_device.import",
                         after={"rows": report.rows, "created": report.created, "updated": report.updated,
                                "limits_assigned": report.limits_assigned,
                                "limits_unmatched": len(report.notices)})  # fmt: skip
            transaction.on_commit(services.device_snapshot_write)
    return report
