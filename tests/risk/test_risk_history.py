"""The history file read clearly: unknown kinds refused with row and vocabulary or mapped, duplicates, future dates,
unknown entities and bad facts refused with what to change, optional columns used."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from ecoenforce.registry.risk_history import HistoryRefused, read_history, read_kind_map, report_lines

TODAY = dt.date(2026, 11, 30)
HEAD = "entity_id,date,kind,industry_code,permit_class\n"


def _read(text: str, **kwargs):
    return read_history(text.encode(), "h.csv", today=TODAY, **kwargs)


def _problems(text: str, **kwargs) -> list[tuple[int, str, str]]:
    with pytest.raises(HistoryRefused) as exc:
        _read(text, **kwargs)
    return [(p.row, p.column, p.problem + " " + p.action) for p in exc.value.report.problems]


def test_an_unknown_kind_is_refused_with_its_row_and_the_accepted_kinds(english):
    problems = _problems(HEAD + "A,2025-01-01,penalty,3360,key\nA,2025-02-01,violation,3360,key\n"
                                "B,2025-03-01,complaint,1713,simplified\n")
    assert [(row, column) for row, column, _t in problems] == [(3, "kind"), (4, "kind")]
    assert problems[0][2].startswith("'violation' is not an accepted event kind. Use one of: inspection_clean, "
                                     "inspection_violation, case_opened, penalty, warning, tip, incident; or map")
    assert "--map" in problems[1][2]


def test_a_kind_map_translates_and_ignores_and_refuses_a_target_outside_the_vocabulary(english):
    kind_map = read_kind_map(b"kind,maps_to\nViolation,inspection_violation\ncomplaint,tip\nsite visit,ignore\n",
                             "m.csv")
    history = _read(HEAD + "A,2025-01-01,violation,3360,key\nB,2025-03-01,Complaint,1713,simplified\n"
                           "B,2025-04-01,site visit,1713,simplified\n", kind_map=kind_map)
    assert history.events == {"A": [(dt.date(2025, 1, 1), "inspection_violation")],
                               "B": [(dt.date(2025, 3, 1), "tip")]}
    assert (history.ignored, history.first, history.last) == (1, dt.date(2025, 1, 1), dt.date(2025, 3, 1))
    with pytest.raises(HistoryRefused) as exc:
        read_kind_map(b"kind,maps_to\ncomplaint,grievance\n", "m.csv")
    assert report_lines(exc.value.report) == [
        "row 2 [maps_to]: 'grievance' is not an accepted kind. Map it to one of: inspection_clean, "
        "inspection_violation, case_opened, penalty, warning, tip, incident, or to 'ignore'."]


def test_future_dates_duplicates_and_bad_facts_say_what_to_change(english):
    problems = _problems("entity_id,date,kind,ref,industry_code,permit_class,key_unit,credit_grade\n"
                         "A,2025-01-01,penalty,P1,3360,key,1,red\n"
                         "A,2025-01-01,penalty,P1,3360,key,1,red\n"
                         "A,2025-01-01,penalty,P2,3360,key,1,red\n"
                         "B,2027-01-01,tip,,1713,simplified,0,\n"
                         "C,2025-13-01,tip,,1713,simplified,0,\n"
                         "D,2025-05-01,tip,,1713,premium,maybe,purple\n")
    assert problems[0] == (3, "", "The same event as row 2 (entity, date, kind and reference). Delete one of the two "
                                  "rows, or give each its own reference (文号) if they are two events.")
    assert problems[1] == (5, "date", "2027-01-01 is in the future. Correct the date (events can only be recorded "
                                      "once they happened) or delete the row.")
    assert problems[2][:2] == (6, "date")
    assert [(r, c) for r, c, _t in problems[3:6]] == [(7, "permit_class"), (7, "credit_grade"), (7, "key_unit")]
    assert len(problems) == 6


def test_optional_columns_are_used_when_present():
    history = _read("entity_id,date,kind,industry_code,permit_class,key_unit,annual_discharge_t,sensitive_receptor\n"
                    "A,2025-01-01,tip,3360,simplified,是,42,1\nA,2025-02-01,tip,,,,,\n")
    facts = history.facts["A"]
    assert (facts.is_key_unit, facts.annual_discharge_t, facts.near_sensitive_receptor) == (True, 42.0, True)
    assert history.columns == ("industry_code", "permit_class", "key_unit", "annual_discharge_t", "sensitive_receptor")
    bare = _read(HEAD + "A,2025-01-01,tip,3360,\n")
    assert (bare.facts["A"].permit_class, bare.facts["A"].near_sensitive_receptor) == ("registration", None)


@pytest.mark.django_db
def test_without_facility_columns_the_registry_gives_the_facts_and_unknown_entities_are_refused(
        entity_wj, tmp_path, english):
    history = tmp_path / "h.csv"
    history.write_text(f"entity_id,date,kind\n{entity_wj.uscc},2025-01-01,penalty\n91999999MA0000000X,2025-01-02,tip\n",
                       encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        call_command("risk", "score", "--as-of", "2025-06-01", "--history", str(history))
    assert str(exc.value) == ("row 3 [entity_id]: Entity 91999999MA0000000X is not in the registry. Correct the credit "
                              "code, add the entity to the registry first, or add the facility columns (industry_code, "
                              "permit_class …) to the file.")
    history.write_text(f"entity_id,date,kind\n{entity_wj.uscc},2025-01-01,penalty\n", encoding="utf-8")
    call_command("risk", "score", "--as-of", "2025-06-01", "--history", str(history))


def test_the_cli_maps_kinds_and_refuses_unknown_ones(tmp_path, capsys, db, english):
    history, kinds = tmp_path / "h.csv", tmp_path / "k.csv"
    history.write_text(HEAD + "A,2025-01-01,violation,3360,simplified\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"row 2 \[kind\]: 'violation' is not an accepted event kind"):
        call_command("risk", "score", "--as-of", "2025-06-01", "--history", str(history))
    kinds.write_text("kind,maps_to\nviolation,inspection_violation\n", encoding="utf-8")
    call_command("risk", "score", "--as-of", "2025-06-01", "--history", str(history), "--map", str(kinds))
    assert "event:inspection_violation=1(+15)" in capsys.readouterr().out


def test_the_commands_help_and_the_docs_list_every_accepted_kind():
    """The vocabulary is written out in `risk --help` and docs/risk-history.md; neither may fall behind the model."""
    from pathlib import Path

    from ecoenforce.registry.management.commands.risk import HISTORY_HELP
    from ecoenforce.registry.risk_history import VOCABULARY

    docs = (Path(__file__).resolve().parents[2] / "docs" / "risk-history.md").read_text(encoding="utf-8")
    assert VOCABULARY and all(f"{kind} (" in HISTORY_HELP and f"| `{kind}` |" in docs for kind in VOCABULARY)
