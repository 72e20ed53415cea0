"""Translated texts for the draw's refusals and recusal reasons (the pure engine speaks in stable codes)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecoenforce.planning.draw import DrawError
from ecoenforce.planning.draw.recusal import DECLARED_TIE, HOME_REGION, NOT_CERTIFIED, RECENT_INSPECTION
from ecoenforce.registry.models import RiskClass

RECUSAL_LABELS = {
    NOT_CERTIFIED: gettext_lazy("no valid enforcement certificate"),
    DECLARED_TIE: gettext_lazy("declared kin, interest or former-employer tie"),
    RECENT_INSPECTION: gettext_lazy("inspected the same entity within the last year"),
    HOME_REGION: gettext_lazy("works in the entity's own county (cross-region round)"),
}


def class_label(code: str) -> str:
    """The supervision class's display name, or the code itself if unknown."""
    try:
        return str(RiskClass(code).label)
    except ValueError:
        return code


def draw_error_text(exc: DrawError) -> str:
    """What went wrong and what to change, in the user's language."""
    d = exc.details
    code = exc.code
    if code == "pool.empty_entities":
        return _("There are no regulated entities to draw from. Import the entity pool (or include positive-list "
                 "entities) and try again.")
    if code == "policy.nothing_to_draw":
        return _("Every ratio is 0 or its class is empty, so the round would select nobody. Set a ratio above 0.")
    if code == "pool.budget_out_of_range":
        return _("With %(n)s entities in the pool and this floor, a risk-proportional round draws between %(least)s and "
                 "%(n)s targets; %(budget)s asked. Change the number of targets or lower the floor.") % {
            "n": d.get("entities"), "least": d.get("least"), "budget": d.get("budget")}
    if code == "policy.budget_exceeded" and "per_class" not in d:
        return _("The round draws %(total)s targets but allows at most %(cap)s. Lower the number of targets or raise "
                 "the cap.") % {"total": d.get("total"), "cap": d.get("max_targets")}
    if code == "policy.budget_exceeded":
        per = ", ".join(f"{class_label(c)} {n}" for c, n in d.get("per_class", {}).items())
        return _("The ratios select %(total)s targets (%(per)s) but the round allows at most %(cap)s. Lower a ratio "
                 "or raise the cap.") % {"total": d.get("total"), "per": per, "cap": d.get("max_targets")}
    if code == "pool.too_few_inspectors":
        return _("The inspector pool has %(n)s certified officer(s) but each target needs %(k)s. Add certified "
                 "officers to the pool (or make the round cross-region).") % {"n": d.get("certified"),
                                                                              "k": d.get("needed")}
    if code == "recusal.not_enough_inspectors":
        first = (d.get("targets") or [{}])[0]
        why = "; ".join(f"{RECUSAL_LABELS.get(c, c)}: {n}" for c, n in first.get("recusals", {}).items() if n)
        return _("Entity %(entity)s has %(eligible)s eligible officer(s) but needs %(k)s (recused: %(why)s); "
                 "%(affected)s target(s) are affected. Add certified officers from other counties, turn off "
                 "cross-region for this round, or correct the declared ties.") % {
            "entity": first.get("entity", "?"), "eligible": first.get("eligible", 0), "k": d.get("needed"),
            "why": why or "-", "affected": d.get("affected", 0)}
    if code in ("policy.ratio_missing", "policy.ratio_out_of_range", "policy.ratio_invalid"):
        return _("Give every class a ratio from 0 to 100%.")
    if code == "policy.inspectors_per_target_too_low":
        return _("Each target needs at least 2 certified officers (Administrative Penalty Law, art. 42).")
    if code == "pool.invalid_risk_class":
        return _("An entity has an unknown supervision class (%(cls)s). Classify the entities again.") % {
            "cls": d.get("class")}
    return _("The draw cannot go ahead: %(message)s") % {"message": exc.message}



def weight_reason(row: dict) -> str:
    """Why an entity has its probability in a risk-proportional round, in the reader's language."""
    from ecoenforce.registry.risk_labels import draw_weight_reason

    return draw_weight_reason(row)
