"""Benchmark: violations found per 100 inspections — uniform, class-stratified and risk-proportional draws.

A seeded population simulator (anchors B1, B7). Each entity has a latent yearly violation propensity driven by
observable traits (industry risk, permit class), an unobserved compliance culture, and persistence of last year's
violation unless an inspection found and rectified it. Online-monitoring warnings and public tips are noisy
signals of the current violation. Both arms inspect the same number of entities a year, every entity keeps a
minimum inspection probability, and both arms face the same random numbers (common random numbers), so the
difference comes from the selection alone. Draws use the real `ecoenforce.planning.draw.draw`.

The risk-proportional arm (issue 11 item 4) is the verifiable weighted draw (docs/draw-algorithm.md §11) through the
real `draw()`: every entity's inclusion probability is proportional to (risk points + 1) — the product's weight
without a credit grade —, never below FLOOR, capped at 1, adding up to the same budget.

The score-ordered arm spends the same budget: every entity first keeps the floor
(a uniform draw at FLOOR), then the rest of the budget goes to the highest risk points not yet drawn, equal points
ordered by SHA-256(seed|entity) — a deterministic, unpredictable tie-break. It is an upper reference for
"inspect by score", not the risk-proportional verifiable draw (which belongs to the draw algorithm).

The last section is the learned score against the naive count: the back-test of `registry.backtest` on the
simulated histories of `registry.risk_simulation` (top-10 % lift and later violators per 100 inspections).

Run: .venv/bin/python bench/targeting.py [--entities 20000] [--years 10] [--reps 5] [--learned-entities 3000]
     .venv/bin/python bench/targeting.py --learned-only [--learned-entities 10000] [--sim-seeds 11,12]
         [--horizon 6m] [--candidates]   # only the learned-vs-naive back-test, on other seeds, sizes, horizons;
                                         # --candidates adds monotone gradient boosting beside the logistic model
"""

from __future__ import annotations

import argparse
import hashlib
import math
import random
import statistics
import sys
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from ecoenforce.planning.draw import (  # noqa: E402
    DrawPolicy,
    EntityRecord,
    InspectorRecord,
    draw,
    inclusion_probabilities,
    label_hash,
)

BURN_IN_YEARS = 3  # legacy uniform inspections that seed every entity's enforcement record
BUDGET_SHARE = 0.10  # inspections per year as a share of the population (both arms)
FLOOR = Decimal("0.04")  # minimum yearly inspection probability for every entity in the stratified arm
TARGET_PREVALENCE = 0.05  # base rate: ~5% of uniform random inspections find a violation (2019: 4.79%)

# Latent model: logit p = base + industry + permit + culture + persistence × (unrectified violation last year).
INDUSTRY = {"low": 0.0, "medium": 0.7, "high": 1.4}
INDUSTRY_SHARE = (("low", 0.6), ("medium", 0.3), ("high", 0.1))
PERMIT = {"registration": 0.0, "simplified": 0.4, "key": 0.8}
PERMIT_SHARE = (("registration", 0.5), ("simplified", 0.35), ("key", 0.15))
CULTURE_SD = 1.0
PERSISTENCE = 1.5


@dataclass
class Entity:
    """One simulated regulated entity: observable traits plus hidden state."""

    id: str
    industry: str
    permit: str
    monitored: bool
    culture: float
    region: str


def _pick(rng: random.Random, shares: tuple[tuple[str, float], ...]) -> str:
    """Categorical draw from (value, share) pairs."""
    u, acc = rng.random(), 0.0
    for value, share in shares:
        acc += share
        if u < acc:
            return value
    return shares[-1][0]


def _poisson(lam: float, u: float) -> int:
    """Inverse-CDF Poisson from one uniform, so both arms turn the same uniform into the same count."""
    k, p = 0, math.exp(-lam)
    cdf = p
    while u > cdf and k < 50:
        k += 1
        p *= lam / k
        cdf += p
    return k


def risk_points(e: Entity, found_years: list[int], year: int, warnings: int, tips: int) -> int:
    """The explainable risk score from observable history only (what a bureau can show an entity)."""
    points = {"low": 0, "medium": 1, "high": 3}[e.industry]
    points += {"registration": 0, "simplified": 1, "key": 2}[e.permit]
    points += 3 * min(
        2, sum(1 for y in found_years if year - 3 <= y < year)
    )  # violations found, last 3 years
    points += 3 if warnings >= 3 else (1 if warnings >= 1 else 0)  # online-monitoring warnings last year
    points += 2 if tips >= 1 else 0  # verified public tips last year
    return points


def risk_class(points: int) -> str:
    """Fixed, published thresholds: special ≥ 7 points, key ≥ 4, general otherwise."""
    return "special" if points >= 7 else ("key" if points >= 4 else "general")


def stratified_ratios(sizes: dict[str, int], budget: int) -> dict[str, Decimal]:
    """General gets the floor; special then up to 50% of the rest (≤ 100%), key the remainder (≤ 100%)."""

    def ratio(count: float, size: int) -> Decimal:
        if size == 0:
            return Decimal(0)
        return min(Decimal(1), Decimal(count / size).quantize(Decimal("0.0001"), rounding=ROUND_FLOOR))

    general = FLOOR
    rest = budget - math.ceil(float(FLOOR) * sizes["general"]) - 2  # 2 spare for ceiling rounding
    special = ratio(0.5 * rest, sizes["special"])
    rest -= float(special) * sizes["special"]
    key = ratio(rest, sizes["key"])
    rest -= float(key) * sizes["key"]
    if rest > 0 and sizes["general"]:
        general = max(FLOOR, ratio(rest + float(FLOOR) * sizes["general"], sizes["general"]))
    return {"general": general, "key": key, "special": special}


class World:
    """A population and its pre-drawn random numbers for every entity-year."""

    def __init__(self, n: int, years: int, seed: int):
        rng = random.Random(seed)
        regions = [f"3301{i:02d}" for i in range(1, 11)]
        self.entities = [
            Entity(
                id=f"E{i:06d}",
                industry=_pick(rng, INDUSTRY_SHARE),
                permit=(permit := _pick(rng, PERMIT_SHARE)),
                monitored=permit == "key" or (permit == "simplified" and rng.random() < 0.5),
                culture=rng.gauss(0.0, CULTURE_SD),
                region=rng.choice(regions),
            )
            for i in range(n)
        ]
        total = BURN_IN_YEARS + years
        self.u_violation = [[rng.random() for _ in range(n)] for _ in range(total)]
        self.u_warning = [[rng.random() for _ in range(n)] for _ in range(total)]
        self.u_tip = [[rng.random() for _ in range(n)] for _ in range(total)]
        self.years = years
        self.seed = seed
        self.inspectors = [InspectorRecord(f"C{i:04d}", rng.choice(regions)) for i in range(120)]
        self.base = 0.0

    def simulate(self, arm: str) -> dict[str, float]:
        """Run burn-in plus `years` years under one arm; return hits, inspections and the worst-off probability."""
        n = len(self.entities)
        budget = round(BUDGET_SHARE * n)
        unrectified = [0] * n
        found: list[list[int]] = [[] for _ in range(n)]
        warnings, tips = [0] * n, [0] * n
        hits = inspections = 0
        violating_total = 0
        min_probability = 1.0
        last = ""
        for year in range(BURN_IN_YEARS + self.years):
            uv, uw, ut = self.u_violation[year], self.u_warning[year], self.u_tip[year]
            violating = [0] * n
            for i, e in enumerate(self.entities):
                logit = (
                    self.base
                    + INDUSTRY[e.industry]
                    + PERMIT[e.permit]
                    + e.culture
                    + PERSISTENCE * unrectified[i]
                )
                violating[i] = 1 if uv[i] < 1.0 / (1.0 + math.exp(-logit)) else 0
            seed = label_hash(self.seed.to_bytes(32, "big"), f"bench|{year}")
            legacy = year < BURN_IN_YEARS
            if legacy or arm == "uniform":
                pool = [EntityRecord(e.id, "general", e.region) for e in self.entities]
                share = Decimal(budget) / Decimal(n)
                policy = DrawPolicy(ratios={"general": share, "key": Decimal(0), "special": Decimal(0)})
                prob = float(share)
            elif arm == "ordered":
                pass  # set up below: the floor draw, then the top of the score
            else:
                classes = [
                    risk_class(risk_points(e, found[i], year, warnings[i], tips[i]))
                    for i, e in enumerate(self.entities)
                ]
                pool = [EntityRecord(e.id, classes[i], e.region) for i, e in enumerate(self.entities)]
                sizes = {c: classes.count(c) for c in ("general", "key", "special")}
                policy = DrawPolicy(ratios=stratified_ratios(sizes, budget))
                prob = min(float(policy.ratios[c]) for c in sizes if sizes[c])
                last = ", ".join(f"{c} {sizes[c]} × {policy.ratios[c]}" for c in sizes)
            if not legacy and arm == "ordered":
                pool = [EntityRecord(e.id, "general", e.region) for e in self.entities]
                policy = DrawPolicy(ratios={"general": FLOOR, "key": Decimal(0), "special": Decimal(0)})
            if not legacy and arm in ("proportional", "proportional-sharp"):
                points = [risk_points(e, found[i], year, warnings[i], tips[i]) for i, e in enumerate(self.entities)]
                # The product's weight is points + 1; "sharp" doubles the weight per point (a sensitivity check).
                weight = (lambda x: x + 1) if arm == "proportional" else (lambda x: 2.0 ** x)
                probs = inclusion_probabilities({e.id: weight(points[i]) for i, e in enumerate(self.entities)},
                                                budget=budget, floor=FLOOR)
                pool = [EntityRecord(e.id, "general", e.region, probability=probs[e.id]) for e in self.entities]
                policy = DrawPolicy(ratios={}, mode="weighted", floor=FLOOR, budget=budget)
                prob = float(min(probs.values()))
                capped = sum(1 for p in probs.values() if p == 1)
                last = f"{capped} entities at probability 1, {sum(1 for p in probs.values() if p == FLOOR)} at the floor"
            result = draw(seed, pool, self.inspectors, policy)
            chosen = {int(t.entity_id[1:]) for t in result.targets}
            if not legacy and arm == "ordered":
                points = [risk_points(e, found[i], year, warnings[i], tips[i]) for i, e in enumerate(self.entities)]
                rest = sorted((i for i in range(n) if i not in chosen),
                              key=lambda i: (-points[i], hashlib.sha256(seed + self.entities[i].id.encode()).digest()))
                chosen |= set(rest[: max(0, budget - len(chosen))])
                prob = float(FLOOR)
            for i in range(n):
                if i in chosen and violating[i]:
                    found[i].append(year)
                # An inspection that finds a violation gets it rectified; otherwise it carries over.
                unrectified[i] = 0 if i in chosen else violating[i]
                lam_w = (0.3 + 1.5 * violating[i]) if self.entities[i].monitored else 0.0
                warnings[i] = _poisson(lam_w, uw[i]) if lam_w else 0
                tips[i] = _poisson(0.05 + 0.5 * violating[i], ut[i])
            if not legacy:
                hits += sum(violating[i] for i in chosen)
                inspections += len(chosen)
                violating_total += sum(violating)
                min_probability = min(min_probability, prob)
        return {
            "hits": hits,
            "inspections": inspections,
            "per_100": 100.0 * hits / inspections,
            "prevalence": violating_total / (n * self.years),
            "min_probability": min_probability,
            "last_year_classes": last,
        }

    def calibrate(self) -> None:
        """Set the base log-odds so ~5% of entities violate in a year under uniform inspection (bisection)."""
        lo, hi = -10.0, 0.0
        for _ in range(14):
            self.base = (lo + hi) / 2
            if self._prevalence_uniform() < TARGET_PREVALENCE:
                lo = self.base
            else:
                hi = self.base
        self.base = (lo + hi) / 2

    def _prevalence_uniform(self) -> float:
        """Quick prevalence estimate without draws: first-year propensity plus stationary persistence."""
        total = 0.0
        for e in self.entities:
            p0 = 1.0 / (1.0 + math.exp(-(self.base + INDUSTRY[e.industry] + PERMIT[e.permit] + e.culture)))
            p1 = 1.0 / (
                1.0
                + math.exp(-(self.base + INDUSTRY[e.industry] + PERMIT[e.permit] + e.culture + PERSISTENCE))
            )
            # Two-state chain: carry-over happens only if not inspected (prob 1 - budget share).
            carry = p1 * (1 - BUDGET_SHARE) + p0 * BUDGET_SHARE
            total += p0 / (1 - carry + p0)
        return total / len(self.entities)


def main() -> None:
    """Run the replications and print per-arm hit rates and the lift."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=20_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20260105)
    parser.add_argument("--learned-entities", type=int, default=3000,
                        help="entities of the learned-vs-naive back-test (0 skips it)")
    parser.add_argument("--learned-only", action="store_true", help="only the learned-vs-naive back-test")
    parser.add_argument("--sim-seeds", default="", help="comma-separated simulator seeds replacing each variant's own")
    parser.add_argument("--horizon", default="12m", help="back-test horizon (12m, 6m, 24m …)")
    parser.add_argument("--candidates", action="store_true",
                        help="also fit scikit-learn's gradient boosting with monotone constraints on the same split")
    args = parser.parse_args()
    seeds = [int(s) for s in args.sim_seeds.split(",") if s.strip()] or [None]
    if args.learned_only:
        for seed in seeds:
            learned_against_naive(args.learned_entities, seed=seed, horizon=args.horizon, candidates=args.candidates)
        return

    rows = []
    for rep in range(args.reps):
        world = World(args.entities, args.years, args.seed + rep)
        world.calibrate()
        uniform = world.simulate("uniform")
        stratified = world.simulate("stratified")
        ordered = world.simulate("ordered")
        proportional = world.simulate("proportional")
        sharp = world.simulate("proportional-sharp")
        rows.append((rep, world.base, uniform, stratified, ordered, proportional, sharp))
        if rep == 0:
            print(f"rep 0, last year's classes (pool × ratio): {stratified['last_year_classes']}")
        print(
            f"rep {rep}: base logit {world.base:+.2f} | uniform {uniform['per_100']:5.2f} per 100 "
            f"({uniform['hits']}/{uniform['inspections']}, prevalence {uniform['prevalence']:.2%}) | "
            f"stratified {stratified['per_100']:5.2f} per 100 ({stratified['hits']}/{stratified['inspections']}, "
            f"prevalence {stratified['prevalence']:.2%}, min probability {stratified['min_probability']:.2%}) | "
            f"lift {stratified['per_100'] / uniform['per_100']:.2f}x | score-ordered {ordered['per_100']:5.2f} per 100 "
            f"({ordered['hits']}/{ordered['inspections']}, floor {ordered['min_probability']:.2%}) | "
            f"risk-proportional {proportional['per_100']:5.2f} per 100 ({proportional['hits']}/"
            f"{proportional['inspections']}, min probability {proportional['min_probability']:.2%}; last year "
            f"{proportional['last_year_classes']}) | sharp {sharp['per_100']:5.2f} per 100 ({sharp['last_year_classes']})"
        )
    lifts = [r[3]["per_100"] / r[2]["per_100"] for r in rows]
    u_mean = statistics.mean(r[2]["per_100"] for r in rows)
    s_mean = statistics.mean(r[3]["per_100"] for r in rows)
    o_mean = statistics.mean(r[4]["per_100"] for r in rows)
    p_mean = statistics.mean(r[5]["per_100"] for r in rows)
    sharp_mean = statistics.mean(r[6]["per_100"] for r in rows)
    print(
        f"\n{args.entities:,} entities, {args.years} years after {BURN_IN_YEARS} burn-in, budget "
        f"{BUDGET_SHARE:.0%} a year, floor {float(FLOOR):.0%}, {args.reps} replications (seed {args.seed})"
    )
    print(f"uniform random:    {u_mean:5.2f} violations found per 100 inspections")
    print(f"class-stratified:  {s_mean:5.2f} violations found per 100 inspections")
    print(f"risk-proportional: {p_mean:5.2f} violations found per 100 inspections (verifiable weighted draw, "
          f"p ∝ points + 1, floor {float(FLOOR):.0%}, cap 1)")
    print(f"  … sharper weight: {sharp_mean:5.2f} violations found per 100 inspections (p ∝ 2^points, same floor and cap)")
    print(f"score-ordered:     {o_mean:5.2f} violations found per 100 inspections (reference, not a random draw: floor "
          f"{float(FLOOR):.0%}, then the highest risk points)")
    print(
        f"lift: mean {statistics.mean(lifts):.2f}x, min {min(lifts):.2f}x, max {max(lifts):.2f}x (goal ≥ 2x)"
    )
    if args.learned_entities:
        for seed in seeds:
            learned_against_naive(args.learned_entities, seed=seed, horizon=args.horizon, candidates=args.candidates)


def boosting_lift(history, facts, *, cutoff, horizon, labels) -> tuple[float, float]:
    """The candidate the learned score did not adopt, on the back-test's own split: scikit-learn's
    HistGradientBoostingClassifier with monotone constraints (+1 on every risk-raising count, so more violations never
    lower the risk), fitted on the same training snapshots and features as `risk_learned.fit`. Returns (top-10% lift
    on the later outcomes, average precision on the newest training snapshot when fitted on the older ones — the
    validation a choice between models inside the training period would read)."""
    import numpy as np
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.metrics import average_precision_score
    from threadpoolctl import threadpool_limits

    from ecoenforce.registry import backtest, risk_learned

    first = min(d for events in history.values() for d, _k in events)
    known = {e: [(d, k) for d, k in history[e] if d <= cutoff] for e in history}
    ids = sorted(known)
    blocks = []
    for as_of, until in backtest.training_periods(first, cutoff, horizon):
        blocks.append((np.array([risk_learned.features(facts[e], known[e], as_of) for e in ids]),
                       np.array([int(risk_learned.violated(known[e], as_of, until)) for e in ids])))
    constraints = [1 if risk_learned.monotone(n) else 0 for n in risk_learned.NAMES]

    def model():
        return HistGradientBoostingClassifier(learning_rate=0.05, max_iter=150, max_leaf_nodes=4, min_samples_leaf=100,
                                              l2_regularization=1.0, monotonic_cst=constraints, early_stopping=False,
                                              random_state=0)

    with threadpool_limits(1):  # OpenMP threads spin on a shared, loaded machine
        fitted = model().fit(np.vstack([x for x, _y in blocks]), np.concatenate([y for _x, y in blocks]))
        now = np.array([risk_learned.features(facts[e], known[e], cutoff) for e in ids])
        scores = list(fitted.predict_proba(now)[:, 1])
        validation = float("nan")
        if len(blocks) > 1:
            older = model().fit(np.vstack([x for x, _y in blocks[1:]]), np.concatenate([y for _x, y in blocks[1:]]))
            validation = average_precision_score(blocks[0][1], older.predict_proba(blocks[0][0])[:, 1])
    k = max(1, math.ceil(0.10 * len(ids)))
    return backtest.expected_hits(scores, labels, k) / k / (sum(labels) / len(labels)), validation


def logistic_validation(history, facts, *, cutoff, horizon) -> float:
    """The adopted model's average precision on the newest training snapshot when fitted on the older ones."""
    from sklearn.metrics import average_precision_score

    from ecoenforce.registry import backtest, risk_learned

    first = min(d for events in history.values() for d, _k in events)
    periods = backtest.training_periods(first, cutoff, horizon)
    if len(periods) < 2:
        return float("nan")
    as_of, until = periods[0]
    model = risk_learned.fit(history, facts, cutoff=as_of, periods=periods[1:], min_positives=1)
    known = {e: [(d, k) for d, k in history[e] if d <= until] for e in history}
    scores = risk_learned.score_all(model, known, facts, as_of)
    labels = [int(risk_learned.violated(known[e], as_of, until)) for e in sorted(known)]
    return average_precision_score(labels, [scores[e] for e in sorted(known)])


def learned_against_naive(entities: int, *, seed: int | None = None, horizon: str = "12m",
                          candidates: bool = False) -> None:
    """The learned score against the naive count: registry.backtest on the simulator's histories, one per variant."""
    import dataclasses
    import datetime as dt

    from ecoenforce.registry import backtest, risk_learned
    from ecoenforce.registry import risk_simulation as sim

    cutoff = dt.date(2024, 12, 31)
    span = backtest.parse_horizon(horizon)
    if backtest.add_horizon(cutoff, span) > dt.date(2025, 12, 31):  # the simulator's eight years end with 2025
        cutoff = backtest.add_horizon(dt.date(2025, 12, 31), span, -1)
    print(f"\nLearned score against the naive count (back-test, cut-off {cutoff}, horizon {horizon}, "
          f"{entities:,} simulated entities, budget 10 %, simulator seed {seed if seed else 'of each variant'}):")
    header = "variant | naive top-10% lift | learned | learned ÷ naive | per 100 inspections: naive, learned"
    print(header + (" | boosting (monotone) ÷ naive | validation AP: logistic, boosting" if candidates else ""))
    for index, variant in enumerate(sim.VARIANTS):
        params = dataclasses.replace(variant, entities=entities, **({"seed": seed} if seed else {}))
        history, facts = sim.simulate(params)
        days = [d for events in history.values() for d, _k in events]
        result = backtest.run(history, facts, first=min(days), last=max(days), cutoff=cutoff, horizon=span)
        arms = {a.arm: a for a in result.arms}
        naive, learned = arms["naive"], arms.get("learned")
        if learned is None:
            print(f"{index} | {naive.lift[0.10]:.2f} | (too few outcomes to fit: {result.learned_missing}) | — | "
                  f"{naive.per_100:.1f}, —")
            continue
        line = (f"{index} | {naive.lift[0.10]:.2f} | {learned.lift[0.10]:.2f} | "
                f"{learned.lift[0.10] / naive.lift[0.10]:.2f} | {naive.per_100:.1f}, {learned.per_100:.1f}")
        if candidates:
            labels = [risk_learned.violated(history[e], cutoff, result.end) for e in sorted(history)]
            lift, ap_boost = boosting_lift(history, facts, cutoff=cutoff, horizon=span, labels=labels)
            ap_logistic = logistic_validation(history, facts, cutoff=cutoff, horizon=span)
            line += f" | {lift / naive.lift[0.10]:.2f} | {ap_logistic:.3f}, {ap_boost:.3f}"
        print(line, flush=True)


if __name__ == "__main__":
    main()
