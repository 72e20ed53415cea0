"""Rule quality: precision and recall of every rule on a labelled month (≥500 points, injected behaviours and
clean look-alikes: real shutdowns, daily calibrations).

Run: .venv/bin/python bench/rules_quality.py [--points 500 --days 30 --seed 5]   (prints a Markdown table)
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
from ecoenforce.monitoring.scenario import generate, write_lake  # noqa: E402
from ecoenforce.monitoring.scenario.evaluate import evaluate  # noqa: E402
from ecoenforce.monitoring.scenario.generator import row_count  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--points", type=int, default=500)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--seed", type=int, default=5)
    args = ap.parse_args()
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


if __name__ == "__main__":
    main()
