"""The criminal thresholds, tiers and transfer documents in words (the pure rule set gives codes and numbers)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ecoenforce.transfers.thresholds import Hit

RULE_TEXT = {
    "protected_area_toxic": _("Radioactive waste, pathogen-carrying waste or toxic substances discharged, dumped or "
                              "disposed of in a drinking-water source protection area, a nature reserve's core zone "
                              "or another key protected area"),
    "hazardous_waste_3t": _("%(value)s t of hazardous waste illegally discharged, dumped or disposed of (%(limit)s t "
                            "or more)"),
    "heavy_metal_3x": _("%(pollutant)s measured at %(measured)s against a standard of %(limit)s: %(ratio)s times the "
                        "standard (%(times)s times or more)"),
    "heavy_metal_10x": _("%(pollutant)s measured at %(measured)s against a standard of %(limit)s: %(ratio)s times the "
                         "standard (%(times)s times or more)"),
    "covert_discharge": _("Toxic substances discharged through hidden pipes, seepage wells or pits, cracks or karst "
                          "caves, by injection, or through an emergency vent outside an emergency"),
    "repeat_air": _("Air-pollutant limits exceeded again during a heavy-pollution warning after %(value)s "
                    "administrative penalties for it within two years (two or more)"),
    "monitoring_tampering": _("A key pollutant-discharging unit tampered with or forged its automatic-monitoring data, "
                              "or interfered with its monitoring facility"),
    "repeat_toxic": _("Radioactive, pathogen-carrying or toxic substances discharged, dumped or disposed of again after "
                      "%(value)s administrative penalties for it within two years (two or more)"),
    "loss_300k": _("Illegal gain or property loss of %(value)s yuan (%(limit)s yuan or more)"),
    "water_township_12h": _("A centralized drinking-water intake (%(level)s) interrupted for %(hours)s hours "
                            "(%(limit)s hours or more)"),
    "other_serious": _("Other serious pollution of the environment, as the officers judged it"),
    "hazardous_waste_100t": _("%(value)s t of hazardous waste (%(limit)s t or more)"),
    "loss_1m": _("Illegal gain or property loss of %(value)s yuan (%(limit)s yuan or more)"),
    "water_county_12h": _("A county town's drinking-water intake (%(level)s) interrupted for %(hours)s hours "
                          "(%(limit)s hours or more)"),
    "farmland_10mu": _("%(value)s mu of permanent basic farmland or public-welfare forest land lost or destroyed "
                       "(%(limit)s mu or more)"),
    "evacuated_5000": _("%(value)s people evacuated or moved (%(limit)s or more)"),
    "poisoned_30": _("%(value)s people poisoned (%(limit)s or more)"),
    "serious_injury_1": _("%(value)s serious injuries or illnesses (%(limit)s or more)"),
    "minor_injuries_3": _("%(value)s minor injuries (%(limit)s or more)"),
    "water_city_12h": _("A city's urban drinking-water intake (%(level)s) interrupted for %(hours)s hours (%(limit)s "
                        "hours or more)"),
    "farmland_50mu": _("%(value)s mu of permanent basic farmland lost or destroyed (%(limit)s mu or more)"),
    "serious_injuries_3": _("%(value)s serious injuries or illnesses (%(limit)s or more)"),
    "death_or_disability": _("%(value)s deaths or serious disabilities (%(limit)s or more)"),
}

TIER_TEXT = {
    1: _("Serious pollution of the environment: the threshold of the crime (Criminal Law art. 338)"),
    2: _("Aggravated circumstances (情节严重)"),
    3: _("Especially serious: seven years' imprisonment or more"),
}

WATER_LEVEL_TEXT = {
    "": _("not interrupted"),
    "township": _("township"),
    "county": _("county town"),
    "city": _("city (urban)"),
}

REPEAT_TEXT = {
    "": _("not a repeat offence"),
    "air_warning": _("exceeding air-pollutant limits during a heavy-pollution warning"),
    "toxic": _("discharging, dumping or disposing of toxic substances"),
}

FIELD_ERRORS = {
    "not_a_number": _("Enter a number."),
    "negative": _("Enter zero or more."),
    "not_positive": _("The standard must be more than zero."),
    "unknown": _("Choose from the list."),
}

# 环环监〔2017〕17号: what the package sent to the police holds; (code, label, required).
DOCUMENTS = (
    ("transfer_letter", _("Transfer letter (移送书) with the list of materials"), True),
    ("investigation_report", _("Case investigation report"), True),
    ("records", _("Inspection, interview and sampling records, and the site sketch"), True),
    ("seized_items", _("List of seized items"), True),
    ("photos_video", _("Photos or video with their list"), True),
    ("monitoring_reports", _("Monitoring or test reports and identification opinions"), True),
    ("penalty_decision", _("The penalty decision, if one was made"), False),
)
DOCUMENT_CODES = tuple(code for code, _label, _req in DOCUMENTS)
REQUIRED_DOCUMENTS = tuple(code for code, _label, req in DOCUMENTS if req)

ACTION_LABELS = {
    "approve_transfer": _("Approve the transfer"),
    "decide_not_to_transfer": _("Decide not to transfer (give the reasons)"),
    "send": _("Record the package sent to the police"),
    "police_accept": _("Record the police's acceptance"),
    "police_refuse": _("Record the police's refusal"),
    "request_reconsideration": _("Record the reconsideration request"),
    "accept_refusal": _("Accept the refusal"),
}


def hit_text(hit: Hit | dict) -> str:
    """One threshold met, in words with the facts that met it."""
    code, params = (hit.code, hit.params) if isinstance(hit, Hit) else (hit["code"], hit.get("params") or {})
    params = dict(params)
    if "level" in params:
        params["level"] = WATER_LEVEL_TEXT.get(params["level"], params["level"])
    template = RULE_TEXT.get(code)
    return str(template) % params if template is not None else code
