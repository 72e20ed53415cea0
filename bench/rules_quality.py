"""Rule quality: precision and recall of every rule on a labelled month (≥500 points, injected behaviours and
clean look-alikes: real shutdowns, daily calibrations), then of the windowed falsification rules on off-the-clock
scenarios (any start minute, 30 min–48 h, minute and hourly resolution, some behaviours disguised by jitter).

Run: .venv/bin/python bench/rules_quality.py [--points 500 --days 30 --seed 5]
     [--part calendar|offclock|both --off-points 120 --off-days 7 --off-seeds 3 --jitter 0.25]   (Markdown tables)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from ecoenforce.monitoring.rules import RulePolicyValues, rule_names  # noqa: E402
from ecoenforce.monitoring.rules.runner import run_lake  # noqa: E402
from ecoenforce.monitoring.scenario import generate, generate_offclock, write_lake  # noqa: E402
from ecoenforce.monitoring.scenario.evaluate import _overlaps, evaluate  # noqa: E402
from ecoenforce.monitoring.scenario.generator import row_count  # noqa: E402
from ecoenforce.monitoring.scenario.offclock import BEHAVIOURS as OFFCLOCK_RULES  # noqa: E402

BANDS = ((30, 120, "30 min–2 h"), (120, 720, "2–12 h"), (720, 2881, "12–48 h"))


def calendar(args) -> None:
    """The calendar-aligned month: every rule."""
    t = time.perf_counter()
    sc = generate(n_points=args.points, days=args.days, seed=args.seed)
    lake = Path(tempfile.mkdtemp(prefix="rules-quality-"))
    write_lake(sc, lake)
    gen = time.perf_counter() - t
    t = time.perf_counter()
    events = run_lake(lake, sc.start, sc.start + timedelta(hours=sc.hours), sc.limits, RulePolicyValues())
    run = time.perf_counter() - t
    report = evaluate(events, sc.truth, rule_names())
    looks = Counter(x["kind"] for x in sc.lookalikes)
    print(f"{args.points} points × {args.days} days (seed {args.seed}): {row_count(sc.columns['hour']):,} hourly readings + "
          f"{row_count(sc.columns['electricity']):,} electricity readings; {len(sc.truth)} injected behaviours; "
          f"look-alikes: {looks['shutdown']} shutdowns, {looks['calibration']} points with daily calibrations. "
          f"Generated in {gen:.1f} s, rules in {run:.1f} s (DuckDB).\n")  # fmt: skip
    print("| rule | injected | events | true events | found | precision | recall |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for rule, r in report.items():
        print(f"| {rule} | {r['truths']} | {r['events']} | {r['true_events']} | {r['found']} | "
              f"{r['precision']:.3f} | {r['recall']:.3f} |")  # fmt: skip


def offclock(args) -> None:
    """The windowed rules on off-the-clock scenarios, the same seeds at minute and at hourly resolution."""
    rules = list(OFFCLOCK_RULES)
    totals = {}
    for resolution in ("minute", "hour"):
        events_all, truth_all, rows, secs, looks = [], [], 0, 0.0, Counter()
        for k in range(args.off_seeds):
            sc = generate_offclock(n_points=args.off_points, days=args.off_days, seed=args.seed + k,
                                   resolution=resolution, jitter_share=args.jitter, mn_prefix=f"OFF{k}")  # fmt: skip
            lake = Path(tempfile.mkdtemp(prefix="rules-offclock-"))
            write_lake(sc, lake)
            rows += sum(row_count(c) for c in sc.columns.values())
            looks.update(x["kind"] for x in sc.lookalikes)
            t = time.perf_counter()
            events_all += run_lake(lake, sc.start, sc.start + timedelta(hours=sc.hours), [], RulePolicyValues(),
                                   rules=rules)  # fmt: skip
            secs += time.perf_counter() - t
            truth_all += sc.truth
        totals[resolution] = (evaluate(events_all, truth_all, rules), events_all, truth_all)
        print(f"- {resolution}: {args.off_seeds} seeds × {args.off_points} devices × {args.off_days} days, "
              f"{rows:,} lake rows, {len(truth_all)} injected behaviours ({sum(t['jitter'] for t in truth_all)} "
              f"jittered), look-alikes: {looks['shutdown']} shutdowns, {looks['calibration']} devices with daily "
              f"calibrations; rules {secs:.1f} s (DuckDB)")  # fmt: skip
    print()
    print("| rule | injected | minute: precision | minute: recall | hourly: precision | hourly: recall |")
    print("|---|---:|---:|---:|---:|---:|")
    for rule in [*rules, "overall"]:
        m, h = totals["minute"][0][rule], totals["hour"][0][rule]
        print(f"| {rule} | {m['truths']} | {m['precision']:.3f} | {m['recall']:.3f} | {h['precision']:.3f} | "
              f"{h['recall']:.3f} |")  # fmt: skip
    print()
    print("Recall by the behaviour's length, and on the jittered ones (minute / hourly):\n")
    print("| rule | " + " | ".join(b[2] for b in BANDS) + " | jittered |")
    print("|---|" + "---:|" * (len(BANDS) + 1))
    for rule in rules:
        cells = []
        for test in [*[(lambda t, lo=lo, hi=hi: not t["jitter"] and lo <= t["minutes"] < hi) for lo, hi, _ in BANDS],
                     lambda t: t["jitter"]]:  # fmt: skip
            parts = []
            for resolution in ("minute", "hour"):
                _report, events, truth = totals[resolution]
                chosen = [t for t in truth if t["rule"] == rule and test(t)]
                hit = sum(any(_overlaps(e, t) for e in events if e.mn == t["mn"]) for t in chosen)
                parts.append(f"{hit}/{len(chosen)}")
            cells.append(" / ".join(parts))
        print(f"| {rule} | " + " | ".join(cells) + " |")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--points", type=int, default=500)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--part", choices=("calendar", "offclock", "both"), default="both")
    ap.add_argument("--off-points", type=int, default=120)
    ap.add_argument("--off-days", type=int, default=7)
    ap.add_argument("--off-seeds", type=int, default=3)
    ap.add_argument("--jitter", type=float, default=0.25)
    args = ap.parse_args()
    if args.part in ("calendar", "both"):
        calendar(args)
    if args.part in ("offclock", "both"):
        if args.part == "both":
            print()
        offclock(args)


if __name__ == "__main__":
    main()
