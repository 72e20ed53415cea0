"""HJ 212-2017 factor codes the registry knows by name and unit (std Appendix B), and the data-flag meanings."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ecoenforce.core.units import unit_normal

# code -> (name, concentration unit); units are as the standard prints them.
FACTORS: dict[str, tuple[str, str]] = {
    "a00000": (_("Flue-gas flow"), "m³/s"),
    "a01011": (_("Flue-gas velocity"), "m/s"),
    "a01012": (_("Flue-gas temperature"), "°C"),
    "a01013": (_("Flue-gas pressure"), "kPa"),
    "a01014": (_("Flue-gas humidity"), "%"),
    "a19001": (_("Oxygen"), "%"),
    "a34013": (_("Particulate matter"), "mg/m³"),
    "a21026": (_("Sulphur dioxide"), "mg/m³"),
    "a21002": (_("Nitrogen oxides"), "mg/m³"),
    "a21005": (_("Carbon monoxide"), "mg/m³"),
    "a21001": (_("Ammonia"), "mg/m³"),
    "a21024": (_("Hydrogen chloride"), "mg/m³"),
    "a24088": (_("Non-methane hydrocarbons"), "mg/m³"),
    "w00000": (_("Wastewater flow"), "L/s"),
    "w01001": (_("pH"), ""),
    "w01012": (_("Suspended solids"), "mg/L"),
    "w01018": (_("Chemical oxygen demand"), "mg/L"),
    "w01019": (_("Permanganate index"), "mg/L"),
    "w21001": (_("Total nitrogen"), "mg/L"),
    "w21003": (_("Ammonia nitrogen"), "mg/L"),
    "w21011": (_("Total phosphorus"), "mg/L"),
    "w20116": (_("Total chromium"), "mg/L"),
    "w20117": (_("Hexavalent chromium"), "µg/L"),
    "w22001": (_("Petroleum"), "mg/L"),
}

FLAG_MEANINGS: dict[str, str] = {
    "N": _("Normal"),
    "F": _("Instrument stopped"),
    "M": _("Maintenance"),
    "S": _("Manually entered value"),
    "D": _("Instrument fault"),
    "C": _("Calibration"),
    "T": _("Above measuring range"),
    "B": _("Communication failure"),
}

FLAG_COLOURS = {"N": "#2fb344", "F": "#616876", "M": "#f59f00", "S": "#ae3ec9", "D": "#d63939", "C": "#4299e1",
                "T": "#f76707", "B": "#1e293b"}  # fmt: skip


# What the rules put in a warning's factor besides HJ 212 codes: the electricity meters' two channels, and `*` for a
# finding about the whole device (an outage). Names only: they are not factors a point can be registered with.
METERS: dict[str, tuple[str, str]] = {
    "production": (_("Production-line power"), "kW"),
    "treatment": (_("Pollution-control equipment power"), "kW"),
}
WHOLE_DEVICE = "*"


def factor_name(code: str) -> str:
    """The factor's display name, or the code itself when it is not in the table."""
    entry = FACTORS.get(code) or METERS.get(code)
    if entry:
        return str(entry[0])
    if code == WHOLE_DEVICE:
        return str(_("All factors of the device"))
    return code


def factor_unit(code: str) -> str:
    """The factor's unit as the standard prints it ('' when unknown or unitless)."""
    entry = FACTORS.get(code) or METERS.get(code)
    return unit_normal(entry[1]) if entry else ""


def factor_label(code: str) -> dict:
    """How a page shows a warning's or reading's factor: {"name", "unit", "codes"}; `a+b` (two factors moving
    together) is both names joined, `*` the whole device. `codes` are the HJ 212 codes for a tooltip ('' for `*`)."""
    parts = [c for c in code.split("+") if c] if code != WHOLE_DEVICE else []
    if not parts:
        return {"name": factor_name(code), "unit": "", "codes": ""}
    names = [factor_name(c) for c in parts]
    units = {factor_unit(c) for c in parts} - {""}
    return {"name": " + ".join(names), "unit": units.pop() if len(units) == 1 else "",
            "codes": "" if all(c in METERS for c in parts) else " + ".join(parts)}


def factor_text(code: str) -> str:
    """The factor as one plain string for exports and chart legends: 'name (unit)'."""
    label = factor_label(code)
    return f"{label['name']} ({label['unit']})" if label["unit"] else label["name"]


def flag_meaning(flag: str | None) -> str:
    """Translated meaning of an HJ 212 data flag (an unknown flag is shown as sent)."""
    if not flag:
        return str(FLAG_MEANINGS["N"])
    meaning = FLAG_MEANINGS.get(flag)
    return str(meaning) if meaning else flag
