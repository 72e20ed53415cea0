"""HJ 212-2017 factor codes the registry knows by name and unit (std Appendix B), and the data-flag meanings."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

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


def factor_name(code: str) -> str:
    """The factor's display name, or the code itself when it is not in the table."""
    entry = FACTORS.get(code)
    return str(entry[0]) if entry else code


def flag_meaning(flag: str | None) -> str:
    """Translated meaning of an HJ 212 data flag (an unknown flag is shown as sent)."""
    if not flag:
        return str(FLAG_MEANINGS["N"])
    meaning = FLAG_MEANINGS.get(flag)
    return str(meaning) if meaning else flag
