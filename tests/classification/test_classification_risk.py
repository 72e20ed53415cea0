"""Risk classification additions: discharge, sensitive receptors and credit as explained points; policy versions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from ecoenforce.core.errors import ValidationFailed
from ecoenforce.core.models import AuditEvent
from ecoenforce.registry.models import RiskPolicy
from ecoenforce.registry.risk import EntityFacts, RiskPolicyValues, score_entity
from ecoenforce.registry.risk_services import risk_explain, risk_policy_add, risk_policy_current

AS_OF = dt.date(2026, 11, 28)


def test_known_discharge_receptor_and_credit_add_their_points_with_reasons():
    facts = EntityFacts(id="e", industry_code="1713", permit_class="simplified", is_key_unit=False,
                        annual_discharge_t=42.5, near_sensitive_receptor=True, credit_grade="green")
    result = score_entity(facts, [(dt.date(2026, 2, 1), "warning")], as_of=AS_OF)
    assert [(r.factor, r.detail, r.points) for r in result.reasons] == [
        ("permit_class", "simplified", 15), ("industry", "1713", 10), ("discharge", "42.5", 10),
        ("sensitive_receptor", "near", 10), ("credit", "green", -10), ("event:warning", "1", 4),
        ("class_rule", "none_of_the_above", 0)]
    assert (result.score, result.risk_class) == (39, "general")


def test_a_poor_credit_grade_makes_an_entity_special():
    facts = EntityFacts(id="e", industry_code="0111", permit_class="registration", is_key_unit=False,
                        credit_grade="red")
    result = score_entity(facts, [], as_of=AS_OF)
    assert (result.score, result.risk_class, result.reasons[-1].detail) == (35, "special", "credit_warning_or_poor")


def test_unknown_facts_add_nothing_and_a_big_discharge_takes_the_highest_step():
    base = EntityFacts(id="e", industry_code="0111", permit_class="registration", is_key_unit=False)
    assert score_entity(base, [], as_of=AS_OF).score == 5
    big = EntityFacts(id="e", industry_code="0111", permit_class="registration", is_key_unit=False,
                      annual_discharge_t=150)
    assert score_entity(big, [], as_of=AS_OF).score == 25


@pytest.mark.django_db
def test_policy_versions_are_numbered_validated_audited_and_the_newest_is_in_force(admin_user, entity_wj, english):
    assert risk_policy_current() == RiskPolicyValues()  # v1 seeded by the migration: the defaults
    before = AuditEvent.objects.count()
    policy = risk_policy_add(actor=admin_user, values={"key_threshold": 20, "discharge_points": [[1, 50]],
                                                       "positive_list": {"validity_years": 2}}, source="测试")
    assert (policy.version, RiskPolicy.objects.count(), AuditEvent.objects.count()) == (2, 2, before + 1)
    assert risk_policy_current().key_threshold == 20
    assert risk_policy_current().discharge_points == ((1.0, 50),)
    with pytest.raises(ValidationFailed) as exc:
        risk_policy_add(actor=admin_user, values={"key_treshold": 10})
    assert str(exc.value.message).startswith("Unknown policy keys: key_treshold. Use only: ")
    with pytest.raises(ValidationFailed):
        risk_policy_add(actor=admin_user, values={"event_points": {"penalty": "many"}})
    assert RiskPolicy.objects.count() == 2
    entity_wj.annual_discharge_t = 3
    entity_wj.save()
    assert ("discharge", "3", 50) in [(r.factor, r.detail, r.points) for r in risk_explain(entity=entity_wj,
                                                                                           as_of=AS_OF).reasons]


def test_the_history_file_may_carry_the_new_facts(tmp_path, capsys, db):
    history = tmp_path / "h.csv"
    history.write_text("entity_id,date,kind,industry_code,permit_class,key_unit,annual_discharge_t,"
                       "sensitive_receptor,credit_grade\nA,2026-03-01,tip,0111,registration,0,35,是,yellow\n",
                       encoding="utf-8")
    call_command("risk", "score", "--as-of", "2026-11-28", "--history", str(history))
    line = capsys.readouterr().out.strip().splitlines()[1]
    assert line == ("A,special,43,permit_class=registration(+5); discharge=35(+10); sensitive_receptor=near(+10); "
                    "credit=yellow(+15); event:tip=1(+3); class_rule=credit_warning_or_poor(+0)")


def test_policy_can_combine_impact_times_performance():
    facts = EntityFacts(id="e", industry_code="1713", permit_class="simplified", is_key_unit=False,
                        credit_grade="yellow")
    events = [(dt.date(2026, 5, 1), "inspection_violation"), (dt.date(2026, 6, 1), "warning")]
    result = score_entity(facts, events, as_of=AS_OF, policy=RiskPolicyValues(combine="product"))
    # impact 15 + 10 = 25; ledger credit 15 + violation 15 + warning 4 = 34 → 25 × 134 % = 33.5 → 34
    assert (result.score, result.reasons[-2].factor, result.reasons[-2].detail) == (34, "combine", "25x134%")
    assert score_entity(facts, events, as_of=AS_OF).score == 59  # the seeded sum: 25 + 15 + 19


PURE = ["registry/risk.py", "registry/positive/criteria.py", "registry/catalogue/diff.py",
        "registry/pools/parsing.py", "core/tables/report.py"]


@pytest.mark.parametrize("path", PURE)
def test_the_calculations_import_nothing_from_django(path):
    import ast
    from pathlib import Path

    source = Path(__file__).resolve().parents[2] / "src" / "ecoenforce" / path
    names = set()
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    assert sorted(n for n in names if n.split(".")[0] in ("django", "ecoenforce")) == []
