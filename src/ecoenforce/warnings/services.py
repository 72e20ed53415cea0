"""Warnings desk writes: limits seed, point limits, device bindings, policy versions and warning actions."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecoenforce.core.access import get_in_scope, require_role
from ecoenforce.core.audit import audit_record, region_code_of
from ecoenforce.core.errors import InvalidTransition, ValidationFailed
from ecoenforce.core.models import Role, User
from ecoenforce.leads.services import lead_create
from ecoenforce.monitoring.rules.policy import RulePolicyValues
from ecoenforce.warnings.inputs.lake_writer import row_files, write_rows
from ecoenforce.warnings.labels import rule_label
from ecoenforce.warnings.models import (
    DeviceBinding,
    ElectronicNotice,
    EmissionLimit,
    EmissionStandard,
    PointLimit,
    RulePolicy,
    Warning,
    WarningAction,
)  # fmt: skip
from ecoenforce.warnings.selectors import input_bindings

SEED_FILE = Path(__file__).resolve().parent / "seed" / "emission_limits.json"
OPERATOR_ROLES = (Role.MONITORING_OPERATOR, Role.UNIT_LEADER)


@transaction.atomic
def limits_seed_load(*, actor: User | None = None, path: Path = SEED_FILE) -> tuple[int, int]:
    """Load the seeded standards and limits; idempotent (existing rows, perhaps edited, are kept). → (created, kept)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    created = kept = 0
    for std in data["standards"]:
        standard, _new = EmissionStandard.objects.get_or_create(
            code=std["code"], version=std["version"], defaults={"title": std["title"]}
        )
        for row in std["limits"]:
            key = {"standard": standard, "category": row["category"], "pollutant": row["pollutant"],
                   "averaging": row["averaging"]}  # fmt: skip
            if EmissionLimit.objects.filter(**key).exists():
                kept += 1
                continue
            limit = EmissionLimit(**key, **{k: v for k, v in row.items() if k not in key})
            limit.full_clean()
            limit.save()
            created += 1
    if created:
        audit_record(actor=actor, object_type="warnings.EmissionLimit", object_id="seed", action="limits.seed",
                     after={"created": created, "kept": kept})  # fmt: skip
    return created, kept


@transaction.atomic
def device_bind(*, actor: User | None, mn: str, entity, kind: str = DeviceBinding.Kind.CEMS, label: str = "") -> DeviceBinding:
    """Say which entity a device belongs to (re-binding an MN moves it)."""
    binding, _created = DeviceBinding.objects.update_or_create(mn=mn, defaults={"entity": entity, "kind": kind, "label": label})
    binding.full_clean()
    audit_record(actor=actor, obj=binding, action="device.bind", after={"mn": mn, "entity": entity.pk, "kind": kind})
    return binding


@transaction.atomic
def point_limit_assign(*, actor: User | None, mn: str, pollutant: str, limit: EmissionLimit) -> PointLimit:
    """Set the limit that applies to one device and pollutant."""
    if limit.pollutant and limit.pollutant != pollutant:
        raise ValidationFailed(_("This limit is for another pollutant. Choose a limit for %(code)s.") % {"code": pollutant},
                               details={"limit": [_("Wrong pollutant.")]})  # fmt: skip
    point, _created = PointLimit.objects.update_or_create(mn=mn, pollutant=pollutant, defaults={"limit": limit})
    audit_record(actor=actor, obj=point, action="point_limit.assign", after={"mn": mn, "pollutant": pollutant,
                                                                              "limit": limit.pk})  # fmt: skip
    return point


def rule_policy_current() -> tuple[RulePolicy | None, RulePolicyValues]:
    """The newest active policy version and its values (defaults when none is stored)."""
    policy = RulePolicy.objects.filter(active=True).order_by("-version").first()
    return policy, RulePolicyValues.from_dict(policy.values if policy else None)


@transaction.atomic
def rule_policy_create(*, actor: User | None, values: dict, note: str = "") -> RulePolicy:
    """Store a new version of the thresholds (older versions stay for the record)."""
    try:
        clean = RulePolicyValues.from_dict(values).as_dict()
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(_("The thresholds could not be read: %(error)s. Correct the values and save again.")
                               % {"error": exc}) from None  # fmt: skip
    clean.pop("window_end_hour", None)
    last = RulePolicy.objects.select_for_update().order_by("-version").first()
    policy = RulePolicy.objects.create(version=(last.version + 1) if last else 1, values=clean, note=note[:200],
                                       created_by=actor)  # fmt: skip
    audit_record(actor=actor, obj=policy, action="rule_policy.create", after=clean)
    return policy


def _locked(user: User, warning_id: int) -> Warning:
    """The warning, in the user's jurisdiction, locked for the change."""
    require_role(user, OPERATOR_ROLES)
    warning = get_in_scope(Warning.objects.all(), user=user, pk=warning_id)
    return Warning.objects.select_for_update().get(pk=warning.pk)


def _require_open(warning: Warning) -> None:
    if warning.status != Warning.Status.OPEN:
        raise InvalidTransition(_("This warning has already been handled (%(status)s). Reload the page to see what was done.")
                                % {"status": warning.get_status_display()})  # fmt: skip


@transaction.atomic
def warning_take(*, actor: User, warning_id: int) -> Warning:
    """Put an open warning in the actor's queue."""
    warning = _locked(actor, warning_id)
    _require_open(warning)
    if warning.assigned_to_id == actor.pk:
        return warning
    before = warning.assigned_to_id
    warning.assigned_to = actor
    warning.save(update_fields=["assigned_to", "updated_at"])
    WarningAction.objects.create(warning=warning, kind=WarningAction.Kind.ASSIGN, actor=actor)
    audit_record(actor=actor, obj=warning, action="warning.take", before={"assigned_to": before},
                 after={"assigned_to": actor.pk})  # fmt: skip
    return warning


@transaction.atomic
def warning_dismiss(*, actor: User, warning_id: int, reason: str, note: str = "") -> Warning:
    """Close a warning as not needing action, with a reason (reasons feed each rule's false-positive rate)."""
    warning = _locked(actor, warning_id)
    _require_open(warning)
    if reason not in Warning.DismissReason.values:
        raise ValidationFailed(_("Choose why the warning needs no action."), details={"reason": [_("Required.")]})
    if reason == Warning.DismissReason.OTHER and not note.strip():
        raise ValidationFailed(_("Explain the reason in the note."), details={"note": [_("Required for 'Other'.")]})
    warning.status, warning.dismiss_reason = Warning.Status.DISMISSED, reason
    warning.save(update_fields=["status", "dismiss_reason", "updated_at"])
    WarningAction.objects.create(warning=warning, kind=WarningAction.Kind.DISMISS, actor=actor, note=note.strip())
    audit_record(actor=actor, obj=warning, action="warning.dismiss", before={"status": "open"},
                 after={"status": warning.status, "reason": reason}, reason=note.strip())  # fmt: skip
    return warning


@transaction.atomic
def warning_notify(*, actor: User, warning_id: int, deadline: dt.date, message: str) -> ElectronicNotice:
    """Send the enterprise an electronic notice (电子督办) asking for its explanation by `deadline`."""
    warning = _locked(actor, warning_id)
    _require_open(warning)
    if deadline <= timezone.localdate():
        raise ValidationFailed(_("The deadline must be after today. Give the enterprise at least one day."),
                               details={"deadline": [_("Choose a later date.")]})  # fmt: skip
    if not message.strip():
        raise ValidationFailed(_("Write what the enterprise must explain."), details={"message": [_("Required.")]})
    notice = ElectronicNotice.objects.create(warning=warning, entity=warning.entity, message=message.strip(),
                                             deadline=deadline, sent_by=actor)  # fmt: skip
    warning.status = Warning.Status.NOTIFIED
    warning.save(update_fields=["status", "updated_at"])
    WarningAction.objects.create(warning=warning, kind=WarningAction.Kind.NOTIFY, actor=actor,
                                 note=f"{deadline.isoformat()}: {message.strip()}")  # fmt: skip
    audit_record(actor=actor, obj=notice, action="warning.notify", after={"warning": warning.pk,
                                                                           "deadline": deadline.isoformat()})  # fmt: skip
    return notice


@transaction.atomic
def warning_raise_lead(*, actor: User, warning_id: int, note: str = ""):
    """Turn a warning (open or notified) into a lead in the one inbox; twice gives the same lead."""
    warning = _locked(actor, warning_id)
    if warning.status not in (Warning.Status.OPEN, Warning.Status.NOTIFIED, Warning.Status.LEAD):
        raise InvalidTransition(_("A dismissed warning cannot become a lead. Reopen it from the audit trail if needed."))
    title = _("Monitoring warning: %(rule)s at %(entity)s") % {"rule": rule_label(warning.rule), "entity": warning.entity.name}
    description = _("%(rule)s on device %(mn)s, factor %(pollutant)s, from %(start)s to %(end)s; value %(value).2f "
                    "against %(threshold).2f. %(note)s") % {
        "rule": rule_label(warning.rule), "mn": warning.mn, "pollutant": warning.pollutant,
        "start": timezone.localtime(warning.start).strftime("%Y-%m-%d %H:%M"),
        "end": timezone.localtime(warning.end).strftime("%Y-%m-%d %H:%M"), "value": warning.value,
        "threshold": warning.threshold, "note": note.strip()}  # fmt: skip
    lead, created = lead_create(source="warning", title=title, entity=warning.entity, description=description,
                                created_by=actor, external_ref=f"warning:{warning.pk}")  # fmt: skip
    if warning.status != Warning.Status.LEAD:
        warning.status, warning.lead = Warning.Status.LEAD, lead
        warning.save(update_fields=["status", "lead", "updated_at"])
        WarningAction.objects.create(warning=warning, kind=WarningAction.Kind.LEAD, actor=actor, note=note.strip())
        audit_record(actor=actor, obj=warning, action="warning.lead", after={"lead": lead.pk})
    return lead


# --- electricity and video inputs ----------------------------------------------------------------------------------

INPUT_ROLES = (Role.MONITORING_OPERATOR,)  # device integrations use an operator's (or an administrator's) token
MAX_AUDITED_MNS = 100  # the audit event names at most this many MNs of a batch (and always says how many)


def _refusal(kind: str, mn: str) -> str:
    if kind == DeviceBinding.Kind.VIDEO:
        return _("%(mn)s is not a camera registered in your jurisdiction.") % {"mn": mn}
    return _("%(mn)s is not an electricity monitor registered in your jurisdiction.") % {"mn": mn}


def _row_key(kind: str, index: int) -> str:
    return "mn" if kind == DeviceBinding.Kind.VIDEO else f"readings[{index}].mn"


def readings_store(*, actor: User, kind: str, rows: list[dict], lake_dir: Path | str | None = None) -> dict:
    """Store one batch of validated lake rows (`inputs.lake_writer`) sent by a person: all or nothing.

    Every row's MN must be a device registered (bound) as `kind` whose entity lies in the sender's jurisdiction;
    otherwise nothing is written and each refused row is named in the error's details (`readings[i].mn`, or `mn`
    for a video event), with the same words for an unknown MN and one out of reach. A stored batch writes one audit
    event (`inputs.electricity` / `inputs.video`) filed under its devices' county.
    """
    require_role(actor, INPUT_ROLES)
    bindings = input_bindings(mns={r["mn"] for r in rows}, kind=kind, user=actor)
    refused = {_row_key(kind, i): [_refusal(kind, r["mn"])] for i, r in enumerate(rows) if r["mn"] not in bindings}
    if refused:
        raise ValidationFailed(_("Nothing was stored: %(refused)s of %(total)s readings name a device that is not "
                                 "registered in your jurisdiction. Register the device (bind it to its entity) or "
                                 "correct its MN, then send the whole batch again.")
                               % {"refused": len(refused), "total": len(rows)}, details=refused)  # fmt: skip
    with transaction.atomic():
        mns = sorted(bindings)
        counties = {b.entity.region.code for b in bindings.values()}
        times = [r["data_time"] for r in rows]
        region = counties.pop() if len(counties) == 1 else region_code_of(actor)  # several counties: the sender's
        audit_record(actor=actor, obj=bindings[mns[0]], region_code=region,
                     action={"electricity": "inputs.electricity", "video": "inputs.video"}[kind],
                     after={"via": "api", "rows": len(rows), "mn_count": len(mns), "mns": mns[:MAX_AUDITED_MNS],
                            "from": min(times), "to": max(times), "files": row_files(rows)})  # fmt: skip
        written = write_rows(lake_dir or settings.LAKE_DIR, rows)  # a failed write rolls the audit event back
    return {"rows": len(rows), "files": len(written)}
