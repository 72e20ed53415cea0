"""The facts form of the criminal thresholds: the quantities and flags the rules of 法释〔2023〕7号 read."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ecoenforce.transfers.labels import REPEAT_TEXT, WATER_LEVEL_TEXT
from ecoenforce.transfers.thresholds import HEAVY_METALS_3X, HEAVY_METALS_10X

MEASUREMENT_ROWS = 3

METAL_NAMES = {"Pb": _("lead (Pb)"), "Hg": _("mercury (Hg)"), "Cd": _("cadmium (Cd)"), "Cr": _("chromium (Cr)"),
               "As": _("arsenic (As)"), "Tl": _("thallium (Tl)"), "Sb": _("antimony (Sb)"), "Ni": _("nickel (Ni)"),
               "Cu": _("copper (Cu)"), "Zn": _("zinc (Zn)"), "Ag": _("silver (Ag)"), "V": _("vanadium (V)"),
               "Mn": _("manganese (Mn)"), "Co": _("cobalt (Co)")}

METAL_CHOICES = [("", "—"), (_("3 times the standard or more"), [(m, METAL_NAMES[m]) for m in HEAVY_METALS_3X]),
                 (_("10 times the standard or more"), [(m, METAL_NAMES[m]) for m in HEAVY_METALS_10X])]

NUMBER = {"required": False, "widget": forms.TextInput(attrs={"inputmode": "decimal", "class": "form-control"})}
FLAG = {"required": False, "widget": forms.CheckboxInput(attrs={"class": "form-check-input"})}


class CaseFactsForm(forms.Form):
    """Every field defaults to "nothing found"; the check runs on save."""

    hazardous_waste_tonnes = forms.CharField(label=_("Hazardous waste illegally discharged, dumped or disposed of (t)"),
                                             **NUMBER)
    toxic_in_protected_area = forms.BooleanField(label=_("Toxic, radioactive or pathogen-carrying substances in a "
                                                         "drinking-water protection area or other key protected area"),
                                                 **FLAG)
    covert_discharge = forms.BooleanField(label=_("Toxic substances discharged covertly (hidden pipe, seepage well or "
                                                  "pit, karst cave, injection)"), **FLAG)
    key_unit = forms.BooleanField(label=_("Key pollutant-discharging unit (must install automatic monitoring)"), **FLAG)
    monitoring_tampered = forms.BooleanField(label=_("Automatic-monitoring data tampered with or forged, or the "
                                                     "facility interfered with"), **FLAG)
    repeat_kind = forms.ChoiceField(label=_("Repeat offence of the kind"), required=False,
                                    choices=list(REPEAT_TEXT.items()),
                                    widget=forms.Select(attrs={"class": "form-select"}))
    prior_penalties_2y = forms.CharField(label=_("Administrative penalties for it within the two years before"),
                                         **NUMBER)
    loss_yuan = forms.CharField(label=_("Illegal gain or property loss, incl. clean-up and emergency monitoring (yuan)"),
                                **NUMBER)
    water_level = forms.ChoiceField(label=_("Drinking-water intake interrupted"), required=False,
                                    choices=list(WATER_LEVEL_TEXT.items()),
                                    widget=forms.Select(attrs={"class": "form-select"}))
    water_interrupted_hours = forms.CharField(label=_("Hours the intake was interrupted"), **NUMBER)
    evacuated = forms.CharField(label=_("People evacuated or moved"), **NUMBER)
    poisoned = forms.CharField(label=_("People poisoned"), **NUMBER)
    minor_injuries = forms.CharField(label=_("Minor injuries"), **NUMBER)
    serious_injuries = forms.CharField(label=_("Serious injuries or illnesses"), **NUMBER)
    deaths_or_serious_disability = forms.CharField(label=_("Deaths or serious disabilities"), **NUMBER)
    basic_farmland_mu = forms.CharField(label=_("Permanent basic farmland or public-welfare forest land destroyed (mu)"),
                                        **NUMBER)
    other_serious = forms.BooleanField(label=_("Other serious pollution (the officers' judgement; explain in the case "
                                               "facts)"), **FLAG)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(MEASUREMENT_ROWS):
            self.fields[f"m{i}_pollutant"] = forms.ChoiceField(label=_("Pollutant"), required=False,
                                                               choices=METAL_CHOICES,
                                                               widget=forms.Select(attrs={"class": "form-select"}))
            self.fields[f"m{i}_measured"] = forms.CharField(label=_("Measured"), **NUMBER)
            self.fields[f"m{i}_limit"] = forms.CharField(label=_("Standard"), **NUMBER)

    def measurement_rows(self):
        return [(self[f"m{i}_pollutant"], self[f"m{i}_measured"], self[f"m{i}_limit"]) for i in range(MEASUREMENT_ROWS)]

    def plain_fields(self):
        return [self[name] for name in self.fields if not (name[:1] == "m" and name[1:2].isdigit())]

    def values(self) -> dict:
        """The raw values for `Facts.from_values` (which does the checking, so the API and the page agree)."""
        data = self.data
        out = {name: data.get(name, "") for name in self.fields if not name[:1] == "m" or not name[1:2].isdigit()}
        for flag in ("toxic_in_protected_area", "covert_discharge", "key_unit", "monitoring_tampered", "other_serious"):
            out[flag] = data.get(flag) in ("on", "1", "true", "True")
        out["measurements"] = [{"pollutant": data.get(f"m{i}_pollutant", ""), "measured": data.get(f"m{i}_measured", ""),
                                "limit": data.get(f"m{i}_limit", "")} for i in range(MEASUREMENT_ROWS)]
        return out

    @classmethod
    def initial_from(cls, values: dict) -> dict:
        initial = {k: v for k, v in (values or {}).items() if k != "measurements" and v not in ("0", 0, False)}
        for i, row in enumerate((values or {}).get("measurements") or []):
            if i < MEASUREMENT_ROWS:
                initial |= {f"m{i}_pollutant": row["pollutant"], f"m{i}_measured": row["measured"],
                            f"m{i}_limit": row["limit"]}
        return initial
