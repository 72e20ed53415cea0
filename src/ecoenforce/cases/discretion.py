"""Discretion policy in force, its checks and versions, and the explanation of a computed fine in words."""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from ecoenforce.cases.models import DiscretionPolicy
from ecoenforce.cases.penalty import Facts, Line, PenaltyRuleError, Rules, StatutoryRange, assess
from ecoenforce.core.audit import audit_record
from ecoenforce.core.errors import ValidationFailed
from ecoenforce.core.models import User
from ecoenforce.registry.models import EnforcementMatter

# The seeded version 1 (粤环发〔2021〕7号); the weights are placeholders marked as such in its source.
SEED = Path(__file__).resolve().parent / "seed" / "discretion_guangdong.json"


def discretion_seed_values() -> dict:
    """The seeded rules, as stored values."""
    return json.loads(SEED.read_text(encoding="utf-8"))


def discretion_policy_current() -> tuple[Rules, int | None]:
    """The discretion rules in force and their version (empty rules, version None, when none is stored)."""
    latest = DiscretionPolicy.newest()
    if latest is None:
        return Rules(), None
    return Rules.from_values(latest.values or {}), latest.version


def rule_error_message(exc: PenaltyRuleError) -> str:
    """A person's words for what is wrong with policy values or recorded facts."""
    messages = {
        "not_a_mapping": _("The values must be an object with the keys shown."),
        "not_a_number": _("%(item)s must be a number."),
        "share_out_of_range": _("%(item)s is out of range: shares are between 0 and 1."),
        "duplicate_code": _("Codes must be unique and not blank in %(item)s."),
        "unknown_formula": _("Unknown formula in %(item)s: use weighted, range or matrix."),
        "factor_without_levels": _("The factor %(item)s has no levels."),
        "bands": _("The bands of %(item)s must be in increasing order of score, each with low ≤ high."),
        "matrix": _("The matrix of %(item)s needs two factors and one row per level of the first, one column per "
                    "level of the second."),
        "matter_in_two_benchmarks": _("A matter may be served by one benchmark only."),
        "situation_kind": _("A situation's kind is aggravating, lighter or reduced."),
        "malformed": _("A required key is missing or has the wrong type: %(item)s."),
        "unknown_level": _("Choose a level the benchmark lists (%(item)s)."),
        "unknown_factor": _("The benchmark has no factor %(item)s."),
        "unknown_situation": _("Choose situations from the list (%(item)s is not one)."),
        "unknown_ground": _("Choose a no-penalty ground from the list (%(item)s is not one)."),
        "unknown_exclusion": _("Choose exclusions from the list (%(item)s is not one)."),
        "apology_share": _("The apology reduction of %(item)s%% is outside the range the policy allows."),
        "no_range": _("The matter %(item)s has no statutory fine range to keep the fine in."),
    }
    return messages.get(exc.code, _("The discretion rules cannot be applied: %(item)s.")) % {
        "item": exc.subject or exc.code}


def discretion_policy_check(values: object) -> None:
    """Refuse values the penalty core cannot read, saying what is wrong."""
    try:
        if not isinstance(values, dict):
            raise PenaltyRuleError("not_a_mapping")
        Rules.from_values(values)
    except PenaltyRuleError as exc:
        raise ValidationFailed(rule_error_message(exc), details={"values": [_("Check the values.")]}) from None


@transaction.atomic
def discretion_policy_add(*, actor: User | None, values: object, source: str = "") -> DiscretionPolicy:
    """Store the next discretion-policy version (the newest is in force); unreadable values are refused."""
    discretion_policy_check(values)
    policy = DiscretionPolicy.add_version(values=values, source=source)
    audit_record(actor=actor, obj=policy, action="discretion_policy.add", after=values, reason=source)
    return policy


def _line_text(line: dict[str, Any]) -> str:
    kind, label, f = line["kind"], line.get("label", ""), line.get("figures", {})
    texts = {
        "range": lambda: (_("Statutory range: %(low)s to %(high)s yuan.") if f.get("high")
                          else _("Statutory minimum: %(low)s yuan.")) % f,
        "no_benchmark": lambda: _("No benchmark table for this matter: the default landing point applies."),
        "benchmark": lambda: _("Benchmark: %(title)s (%(formula)s).") % {
            "title": label, "formula": {"weighted": _("weighted accumulation"), "range": _("range mode"),
                                        "matrix": _("two-dimensional matrix")}.get(f.get("formula"), f.get("formula"))},
        "start_weight": lambda: _("Starting weight: %(weight)s%%.") % f,
        "factor": lambda: _("%(factor)s: %(level)s (%(weight)s).") % {"factor": label, **f},
        "factor_undetermined": lambda: _("%(factor)s: not determined, counted at the lowest level “%(level)s” "
                                         "(%(weight)s).") % {"factor": label, **f},
        "weighted_total": lambda: _("Total weight %(weight)s%% × maximum %(max)s yuan = %(amount)s yuan.") % f,
        "band": lambda: _("Total score %(score)s selects the band %(low)s to %(high)s yuan.") % f,
        "matrix": lambda: _("The two factors select %(share)s%% of the range: %(amount)s yuan.") % f,
        "landing": lambda: _("Landing point (%(tendency)s): %(share)s%% → %(amount)s yuan.") % {
            "tendency": {"normal": _("normal"), "heavier": _("heavier"), "lighter": _("lighter")}.get(label, label),
            **f},
        "aggravating": lambda: (_("Aggravating: %(label)s (+%(share)s%% of the range).") if f.get("share")
                                else _("Aggravating: %(label)s.")) % {"label": label, **f},
        "lighter": lambda: (_("Mitigating: %(label)s (−%(share)s%% of the range).") if f.get("share")
                            else _("Mitigating: %(label)s.")) % {"label": label, **f},
        "reduced": lambda: _("Reduced below the statutory minimum: %(label)s (%(share)s%% of the minimum, "
                             "%(amount)s yuan).") % {"label": label, **f},
        "clamped": lambda: _("Kept inside the statutory range: %(amount)s yuan.") % f,
        "apology": lambda: _("Public apology and compliance pledge: reduced by %(share)s%%, not below the minimum: "
                             "%(amount)s yuan.") % f,
        "apology_excluded": lambda: _("Public apology not applied: %(label)s.") % {"label": label},
        "no_penalty_mandatory": lambda: _("No penalty (mandatory): %(label)s.") % {"label": label},
        "no_penalty_optional": lambda: _("No penalty (first violation, at the bureau's discretion): %(label)s.") % {
            "label": label},
        "result": lambda: _("Computed fine: %(amount)s yuan (rounded to %(round_to)s yuan).") % f,
        "fine_rule": lambda: _("The fine follows the matter's rule “%(rule)s”: it is set by the officer (minimum "
                               "%(low)s yuan).") % {"rule": label, **f},
    }
    make = texts.get(kind)
    return make() if make else kind


def explanation_lines(record: dict | None, *, language: str | None = None) -> list[str]:
    """A stored assessment (`Assessment.as_record()`) as sentences, in the person's language or the one given."""
    if not record:
        return []
    if language is None:
        return [_line_text(line) for line in record.get("lines", [])]
    with translation.override(language):
        return [_line_text(line) for line in record.get("lines", [])]


def _texts(raw: object) -> list[str]:
    if raw in (None, ""):
        return []
    if isinstance(raw, str):
        return [raw]
    if isinstance(raw, (list, tuple, set, frozenset)):
        return [str(x) for x in raw if str(x).strip()]
    raise ValidationFailed(_("The discretion facts are malformed: lists of codes are expected."),
                           details={"discretion": [_("Check the values.")]})


def facts_parse(raw: Mapping[str, Any] | None) -> Facts:
    """The discretion facts a page or API client sends: {levels: {factor: level}, situations: [...], no_penalty,
    apology, apology_percent (30–50), exclusions: [...]}; codes are checked against the rules by the core."""
    raw = raw or {}
    if not isinstance(raw, Mapping) or not isinstance(raw.get("levels") or {}, Mapping):
        raise ValidationFailed(_("The discretion facts are malformed: lists of codes are expected."),
                               details={"discretion": [_("Check the values.")]})
    share = None
    percent = str(raw.get("apology_percent") or "").strip()
    if percent:
        try:
            share = Decimal(percent) / 100
        except InvalidOperation:
            raise ValidationFailed(_("Enter the apology reduction as a percentage, e.g. 30."),
                                   details={"apology_percent": [_("Not a number.")]}) from None
    return Facts(levels={str(k): str(v) for k, v in (raw.get("levels") or {}).items() if str(v or "").strip()},
                 situations=frozenset(_texts(raw.get("situations"))), no_penalty=str(raw.get("no_penalty") or ""),
                 apology=bool(raw.get("apology")), apology_share=share,
                 exclusions=frozenset(_texts(raw.get("exclusions"))))


def _facts_record(facts: Facts) -> dict[str, Any]:
    return {"levels": dict(sorted(facts.levels.items())), "situations": sorted(facts.situations),
            "no_penalty": facts.no_penalty, "apology": facts.apology,
            "apology_percent": None if facts.apology_share is None else format((facts.apology_share * 100).normalize(), "f"),
            "exclusions": sorted(facts.exclusions)}


def decision_assess(*, matter: EnforcementMatter, raw: Mapping[str, Any] | None) -> dict[str, Any]:
    """The discretion record for a decision citing `matter`: facts, outcome, computed fine (None where the matter's
    fine follows a rule such as 倍数 or 按日连续: the officer sets it), floor, lines and the policy version.

    Reads only; unknown codes and out-of-range choices are ValidationFailed on the `discretion` field."""
    rules, version = discretion_policy_current()
    facts = facts_parse(raw)
    try:
        if matter.fine_rule:
            chosen = [rules.situation(code) for code in sorted(facts.situations)]
            if facts.no_penalty:
                rules.ground(facts.no_penalty)
            reduced = any(s.kind == "reduced" for s in chosen)
            low = matter.fine_min or Decimal(0)
            lines = [Line("fine_rule", matter.fine_rule, (("low", str(low)),))] + [
                Line(s.kind, s.label) for s in chosen]
            record = {"outcome": "no_penalty" if facts.no_penalty else "penalty", "fine": None,
                      "floor": "0" if reduced else str(low), "ceiling": None, "reduced": reduced, "benchmark": "",
                      "version": version,
                      "lines": [{"kind": ln.kind, "label": ln.label, "figures": dict(ln.figures)} for ln in lines]}
            if facts.no_penalty:
                ground = rules.ground(facts.no_penalty)
                record["lines"] = [{"kind": "no_penalty_mandatory" if ground.mandatory else "no_penalty_optional",
                                    "label": ground.label, "figures": {}}]
        else:
            record = assess(rules, matter_code=matter.code, statutory=StatutoryRange(matter.fine_min, matter.fine_max),
                            facts=facts, version=version).as_record()
    except PenaltyRuleError as exc:
        raise ValidationFailed(rule_error_message(exc), details={"discretion": [rule_error_message(exc)]}) from None
    return {"facts": _facts_record(facts), **record}


def discretion_choices(matter_code: str = "") -> dict[str, Any]:
    """What the decision form offers: the benchmarks (the cited matter's first), situations by kind, no-penalty
    grounds, the apology range and its exclusions, from the policy in force."""
    rules, version = discretion_policy_current()
    benchmarks = sorted(rules.benchmarks, key=lambda b: matter_code not in b.matters)
    return {"version": version, "benchmarks": benchmarks,
            "aggravating": [s for s in rules.situations if s.kind == "aggravating"],
            "mitigating": [s for s in rules.situations if s.kind != "aggravating"],
            "no_penalty": rules.no_penalty, "apology": rules.apology,
            "apology_low": int(rules.apology.low * 100), "apology_high": int(rules.apology.high * 100)}


def no_penalty_record(code: str) -> dict[str, Any] | None:
    """The discretion record of a no-penalty closure on a recorded ground, or None when no ground is given."""
    code = (code or "").strip()
    if not code:
        return None
    rules, version = discretion_policy_current()
    try:
        ground = rules.ground(code)
    except PenaltyRuleError as exc:
        raise ValidationFailed(rule_error_message(exc), details={"no_penalty": [rule_error_message(exc)]}) from None
    line = {"kind": "no_penalty_mandatory" if ground.mandatory else "no_penalty_optional", "label": ground.label,
            "figures": {}}
    return {"facts": {"no_penalty": ground.code}, "outcome": "no_penalty", "fine": "0", "floor": "0", "ceiling": None,
            "reduced": False, "benchmark": "", "version": version, "lines": [line]}
