"""The back-test: scores from events before the cut-off only, ties counted at their expected value, every arm in
one run; the learned score fitted with a time split, monotone, blind to what happened after the cut-off, and better
than the naive count on simulated histories it was not designed around."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.core.management import CommandError, call_command

from ecoenforce.registry import backtest, risk_learned
from ecoenforce.registry import risk_simulation as sim

CUTOFF = dt.date(2024, 12, 31)


def _span(history):
    days = [d for events in history.values() for d, _k in events]
    return min(days), max(days)


def test_ties_count_at_their_expected_value_and_horizons_add_calendar_months():
    assert backtest.expected_hits([1, 1, 0, 0], [True, False, False, False], 1) == 0.5
    assert backtest.expected_hits([2, 1, 1, 0], [False, True, True, False], 2) == 1.0
    assert backtest.parse_horizon("12m") == (12, "m") and backtest.parse_horizon("1y") == (12, "m")
    assert backtest.add_horizon(dt.date(2024, 1, 31), (1, "m")) == dt.date(2024, 2, 29)
    assert backtest.add_horizon(dt.date(2024, 12, 31), (12, "m"), -1) == dt.date(2023, 12, 31)
    with pytest.raises(ValueError):
        backtest.parse_horizon("twelve")


def test_the_scores_never_read_the_outcome_and_the_random_arm_has_no_lift():
    history, facts = sim.simulate(sim.variant(0, entities=800))
    first, last = _span(history)
    result = backtest.run(history, facts, first=first, last=last, cutoff=CUTOFF, horizon=(12, "m"), min_positives=20)
    later = {e: [(d, k) for d, k in events if d > CUTOFF] for e, events in history.items()}
    # swap what happened after the cut-off between entities: every score stays, only the outcomes move
    ids = sorted(history)
    shuffled = ids[:]
    random.Random(5).shuffle(shuffled)
    swapped = {e: [(d, k) for d, k in history[e] if d <= CUTOFF] + later[o] for e, o in zip(ids, shuffled, strict=True)}
    again = backtest.run(swapped, facts, first=first, last=last, cutoff=CUTOFF, horizon=(12, "m"), min_positives=20)
    assert again.model == result.model
    random_arm = next(a for a in result.arms if a.arm == "random")
    assert random_arm.lift == {0.05: pytest.approx(1.0), 0.1: pytest.approx(1.0), 0.2: pytest.approx(1.0)}
    assert [a.arm for a in result.arms] == list(backtest.ARMS)


def test_no_leakage_shuffling_labels_after_the_cut_off_leaves_the_fitted_model_unchanged():
    history, facts = sim.simulate(sim.variant(1, entities=800))
    periods = backtest.training_periods(_span(history)[0], CUTOFF, (12, "m"))
    assert [p[1] for p in periods] == [CUTOFF, dt.date(2023, 12, 31), dt.date(2022, 12, 31)]
    model = risk_learned.fit(history, facts, cutoff=CUTOFF, periods=periods, min_positives=20)
    rng = random.Random(7)
    kinds = list(risk_learned.KINDS)
    relabelled = {e: [(d, k) for d, k in events if d <= CUTOFF]
                  + [(CUTOFF + dt.timedelta(days=rng.randint(1, 365)), rng.choice(kinds)) for _i in range(rng.randint(0, 4))]
                  for e, events in history.items()}
    assert risk_learned.fit(relabelled, facts, cutoff=CUTOFF, periods=periods, min_positives=20) == model
    assert all(w >= 0 for n, w in zip(model.names, model.weights, strict=True) if risk_learned.monotone(n))
    with pytest.raises(ValueError):
        risk_learned.fit(history, facts, cutoff=CUTOFF, periods=[(CUTOFF, CUTOFF + dt.timedelta(days=30))])


def test_too_few_later_violations_fall_back_with_the_count():
    history, facts = sim.simulate(sim.variant(0, entities=150))
    first, last = _span(history)
    result = backtest.run(history, facts, first=first, last=last, cutoff=CUTOFF, horizon=(12, "m"))
    assert result.learned_missing.startswith("too_few:") and result.model is None
    assert "learned" not in [a.arm for a in result.arms]


@pytest.mark.parametrize("index", range(len(sim.VARIANTS)))
def test_on_simulated_histories_the_learned_score_beats_the_naive_count(index):
    """Measured top-10% lift ratios learned / naive at 3,000 entities: 1.16, 1.11, 1.26 (docs/benchmarks.md) — the
    issue's goal of 1.2× holds on one variant of three; this test holds the part that holds on all. It does not hold
    on every history: other seeds, 1,500 entities or a 6-month horizon gave 0.85–1.44 (docs/benchmarks.md)."""
    history, facts = sim.simulate(sim.VARIANTS[index])
    first, last = _span(history)
    result = backtest.run(history, facts, first=first, last=last, cutoff=CUTOFF, horizon=(12, "m"))
    lift = {a.arm: a.lift[0.10] for a in result.arms}
    assert lift["naive"] > 1.5
    assert lift["learned"] >= 1.1 * lift["naive"]


def test_the_cli_prints_every_arm_and_refuses_dates_that_do_not_fit(tmp_path, capsys, db, english):
    history, facts = sim.simulate(sim.variant(2, entities=1200))
    path = tmp_path / "h.csv"
    lines = ["entity_id,date,kind,industry_code,permit_class,key_unit"]
    for e in sorted(history):
        f = facts[e]
        lines += [f"{e},{d},{k},{f.industry_code},{f.permit_class},{int(f.is_key_unit)}" for d, k in history[e]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    call_command("risk", "backtest", "--history", str(path), "--cutoff", "2024-12-31", "--budget", "100")
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Back-test: scored as of 2024-12-31, violations found up to 2025-12-31;")
    assert out[0].endswith("budget 100 inspections.")
    assert [line.split(" | ")[0] for line in out[2:7]] == [
        "Random (uniform)", "Naive count (past violations, penalties, incidents, tips)",
        "Policy classes (special > key > general)", "Policy points", "Learned score"]
    assert out[7].startswith("Learned score fitted on")
    top10 = {line.split(" | ")[0]: float(line.split(" | ")[2]) for line in out[2:7]}
    wins = top10["Learned score"] > max(top10["Policy points"], top10["Naive count (past violations, penalties, "
                                                                        "incidents, tips)"])
    verdict = "this back-test supports switching to it." if wins else "keep the points policy, or back-test a longer"
    assert verdict in out[7] and f"learned {top10['Learned score']:.2f}×" in out[7]
    with pytest.raises(CommandError, match=r"^The history ends on 2025-12-2\d, before the horizon after the cut-off "
                                           r"does. Choose a cut-off on or before 2024-12-2\d, or a shorter horizon."):
        call_command("risk", "backtest", "--history", str(path), "--cutoff", "2025-06-30")
    with pytest.raises(CommandError, match=r"^The cut-off must fall inside the history, which runs from 2018-01-"):
        call_command("risk", "backtest", "--history", str(path), "--cutoff", "2017-06-30")
    with pytest.raises(CommandError, match="The horizon 'soon' cannot be read"):
        call_command("risk", "backtest", "--history", str(path), "--cutoff", "2024-12-31", "--horizon", "soon")


def test_equal_learned_scores_are_ordered_by_the_documented_rule():
    """Ties in the learned ranking: the most recent violation found first, then the entity id — never the order the
    entities happened to arrive in."""
    day = dt.date(2025, 6, 30)
    history = {"B": [(dt.date(2024, 1, 5), "penalty")], "A": [(dt.date(2023, 3, 1), "inspection_violation")],
               "C": [(dt.date(2025, 1, 2), "inspection_violation"), (dt.date(2025, 7, 1), "penalty")], "D": [],
               "E": [(dt.date(2024, 1, 5), "inspection_violation")]}
    scores = {"D": 0.2, "E": 0.2, "A": 0.2, "C": 0.2, "B": 0.2, "F": 0.9}
    assert risk_learned.rank(scores, history, day) == ["F", "C", "B", "E", "A", "D"]  # C's July penalty is after day
    assert risk_learned.rank(dict(reversed(list(scores.items()))), history, day) == ["F", "C", "B", "E", "A", "D"]
