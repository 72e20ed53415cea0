"""The annual report of statutory environmental information disclosure (企业环境信息依法披露, 生态环境部令第24号,
《企业环境信息依法披露管理办法》 2021, in force 2022-02-08), as data (pure: no Django).

Art. 12 lists what the annual report holds; art. 13 adds carbon emission information for the key greenhouse-gas
emitters in the carbon market; art. 14: the annual report is disclosed by 15 March for the year before.
Titles are English msgids (translated where shown).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

MIN_CHARS = 10  # a required section shorter than this is treated as missing ("无" is an answer only where allowed)


def _(s: str) -> str:  # marks msgids for translation where they are shown; the pure core translates nothing
    return s


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    hint: str
    required: bool = True
    carbon: bool = False  # required only for an emitter in the carbon market (art. 13)


SECTIONS = (
    Section("basic", _("Basic information"),
            _("Name, unified social credit code, legal representative, address, main products and production scale.")),
    Section("permits", _("Environmental management permits"),
            _("Discharge permit number and class, environmental impact assessment approvals and acceptances, "
              "environmental protection tax, pollution liability insurance, environmental credit grade.")),
    Section("pollutants", _("Pollutant generation, treatment and discharge"),
            _("Treatment facilities and their operation, discharge outlets, pollutants, concentrations and annual "
              "amounts against the permitted amounts, toxic and hazardous substances.")),
    Section("solid_waste", _("Industrial solid waste and hazardous waste"),
            _("Amounts generated, stored, transferred, used and disposed of, by kind, and who received them.")),
    Section("monitoring", _("Self-monitoring"),
            _("The self-monitoring plan, what was measured, how often, and the results; automatic monitoring.")),
    Section("carbon", _("Carbon emissions"),
            _("Emissions and emitting facilities (key emitters in the national carbon market)."), carbon=True),
    Section("emergency", _("Environmental emergencies"),
            _("The emergency plan for environmental incidents and its filing, heavy-pollution-weather response.")),
    Section("violations", _("Environmental violations and penalties"),
            _("Administrative penalties received in the year, with the decision numbers and what was rectified; "
              "write \"None\" if there were none.")),
    Section("interim", _("Interim disclosures in the year"),
            _("Interim disclosures made during the year (art. 16), or \"None\"."), required=False),
    Section("other", _("Other information"), _("Anything else the law requires or the firm wishes to add."),
            required=False),
)
BY_KEY = {s.key: s for s in SECTIONS}
NONE_WORDS = frozenset({"无", "none", "None", "NONE", "没有"})


def required_sections(*, carbon_market: bool) -> list[Section]:
    return [s for s in SECTIONS if s.required and (carbon_market or not s.carbon)]


def missing_sections(texts: dict[str, str], *, carbon_market: bool) -> list[Section]:
    """The required sections that are empty or too short to say anything ("None" counts for the violations)."""
    missing = []
    for s in required_sections(carbon_market=carbon_market):
        text = str(texts.get(s.key) or "").strip()
        if s.key == "violations" and text in NONE_WORDS:
            continue
        if len(text) < MIN_CHARS:
            missing.append(s)
    return missing


def annual_deadline(year: int) -> dt.date:
    """The report on `year` is disclosed by 15 March of the next year (art. 14)."""
    return dt.date(year + 1, 3, 15)
