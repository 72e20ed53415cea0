"""The criminal thresholds of 法释〔2023〕7号 (SPC/SPP interpretation on environmental-pollution crimes, in force
2023-08-15) as a pure rule set (no Django).

Art. 1 says when pollution is "严重污染环境" (Criminal Law art. 338: the case must go to the police), art. 2 when it
is "情节严重" (the aggravated tier) and art. 3 when the sentence starts at seven years. Each rule names its article
and item; `check(facts)` returns every rule met with the facts that met it, as codes and numbers — the words are
`transfers.labels`' job. Meeting any rule means the case cannot close administratively without a transfer decision
on record (`transfers.guard`).

Limits are inclusive: Criminal Law art. 99 reads "以上" as including the figure itself (3 t of hazardous waste
meets the 3-tonne rule; a concentration exactly 3 times the standard meets the 3-times rule). Art. 1 item 11
("other serious pollution") is a judgement, recorded by the officer as `other_serious`, never computed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

INTERPRETATION = "法释〔2023〕7号"

# Art. 1 item 3 (Pb, Hg, Cd, Cr, As, Tl, Sb: ≥ 3 times the standard) and item 4 (Ni, Cu, Zn, Ag, V, Mn, Co: ≥ 10 times).
HEAVY_METALS_3X = ("Pb", "Hg", "Cd", "Cr", "As", "Tl", "Sb")
HEAVY_METALS_10X = ("Ni", "Cu", "Zn", "Ag", "V", "Mn", "Co")
METALS = HEAVY_METALS_3X + HEAVY_METALS_10X

# The level of the drinking-water intake interrupted (art. 1 item 10: township; art. 2: county town; art. 3: city).
WATER_LEVELS = ("", "township", "county", "city")

# Art. 1 item 6 and 8: the kind of the two earlier penalties a repeat offence follows.
REPEAT_KINDS = ("", "air_warning", "toxic")


class FactsInvalid(ValueError):
    """A fact that cannot be read: `field` names it, `code` says why (not_a_number, negative, unknown)."""

    def __init__(self, field_name: str, code: str):
        super().__init__(f"{field_name}: {code}")
        self.field = field_name
        self.code = code


@dataclass(frozen=True)
class Measurement:
    """One sampled concentration of a pollutant against its discharge standard (same unit)."""

    pollutant: str
    measured: Decimal
    limit: Decimal

    @property
    def ratio(self) -> Decimal:
        """How many times the standard the measured concentration is (measured ÷ limit)."""
        return (self.measured / self.limit).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Facts:
    """The facts of a case the thresholds are checked against (all default to "nothing found")."""

    measurements: tuple[Measurement, ...] = ()
    hazardous_waste_tonnes: Decimal = Decimal(0)  # illegally discharged, dumped or disposed of
    toxic_in_protected_area: bool = False  # radioactive/pathogen/toxic substances in a drinking-water or key protected area
    covert_discharge: bool = False  # toxic substances through hidden pipes, seepage wells/pits, karst caves, injection …
    key_unit: bool = False  # a key pollutant-discharging unit (art. 19) or a permit key-management unit
    monitoring_tampered: bool = False  # automatic-monitoring data tampered with or forged, or the facility interfered with
    repeat_kind: str = ""  # the kind of the earlier penalties ("air_warning", "toxic") when this is a repeat
    prior_penalties_2y: int = 0  # administrative penalties for that kind within two years before this act
    loss_yuan: Decimal = Decimal(0)  # illegal gain, or property loss incl. clean-up and emergency monitoring costs
    water_interrupted_hours: Decimal = Decimal(0)
    water_level: str = ""  # township / county / city
    evacuated: int = 0
    poisoned: int = 0
    minor_injuries: int = 0
    serious_injuries: int = 0  # serious injuries or illnesses
    deaths_or_serious_disability: int = 0
    basic_farmland_mu: Decimal = Decimal(0)  # permanent basic farmland or public-welfare forest land destroyed
    other_serious: bool = False  # art. 1 item 11, the officer's judgement with its reason on the case

    @classmethod
    def from_values(cls, values: Mapping | None) -> Facts:
        """Read the stored form (`as_values()`), refusing what cannot be a fact (FactsInvalid)."""
        values = dict(values or {})
        rows = []
        for i, row in enumerate(values.get("measurements") or ()):
            pollutant = str(row.get("pollutant") or "").strip()
            if not pollutant and not str(row.get("measured") or "").strip():
                continue
            if pollutant not in METALS:
                raise FactsInvalid(f"measurements.{i}.pollutant", "unknown")
            measured = _decimal(row.get("measured"), f"measurements.{i}.measured")
            limit = _decimal(row.get("limit"), f"measurements.{i}.limit")
            if limit <= 0:
                raise FactsInvalid(f"measurements.{i}.limit", "not_positive")
            rows.append(Measurement(pollutant, measured, limit))
        repeat_kind = str(values.get("repeat_kind") or "")
        water_level = str(values.get("water_level") or "")
        if repeat_kind not in REPEAT_KINDS:
            raise FactsInvalid("repeat_kind", "unknown")
        if water_level not in WATER_LEVELS:
            raise FactsInvalid("water_level", "unknown")
        return cls(
            measurements=tuple(rows),
            hazardous_waste_tonnes=_decimal(values.get("hazardous_waste_tonnes"), "hazardous_waste_tonnes"),
            toxic_in_protected_area=bool(values.get("toxic_in_protected_area")),
            covert_discharge=bool(values.get("covert_discharge")),
            key_unit=bool(values.get("key_unit")),
            monitoring_tampered=bool(values.get("monitoring_tampered")),
            repeat_kind=repeat_kind,
            prior_penalties_2y=_int(values.get("prior_penalties_2y"), "prior_penalties_2y"),
            loss_yuan=_decimal(values.get("loss_yuan"), "loss_yuan"),
            water_interrupted_hours=_decimal(values.get("water_interrupted_hours"), "water_interrupted_hours"),
            water_level=water_level,
            evacuated=_int(values.get("evacuated"), "evacuated"),
            poisoned=_int(values.get("poisoned"), "poisoned"),
            minor_injuries=_int(values.get("minor_injuries"), "minor_injuries"),
            serious_injuries=_int(values.get("serious_injuries"), "serious_injuries"),
            deaths_or_serious_disability=_int(values.get("deaths_or_serious_disability"), "deaths_or_serious_disability"),
            basic_farmland_mu=_decimal(values.get("basic_farmland_mu"), "basic_farmland_mu"),
            other_serious=bool(values.get("other_serious")),
        )

    def as_values(self) -> dict:
        """The JSON form stored on the case (numbers as strings, exactly)."""
        return {
            "measurements": [{"pollutant": m.pollutant, "measured": str(m.measured), "limit": str(m.limit)}
                             for m in self.measurements],
            "hazardous_waste_tonnes": str(self.hazardous_waste_tonnes),
            "toxic_in_protected_area": self.toxic_in_protected_area, "covert_discharge": self.covert_discharge,
            "key_unit": self.key_unit, "monitoring_tampered": self.monitoring_tampered,
            "repeat_kind": self.repeat_kind, "prior_penalties_2y": self.prior_penalties_2y,
            "loss_yuan": str(self.loss_yuan), "water_interrupted_hours": str(self.water_interrupted_hours),
            "water_level": self.water_level, "evacuated": self.evacuated, "poisoned": self.poisoned,
            "minor_injuries": self.minor_injuries, "serious_injuries": self.serious_injuries,
            "deaths_or_serious_disability": self.deaths_or_serious_disability,
            "basic_farmland_mu": str(self.basic_farmland_mu), "other_serious": self.other_serious,
        }


def _decimal(raw: object, name: str) -> Decimal:
    text = str(raw if raw is not None else "").replace(",", "").strip()
    if not text:
        return Decimal(0)
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise FactsInvalid(name, "not_a_number") from None
    if not value.is_finite():
        raise FactsInvalid(name, "not_a_number")
    if value < 0:
        raise FactsInvalid(name, "negative")
    return value


def _int(raw: object, name: str) -> int:
    value = _decimal(raw, name)
    if value != value.to_integral_value():
        raise FactsInvalid(name, "not_a_number")
    return int(value)


@dataclass(frozen=True)
class Hit:
    """A rule met: its code, the article it comes from, the tier (1: 严重污染环境, 2: 情节严重, 3: ≥ 7 years) and the
    facts that met it (`params`: the numbers the words quote)."""

    code: str
    article: str
    tier: int
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    """One threshold: `test(facts)` returns the params of each way the facts meet it (empty: not met)."""

    code: str
    article: str
    tier: int
    test: Callable[[Facts], list[dict]]


def _ge(value, limit) -> bool:
    return Decimal(value) >= Decimal(limit)


def _metals(metals: tuple[str, ...], times: int) -> Callable[[Facts], list[dict]]:
    def test(facts: Facts) -> list[dict]:
        return [{"pollutant": m.pollutant, "measured": str(m.measured), "limit": str(m.limit), "ratio": str(m.ratio),
                 "times": times}
                for m in facts.measurements if m.pollutant in metals and m.measured >= m.limit * times]
    return test


def _one(condition: Callable[[Facts], bool], params: Callable[[Facts], dict]) -> Callable[[Facts], list[dict]]:
    return lambda facts: [params(facts)] if condition(facts) else []


def _water(level: str, hours: int = 12) -> Callable[[Facts], list[dict]]:
    levels = WATER_LEVELS[WATER_LEVELS.index(level):]  # a city's intake interrupted is also more than a township's
    return _one(lambda f: f.water_level in levels and f.water_level != "" and _ge(f.water_interrupted_hours, hours),
                lambda f: {"hours": str(f.water_interrupted_hours), "level": f.water_level, "limit": hours})


def _count(attr: str, limit: int | str) -> Callable[[Facts], list[dict]]:
    return _one(lambda f: _ge(getattr(f, attr), limit), lambda f: {"value": str(getattr(f, attr)), "limit": str(limit)})


def _zh(n: int) -> str:
    numerals = "零一二三四五六七八九"
    return numerals[n] if n < 10 else "十" + (numerals[n - 10] if n > 10 else "")


def _art(article: int, item: int | None = None) -> str:
    """法释〔2023〕7号第一条第（三）项."""
    text = f"{INTERPRETATION}第{_zh(article)}条"
    return text + (f"第（{_zh(item)}）项" if item is not None else "")


RULES: tuple[Rule, ...] = (
    # Art. 1: 严重污染环境 — the threshold of the crime of polluting the environment (Criminal Law art. 338).
    Rule("protected_area_toxic", _art(1, 1), 1,
         _one(lambda f: f.toxic_in_protected_area, lambda f: {})),
    Rule("hazardous_waste_3t", _art(1, 2), 1, _count("hazardous_waste_tonnes", 3)),
    Rule("heavy_metal_3x", _art(1, 3), 1, _metals(HEAVY_METALS_3X, 3)),
    Rule("heavy_metal_10x", _art(1, 4), 1, _metals(HEAVY_METALS_10X, 10)),
    Rule("covert_discharge", _art(1, 5), 1, _one(lambda f: f.covert_discharge, lambda f: {})),
    Rule("repeat_air", _art(1, 6), 1,
         _one(lambda f: f.repeat_kind == "air_warning" and f.prior_penalties_2y >= 2,
              lambda f: {"value": f.prior_penalties_2y})),
    Rule("monitoring_tampering", _art(1, 7), 1,
         _one(lambda f: f.key_unit and f.monitoring_tampered, lambda f: {})),
    Rule("repeat_toxic", _art(1, 8), 1,
         _one(lambda f: f.repeat_kind == "toxic" and f.prior_penalties_2y >= 2,
              lambda f: {"value": f.prior_penalties_2y})),
    Rule("loss_300k", _art(1, 9), 1, _count("loss_yuan", 300_000)),
    Rule("water_township_12h", _art(1, 10), 1, _water("township")),
    Rule("other_serious", _art(1, 11), 1, _one(lambda f: f.other_serious, lambda f: {})),
    # Art. 2: 情节严重 — the aggravated tier.
    Rule("hazardous_waste_100t", _art(2), 2, _count("hazardous_waste_tonnes", 100)),
    Rule("loss_1m", _art(2), 2, _count("loss_yuan", 1_000_000)),
    Rule("water_county_12h", _art(2), 2, _water("county")),
    Rule("farmland_10mu", _art(2), 2, _count("basic_farmland_mu", 10)),
    Rule("evacuated_5000", _art(2), 2, _count("evacuated", 5000)),
    Rule("poisoned_30", _art(2), 2, _count("poisoned", 30)),
    Rule("serious_injury_1", _art(2), 2, _count("serious_injuries", 1)),
    Rule("minor_injuries_3", _art(2), 2, _count("minor_injuries", 3)),
    # Art. 3: seven years or more.
    Rule("water_city_12h", _art(3), 3, _water("city")),
    Rule("farmland_50mu", _art(3), 3, _count("basic_farmland_mu", 50)),
    Rule("serious_injuries_3", _art(3), 3, _count("serious_injuries", 3)),
    Rule("death_or_disability", _art(3), 3, _count("deaths_or_serious_disability", 1)),
)

RULE_CODES = tuple(r.code for r in RULES)


def check(facts: Facts) -> list[Hit]:
    """Every rule the facts meet, in the order of the interpretation (one Hit per measurement for the metals)."""
    return [Hit(rule.code, rule.article, rule.tier, params) for rule in RULES for params in rule.test(facts)]


def tier(hits: list[Hit]) -> int:
    """The highest tier met (0: no threshold met, the case may stay administrative)."""
    return max((h.tier for h in hits), default=0)
