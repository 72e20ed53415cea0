"""法释〔2023〕7号 art. 1–3 as rules: each limit inclusive (Criminal Law art. 99), each hit naming its article and
the facts that met it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ecoenforce.transfers.thresholds import Facts, FactsInvalid, Measurement, check, tier


def codes(facts: Facts) -> list[str]:
    return [h.code for h in check(facts)]


def m(pollutant, measured, limit="1"):
    return (Measurement(pollutant, Decimal(measured), Decimal(limit)),)


@pytest.mark.parametrize(("facts", "expected"), [
    (Facts(), []),
    # art. 1 item 2: hazardous waste ≥ 3 t; art. 2: ≥ 100 t
    (Facts(hazardous_waste_tonnes=Decimal("2.99")), []),
    (Facts(hazardous_waste_tonnes=Decimal("3")), ["hazardous_waste_3t"]),
    (Facts(hazardous_waste_tonnes=Decimal("99.99")), ["hazardous_waste_3t"]),
    (Facts(hazardous_waste_tonnes=Decimal("100")), ["hazardous_waste_3t", "hazardous_waste_100t"]),
    # art. 1 item 3: Pb, Hg, Cd, Cr, As, Tl, Sb ≥ 3 times the standard
    (Facts(measurements=m("Cd", "0.299", "0.1")), []),
    (Facts(measurements=m("Cd", "0.3", "0.1")), ["heavy_metal_3x"]),
    (Facts(measurements=m("Hg", "0.0151", "0.005")), ["heavy_metal_3x"]),
    # art. 1 item 4: Ni, Cu, Zn, Ag, V, Mn, Co ≥ 10 times — 3 times is not enough for them
    (Facts(measurements=m("Cu", "9.99")), []),
    (Facts(measurements=m("Cu", "10")), ["heavy_metal_10x"]),
    (Facts(measurements=m("Ni", "5")), []),
    # art. 1 item 7: tampering counts only for a key pollutant-discharging unit
    (Facts(monitoring_tampered=True), []),
    (Facts(key_unit=True), []),
    (Facts(key_unit=True, monitoring_tampered=True), ["monitoring_tampering"]),
    # art. 1 items 6 and 8: two penalties within two years, then again
    (Facts(repeat_kind="toxic", prior_penalties_2y=1), []),
    (Facts(repeat_kind="toxic", prior_penalties_2y=2), ["repeat_toxic"]),
    (Facts(repeat_kind="air_warning", prior_penalties_2y=2), ["repeat_air"]),
    (Facts(repeat_kind="", prior_penalties_2y=5), []),
    # art. 1 item 9: ≥ 300,000 yuan; art. 2: ≥ 1,000,000
    (Facts(loss_yuan=Decimal("299999.99")), []),
    (Facts(loss_yuan=Decimal("300000")), ["loss_300k"]),
    (Facts(loss_yuan=Decimal("1000000")), ["loss_300k", "loss_1m"]),
    # water intakes: township (art. 1), county town (art. 2), city (art. 3), 12 hours or more
    (Facts(water_level="township", water_interrupted_hours=Decimal("11.9")), []),
    (Facts(water_level="township", water_interrupted_hours=Decimal("12")), ["water_township_12h"]),
    (Facts(water_level="city", water_interrupted_hours=Decimal("12")),
     ["water_township_12h", "water_county_12h", "water_city_12h"]),
    # art. 2 people; art. 3 the gravest harm
    (Facts(evacuated=4999), []),
    (Facts(evacuated=5000), ["evacuated_5000"]),
    (Facts(poisoned=30), ["poisoned_30"]),
    (Facts(minor_injuries=2), []),
    (Facts(minor_injuries=3), ["minor_injuries_3"]),
    (Facts(serious_injuries=3), ["serious_injury_1", "serious_injuries_3"]),
    (Facts(deaths_or_serious_disability=1), ["death_or_disability"]),
    (Facts(basic_farmland_mu=Decimal("9.9")), []),
    (Facts(basic_farmland_mu=Decimal("50")), ["farmland_10mu", "farmland_50mu"]),
    (Facts(toxic_in_protected_area=True), ["protected_area_toxic"]),
    (Facts(covert_discharge=True), ["covert_discharge"]),
    (Facts(other_serious=True), ["other_serious"]),
])
def test_each_threshold_at_its_boundary(facts, expected):
    assert codes(facts) == expected


def test_a_hit_names_its_article_tier_and_facts():
    hits = check(Facts(measurements=m("Cd", "0.32", "0.1") + m("Pb", "0.5", "1"), hazardous_waste_tonnes=Decimal("120")))
    assert [(h.code, h.article, h.tier) for h in hits] == [
        ("hazardous_waste_3t", "法释〔2023〕7号第一条第（二）项", 1),
        ("heavy_metal_3x", "法释〔2023〕7号第一条第（三）项", 1),
        ("hazardous_waste_100t", "法释〔2023〕7号第二条", 2),
    ]
    assert hits[1].params == {"pollutant": "Cd", "measured": "0.32", "limit": "0.1", "ratio": "3.20", "times": 3}
    assert tier(hits) == 2 and tier([]) == 0


def test_art_1_item_11_is_spelt_in_chinese():
    assert check(Facts(other_serious=True))[0].article == "法释〔2023〕7号第一条第（十一）项"
    assert check(Facts(water_level="township", water_interrupted_hours=Decimal(12)))[0].article.endswith("第（十）项")


def test_the_stored_form_round_trips_and_refuses_nonsense():
    facts = Facts.from_values({"hazardous_waste_tonnes": "3.5", "key_unit": True, "monitoring_tampered": True,
                               "measurements": [{"pollutant": "Cd", "measured": "0.4", "limit": "0.1"},
                                                {"pollutant": "", "measured": "", "limit": ""}]})
    assert Facts.from_values(facts.as_values()) == facts
    assert codes(facts) == ["hazardous_waste_3t", "heavy_metal_3x", "monitoring_tampering"]
    for bad, where in [({"loss_yuan": "lots"}, "loss_yuan"), ({"evacuated": "-1"}, "evacuated"),
                       ({"evacuated": "2.5"}, "evacuated"), ({"hazardous_waste_tonnes": "NaN"}, "hazardous_waste_tonnes"),
                       ({"measurements": [{"pollutant": "Fe", "measured": "1", "limit": "1"}]}, "measurements.0.pollutant"),
                       ({"measurements": [{"pollutant": "Cd", "measured": "1", "limit": "0"}]}, "measurements.0.limit"),
                       ({"water_level": "province"}, "water_level")]:
        with pytest.raises(FactsInvalid) as exc:
            Facts.from_values(bad)
        assert exc.value.field == where
