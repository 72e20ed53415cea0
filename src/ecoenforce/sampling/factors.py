"""What the station can be asked to measure, per medium: the factor (named, with its unit), the standard method a
lab uses by default and that method's detection limit. The lab records the method and detection limit it actually
used with its result; these are the defaults the request and the result form start from.

Water and gas factors carry their HJ 212-2017 code (the key of `warnings.EmissionLimit` and `PointLimit`), so a
result can be judged against the point's or the standard's limit; pages show the names, never the codes. Soil and
solid-waste factors have no HJ 212 code: their keys are this table's own.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from ecoenforce.monitoring.factors import FACTORS


class Medium(models.TextChoices):
    """What is sampled."""

    WASTE_WATER = "waste_water", _("Waste water")
    WASTE_GAS = "waste_gas", _("Waste gas")
    SOIL = "soil", _("Soil")
    SOLID_WASTE = "solid_waste", _("Solid waste")


@dataclass(frozen=True)
class Factor:
    """A factor the station measures: its key (HJ 212 code where it has one), name, unit, default method, DL."""

    code: str
    name: object  # a lazy translation
    unit: str
    method: str
    detection_limit: float | None


def _hj212(code: str, method: str, dl: float | None, unit: str | None = None) -> Factor:
    name, hj_unit = FACTORS[code]
    return Factor(code, name, unit if unit is not None else hj_unit, method, dl)


CATALOGUE: dict[str, tuple[Factor, ...]] = {
    Medium.WASTE_WATER: (
        _hj212("w01018", "HJ 828-2017 重铬酸盐法", 4.0),
        _hj212("w21003", "HJ 535-2009 纳氏试剂分光光度法", 0.025),
        _hj212("w21011", "GB 11893-89 钼酸铵分光光度法", 0.01),
        _hj212("w21001", "HJ 636-2012 碱性过硫酸钾消解紫外分光光度法", 0.05),
        _hj212("w01001", "HJ 1147-2020 电极法", None),
        _hj212("w01012", "GB 11901-89 重量法", 4.0),
        _hj212("w01019", "GB 11892-89 高锰酸盐指数的测定", 0.5),
        _hj212("w20116", "HJ 757-2015 火焰原子吸收分光光度法", 0.03),
        _hj212("w20117", "GB 7467-87 二苯碳酰二肼分光光度法", 0.004, unit="mg/L"),
        _hj212("w22001", "HJ 637-2018 红外分光光度法", 0.06),
    ),
    Medium.WASTE_GAS: (
        _hj212("a34013", "HJ 836-2017 重量法", 1.0),
        _hj212("a21026", "HJ 57-2017 定电位电解法", 3.0),
        _hj212("a21002", "HJ 693-2014 定电位电解法", 3.0),
        _hj212("a21005", "HJ 973-2018 定电位电解法", 3.0),
        _hj212("a21024", "HJ 549-2016 离子色谱法", 0.2),
        _hj212("a24088", "HJ 38-2017 气相色谱法", 0.07),
        _hj212("a21001", "HJ 533-2009 纳氏试剂分光光度法", 0.25),
    ),
    Medium.SOIL: (
        Factor("soil.cd", _("Cadmium"), "mg/kg", "GB/T 17141-1997 石墨炉原子吸收分光光度法", 0.01),
        Factor("soil.pb", _("Lead"), "mg/kg", "GB/T 17141-1997 石墨炉原子吸收分光光度法", 0.1),
        Factor("soil.hg", _("Mercury"), "mg/kg", "HJ 680-2013 微波消解/原子荧光法", 0.002),
        Factor("soil.as", _("Arsenic"), "mg/kg", "HJ 680-2013 微波消解/原子荧光法", 0.01),
        Factor("soil.cr", _("Chromium"), "mg/kg", "HJ 491-2019 火焰原子吸收分光光度法", 4.0),
        Factor("soil.cu", _("Copper"), "mg/kg", "HJ 491-2019 火焰原子吸收分光光度法", 1.0),
        Factor("soil.ni", _("Nickel"), "mg/kg", "HJ 491-2019 火焰原子吸收分光光度法", 3.0),
        Factor("soil.ph", _("Soil pH"), "", "HJ 962-2018 电位法", None),
    ),
    Medium.SOLID_WASTE: (
        Factor("leach.cr6", _("Hexavalent chromium in the leachate"), "mg/L", "HJ/T 299-2007 浸出 + GB 5085.3-2007 附录", 0.004),
        Factor("leach.cr", _("Total chromium in the leachate"), "mg/L", "HJ/T 299-2007 浸出 + GB 5085.3-2007 附录", 0.03),
        Factor("leach.cd", _("Cadmium in the leachate"), "mg/L", "HJ/T 299-2007 浸出 + GB 5085.3-2007 附录", 0.005),
        Factor("leach.pb", _("Lead in the leachate"), "mg/L", "HJ/T 299-2007 浸出 + GB 5085.3-2007 附录", 0.05),
        Factor("leach.ni", _("Nickel in the leachate"), "mg/L", "HJ/T 299-2007 浸出 + GB 5085.3-2007 附录", 0.05),
    ),
}

_BY_CODE = {f.code: f for factors in CATALOGUE.values() for f in factors}


def factors_for(medium: str) -> tuple[Factor, ...]:
    """The factors the station measures in this medium (empty for an unknown medium)."""
    return CATALOGUE.get(medium, ())


def factor_get(code: str) -> Factor | None:
    return _BY_CODE.get(code)
