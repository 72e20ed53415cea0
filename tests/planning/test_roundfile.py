"""Round file: build, publish, verify offline; tampering with seed, pools, policy or selection is caught precisely."""

from __future__ import annotations

import copy
import io
import json
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecoenforce.planning.draw import draw, draw_seed, result_to_canonical
from ecoenforce.planning.draw.example import ENTITIES, INSPECTORS, POLICY, SEED
from ecoenforce.planning.roundfile import (
    build_round_file,
    cli_main,
    commit_record,
    dump_round_file,
    verify_round_file,
    write_round_file,
)

T0 = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)
T1 = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)
T2 = datetime(2026, 1, 6, 8, 30, tzinfo=UTC)


def make_doc() -> dict:
    """The fixed example as a published round."""
    return build_round_file(
        round_id="R-2026-Q1-001",
        title="2026年第一季度双随机抽查",
        created_at=T0,
        committed_at=T1,
        revealed_at=T2,
        seed=SEED,
        entities=ENTITIES,
        inspectors=INSPECTORS,
        policy=POLICY,
    )


DOC = make_doc()


def test_round_file_contents():
    doc = make_doc()
    assert doc["format"] == "ecoenforce-draw-round/1"
    assert doc["algorithm"] == "ecoenforce-draw/1"
    assert doc["seed"] == SEED.hex()
    assert doc["public_entropy"] is None
    assert doc["commitment"] == "630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd"
    assert doc["committed_at"] == "2026-01-05T02:00:00+00:00"
    assert doc["selection_digest"] == "78280a537c3f62f4a4f2b88b615befd99aba6185d82673a924fc955087bff384"
    # Only what recusal needs: no unit, no names.
    assert doc["pools"]["inspectors"][0] == {
        "id": "C1",
        "region": "330102",
        "certified": True,
        "ties": ["E06"],
    }
    assert doc["pools"]["entities"][4] == {
        "id": "E05",
        "class": "general",
        "region": "330105",
        "positive_list": False,
        "recent_inspectors": ["C2"],
    }
    assert doc["policy"]["ratios"] == {"general": "0.5", "key": "0.34", "special": "1"}
    assert [t["entity"] for t in doc["selection"]["targets"]] == ["E05", "E03", "E04", "E07", "E06", "E09"]


def test_commit_record_matches_the_later_round_file():
    record = commit_record(
        round_id="R-2026-Q1-001",
        seed=SEED,
        entities=ENTITIES,
        inspectors=INSPECTORS,
        policy=POLICY,
        committed_at=T1,
    )
    assert "seed" not in record
    for key in ("commitment", "pools_digest", "policy_digest", "committed_at", "algorithm", "round_id"):
        assert record[key] == DOC[key]


def test_naive_timestamps_are_refused():
    with pytest.raises(ValueError):
        build_round_file(
            round_id="R",
            title="t",
            created_at=datetime(2026, 1, 1),
            committed_at=T1,
            revealed_at=T2,
            seed=SEED,
            entities=ENTITIES,
            inspectors=INSPECTORS,
            policy=POLICY,
        )


def test_untouched_round_file_verifies(tmp_path):
    path = tmp_path / "round.json"
    write_round_file(DOC, path)
    report = verify_round_file(path)
    assert report.ok and report.first_mismatch is None
    assert [c.name for c in report.checks] == [
        "format",
        "commitment",
        "timestamps",
        "pools_digest",
        "policy_digest",
        "selection",
        "selection_digest",
    ]
    assert verify_round_file(json.loads(dump_round_file(DOC))).ok


def _fails(doc: dict) -> tuple[str, str]:
    report = verify_round_file(doc)
    assert not report.ok
    first = report.first_mismatch
    assert first is not None
    return first.name, first.detail


def test_wrong_seed_is_caught():
    doc = copy.deepcopy(DOC)
    doc["seed"] = bytes(32).hex()
    name, detail = _fails(doc)
    assert name == "commitment"
    assert "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925" in detail


def test_tampered_pool_is_caught():
    doc = copy.deepcopy(DOC)
    doc["pools"]["inspectors"][0]["ties"] = []  # hide C1's tie to E06
    name, detail = _fails(doc)
    assert name == "pools_digest"
    assert "changed after they were frozen" in detail


def test_tampered_policy_is_caught():
    doc = copy.deepcopy(DOC)
    doc["policy"]["cross_region"] = False
    assert _fails(doc)[0] == "policy_digest"


def test_swapped_inspector_is_caught_at_the_exact_field():
    doc = copy.deepcopy(DOC)
    doc["selection"]["targets"][4]["inspectors"][0]["id"] = "C1"  # C1 is tied to E06
    name, detail = _fails(doc)
    assert name == "selection"
    assert detail == 'selection/targets/4/inspectors/0/id: the file says "C1", the algorithm gives "C3"'


def test_replaced_target_is_caught():
    doc = copy.deepcopy(DOC)
    doc["selection"]["targets"][0]["entity"] = "E01"
    name, detail = _fails(doc)
    assert detail == 'selection/targets/0/entity: the file says "E01", the algorithm gives "E05"'


def test_dropped_target_is_caught():
    doc = copy.deepcopy(DOC)
    doc["selection"]["targets"].pop()
    assert _fails(doc)[1] == "selection/targets: the file has 5 item(s), the algorithm gives 6"


def test_wrong_selection_digest_is_caught():
    doc = copy.deepcopy(DOC)
    doc["selection_digest"] = "0" * 64
    assert _fails(doc)[0] == "selection_digest"


def test_reveal_before_commit_is_caught():
    doc = copy.deepcopy(DOC)
    doc["revealed_at"] = "2026-01-05T01:59:00+00:00"
    assert _fails(doc)[0] == "timestamps"


def test_unknown_algorithm_is_refused():
    doc = copy.deepcopy(DOC)
    doc["algorithm"] = "ecoenforce-draw/0"
    assert _fails(doc)[0] == "algorithm"


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=0, max_value=5), st.integers(min_value=0, max_value=3))
def test_any_single_rank_edit_is_caught(row, delta):
    doc = copy.deepcopy(DOC)
    doc["selection"]["targets"][row]["rank"] += delta + 1
    assert _fails(doc) == (
        "selection",
        f"selection/targets/{row}/rank: the file says {doc['selection']['targets'][row]['rank']}, "
        f"the algorithm gives {DOC['selection']['targets'][row]['rank']}",
    )


def test_result_passed_in_is_used_as_is():
    result = draw(SEED, ENTITIES, INSPECTORS, POLICY)
    doc = build_round_file(
        round_id="R",
        title="t",
        created_at=T0,
        committed_at=T1,
        revealed_at=T2,
        seed=SEED,
        entities=ENTITIES,
        inspectors=INSPECTORS,
        policy=POLICY,
        result=result,
    )
    assert doc["selection"] == DOC["selection"]


def test_public_entropy_changes_the_draw_and_is_verified():
    doc = build_round_file(
        round_id="R",
        title="t",
        created_at=T0,
        committed_at=T1,
        revealed_at=T2,
        seed=SEED,
        entities=ENTITIES,
        inspectors=INSPECTORS,
        policy=POLICY,
        public_entropy="witness: 4 7 1 9",
    )
    assert doc["public_entropy"] == "witness: 4 7 1 9"
    assert doc["selection"] == result_to_canonical(
        draw(draw_seed(SEED, "witness: 4 7 1 9"), ENTITIES, INSPECTORS, POLICY)
    )
    assert doc["selection"] != DOC["selection"]
    assert verify_round_file(doc).ok
    doc["public_entropy"] = "witness: 4 7 1 8"
    assert _fails(doc)[0] == "selection"


def test_cli_ok_and_failure(tmp_path):
    good = tmp_path / "good.json"
    write_round_file(DOC, good)
    out = io.StringIO()
    assert cli_main(["draw", "verify", str(good)], out=out) == 0
    text = out.getvalue()
    assert "[OK] commitment" in text and "VERDICT: OK" in text
    assert "Round R-2026-Q1-001: 2026年第一季度双随机抽查" in text

    bad_doc = copy.deepcopy(DOC)
    bad_doc["seed"] = bytes(32).hex()
    bad = tmp_path / "bad.json"
    write_round_file(bad_doc, bad)
    out = io.StringIO()
    assert cli_main([str(bad)], out=out) == 1
    assert "VERDICT: FAILED — first mismatch at 'commitment'" in out.getvalue()


def test_cli_missing_file_and_usage(tmp_path):
    out = io.StringIO()
    assert cli_main([str(tmp_path / "nope.json")], out=out) == 1
    assert "not found" in out.getvalue()
    out = io.StringIO()
    assert cli_main([], out=out) == 1
    assert out.getvalue().startswith("usage:")


def test_cli_unreadable_json(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    out = io.StringIO()
    assert cli_main([str(path)], out=out) == 1
    assert "[FAIL] read" in out.getvalue()
