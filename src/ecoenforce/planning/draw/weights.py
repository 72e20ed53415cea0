"""Inclusion probabilities for a weighted (risk-proportional) round: from weights to exact millionths. Pure.

The platform runs this once, at commitment; the probabilities it gives are frozen into the published pool and the
draw (and every verifier) reads only them, never the weights. So this step need not be reproducible bit for bit
by a verifier: what a verifier checks is that every published probability lies between the floor and 1 and that
they add up to the budget (docs/draw-algorithm.md §11).

    p_i = min(1, max(floor, c × w_i)),  with c chosen so that Σ p_i = budget

then rounded to whole millionths, the rounding remainder given (or taken) one millionth at a time to the entities
with the largest weight first (equal weights: by id), never below the floor or above 1.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_CEILING, Decimal

from .records import PROBABILITY_SCALE, DrawError

_ITERATIONS = 200


def inclusion_probabilities(weights: Mapping[str, float], *, budget: int, floor: Decimal) -> dict[str, Decimal]:
    """Probabilities (exact decimals, ≤ 6 places) proportional to the weights, floored, capped at 1, summing to budget.

    A weight below 0 counts as 0. A weight of 0 still gets the floor; when the budget is larger than the floor and
    the positive weights can absorb, the zero-weight entities share the rest equally.
    """
    n = len(weights)
    scale = PROBABILITY_SCALE
    floor_units = int(floor * scale)
    if floor * scale != floor_units or floor_units <= 0 or floor_units > scale:
        raise DrawError("policy.floor_invalid", "The floor must be a decimal between 0 and 1 with at most 6 places.",
                        {"floor": str(floor)})
    target = budget * scale
    if n == 0 or budget < 1 or n * floor_units > target or target > n * scale:
        least = int((floor * n).to_integral_value(rounding=ROUND_CEILING))
        raise DrawError(
            "pool.budget_out_of_range",
            f"With {n} entities and a floor of {floor}, the budget must be between {max(least, 1)} and {n} targets; "
            f"it is {budget}.",
            {"entities": n, "budget": budget, "least": max(least, 1)},
        )
    ids = sorted(weights)
    w = [max(0.0, float(weights[i])) for i in ids]
    # A tiny common weight lets zero-weight entities rise above the floor when the others are all capped at 1.
    eps = max(max(w), 1.0) * 1e-9
    w = [x + eps for x in w]

    def total(c: float) -> float:
        return sum(min(scale, max(floor_units, c * x * scale)) for x in w)

    lo, hi = 0.0, 1.0
    while total(hi) < target:
        hi *= 2.0
    for _ in range(_ITERATIONS):
        mid = (lo + hi) / 2.0
        if total(mid) < target:
            lo = mid
        else:
            hi = mid
    units = [min(scale, max(floor_units, round(hi * x * scale))) for x in w]
    remainder = target - sum(units)
    order = sorted(range(n), key=lambda j: (-w[j], ids[j]))
    while remainder:
        step = 1 if remainder > 0 else -1
        moved = False
        for j in order:
            if not remainder:
                break
            if floor_units <= units[j] + step <= scale:
                units[j] += step
                remainder -= step
                moved = True
        if not moved:  # cannot happen: the budget lies between n × floor and n (checked above)
            raise DrawError("pool.budget_out_of_range", "The probabilities cannot reach the budget.", {})
    return {i: (Decimal(u) / scale).normalize() for i, u in zip(ids, units, strict=True)}
