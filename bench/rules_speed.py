"""Rule speed: the full rule set on DuckDB over 1/10 of a province-year of hourly data (~4.4×10⁷ readings),
beside a plain pandas implementation of two rules (exceedance, flat-line) as the baseline, and Spark for the record;
the peak resident memory of that run (in a child process); one incremental hourly run over a whole province.

Run: .venv/bin/python bench/rules_speed.py [--points 1100 --days 365 --spark-points 110 --spark-days 30
                                            --inc-points 11000 --inc-days 8]
(generates the lakes under /tmp once, with the wide hourly table the loader would have written — its build time
is printed apart, it is load-time work; prints figures; not a test)
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from ecoenforce.monitoring.lake import wide  # noqa: E402
from ecoenforce.monitoring.rules import RulePolicyValues  # noqa: E402
from ecoenforce.monitoring.rules.runner import connect, lake_files, max_lookback_hours, run_lake, run_window  # noqa: E402
from ecoenforce.monitoring.scenario import generate, write_lake  # noqa: E402
from ecoenforce.monitoring.scenario.generator import row_count  # noqa: E402

CHUNK = 110  # points generated at a time (bounded memory)
PROVINCE_YEAR = 4.4e8  # hourly readings of a province-year (issue 16)


def build(lake: Path, points: int, days: int) -> tuple[list[dict], object, int]:
    """Generate the lake in chunks of points (once); return limits, start, hourly readings."""
    limits, start, readings = [], None, 0
    done = lake / ".complete"
    cache = lake / ".limits.json"
    if done.exists() and cache.exists():  # built before: reuse it as it is
        meta = json.loads(cache.read_text())
        return meta["limits"], datetime.fromisoformat(meta["start"]), meta["readings"]
    for k in range(0, points, CHUNK):
        sc = generate(n_points=min(CHUNK, points - k), days=days, seed=1000 + k, mn_prefix=f"P{k // CHUNK:02d}X")
        limits += sc.limits
        start = sc.start
        readings += row_count(sc.columns["hour"])
        if not done.exists():
            write_lake(sc, lake, name=f"part-chunk{k // CHUNK:03d}")
    done.touch()
    cache.write_text(json.dumps({"limits": limits, "start": start.isoformat(), "readings": readings}))
    return limits, start, readings


def wide_backfill(lake: Path) -> tuple[int, float]:
    """Build the wide hourly table the loader writes at load time (a generated lake has none): (files, seconds)."""
    t = time.perf_counter()
    built, _fresh = wide.backfill(lake)
    return built, time.perf_counter() - t


def _child_run(lake: str, start: str, end: str, limits: list[dict], out) -> None:
    t = time.perf_counter()
    events = run_lake(Path(lake), datetime.fromisoformat(start), datetime.fromisoformat(end), limits,
                      RulePolicyValues())  # fmt: skip
    out.put((len(events), time.perf_counter() - t))


def run_in_child(lake: Path, start, end, limits) -> tuple[int, float, float]:
    """The full rule set in a fresh child process: (events, seconds, the child's peak RSS in GiB)."""
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    proc = ctx.Process(target=_child_run, args=(str(lake), start.isoformat(), end.isoformat(), limits, out))
    proc.start()
    n, seconds = out.get()
    proc.join()
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the largest child so far: this one
    return n, seconds, peak_kib / 2**20


def pandas_two_rules(lake: Path, start, end, limits: list[dict], policy: RulePolicyValues) -> tuple[int, int]:
    """Baseline: exceedance (hourly, O2-corrected) and flat-line, written the obvious way in pandas."""
    import pandas as pd

    table = ds.dataset(lake_files(lake, start, end, kinds=("hour",)), format="parquet").to_table(
        columns=["mn", "pollutant", "data_time", "avg", "zs_avg", "flag"])
    table = table.append_column("h", pc.divide(table["data_time"].cast(pa.int64()), 3_600_000))
    df = table.to_pandas()
    lim = pd.DataFrame(limits)
    valid = df[df["flag"] == "N"]
    j = valid.merge(lim[lim["averaging"] == "hour"], on=["mn", "pollutant"])
    conc = j["zs_avg"].where(j["ref_o2"].notna(), j["avg"])
    exceed = int((conc > j["limit_value"] * policy.exceed_ratio).sum())
    v = valid[~valid["pollutant"].isin(["a00000", "w00000", "a19001"]) & (valid["avg"] > 0)]
    v = v.sort_values(["mn", "pollutant", "h"])
    run_id = ((v["avg"] != v.groupby(["mn", "pollutant"])["avg"].shift()) |
              (v["h"] != v.groupby(["mn", "pollutant"])["h"].shift() + 1)).cumsum()  # fmt: skip
    flat = int((v.groupby(run_id)["avg"].transform("size") >= policy.flat_hours).groupby(run_id).first().sum())
    return exceed, flat


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--points", type=int, default=1100)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--spark-points", type=int, default=110)
    ap.add_argument("--spark-days", type=int, default=30)
    ap.add_argument("--lake", default="/tmp/ecoenforce-rules-bench")
    ap.add_argument("--skip-spark", action="store_true")
    ap.add_argument("--inc-points", type=int, default=11000, help="points of the incremental-hour lake (0: skip)")
    ap.add_argument("--inc-days", type=int, default=8, help="days of that lake (≥ the longest look-back)")
    args = ap.parse_args()
    policy = RulePolicyValues()
    lake = Path(args.lake) / f"{args.points}x{args.days}"
    (limits, start, n), t_gen = timed(lambda: build(lake, args.points, args.days))
    end = start + timedelta(days=args.days)
    print(f"lake: {args.points} points × {args.days} days = {n:,} hourly readings (built/checked in {t_gen:.0f} s)")
    files, t_wide = wide_backfill(lake)
    print(f"wide hourly table (load-time work, the loader writes it per partition): {files} partitions built in "
          f"{t_wide:.0f} s")  # fmt: skip
    n_events, t_duck, rss = run_in_child(lake, start, end, limits)
    print(f"DuckDB, all 12 rules: {t_duck:.1f} s, {n / t_duck:,.0f} readings/s, {n_events:,} events; "
          f"province-year ({PROVINCE_YEAR / n:.0f}×, linear) ≈ {PROVINCE_YEAR / n * t_duck / 60:.1f} min; "
          f"peak RSS of the run's process {rss:.2f} GiB")  # fmt: skip
    two, t_duck2 = timed(lambda: run_lake(lake, start, end, limits, policy, rules=["exceedance", "flatline"]))
    (exceed, flat), t_pd = timed(lambda: pandas_two_rules(lake, start, end, limits, policy))
    print(f"two rules (exceedance + flat-line): DuckDB {t_duck2:.1f} s vs pandas {t_pd:.1f} s → {t_pd / t_duck2:.1f}× "
          f"(pandas found {exceed:,} exceeding hours and {flat:,} flat runs; DuckDB {len(two):,} merged events)")  # fmt: skip
    if args.inc_points:
        ilake = Path(args.lake) / f"{args.inc_points}x{args.inc_days}"
        il, istart, ini = build(ilake, args.inc_points, args.inc_days)
        files, t_iwide = wide_backfill(ilake)
        hour_end = istart + timedelta(days=args.inc_days)
        hour = hour_end - timedelta(hours=1)
        points = len({r["mn"] for r in il})
        print(f"incremental: {args.inc_points} points ({ini // (args.inc_days * 24):,} hourly readings an hour), "
              f"look-back {max_lookback_hours(policy)} h over {args.inc_days} days of lake (wide table {t_iwide:.0f} s)")  # fmt: skip
        first, t_inc = timed(lambda: run_window(ilake, hour, hour_end, il, policy))
        again, t_inc2 = timed(lambda: run_window(ilake, hour, hour_end, il, policy, open_events=first))
        print(f"one hourly incremental run: {t_inc:.1f} s ({len(first):,} events); the same hour again with those "
              f"events open: {t_inc2:.1f} s, unchanged: {again == first} ({points:,} points with limits)")  # fmt: skip
    if not args.skip_spark:
        small = Path(args.lake) / f"{args.spark_points}x{args.spark_days}"
        sl, sstart, sn = build(small, args.spark_points, args.spark_days)
        send = sstart + timedelta(days=args.spark_days)
        con = connect("spark")
        run_lake(small, sstart, sstart + timedelta(days=2), sl, policy, con=con)  # warm-up (JVM, codegen)
        sev, t_spark = timed(lambda: run_lake(small, sstart, send, sl, policy, con=con))
        dev, t_sduck = timed(lambda: run_lake(small, sstart, send, sl, policy))
        same = [e.id for e in sev] == [e.id for e in dev]
        print(f"Spark local[2] on {sn:,} readings: {t_spark:.1f} s ({sn / t_spark:,.0f} readings/s) vs DuckDB "
              f"{t_sduck:.1f} s on the same; identical events: {same}")  # fmt: skip


if __name__ == "__main__":
    main()
