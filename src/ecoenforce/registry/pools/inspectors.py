"""The inspector pool (执法人员库) import: validate every row, upsert by certificate number, declared ties."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from ecoenforce.core.models import Organization, Region, User
from ecoenforce.core.regions import RegionIndex, ambiguity_text
from ecoenforce.core.tables.layout import Table
from ecoenforce.core.tables.report import ImportReport
from ecoenforce.registry.models import InspectorTie, RegulatedEntity
from ecoenforce.registry.pools.parsing import code_list
from ecoenforce.registry.pools.services import inspector_upsert

CERTIFICATE = re.compile(r"^[0-9A-Za-z\-]{4,32}$")
TIE_COLUMNS = {"kin_ties": InspectorTie.Kind.KIN, "interest_ties": InspectorTie.Kind.INTEREST}
ENFORCEMENT_BODIES = (Organization.Kind.CITY_BUREAU, Organization.Kind.COUNTY_BUREAU)


def inspectors_import(*, actor: User | None, prefix: str, table: Table, report: ImportReport) -> None:
    """Check every row, then create or update the inspectors and their ties (rolled back by the caller on problems)."""
    units = {o.name: o for o in Organization.objects.select_related("region")
             .filter(kind__in=ENFORCEMENT_BODIES, region__code__startswith=prefix)}
    regions = RegionIndex(Region.objects.filter(code__startswith=prefix).select_related("parent__parent"))
    certificates = [cells.get("certificate_no", "").strip() for _n, cells in table.rows]
    accounts: dict[str, list[User]] = {}
    for user in User.objects.select_related("organization__region").filter(certificate_no__in=certificates):
        accounts.setdefault(user.certificate_no, []).append(user)
    tie_codes = {code for _n, cells in table.rows for key in TIE_COLUMNS for code in code_list(cells.get(key, ""))}
    entities = {e.uscc: e for e in RegulatedEntity.objects.filter(uscc__in=tie_codes)}
    usernames = set(User.objects.filter(username__in=[c.get("username") or c.get("certificate_no", "")
                                                      for _n, c in table.rows]).values_list("username", flat=True))
    has_tie_columns = any(key in table.headers for key in TIE_COLUMNS)  # without them, keep stored ties
    seen: dict[str, int] = {}
    planned = []
    for (number, cells), cert in zip(table.rows, certificates, strict=True):
        problems: list[tuple[str, str, str]] = []

        def bad(key: str, problem: str, action: str) -> None:
            problems.append((table.headers.get(key, key), problem, action))  # noqa: B023 (called at once)

        for key in ("certificate_no", "name", "unit"):
            if not cells.get(key):
                bad(key, _("The cell is empty."), _("Fill in this required cell."))
        if cert and not CERTIFICATE.match(cert):
            bad("certificate_no", _("%(v)s is not a certificate number.") % {"v": cert},
                _("Use the number printed on the enforcement certificate (letters, digits and '-')."))
        elif cert in seen:
            bad("certificate_no", _("Certificate number %(v)s already appears in row %(row)d.") % {"v": cert, "row": seen[cert]},
                _("Keep one row per inspector and delete the other."))
        if cert:
            seen.setdefault(cert, number)
        existing = accounts.get(cert, [])
        if len(existing) > 1:
            bad("certificate_no", _("Several accounts carry certificate number %(v)s.") % {"v": cert},
                _("Ask an administrator to correct the accounts first."))
        user = existing[0] if len(existing) == 1 else None
        if user is not None and (user.organization is None or not user.organization.region.code.startswith(prefix)):
            bad("certificate_no", _("This inspector belongs to a unit outside your jurisdiction."),
                _("Delete the row, or ask the city detachment to import it."))
        if user is None and cert:
            username = cells.get("username") or cert
            if username in usernames:
                bad("username", _("The login name %(v)s is already taken.") % {"v": username},
                    _("Give another login name in the '登录名' column."))
        unit = units.get(cells.get("unit", "").strip())
        if cells.get("unit") and unit is None:
            bad("unit", _("%(v)s is not an enforcement body of your jurisdiction.") % {"v": cells["unit"]},
                _("Write the unit's full name exactly as registered, e.g. 武进区生态环境综合行政执法大队."))
        home = None
        region_text = cells.get("region", "")
        if region_text and unit is not None:
            found = [r for r in regions.find(region_text) if r.code.startswith(unit.region.prefix)]
            home = found[0] if len(found) == 1 else None
            if len(found) > 1:  # never a guess: three counties are called 城区
                bad("region", _("%(v)s names %(n)s regions inside %(unit)s's area: %(which)s.")
                    % {"v": region_text, "n": len(found), "unit": unit.name, "which": ambiguity_text(found)},
                    _("Give the 6-digit code, or write the city with the name, e.g. 阳泉市城区."))
            elif home is None:
                bad("region", _("%(v)s is not a region inside %(unit)s's area.") % {"v": region_text, "unit": unit.name},
                    _("Give the 6-digit code or the name of a county the unit covers, or leave it empty."))
        ties = []
        for key, kind in TIE_COLUMNS.items():
            for code in code_list(cells.get(key, "")):
                if code not in entities:
                    bad(key, _("No regulated entity has credit code %(v)s.") % {"v": code},
                        _("Import the entities first, or correct the code."))
                else:
                    ties.append((entities[code], kind))
        for column, problem, action in problems:
            report.add(number, column, problem, action)
        if not problems:
            planned.append(dict(certificate_no=cert, full_name=cells["name"], organization=unit, home_region=home,
                                phone=cells.get("phone", ""), username=cells.get("username", ""),
                                ties=ties if has_tie_columns else None))
    if not report.ok:
        return
    for values in planned:
        _user, outcome = inspector_upsert(actor=actor, **values)
        setattr(report, outcome, getattr(report, outcome) + 1)
