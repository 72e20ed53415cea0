"""Double-random rounds over the database: freeze and commit, draw and dispatch, publish with the seed revealed.

The order is what makes a round verifiable (docs/draw-algorithm.md):
1. `round_commit` freezes both pools and the policy and publishes SHA-256 of a fresh secret seed;
2. `round_draw` runs the pure draw on exactly those frozen inputs (optionally mixing in public entropy
   fixed after the commitment) and gives each drawn inspector a task; the list stays internal;
3. `round_publish`, once every task has its result, reveals the seed and publishes the round file
   and the results; anyone can re-run it with `ecoenforce draw verify`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecoenforce.core.access import require_role
from ecoenforce.core.audit import audit_record
from ecoenforce.core.calendar import deadline_in_calendar_days
from ecoenforce.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from ecoenforce.core.masking import mask_free_text
from ecoenforce.core.models import Organization, User
from ecoenforce.inspections.models import Inspection
from ecoenforce.planning.draw import (
    POSITIVE_LIST_TAG,
    RISK_CLASSES,
    DrawError,
    DrawPolicy,
    EntityRecord,
    InspectorRecord,
    commitment,
    draw,
    draw_seed,
    entity_from_canonical,
    inclusion_probabilities,
    inspector_from_canonical,
    policy_digest,
    policy_from_canonical,
    policy_to_canonical,
    result_to_canonical,
    seed_new,
    selection_digest,
)
from ecoenforce.planning.labels import draw_error_text
from ecoenforce.planning.models import DrawRound, InspectionPlan, InspectionTask, PlanLine, RoundCorrection
from ecoenforce.planning.queue import tasks_drawn_notify, tasks_withdrawn_notify
from ecoenforce.planning.roundfile import build_round_file, build_round_file_v2, verify_round_file
from ecoenforce.planning.roundseal import (
    FORMAT_V2,
    FORMAT_V3,
    SEALED_FORMATS,
    certificates,
    inspectors_from_public,
    openings_ties,
    public_pools,
    public_pools_digest,
    seal_pools,
    target_tie_openings,
)
from ecoenforce.planning.services import (
    PLAN_ROLES,
    _may_plan_for,
    entity_pool,
    inspector_pool,
    planning_policy_current,
)
from ecoenforce.registry.models import InspectorTie, RegulatedEntity
from ecoenforce.registry.risk_services import draw_weights

ROUND_ROLES = PLAN_ROLES


def frozen_pools(*, organization: Organization, cross_region: bool, as_of: dt.date,
                 recent_window_days: int) -> tuple[list[EntityRecord], list[InspectorRecord]]:
    """Both pools as the draw sees them: entities by credit code, inspectors by certificate number."""
    entities_qs = entity_pool(organization=organization).select_related("region")
    by_pk = {}
    for e in entities_qs.only("id", "uscc", "risk_class", "on_positive_list", "region__code"):
        by_pk[e.pk] = e
    inspectors = list(inspector_pool(organization=organization, cross_region=cross_region)
                      .select_related("organization__region", "inspector_profile__home_region"))
    certs = {}
    for user in inspectors:
        if user.certificate_no in certs:
            raise ValidationFailed(_("Certificate number %(cert)s is held by two users (%(a)s, %(b)s). Correct "
                                     "the users before drawing.") % {"cert": user.certificate_no,
                                                                    "a": certs[user.certificate_no], "b": user})
        certs[user.certificate_no] = user
    since = as_of - dt.timedelta(days=recent_window_days)
    recent: dict[int, set[str]] = {}
    pairs = (Inspection.inspectors.through.objects
             .filter(inspection__inspected_on__gt=since, inspection__inspected_on__lte=as_of,
                     inspection__entity_id__in=list(by_pk), user__certificate_no__gt="")
             .values_list("inspection__entity_id", "user__certificate_no"))
    for entity_id, cert in pairs:
        recent.setdefault(entity_id, set()).add(cert)
    ties: dict[int, set[str]] = {}
    for user_id, uscc in InspectorTie.objects.filter(inspector__in=inspectors).values_list("inspector_id",
                                                                                           "entity__uscc"):
        ties.setdefault(user_id, set()).add(uscc)
    entity_records = [
        EntityRecord(id=e.uscc, risk_class=e.risk_class, region_code=e.region.code,
                     tags=frozenset({POSITIVE_LIST_TAG}) if e.on_positive_list else frozenset(),
                     recent_inspectors=frozenset(recent.get(e.pk, ())))
        for e in by_pk.values()]
    inspector_records = []
    for user in inspectors:
        profile = getattr(user, "inspector_profile", None)
        home = profile.home_region.code if profile is not None else user.organization.region.code
        inspector_records.append(InspectorRecord(
            id=user.certificate_no, region_code=home, unit=user.organization.short_name,
            ties=frozenset(ties.get(user.pk, ())), certified=True))
    return entity_records, inspector_records


def weighted_probabilities(*, organization: Organization, entities: list[EntityRecord], budget: int, floor: Decimal,
                           positive_list_mode: str) -> tuple[list[EntityRecord], dict[str, dict]]:
    """Each pool entity's inclusion probability in a risk-proportional round, and why (docs/draw-algorithm.md §11).

    Weight = score in force (learned probability, or points + 1) × its credit grade's multiplier; the probabilities
    are proportional to the weights, floored, capped at 1 and add up to the budget. Positive-list entities left out
    of the round get none.
    """
    from dataclasses import replace

    pool_ids = {e.id for e in entities if not (positive_list_mode == "exclude" and e.positive_list)}
    qs = entity_pool(organization=organization).filter(uscc__in=pool_ids)
    weights = draw_weights(entities=qs, as_of=timezone.localdate())
    by_uscc = dict(qs.values_list("uscc", "pk"))
    probs = inclusion_probabilities({u: weights[pk].weight for u, pk in by_uscc.items()}, budget=budget, floor=floor)
    basis = {u: {**weights[by_uscc[u]].as_dict(), "p": format(p, "f")} for u, p in probs.items()}
    return [replace(e, probability=probs.get(e.id)) for e in entities], basis


def parse_ratios(raw: dict[str, object]) -> dict[str, Decimal]:
    """Per-class ratios from a form (percent, e.g. "25" or "12.5"); refused with the field to correct."""
    errors: dict[str, list[str]] = {}
    ratios = {}
    for c in RISK_CLASSES:
        text = str(raw.get(c, "") or "").strip().rstrip("%")
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = Decimal(-1)
        if not text or not value.is_finite() or value < 0 or value > 100:
            errors[f"ratio_{c}"] = [_("Enter a percentage from 0 to 100 (e.g. 25 for a quarter of the class).")]
            continue
        ratios[c] = (value / 100).normalize()
    if errors:
        raise ValidationFailed(_("Some ratios are not percentages from 0 to 100; correct the marked fields."),
                               details=errors)
    return ratios


def _translate(exc: DrawError) -> ValidationFailed:
    return ValidationFailed(draw_error_text(exc), code=exc.code, details={"__all__": [draw_error_text(exc)]})


@transaction.atomic
def round_commit(*, actor: User, title: str, period_start: dt.date, period_end: dt.date, ratios: dict[str, Decimal],
                 organization: Organization | None = None, cross_region: bool = False,
                 positive_list_mode: str = "tag", max_targets: int | None = None,
                 kind: str = PlanLine.Kind.ROUTINE, replaces: object = None, mode: str = "strata",
                 budget: int | None = None, floor: Decimal | None = None) -> DrawRound:
    """Freeze the pools and the policy, and publish the commitment to a fresh secret seed.

    `mode="weighted"` draws `budget` targets with per-entity probabilities from the score in force and the credit
    grade, never below `floor` (the planning policy's `draw_floor` by default); the round file is format 3.

    `replaces` names a withdrawn round of the same bureau that this one is committed to replace (a redraw is
    always a new round with a new commitment; both public pages say so).
    """
    require_role(actor, ROUND_ROLES)
    organization = organization or actor.organization
    if organization is None or not _may_plan_for(actor, organization):
        raise PermissionDenied()
    errors: dict[str, list[str]] = {}
    replaced = None
    if replaces not in (None, ""):
        replaced = round_get_for_leader(actor=actor, round_id=replaces)
        if (replaced.status != DrawRound.Status.WITHDRAWN or replaced.organization_id != organization.pk
                or DrawRound.objects.filter(replaces=replaced).exists()):
            errors["replaces"] = [_("Only a withdrawn round of the same bureau, not yet replaced, can be replaced.")]
    if not (title or "").strip():
        errors["title"] = [_("Give the round a title, e.g. 2026年第四季度双随机抽查.")]
    if period_end < period_start:
        errors["period_end"] = [_("The period must end on or after its first day.")]
    if kind not in PlanLine.Kind.values:
        errors["kind"] = [_("Choose routine or special campaign.")]
    if mode not in ("strata", "weighted"):
        errors["mode"] = [_("Choose class ratios or risk-proportional.")]
    if mode == "weighted":
        floor = planning_policy_current()[0].draw_floor if floor is None else floor
        if not isinstance(budget, int) or budget < 1:
            errors["budget"] = [_("A risk-proportional round needs the number of targets to draw (1 or more).")]
        if not (Decimal(0) < floor <= 1) or floor != floor.quantize(Decimal("0.000001")):
            errors["floor"] = [_("The floor is a percentage above 0 and at most 100, with at most 4 decimals.")]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], details=errors)
    plan = InspectionPlan.objects.filter(organization=organization, year=period_start.year,
                                         status=InspectionPlan.Status.APPROVED).first()
    now = timezone.now()
    policy = DrawPolicy(ratios=ratios if mode == "strata" else {},
                        inspectors_per_target=planning_policy_current()[0].inspectors_per_inspection,
                        recent_window_days=365, cross_region=cross_region,
                        positive_list_mode=positive_list_mode, max_targets=max_targets, mode=mode,
                        floor=floor.normalize() if mode == "weighted" else None,
                        budget=budget if mode == "weighted" else None)
    entities, inspectors = frozen_pools(organization=organization, cross_region=cross_region,
                                        as_of=timezone.localdate(), recent_window_days=policy.recent_window_days)
    weighting = None
    if mode == "weighted":
        try:
            entities, weighting = weighted_probabilities(organization=organization, entities=entities, budget=budget,
                                                         floor=policy.floor, positive_list_mode=positive_list_mode)
        except DrawError as exc:
            raise _translate(exc) from None
    seed = seed_new()
    # Officers are published as per-round pseudonyms and their ties as salted commitments (format 2); the
    # openings stay with the round, for those with a right to check (docs/draw-algorithm.md §10).
    entities, inspectors, openings = seal_pools(entities, inspectors)
    try:
        # A trial draw: refuse now, with what to change, rather than after the commitment is public.
        draw(seed, entities, inspectors, policy)
        policy_json = policy_to_canonical(policy)
        pools_json = public_pools(entities, inspectors, openings)
        round_ = DrawRound.objects.create(
            organization=organization, plan=plan, title=title.strip()[:120], kind=kind, period_start=period_start,
            period_end=period_end, policy=policy_json, pools=pools_json, openings=openings, weighting=weighting,
            file_format=FORMAT_V3 if mode == "weighted" else FORMAT_V2,
            pools_digest=public_pools_digest(pools_json), policy_digest=policy_digest(policy),
            commitment=commitment(seed), seed_hex=seed.hex(), created_by=actor, committed_at=now, replaces=replaced)
    except DrawError as exc:
        raise _translate(exc) from None
    audit_record(actor=actor, obj=round_, action="round.commit", after={
        "commitment": round_.commitment, "pools_digest": round_.pools_digest, "policy_digest": round_.policy_digest,
        "entities": len(entities), "inspectors": len(inspectors), "mode": mode,
        **({"budget": budget, "floor": str(policy.floor)} if mode == "weighted" else {}),
        **({"replaces": replaced.round_id} if replaced else {})})
    return round_


def round_get_for_leader(*, actor: User, round_id: object, lock: bool = False) -> DrawRound:
    """A round the leader may run (own bureau, or the city over its counties)."""
    require_role(actor, ROUND_ROLES)
    qs = DrawRound.objects.select_related("organization__region")
    if lock:
        qs = qs.select_for_update()
    round_ = qs.filter(pk=round_id).first() if str(round_id).isdigit() else None
    if round_ is None or not _may_plan_for(actor, round_.organization):
        raise NotFound()
    return round_


def _inputs(round_: DrawRound) -> tuple[list[EntityRecord], list[InspectorRecord], DrawPolicy]:
    entities = [entity_from_canonical(e) for e in round_.pools["entities"]]
    if round_.file_format in SEALED_FORMATS:
        inspectors = inspectors_from_public(round_.pools, openings_ties(round_.openings))
    else:
        inspectors = [inspector_from_canonical(i) for i in round_.pools["inspectors"]]
    return entities, inspectors, policy_from_canonical(round_.policy)


def _certificate_of(round_: DrawRound) -> dict[str, str]:
    """Pool id → certificate number (format 1 pools are by certificate number already)."""
    if round_.file_format in SEALED_FORMATS:
        return certificates(round_.openings)
    return {i["id"]: i["id"] for i in round_.pools["inspectors"]}


@transaction.atomic
def round_draw(*, actor: User, round_id: object, public_entropy: str = "") -> DrawRound:
    """Run the draw on the frozen inputs and dispatch one task per target to its drawn inspectors."""
    round_ = round_get_for_leader(actor=actor, round_id=round_id, lock=True)
    if round_.status != DrawRound.Status.COMMITTED:
        raise InvalidTransition(_("This round has already been drawn."))
    public_entropy = (public_entropy or "").strip()[:200]
    entities, inspectors, policy = _inputs(round_)
    try:
        result = draw(draw_seed(bytes.fromhex(round_.seed_hex), public_entropy or None), entities, inspectors, policy)
    except DrawError as exc:
        raise _translate(exc) from None
    by_uscc = {e.uscc: e for e in RegulatedEntity.objects.filter(uscc__in=[t.entity_id for t in result.targets])}
    cert_of = _certificate_of(round_)
    by_cert = {u.certificate_no: u for u in User.objects.filter(
        certificate_no__in=[cert_of[i.id] for i in inspectors], is_active=True)}
    now = timezone.now()
    due = deadline_in_calendar_days(timezone.localdate(), planning_policy_current()[0].task_days).due
    if round_.period_end >= timezone.localdate():
        due = min(due, round_.period_end)  # the period's end is the latest a target may wait
    tasks, staffing = [], []
    for target in result.targets:
        entity = by_uscc.get(target.entity_id)
        staff = [by_cert.get(cert_of[a.inspector_id]) for a in target.inspectors]
        if entity is None or None in staff:
            raise ValidationFailed(_("An entity or inspector of the frozen pool no longer exists (%(id)s). Create a "
                                     "new round from the current pools.") % {"id": target.entity_id})
        tasks.append(InspectionTask(round=round_, entity=entity, risk_class=target.risk_class,
                                    positive_list=target.positive_list, rank_in_class=target.rank_in_class,
                                    due_on=due))
        staffing.append(staff)
    InspectionTask.objects.bulk_create(tasks)  # primary keys come back on SQLite ≥ 3.35 and PostgreSQL
    InspectionTask.inspectors.through.objects.bulk_create(
        InspectionTask.inspectors.through(inspectiontask_id=task.pk, user_id=user.pk)
        for task, staff in zip(tasks, staffing, strict=True) for user in staff)
    round_.status, round_.drawn_by, round_.drawn_at = DrawRound.Status.DRAWN, actor, now
    round_.public_entropy = public_entropy
    round_.selection = result_to_canonical(result)
    round_.selection_digest = selection_digest(result)
    round_.save()
    audit_record(actor=actor, obj=round_, action="round.draw", after={
        "targets": len(result.targets), "selection_digest": round_.selection_digest,
        "public_entropy": public_entropy})
    tasks_drawn_notify(round_, list(zip(tasks, staffing, strict=True)))
    return round_


def _verified_round_file(round_: DrawRound, *, revealed_at: dt.datetime) -> dict:
    """The round file of a drawn round, seed revealed; refused unless it verifies and gives the recorded selection."""
    entities, inspectors, policy = _inputs(round_)
    common = {"round_id": round_.round_id, "title": mask_free_text(round_.title), "created_at": round_.committed_at,
              "committed_at": round_.committed_at, "revealed_at": revealed_at, "seed": bytes.fromhex(round_.seed_hex),
              "entities": entities, "inspectors": inspectors, "policy": policy,
              "public_entropy": round_.public_entropy or None}
    if round_.file_format in SEALED_FORMATS:
        targets = [t["entity"] for t in round_.selection["targets"]]
        doc = build_round_file_v2(**common, public_pools=round_.pools, file_format=round_.file_format,
                                  tie_openings=target_tie_openings(round_.openings, targets))
    else:
        doc = build_round_file(**common)
    report = verify_round_file(doc)
    if not report.ok or doc["selection_digest"] != round_.selection_digest:
        # Never publish a file that does not verify; this would mean the stored pools were altered.
        raise ValidationFailed(_("The round file does not verify (%(detail)s); it was not published. Tell the "
                                 "administrator.") % {"detail": report.first_mismatch.detail if report.first_mismatch
                                                      else "selection digest"})
    return doc


@transaction.atomic
def round_publish(*, actor: User, round_id: object) -> DrawRound:
    """Reveal the seed and publish the round file and every result (100%); all tasks must have a result."""
    round_ = round_get_for_leader(actor=actor, round_id=round_id, lock=True)
    if round_.status != DrawRound.Status.DRAWN:
        raise InvalidTransition(_("Only a drawn round whose tasks are all recorded can be published."))
    open_tasks = round_.tasks.filter(status=InspectionTask.Status.ASSIGNED).count()
    if open_tasks:
        raise ValidationFailed(_("%(n)s task(s) still have no result. Record every result (or mark a target not "
                                 "inspected, with the reason) before publishing.") % {"n": open_tasks})
    now = timezone.now()
    round_.round_file = _verified_round_file(round_, revealed_at=now)
    round_.status, round_.published_by, round_.published_at = DrawRound.Status.PUBLISHED, actor, now
    round_.save(update_fields=["round_file", "status", "published_by", "published_at"])
    audit_record(actor=actor, obj=round_, action="round.publish", after={"seed": round_.seed_hex,
                                                                           "selection_digest": round_.selection_digest})
    return round_


@transaction.atomic
def round_withdraw(*, actor: User, round_id: object, reason: str) -> DrawRound:
    """Withdraw a committed or drawn round before any result is recorded, with a public reason.

    The round is never drawn again (a redraw is a new round with a new commitment, `round_commit(replaces=…)`); its
    seed is revealed at once on the public page with the reason and, if it was drawn, its round file, so anyone can
    re-compute what the withdrawn draw selected and compare it with the round that replaces it. Its tasks are cancelled and their officers told.
    """
    round_ = round_get_for_leader(actor=actor, round_id=round_id, lock=True)
    if round_.status not in (DrawRound.Status.COMMITTED, DrawRound.Status.DRAWN):
        raise InvalidTransition(_("Only a round that is not yet published can be withdrawn. A published round is "
                                  "corrected with a public correction notice."))
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ValidationFailed(_("Say why the round is withdrawn: the reason is published with the withdrawal."),
                               details={"reason": [_("Required.")]})
    recorded = round_.tasks.exclude(status=InspectionTask.Status.ASSIGNED).count()
    if recorded:
        raise InvalidTransition(_("%(n)s target(s) already have a result, so the draw has been acted on and cannot be "
                                  "withdrawn. Publish the round; a mistake in it is corrected with a public correction "
                                  "notice.") % {"n": recorded})
    tasks = list(round_.tasks.prefetch_related("inspectors"))
    officers = list({u.pk: u for t in tasks for u in t.inspectors.all()}.values())
    before, now = round_.status, timezone.now()
    if before == DrawRound.Status.DRAWN:
        # What the withdrawn draw selected, as a round file anyone re-runs (`draw verify`, or on the public page).
        round_.round_file = _verified_round_file(round_, revealed_at=now)
    round_.tasks.all().delete()
    round_.status, round_.withdrawn_by, round_.withdrawn_at = DrawRound.Status.WITHDRAWN, actor, now
    round_.withdrawal_reason = reason[:2000]
    round_.save(update_fields=["status", "withdrawn_by", "withdrawn_at", "withdrawal_reason", "round_file"])
    audit_record(actor=actor, obj=round_, action="round.withdraw", reason=round_.withdrawal_reason,
                 before={"status": before, "tasks": len(tasks)},
                 after={"status": round_.status, "seed": round_.seed_hex,
                        "selection_digest": round_.selection_digest})
    if officers:
        tasks_withdrawn_notify(round_, officers, len(tasks))
    return round_


@transaction.atomic
def round_correction_publish(*, actor: User, round_id: object, text: str) -> RoundCorrection:
    """Publish a correction notice on a published round (the round file stays as published: it is what verifies)."""
    round_ = round_get_for_leader(actor=actor, round_id=round_id, lock=True)
    if round_.status != DrawRound.Status.PUBLISHED:
        raise InvalidTransition(_("Only a published round takes a correction notice. Before publication, correct the "
                                  "result on its task, or withdraw the round."))
    text = (text or "").strip()
    if len(text) < 5:
        raise ValidationFailed(_("Write the correction notice: what was wrong in the publication and what is right."),
                               details={"text": [_("Required.")]})
    correction = RoundCorrection.objects.create(round=round_, text=text[:4000], created_by=actor,
                                                created_at=timezone.now())
    audit_record(actor=actor, obj=round_, action="round.correct", after={"correction": correction.text})
    return correction


@transaction.atomic
def round_openings_reveal(*, actor: User, round_id: object) -> dict:
    """The secret openings of a format-2 round (pseudonyms' salts and certificate numbers, every tie's salt), for
    the round's leaders to check it or hand to an inspecting body; each reveal is in the whole-process record."""
    round_ = round_get_for_leader(actor=actor, round_id=round_id)
    if round_.file_format not in SEALED_FORMATS or not round_.openings:
        raise NotFound()
    audit_record(actor=actor, obj=round_, action="round.openings_reveal",
                 after={"inspectors": len(round_.openings["inspectors"]), "ties": len(round_.openings["ties"])})
    return {"round_id": round_.round_id, **round_.openings}


def round_summary(round_: DrawRound) -> dict:
    """Pool sizes and targets per class, from the frozen pools and (after the draw) the selection."""
    pools = {c: 0 for c in RISK_CLASSES}
    for e in round_.pools["entities"]:
        pools[e["class"]] = pools.get(e["class"], 0) + 1
    drawn = {s["class"]: s["count"] for s in (round_.selection or {}).get("classes", [])}
    weighted = round_.policy.get("mode") == "weighted"
    if weighted and round_.selection:
        for t in round_.selection["targets"]:
            drawn[t["class"]] = drawn.get(t["class"], 0) + 1
        drawn = {c: drawn.get(c, 0) for c in RISK_CLASSES}
    ratios = round_.policy.get("ratios", {})
    return {"classes": [{"class": c, "pool": pools.get(c, 0), "ratio": ratios.get(c), "drawn": drawn.get(c)}
                        for c in RISK_CLASSES],
            "inspectors": len(round_.pools["inspectors"]), "entities": len(round_.pools["entities"]),
            "weighted": weighted, "budget": round_.policy.get("budget"),
            "floor_percent": _percent(round_.policy.get("floor"))}


def _percent(text: str | None) -> str:
    """A decimal share as a percentage without trailing zeros ("0.02" → "2")."""
    if text is None:
        return ""
    return format((Decimal(text) * 100).normalize(), "f")


def weighted_rows(round_: DrawRound, *, drawn_only: bool = False) -> list[dict]:
    """A risk-proportional round's pool, highest probability first (ties by credit code): credit code, class, p in %,
    and why (score, its source, credit grade and multiplier) — for the round page and the public round page."""
    if round_.policy.get("mode") != "weighted":
        return []
    basis = round_.weighting or {}
    drawn = {t["entity"] for t in (round_.selection or {}).get("targets", [])}
    rows = []
    for e in round_.pools["entities"]:
        if "p" not in e or (drawn_only and e["id"] not in drawn):
            continue
        why = basis.get(e["id"], {})
        rows.append({"uscc": e["id"], "class": e["class"], "p": e["p"], "percent": _percent(e["p"]),
                     "drawn": e["id"] in drawn, "score": why.get("score"), "source": why.get("source", ""),
                     "grade": why.get("grade", ""), "multiplier": why.get("multiplier", "1")})
    rows.sort(key=lambda r: (-Decimal(r["p"]), r["uscc"]))
    return rows


def weighted_page(round_: DrawRound, page_number: object, *, show_drawn: bool):
    """One page (50 rows) of a risk-proportional round's pool for a round page, with names and the reason; None for a
    class round. `show_drawn` is False until the targets may be known (drawn rows are then not marked)."""
    from django.core.paginator import Paginator

    from ecoenforce.planning.labels import class_label, weight_reason

    rows = weighted_rows(round_)
    if not rows:
        return None
    page = Paginator(rows, 50).get_page(page_number)
    names = dict((u, (n, p)) for u, n, p in RegulatedEntity.objects.filter(
        uscc__in=[r["uscc"] for r in page.object_list]).values_list("uscc", "name", "legal_representative"))
    for r in page.object_list:
        r["name"], r["person"] = names.get(r["uscc"], (r["uscc"], ""))
        r["class_label"] = class_label(r["class"])
        r["why"] = weight_reason(r)
        r["drawn"] = r["drawn"] and show_drawn
    return page
