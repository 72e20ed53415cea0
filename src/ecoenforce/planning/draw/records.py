"""Input and output records of the double-random draw: plain frozen dataclasses, no ORM."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

# Bump when anything that changes the selection for the same inputs changes; it is written
# into every round file so an old round is always re-run with the rules it was drawn under.
ALGORITHM_VERSION = "ecoenforce-draw/1"

RiskClass = Literal["general", "key", "special"]
# Alphabetical on purpose: a re-implementer sorts the class names and gets the same order.
RISK_CLASSES: tuple[str, ...] = ("general", "key", "special")

# The only entity tag the algorithm reads (正面清单 / positive list).
POSITIVE_LIST_TAG = "positive_list"

PositiveListMode = Literal["exclude", "tag"]
DrawMode = Literal["strata", "weighted"]

# Inclusion probabilities of a weighted (risk-proportional) draw are exact decimals with at most 6 places,
# i.e. whole numbers of millionths; the draw works on those integers (docs/draw-algorithm.md §11).
PROBABILITY_SCALE = 1_000_000


class DrawError(Exception):
    """A draw that cannot go ahead; `code` is stable (the UI translates by code), `message` says what to change."""

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None):
        self.code = code
        self.message = message
        self.details = details or {}
        super().__init__(f"{code}: {message}")


@dataclass(frozen=True, slots=True)
class EntityRecord:
    """One regulated entity as frozen into a round's pool."""

    id: str
    risk_class: str
    region_code: str
    tags: frozenset[str] = frozenset()
    # Certificate numbers of inspectors who inspected this entity within the policy's window.
    recent_inspectors: frozenset[str] = frozenset()
    # Inclusion probability in a weighted round (exact decimal, ≤ 6 places, floor ≤ p ≤ 1); None in class rounds.
    probability: Decimal | None = None

    @property
    def positive_list(self) -> bool:
        """Whether the entity is on the positive list (正面清单)."""
        return POSITIVE_LIST_TAG in self.tags


@dataclass(frozen=True, slots=True)
class InspectorRecord:
    """One enforcement officer as frozen into a round's pool; `id` is the enforcement certificate number."""

    id: str
    region_code: str
    unit: str = ""
    # Entity ids the officer has declared a kin, interest or own-entity tie to (处罚办法 art. 6).
    ties: frozenset[str] = frozenset()
    certified: bool = True


@dataclass(frozen=True)
class DrawPolicy:
    """The per-round rules: per-class ratios and inspector rules."""

    # Fraction of each class pool to draw this period, Decimal in [0, 1]; every class must be listed.
    ratios: dict[str, Decimal]
    # 行政处罚法 art. 42: at least two certified officers.
    inspectors_per_target: int = 2
    # Informational: the window used to fill EntityRecord.recent_inspectors (the data itself is in the pool).
    recent_window_days: int = 365
    # Exclude inspectors whose home region equals the entity's region (exact code match).
    cross_region: bool = False
    positive_list_mode: PositiveListMode = "tag"
    # Optional cap on the total number of targets (capacity); None means no cap.
    max_targets: int | None = None
    # "strata": per-class ratios (§4). "weighted": every entity's own inclusion probability, frozen in the pool (§11);
    # the ratios are then unused (empty), `floor` is the least probability any entity may have and `budget` the
    # number of targets (the probabilities must add up to it exactly).
    mode: DrawMode = "strata"
    floor: Decimal | None = None
    budget: int | None = None


@dataclass(frozen=True, slots=True)
class Assignment:
    """One inspector assigned to a target, with the two numbers that explain the choice."""

    inspector_id: str
    # Assignments the inspector already had when this target was staffed (lower wins).
    load_before: int
    # Cyclic distance from the target's offset in the round's inspector order (lower wins ties).
    distance: int


@dataclass(frozen=True, slots=True)
class DrawnTarget:
    """One selected entity, its rank and its inspectors."""

    entity_id: str
    risk_class: str
    rank_in_class: int
    rank_hash: str
    positive_list: bool
    offset: int
    inspectors: tuple[Assignment, ...]
    # (reason code, number of certified inspectors recused for that reason); an inspector may count twice.
    recusals: tuple[tuple[str, int], ...]
    # The entity's inclusion probability (canonical decimal text) in a weighted round; None in class rounds.
    probability: str | None = None


@dataclass(frozen=True, slots=True)
class ClassSummary:
    """How many entities a class contributed and why that many."""

    risk_class: str
    pool_size: int
    excluded_positive_list: int
    ratio: Decimal
    count: int
    rounding: str


@dataclass(frozen=True)
class DrawResult:
    """The complete, canonical outcome of one draw."""

    algorithm: str
    classes: tuple[ClassSummary, ...]
    targets: tuple[DrawnTarget, ...]
    inspectors_in_order: tuple[str, ...] = field(default=())
    uncertified: tuple[str, ...] = field(default=())
    # A weighted round's stage-1 summary (pool size, exclusions, total, start, count); None in class rounds.
    weighted: dict[str, Any] | None = None
