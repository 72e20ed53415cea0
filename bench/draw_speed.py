"""Benchmark: 10,000 targets from 100,000 entities, 2 inspectors each from 200, vs a plain random.sample lottery.

Run: .venv/bin/python bench/draw_speed.py   (prints figures; not a test)
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from ecoenforce.planning.draw import (  # noqa: E402
    DrawPolicy,
    EntityRecord,
    InspectorRecord,
    draw,
    pools_digest,
    result_bytes,
    seed_new,
)
from ecoenforce.planning.roundfile import build_round_file, verify_round_file  # noqa: E402

REPEATS = 5
REGIONS = [f"3301{i:02d}" for i in range(1, 11)]
# Class sizes and ratios chosen so the draw selects exactly 10,000 targets.
CLASSES = {"general": (80_000, "0.08"), "key": (15_000, "0.2"), "special": (5_000, "0.12")}


def make_pools(rng: random.Random) -> tuple[list[EntityRecord], list[InspectorRecord]]:
    """100,000 entities and 200 inspectors with ties, recent inspections and regions."""
    inspectors_ids = [f"330100{i:06d}" for i in range(200)]
    entities = []
    n = 0
    for cls, (size, _) in CLASSES.items():
        for _ in range(size):
            recent = frozenset(rng.sample(inspectors_ids, 2)) if rng.random() < 0.1 else frozenset()
            tags = frozenset({"positive_list"}) if rng.random() < 0.03 else frozenset()
            entities.append(EntityRecord(f"91330100MA{n:08d}", cls, rng.choice(REGIONS), tags, recent))
            n += 1
    ids = [e.id for e in entities]
    inspectors = [
        InspectorRecord(iid, rng.choice(REGIONS), ties=frozenset(rng.sample(ids, 3)))
        for iid in inspectors_ids
    ]
    return entities, inspectors


def timed(fn, repeats: int = REPEATS) -> tuple[float, object]:
    """Median wall time of `repeats` calls, and the last return value."""
    times, out = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def main() -> None:
    """Print timings of the draw, the baseline and the round-file steps."""
    rng = random.Random(20260105)
    entities, inspectors = make_pools(rng)
    policy = DrawPolicy(ratios={c: Decimal(r) for c, (_, r) in CLASSES.items()}, cross_region=True)
    seed = seed_new()

    t_draw, result = timed(lambda: draw(seed, entities, inspectors, policy))
    n_targets = len(result.targets)

    def baseline():
        picked = random.sample(entities, n_targets)
        return [(e, random.sample(inspectors, 2)) for e in picked]

    t_base, _ = timed(baseline)
    t_bytes, data = timed(lambda: result_bytes(result))
    t_pools, _ = timed(lambda: pools_digest(entities, inspectors), repeats=3)
    now = datetime.now(UTC)
    doc = build_round_file(
        round_id="bench",
        title="bench",
        created_at=now,
        committed_at=now,
        revealed_at=now,
        seed=seed,
        entities=entities,
        inspectors=inspectors,
        policy=policy,
        result=result,
    )
    t_verify, report = timed(lambda: verify_round_file(doc), repeats=3)

    print(f"python {sys.version.split()[0]}; median of {REPEATS} runs (verify and pools digest: 3)")
    print(
        f"pools: {len(entities):,} entities, {len(inspectors)} inspectors, cross-region, ties and recent inspections"
    )
    print(f"targets drawn: {n_targets:,} x {policy.inspectors_per_target} inspectors")
    print(f"draw():                       {t_draw * 1000:8.1f} ms")
    print(f"baseline random.sample lottery:{t_base * 1000:7.1f} ms  (no recusal, not verifiable)")
    print(f"ratio draw / baseline:        {t_draw / t_base:8.1f} x")
    print(f"canonical result bytes:       {t_bytes * 1000:8.1f} ms  ({len(data) / 1e6:.1f} MB)")
    print(f"pools digest:                 {t_pools * 1000:8.1f} ms")
    print(f"verify whole round file:      {t_verify * 1000:8.1f} ms  (ok={report.ok})")


if __name__ == "__main__":
    main()
