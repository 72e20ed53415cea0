"""Rule thresholds as policy data: one frozen value object, loaded from the RulePolicy table or defaults."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace

# Factor codes the rules treat specially (HJ 212-2017 Appendix B).
FLOW_CODES = ("a00000", "w00000")  # flue-gas flow, wastewater flow
O2_CODE = "a19001"
# Auxiliary parameters: not pollutants, so no exceedance/flat-line/zero checks of their own.
AUX_CODES = (
    "a00000",
    "w00000",
    "a19001",
    "a01011",
    "a01012",
    "a01013",
    "a01014",
    "a01017",
    "w01010",
    "w01001",
)
PRODUCTION_METER = "production"
TREATMENT_METER = "treatment"


@dataclass(frozen=True)
class RulePolicyValues:
    """Every threshold a rule uses; the warnings app stores versions of these as RulePolicy rows."""

    merge_gap_hours: int = 1  # hits closer than this merge into one event
    exceed_ratio: float = 1.0  # value > limit × ratio is an exceedance
    flat_hours: int = 6  # identical valid values this many hours running = stuck/flat-lined
    zero_hours: int = 3  # valid zero/negative values this many hours running
    drop_ratio: float = 0.7  # falls by ≥ 70 % versus the previous hours…
    drop_window: int = 6  # …comparing the mean of this many hours before and after
    drop_min_level: float = 1.0  # …only when the level before was meaningful
    drop_max_cv_before: float = 0.3  # …and steady (not the end of a spike)
    drop_baseline_hours: int = 168  # …and far below the mean of the past week (not a return to normal)
    drop_flow_ratio: float = 0.3  # …while flow stays above 30 % (a shutdown drops it; production swings do not)
    outage_hours: int = 3  # no hourly data this many hours = transmission outage
    flag_codes: tuple[str, ...] = ("M", "C", "S", "D", "F")
    flag_exceed_ratio: float = 1.0  # a flagged hour whose raw value would exceed limit × ratio
    flow_zero_max: float = 0.0  # flow at or below this counts as zero
    flow_zero_hours: int = 2
    flow_zero_min_cv: float = 0.02  # concentration still moving (std dev / mean) while flow says zero
    cou_tolerance: float = 0.2  # |Cou − C×Q| / C×Q above this = inconsistent load
    cou_min_expected: float = 1e-6
    zs_tolerance: float = 0.1  # |Zs − C×(21−O2ref)/(21−O2)| / expected above this
    # Two unrelated factors this correlated over a rolling window = one channel. Hourly means average away each
    # analyser's own noise, so factors that both follow load correlate at 0.999 legitimately: hours need more.
    identical_min_corr: float = 0.9995
    identical_window_hours: int = 12  # the rolling window (ends at every hour, so midnight does not matter)…
    identical_min_hours: int = 12  # …and the paired readings it must hold
    identical_min_cv: float = 0.05  # both factors must actually move (coefficient of variation)
    prod_on_kw: float = 10.0  # production line counts as running above this power
    treat_off_kw: float = 1.0  # treatment equipment counts as off below this power
    treat_off_hours: int = 2
    idle_ratio: float = 0.3  # treatment power below 30 % of its usual share of production = idling
    idle_hours: int = 4
    # Minute data (2051), where a device sends it, judges the falsification signatures in minutes:
    flat_minutes: int = 30  # the same valid non-zero value this many minutes running
    zero_minutes: int = 30  # valid zero/negative values this many minutes running
    flow_zero_minutes: int = 30  # flow zero this many minutes while a concentration moves
    identical_window_minutes: int = 30  # rolling window of identical trends, in minutes…
    identical_min_minutes: int = 25  # …and the paired minute readings it must hold
    identical_min_corr_minutes: float = 0.999  # minutes keep each analyser's noise: 0.999 already says one channel
    window_end_hour: int | None = None  # epoch hour the run ends at (trailing outages); set by the runner
    judge_from_hour: int | None = None  # an incremental run wants no hit before this epoch hour; set by the runner
    severities: dict = field(default_factory=dict)

    def for_minutes(self) -> RulePolicyValues:
        """The same policy for rules run over minute steps: their run lengths and windows counted in minutes."""
        return replace(self, flat_hours=self.flat_minutes, zero_hours=self.zero_minutes,
                       flow_zero_hours=self.flow_zero_minutes, identical_window_hours=self.identical_window_minutes,
                       identical_min_hours=self.identical_min_minutes,
                       identical_min_corr=self.identical_min_corr_minutes, window_end_hour=None,
                       judge_from_hour=None)  # fmt: skip

    def as_dict(self) -> dict:
        """Plain dict (JSON-storable)."""
        data = asdict(self)
        data["flag_codes"] = list(self.flag_codes)
        return data

    @classmethod
    def from_dict(cls, data: dict | None) -> RulePolicyValues:
        """Build from stored data, ignoring unknown keys so old policy versions still load."""
        data = dict(data or {})
        names = {f.name for f in fields(cls)}
        clean = {k: v for k, v in data.items() if k in names}
        if "flag_codes" in clean:
            clean["flag_codes"] = tuple(clean["flag_codes"])
        return cls(**clean)
