"""The discretion core (自由裁量): the fine a benchmark gives for the facts found, with an itemized explanation.

Pure: no Django. The rules are policy data (`cases.models.DiscretionPolicy`, versioned); this module reads them
(`Rules.from_values`), and `assess` turns a matter's statutory range and the facts the officer records into:

1. a no-penalty outcome when a no-penalty ground is recorded (行政处罚法 art. 33: 轻微不罚 is mandatory,
   首违不罚 optional — the officer records it only when the bureau chooses to apply it);
2. otherwise a base fine from the matter's benchmark, by its formula:
   - ``weighted`` (权重累加, 粤环发〔2021〕7号 art. 6): min(100 %, start weight + Σ level weights) × statutory max;
   - ``range`` (幅度罚款): the sum of level scores picks a band of the range, the landing point inside the band
     follows art. 12 (normal = the band's mean, heavier ≥ mean, lighter < mean);
   - ``matrix`` (the slot for MEE's two-dimensional method): the levels of two factors pick a cell of a matrix
     of positions in the range;
   or, for a matter without a benchmark, art. 12's default landing points;
3. aggravating (从重) and mitigating (从轻) situations move the fine by their share of the range; a 减轻 ground
   (行政处罚法 art. 32) is the only way below the statutory minimum;
4. the public-apology reduction (art. 14: 30–50 %, never below the statutory minimum, not with an exclusion);
5. rounding, then the range once more: whatever the policy says, the fine never leaves [minimum, maximum]
   (or [0, maximum] under a recorded 减轻 ground).

Every step adds a `Line` to the explanation; the service renders it in the person's language and prints it on
the decision. Amounts are Decimals in yuan.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

FORMULAS = ("weighted", "range", "matrix")
SITUATION_KINDS = ("aggravating", "lighter", "reduced")
TENDENCIES = ("normal", "heavier", "lighter")
ZERO, ONE, HUNDRED = Decimal(0), Decimal(1), Decimal(100)


class PenaltyRuleError(ValueError):
    """Policy values or facts the core cannot use; `code` says which kind, `subject` names the item."""

    def __init__(self, code: str, subject: str = "") -> None:
        super().__init__(f"{code}: {subject}" if subject else code)
        self.code, self.subject = code, subject


def _dec(raw: Any, subject: str) -> Decimal:
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError, TypeError):
        raise PenaltyRuleError("not_a_number", subject) from None
    if not value.is_finite():
        raise PenaltyRuleError("not_a_number", subject)
    return value


def _share(raw: Any, subject: str, *, low: Decimal = ZERO, high: Decimal = ONE) -> Decimal:
    value = _dec(raw, subject)
    if not low <= value <= high:
        raise PenaltyRuleError("share_out_of_range", subject)
    return value


# --- the rules (policy data) ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Level:
    """One grade of a factor: its weight (weighted mode: a share of the maximum) or score (range/matrix mode)."""

    code: str
    label: str
    weight: Decimal


@dataclass(frozen=True)
class Factor:
    """A discretion factor (裁量因素) with its grades, lightest first; an undetermined factor counts its lowest."""

    code: str
    label: str
    levels: tuple[Level, ...]

    def level(self, code: str) -> Level:
        for level in self.levels:
            if level.code == code:
                return level
        raise PenaltyRuleError("unknown_level", f"{self.code}={code}")


@dataclass(frozen=True)
class Band:
    """Range mode: a total score up to `upto` (inclusive) selects [low, high] as shares of the statutory range."""

    upto: Decimal
    low: Decimal
    high: Decimal


@dataclass(frozen=True)
class Benchmark:
    """The benchmark table of one violation type (裁量基准): the matters it serves, its formula and factors."""

    code: str
    title: str
    matters: tuple[str, ...]
    formula: str
    factors: tuple[Factor, ...]
    start_weight: Decimal = ZERO
    bands: tuple[Band, ...] = ()
    matrix_factors: tuple[str, ...] = ()
    matrix: tuple[tuple[Decimal, ...], ...] = ()
    source: str = ""
    confirmed: bool = False

    def factor(self, code: str) -> Factor:
        for factor in self.factors:
            if factor.code == code:
                return factor
        raise PenaltyRuleError("unknown_factor", code)


@dataclass(frozen=True)
class Situation:
    """An aggravating (从重) or mitigating (从轻 / 减轻) situation and the share of the range it moves the fine."""

    code: str
    label: str
    kind: str
    share: Decimal
    excludes_apology: bool = False
    source: str = ""


@dataclass(frozen=True)
class NoPenaltyGround:
    """A ground for no penalty (不予处罚): mandatory (轻微不罚, no fault) or optional (首违不罚)."""

    code: str
    label: str
    mandatory: bool
    source: str = ""


@dataclass(frozen=True)
class Exclusion:
    """A case the public-apology reduction does not apply to."""

    code: str
    label: str


@dataclass(frozen=True)
class Apology:
    """The public-apology reduction (公开道歉承诺从轻): a share between `low` and `high`, floored at the minimum."""

    low: Decimal
    high: Decimal
    exclusions: tuple[Exclusion, ...]
    source: str = ""


@dataclass(frozen=True)
class Landing:
    """Default landing points (粤环发〔2021〕7号 art. 12) as positions in the range, and fallbacks by one bound."""

    normal: Decimal = Decimal("0.5")
    heavier: Decimal = Decimal("0.75")  # art. 12: heavier is not below the mean; where exactly is policy
    lighter: Decimal = Decimal("0.25")  # art. 12: lighter is below the mean; where exactly is policy
    max_only_normal: Decimal = Decimal("0.5")
    max_only_lighter: Decimal = Decimal("0.2")
    max_only_heavier: Decimal = Decimal("0.8")
    min_only_normal: Decimal = Decimal("2")
    min_only_heavier: Decimal = Decimal("5")
    min_only_lighter: Decimal = Decimal("1")


@dataclass(frozen=True)
class Rules:
    """All discretion policy: benchmarks, situations, no-penalty grounds, the apology rule, landing, rounding."""

    benchmarks: tuple[Benchmark, ...] = ()
    situations: tuple[Situation, ...] = ()
    no_penalty: tuple[NoPenaltyGround, ...] = ()
    apology: Apology = Apology(Decimal("0.3"), Decimal("0.5"), ())
    landing: Landing = Landing()
    reduced_share: Decimal = Decimal("0.5")  # 减轻: the fine as a share of the statutory minimum
    round_to: Decimal = Decimal("100")
    source: str = ""

    def benchmark_for(self, matter_code: str) -> Benchmark | None:
        """The benchmark serving a matter, or None (then art. 12's default landing points apply)."""
        for benchmark in self.benchmarks:
            if matter_code in benchmark.matters:
                return benchmark
        return None

    def situation(self, code: str) -> Situation:
        for situation in self.situations:
            if situation.code == code:
                return situation
        raise PenaltyRuleError("unknown_situation", code)

    def ground(self, code: str) -> NoPenaltyGround:
        for ground in self.no_penalty:
            if ground.code == code:
                return ground
        raise PenaltyRuleError("unknown_ground", code)

    def exclusion(self, code: str) -> Exclusion:
        for exclusion in self.apology.exclusions:
            if exclusion.code == code:
                return exclusion
        raise PenaltyRuleError("unknown_exclusion", code)

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> Rules:
        """Read stored policy values; anything the core cannot use raises PenaltyRuleError naming it."""
        if not isinstance(values, Mapping):
            raise PenaltyRuleError("not_a_mapping")
        try:
            return _rules_from(values)
        except PenaltyRuleError:
            raise
        except (KeyError, TypeError, AttributeError) as exc:
            raise PenaltyRuleError("malformed", str(exc)) from None

    def as_values(self) -> dict[str, Any]:
        """JSON-ready values (Decimals as strings)."""
        def plain(v: Any) -> Any:
            if isinstance(v, dict):
                return {k: plain(x) for k, x in v.items()}
            if isinstance(v, (list, tuple)):
                return [plain(x) for x in v]
            return str(v) if isinstance(v, Decimal) else v
        return plain(asdict(self))


def _codes_unique(items: Sequence[Any], subject: str) -> None:
    codes = [i.code for i in items]
    if len(codes) != len(set(codes)) or any(not c for c in codes):
        raise PenaltyRuleError("duplicate_code", subject)


def _benchmark_from(raw: Mapping[str, Any]) -> Benchmark:
    code = str(raw["code"])
    factors = tuple(
        Factor(str(f["code"]), str(f["label"]), tuple(
            Level(str(lv["code"]), str(lv["label"]), _dec(lv["weight"], f"{code}.{f['code']}.{lv['code']}"))
            for lv in f["levels"]))
        for f in raw.get("factors", ()))
    for factor in factors:
        if not factor.levels:
            raise PenaltyRuleError("factor_without_levels", f"{code}.{factor.code}")
        _codes_unique(factor.levels, f"{code}.{factor.code}")
    _codes_unique(factors, code)
    formula = str(raw.get("formula", "weighted"))
    if formula not in FORMULAS:
        raise PenaltyRuleError("unknown_formula", f"{code}: {formula}")
    bench = Benchmark(
        code=code, title=str(raw["title"]), matters=tuple(str(m) for m in raw.get("matters", ())), formula=formula,
        factors=factors, start_weight=_share(raw.get("start_weight", 0), f"{code}.start_weight"),
        bands=tuple(Band(_dec(b["upto"], f"{code}.bands"), _share(b["low"], f"{code}.bands"),
                         _share(b["high"], f"{code}.bands")) for b in raw.get("bands", ())),
        matrix_factors=tuple(str(c) for c in raw.get("matrix_factors", ())),
        matrix=tuple(tuple(_share(x, f"{code}.matrix") for x in row) for row in raw.get("matrix", ())),
        source=str(raw.get("source", "")), confirmed=bool(raw.get("confirmed", False)),
    )
    if formula == "weighted" and any(lv.weight < 0 for f in factors for lv in f.levels):
        raise PenaltyRuleError("share_out_of_range", f"{code}: negative weight")
    if formula == "range":
        if not bench.bands or any(b.low > b.high for b in bench.bands):
            raise PenaltyRuleError("bands", code)
        if list(bench.bands) != sorted(bench.bands, key=lambda b: b.upto):
            raise PenaltyRuleError("bands", code)
    if formula == "matrix":
        if len(bench.matrix_factors) != 2:
            raise PenaltyRuleError("matrix", code)
        rows, cols = (len(bench.factor(c).levels) for c in bench.matrix_factors)
        if len(bench.matrix) != rows or any(len(row) != cols for row in bench.matrix):
            raise PenaltyRuleError("matrix", code)
    return bench


def _rules_from(values: Mapping[str, Any]) -> Rules:
    base = Rules()
    benchmarks = tuple(_benchmark_from(b) for b in values.get("benchmarks", ()))
    _codes_unique(benchmarks, "benchmarks")
    served = [m for b in benchmarks for m in b.matters]
    if len(served) != len(set(served)):
        raise PenaltyRuleError("matter_in_two_benchmarks")
    situations = tuple(
        Situation(str(s["code"]), str(s["label"]), str(s["kind"]), _share(s.get("share", 0), f"situation {s['code']}"),
                  bool(s.get("excludes_apology", False)), str(s.get("source", "")))
        for s in values.get("situations", ()))
    _codes_unique(situations, "situations")
    if any(s.kind not in SITUATION_KINDS for s in situations):
        raise PenaltyRuleError("situation_kind")
    grounds = tuple(NoPenaltyGround(str(g["code"]), str(g["label"]), bool(g["mandatory"]), str(g.get("source", "")))
                    for g in values.get("no_penalty", ()))
    _codes_unique(grounds, "no_penalty")
    raw_apology = values.get("apology")
    apology = base.apology if raw_apology is None else Apology(
        _share(raw_apology["low"], "apology.low"), _share(raw_apology["high"], "apology.high"),
        tuple(Exclusion(str(e["code"]), str(e["label"])) for e in raw_apology.get("exclusions", ())),
        str(raw_apology.get("source", "")))
    if apology.low > apology.high:
        raise PenaltyRuleError("share_out_of_range", "apology")
    _codes_unique(apology.exclusions, "apology.exclusions")
    raw_landing = values.get("landing") or {}
    landing = Landing(**{k: _dec(raw_landing.get(k, getattr(base.landing, k)), f"landing.{k}")
                         for k in Landing.__dataclass_fields__})
    for key in ("normal", "heavier", "lighter", "max_only_normal", "max_only_lighter", "max_only_heavier"):
        _share(getattr(landing, key), f"landing.{key}")
    if not ONE <= landing.min_only_lighter <= landing.min_only_normal <= landing.min_only_heavier:
        raise PenaltyRuleError("share_out_of_range", "landing.min_only")
    round_to = _dec(values.get("round_to", base.round_to), "round_to")
    if round_to <= 0:
        raise PenaltyRuleError("share_out_of_range", "round_to")
    return Rules(benchmarks=benchmarks, situations=situations, no_penalty=grounds, apology=apology, landing=landing,
                 reduced_share=_share(values.get("reduced_share", base.reduced_share), "reduced_share"),
                 round_to=round_to, source=str(values.get("source", "")))


# --- the facts and the result ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatutoryRange:
    """The cited matter's statutory fine range; either bound may be missing (a fine rule, or no minimum)."""

    low: Decimal | None
    high: Decimal | None


@dataclass(frozen=True)
class Facts:
    """What the officer records: factor levels, situations, a no-penalty ground, the public apology."""

    levels: Mapping[str, str] = field(default_factory=dict)
    situations: frozenset[str] = frozenset()
    no_penalty: str = ""
    apology: bool = False
    apology_share: Decimal | None = None
    exclusions: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Line:
    """One item of the explanation: what it is (`kind`), what it names, and its figures (strings)."""

    kind: str
    label: str = ""
    figures: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Assessment:
    """The computed outcome: penalty or none, the fine, the range it was kept in, and why."""

    outcome: str  # "penalty" or "no_penalty"
    fine: Decimal
    floor: Decimal
    ceiling: Decimal | None
    reduced: bool
    benchmark: str
    version: int | None
    lines: tuple[Line, ...]

    def as_record(self) -> dict[str, Any]:
        """JSON-ready, for the case file."""
        return {"outcome": self.outcome, "fine": str(self.fine), "floor": str(self.floor),
                "ceiling": None if self.ceiling is None else str(self.ceiling), "reduced": self.reduced,
                "benchmark": self.benchmark, "version": self.version,
                "lines": [{"kind": ln.kind, "label": ln.label, "figures": dict(ln.figures)} for ln in self.lines]}


def _yuan(amount: Decimal) -> str:
    return str(amount.quantize(Decimal("0.01")))


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


def _pct(share: Decimal) -> str:
    return _plain((share * HUNDRED).quantize(Decimal("0.1")))


def _position(low: Decimal, high: Decimal, share: Decimal) -> Decimal:
    return low + (high - low) * share


def _tendency(chosen: Sequence[Situation]) -> str:
    heavier = any(s.kind == "aggravating" for s in chosen)
    lighter = any(s.kind in ("lighter", "reduced") for s in chosen)
    return "normal" if heavier == lighter else ("heavier" if heavier else "lighter")


def _default_landing(rules: Rules, statutory: StatutoryRange, tendency: str) -> tuple[Decimal, Line]:
    landing, low, high = rules.landing, statutory.low, statutory.high
    if high is not None and low is not None and low > 0:
        share = {"normal": landing.normal, "heavier": landing.heavier, "lighter": landing.lighter}[tendency]
        base = _position(low, high, share)
    elif high is not None:
        share = {"normal": landing.max_only_normal, "heavier": landing.max_only_heavier,
                 "lighter": landing.max_only_lighter}[tendency]
        base = high * share
    else:
        times = {"normal": landing.min_only_normal, "heavier": landing.min_only_heavier,
                 "lighter": landing.min_only_lighter}[tendency]
        share = times
        base = (low or ZERO) * times
    return base, Line("landing", tendency, (("share", _pct(share)), ("amount", _yuan(base))))


def _benchmark_base(bench: Benchmark, facts: Facts, low: Decimal,
                    high: Decimal) -> tuple[Decimal, list[Line], tuple[Decimal, Decimal] | None]:
    """The base fine by the benchmark's formula, its lines, and (range mode) the band selected."""
    lines: list[Line] = [Line("benchmark", bench.title, (("formula", bench.formula),))]
    unknown = set(facts.levels) - {f.code for f in bench.factors}
    if unknown:
        raise PenaltyRuleError("unknown_factor", ", ".join(sorted(unknown)))
    chosen: dict[str, Level] = {}
    for factor in bench.factors:
        code = facts.levels.get(factor.code, "")
        level = factor.level(code) if code else factor.levels[0]
        chosen[factor.code] = level
        lines.append(Line("factor" if code else "factor_undetermined", factor.label,
                          (("level", level.label), ("weight", _pct(level.weight) if bench.formula == "weighted"
                                                    else _plain(level.weight)))))
    if bench.formula == "weighted":
        total = min(ONE, bench.start_weight + sum((lv.weight for lv in chosen.values()), ZERO))
        base = total * high
        lines.insert(1, Line("start_weight", "", (("weight", _pct(bench.start_weight)),)))
        lines.append(Line("weighted_total", "", (("weight", _pct(total)), ("max", _yuan(high)), ("amount", _yuan(base)))))
        return base, lines, None
    if bench.formula == "range":
        score = sum((lv.weight for lv in chosen.values()), ZERO)
        band = next((b for b in bench.bands if score <= b.upto), bench.bands[-1])
        band_low, band_high = _position(low, high, band.low), _position(low, high, band.high)
        lines.append(Line("band", "", (("score", _plain(score)), ("low", _yuan(band_low)),
                                       ("high", _yuan(band_high)))))
        return band_low, lines, (band_low, band_high)
    row_factor, col_factor = (bench.factor(c) for c in bench.matrix_factors)
    row = row_factor.levels.index(chosen[row_factor.code])
    col = col_factor.levels.index(chosen[col_factor.code])
    share = bench.matrix[row][col]
    base = _position(low, high, share)
    lines.append(Line("matrix", "", (("share", _pct(share)), ("amount", _yuan(base)))))
    return base, lines, None


def assess(rules: Rules, *, matter_code: str, statutory: StatutoryRange, facts: Facts,
           version: int | None = None) -> Assessment:
    """The fine for these facts under these rules, kept inside the statutory range, with its explanation."""
    chosen = [rules.situation(code) for code in sorted(facts.situations)]
    exclusions = [rules.exclusion(code) for code in sorted(facts.exclusions)]
    bench = rules.benchmark_for(matter_code)
    bench_code = bench.code if bench else ""
    if facts.no_penalty:
        ground = rules.ground(facts.no_penalty)
        line = Line("no_penalty_mandatory" if ground.mandatory else "no_penalty_optional", ground.label)
        return Assessment("no_penalty", ZERO, ZERO, statutory.high, False, bench_code, version, (line,))
    if statutory.low is None and statutory.high is None:
        raise PenaltyRuleError("no_range", matter_code)
    low = statutory.low if statutory.low is not None else ZERO
    high = statutory.high
    if high is not None and low > high:
        raise PenaltyRuleError("no_range", matter_code)
    lines: list[Line] = [Line("range", "", (("low", _yuan(low)), ("high", "" if high is None else _yuan(high))))]
    reduced = any(s.kind == "reduced" for s in chosen)
    tendency = _tendency(chosen)
    band: tuple[Decimal, Decimal] | None = None
    if bench is not None and high is not None:
        base, bench_lines, band = _benchmark_base(bench, facts, low, high)
        lines.extend(bench_lines)
        if band is not None:  # range mode: art. 12's landing point inside the band
            share = {"normal": rules.landing.normal, "heavier": rules.landing.heavier,
                     "lighter": rules.landing.lighter}[tendency]
            base = _position(band[0], band[1], share)
            lines.append(Line("landing", tendency, (("share", _pct(share)), ("amount", _yuan(base)))))
        for situation in chosen:
            if situation.kind == "reduced":
                continue
            span = high - low
            move = span * situation.share * (ONE if situation.kind == "aggravating" else -ONE)
            if band is None:  # weighted / matrix: the situation moves the fine by its share of the range
                base += move
            lines.append(Line(situation.kind, situation.label,
                              (("share", _pct(situation.share)),) + ((("amount", _yuan(move)),) if band is None else ())))
    else:
        if bench is None:
            lines.append(Line("no_benchmark"))
        base, landing_line = _default_landing(rules, statutory, tendency)
        lines.extend(Line(s.kind, s.label) for s in chosen if s.kind != "reduced")
        lines.append(landing_line)
    ceiling = high
    floor = low
    if reduced:
        floor = ZERO  # 减轻: the fine is the policy's share of the minimum, whatever else moved it
        base = low * rules.reduced_share
        for situation in chosen:
            if situation.kind == "reduced":
                lines.append(Line("reduced", situation.label, (("share", _pct(rules.reduced_share)),
                                                               ("amount", _yuan(base)))))
    fine = _clamp(base, floor, ceiling)
    if fine != base:
        lines.append(Line("clamped", "", (("amount", _yuan(fine)),)))
    if facts.apology:
        blocking = [e.label for e in exclusions] + [s.label for s in chosen if s.excludes_apology]
        if blocking:
            lines.append(Line("apology_excluded", "；".join(blocking)))
        else:
            share = facts.apology_share if facts.apology_share is not None else rules.apology.low
            if not rules.apology.low <= share <= rules.apology.high:
                raise PenaltyRuleError("apology_share", _pct(share))
            # Never below the statutory minimum; a fine already below it (减轻) is not lowered further.
            lowered = fine if reduced else max(fine * (ONE - share), low)
            lines.append(Line("apology", "", (("share", _pct(share)), ("amount", _yuan(lowered)))))
            fine = lowered
    rounded = (fine / rules.round_to).quantize(ONE, rounding=ROUND_HALF_UP) * rules.round_to
    final = _clamp(rounded, floor, ceiling)
    if final < ZERO:
        final = ZERO
    final = final.quantize(Decimal("0.01"))
    lines.append(Line("result", "", (("amount", _yuan(final)), ("round_to", _yuan(rules.round_to)))))
    return Assessment("penalty", final, floor, ceiling, reduced, bench_code, version, tuple(lines))


def _clamp(amount: Decimal, floor: Decimal, ceiling: Decimal | None) -> Decimal:
    amount = max(amount, floor)
    return amount if ceiling is None else min(amount, ceiling)


def within_range(fine: Decimal, statutory: StatutoryRange, *, reduced: bool) -> str:
    """'' if a (typed) fine is lawful for the range, else 'above' or 'below' (below is lawful only when reduced)."""
    if statutory.high is not None and fine > statutory.high:
        return "above"
    if fine < 0 or (not reduced and statutory.low is not None and fine < statutory.low):
        return "below"
    return ""
