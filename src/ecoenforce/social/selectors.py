"""Tip reads: the public progress of a tip by its tracking code (plain words, no staff names, no other party's
data), and a tip's photo for the staff who may open its lead."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ecoenforce.cases.workflow import Stage
from ecoenforce.core.errors import NotFound
from ecoenforce.core.models import User
from ecoenforce.leads.models import Lead
from ecoenforce.leads.selectors import lead_get_for_user
from ecoenforce.social.codes import code_hash, code_normalize
from ecoenforce.social.models import Tip, TipPhoto

# What the tipster reads when the lead was closed without a case (never the officer's note).
CLOSED_OUTCOME = {
    Lead.CloseReason.NO_VIOLATION: gettext_noop("The bureau checked and found no violation."),
    Lead.CloseReason.MINOR_GUIDANCE: gettext_noop("The bureau found a minor problem and had it corrected."),
    Lead.CloseReason.DUPLICATE: gettext_noop("Your tip concerns the same facts as an earlier report; they are handled together."),
    Lead.CloseReason.OUT_OF_SCOPE: gettext_noop("This is another department's responsibility; the bureau passed your tip on to it."),
}


@dataclass(frozen=True)
class Step:
    """One line of progress: what, whether it has happened, and when."""

    label: str
    done: bool
    on: dt.date | None = None


@dataclass(frozen=True)
class TipProgress:
    """What the tipster may read: their own words and where, and how far the bureau has got."""

    submitted_on: dt.date
    county: str
    title: str
    channel: str
    steps: list[Step] = field(default_factory=list)
    outcome: str = ""
    same_facts: bool = False  # a handler linked it to an earlier report of the same facts
    reward: str = ""  # the reward outcome in plain words (social.rewards_selectors), empty while too early
    may_claim: bool = False


def tip_get_by_code(code: str) -> Tip:
    """The tip with this tracking code, or NotFound (a malformed code is simply not found)."""
    normalized = code_normalize(code)
    tip = None
    if normalized is not None:
        tip = (Tip.objects.select_related("lead__region", "lead__case")
               .filter(code_hash=code_hash(normalized)).first())
    if tip is None:
        raise NotFound(_("No tip has this tracking code. Check the code you were given (12 letters and digits)."))
    return tip


def _date(value) -> dt.date | None:
    from django.utils import timezone

    if value is None:
        return None
    return timezone.localtime(value).date() if isinstance(value, dt.datetime) else value


def tip_progress(code: str) -> TipProgress:
    """The tip's progress in plain words: received → being verified → case opened → outcome."""
    tip = tip_get_by_code(code)
    lead = tip.lead
    case = lead.case
    verifying = lead.assigned_at is not None or lead.status != Lead.Status.NEW
    steps = [Step(_("Tip received"), True, _date(tip.submitted_at)),
             Step(_("Being verified by the bureau"), verifying, _date(lead.assigned_at or lead.triaged_at))]
    outcome = ""
    if lead.status == Lead.Status.CLOSED:
        steps.append(Step(_("Verified"), True, _date(lead.triaged_at)))
        outcome = _(CLOSED_OUTCOME.get(lead.close_reason, gettext_noop("The bureau closed the matter.")))
    else:
        not_filed = case is not None and case.outcome == case.Outcome.NOT_FILED
        opened = case is not None and case.stage != Stage.PROPOSED and not not_filed  # a proposal is still verifying
        if not_filed:
            steps.append(Step(_("Verified"), True, case.closed_on))
            outcome = _("After verification the bureau did not open a case.")
        else:
            steps.append(Step(_("A case was opened"), opened, case.filed_on if opened else None))
        if opened:
            decided = case.stage in (Stage.DECISION, Stage.SERVICE, Stage.EXECUTION, Stage.CLOSED)
            if case.outcome == case.Outcome.PENALTY and decided:
                outcome = _("An administrative penalty was decided.")
            elif case.outcome == case.Outcome.NO_PENALTY and decided:
                outcome = _("The case was concluded without a penalty.")
            elif case.stage == Stage.CLOSED:
                outcome = _("The case was concluded.")
            steps.append(Step(_("Outcome"), bool(outcome), case.decided_on or case.closed_on if outcome else None))
    from ecoenforce.social.rewards_selectors import reward_outcome_words

    reward, may_claim = reward_outcome_words(tip)
    return TipProgress(submitted_on=_date(tip.submitted_at), county=lead.region.name, title=lead.title,
                       channel=tip.get_channel_display(), steps=steps, outcome=outcome,
                       same_facts=tip.duplicate_of_id is not None, reward=reward, may_claim=may_claim)


def tip_photo_for_user(*, user: User, photo_id: object) -> tuple[TipPhoto, Path]:
    """A tip's photo for staff who may open its lead (jurisdiction as the lead's); anything else is not found."""
    from ecoenforce.social.services import files_dir

    photo = TipPhoto.objects.select_related("tip").filter(pk=photo_id).first() if str(photo_id).isdigit() else None
    if photo is None:
        raise NotFound()
    lead_get_for_user(user=user, lead_id=photo.tip.lead_id)  # NotFound outside the user's reach
    return photo, files_dir() / photo.stored


@dataclass(frozen=True)
class Candidate:
    """An earlier or later tip that may be about the same facts, and why it is suggested."""

    tip: Tip
    reasons: list[str]


def _moment(tip: Tip) -> dt.datetime:
    return tip.observed_at or tip.submitted_at


def tip_for_lead(*, user: User, lead_id: object) -> Tip:
    """The tip behind a lead the user may open; NotFound for a lead that is not a tip or out of reach."""
    lead = lead_get_for_user(user=user, lead_id=lead_id)
    tip = Tip.objects.select_related("lead__region", "lead__entity", "duplicate_of__lead").filter(lead=lead).first()
    if tip is None:
        raise NotFound()
    return tip


def tip_duplicate_candidates(*, user: User, tip: Tip) -> list[Candidate]:
    """Other tips within the user's reach that may report the same facts: the same entity, or the same county and
    within NEAR_METRES of each other or at the same address — and seen within NEAR_TIME of each other."""
    from django.db.models import Q

    from ecoenforce.leads.selectors import lead_list_for_user
    from ecoenforce.social.near import NEAR_METRES, NEAR_TIME, close_in_time, distance_m

    lead = tip.lead
    window = NEAR_TIME + dt.timedelta(days=30)  # a coarse cut in the database, the exact one below
    same = Q(lead__region_id=lead.region_id) | (Q(lead__entity_id=lead.entity_id) if lead.entity_id else Q())
    others = (Tip.objects.filter(same, lead__in=lead_list_for_user(user=user).values("pk"),
                                 submitted_at__gte=tip.submitted_at - window, submitted_at__lte=tip.submitted_at + window)
              .exclude(pk=tip.pk).select_related("lead__region", "lead__entity").order_by("submitted_at", "pk"))
    place = lead.location.split(" (", 1)[0].strip()
    found = []
    for other in others:
        if not close_in_time(_moment(tip), _moment(other)):
            continue
        reasons = []
        if lead.entity_id and other.lead.entity_id == lead.entity_id:
            reasons.append(_("same entity"))
        if None not in (tip.latitude, tip.longitude, other.latitude, other.longitude):
            metres = distance_m(float(tip.latitude), float(tip.longitude), float(other.latitude), float(other.longitude))
            if metres <= NEAR_METRES:
                reasons.append(_("%(m)d m apart") % {"m": round(metres)})
        if place and other.lead.region_id == lead.region_id and other.lead.location.split(" (", 1)[0].strip() == place:
            reasons.append(_("same address"))
        if reasons:
            found.append(Candidate(other, reasons))
    return found


def tip_map_data() -> dict:
    """What the tip form's map draws, all public: the patrol grids' outlines (the project's own boundaries; no
    map tiles) and, to open on the bureau's area when no grid is drawn, the box around its registered entities'
    coordinates (a box only: no entity is named or placed)."""
    from django.db.models import Max, Min

    from ecoenforce.core.models import Organization
    from ecoenforce.grids.selectors import public_outlines
    from ecoenforce.registry.models import RegulatedEntity
    from ecoenforce.social import where

    bureau = (Organization.objects.filter(parent__isnull=True, kind__in=(
        Organization.Kind.CITY_BUREAU, Organization.Kind.COUNTY_BUREAU)).select_related("region")
        .order_by("kind", "region__code").first())
    prefix = bureau.region.prefix if bureau is not None and bureau.region_id else ""
    box = RegulatedEntity.objects.filter(region__code__startswith=prefix, latitude__isnull=False,
                                         longitude__isnull=False).aggregate(
        s=Min("latitude"), n=Max("latitude"), w=Min("longitude"), e=Max("longitude"))
    if box["s"] is not None:
        extent = [float(box["s"]), float(box["n"]), float(box["w"]), float(box["e"])]
    else:
        extent = list(where.province_box(prefix) or where.CHINA)
    return {"features": public_outlines(), "extent": extent}
