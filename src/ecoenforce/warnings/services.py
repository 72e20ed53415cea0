"""Warnings desk writes: limits seed, point limits (versioned), devices of other kinds in the monitoring registry,
policy versions and warning actions."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecoenforce.core.access import get_in_scope, require_role
from ecoenforce.core.audit import audit_record, region_code_of
from ecoenforce.core.errors import InvalidTransition, NotFound, ValidationFailed
from ecoenforce.core.models import Role, User
from ecoenforce.leads.services import lead_create
from ecoenforce.monitoring.factors import factor_text
from ecoenforce.monitoring.models import MonitoringDevice
from ecoenforce.monitoring.rules.policy import RulePolicyValues
from ecoenforce.warnings.inputs import mosquitto
from ecoenforce.warnings.inputs.lake_writer import row_files, write_rows
from ecoenforce.warnings.labels import rule_label, warning_measure
from ecoenforce.warnings.models import (
    ElectronicNotice,
    EmissionLimit,
    EmissionStandard,
    MqttGrant,
    MqttPublisher,
    PointLimit,
    RulePolicy,
    Warning,
    WarningAction,
)  # fmt: skip
from ecoenforce.warnings.notices import notify_firm_of_notice
from ecoenforce.warnings.selectors import input_bindings, mqtt_authorizations

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


def _refuse_other_entity(device: MonitoringDevice, entity) -> None:
    if device.entity_id != entity.pk:
        # Moving an MN between entities silently would re-attribute evidence; make the operator say so first.
        raise ValidationFailed(_("MN %(mn)s is registered to another entity. Deactivate it there first, or correct "
                                 "the MN.") % {"mn": device.mn},
                               details={"mn": [_("MN %(mn)s is registered to another entity. Deactivate it there "
                                                 "first, or correct the MN.") % {"mn": device.mn}]})  # fmt: skip


@transaction.atomic
def device_bind(*, actor: User | None, mn: str, entity, kind: str = MonitoringDevice.Kind.CEMS,
                label: str = "") -> MonitoringDevice:
    """Register a device of `kind` for an entity in the monitoring registry (an electricity meter, a camera, or an
    automatic-monitoring device whose outlet and password the monitoring pages add). Again for the same entity and
    kind it updates the label; an MN registered to another entity or as another kind is refused: nothing moves."""
    device = MonitoringDevice.objects.select_for_update().filter(mn=mn).first()
    if device is not None:
        _refuse_other_entity(device, entity)
        if device.kind != kind:
            message = _("MN %(mn)s is registered as another kind of device (%(kind)s). Correct the MN.") % {
                "mn": mn, "kind": device.get_kind_display()}  # fmt: skip
            raise ValidationFailed(message, details={"mn": [message]})
        if device.label == label:
            return device
        before = {"label": device.label}
        device.label = label
        device.save(update_fields=["label", "updated_at"])
        audit_record(actor=actor, obj=device, action="monitoring_device.update", before=before, after={"label": label})
        return device
    device = MonitoringDevice(mn=mn, entity=entity, kind=kind, label=label)
    try:
        device.full_clean()
    except DjangoValidationError as exc:
        raise ValidationFailed.from_django(exc) from None
    device.save()
    audit_record(actor=actor, obj=device, action="monitoring_device.register",
                 after={"mn": mn, "entity": entity.pk, "kind": kind, "label": label})  # fmt: skip
    return device


def _version_fields(limit: EmissionLimit) -> dict:
    return {"limit": limit, "limit_value": limit.limit_value, "limit_min": limit.limit_min, "unit": limit.unit,
            "averaging": limit.averaging, "reference_o2": limit.reference_o2}  # fmt: skip


def _limit_state(version: PointLimit | None) -> dict | None:
    if version is None:
        return None
    return {"limit": version.limit_id, "standard": version.limit.standard.code, "category": version.limit.category,
            "value": version.value_text, "unit": version.unit, "averaging": version.averaging,
            "valid_from": version.valid_from.isoformat()}  # fmt: skip


EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _set_limit(*, actor: User | None, device: MonitoringDevice, pollutant: str, limit: EmissionLimit,
               valid_from: dt.datetime | None, note: str = "") -> tuple[PointLimit, bool]:
    """Make `limit` the device's limit for `pollutant` from `valid_from` → (version in force, changed?).

    The version in force for the same averaging period is closed at `valid_from` (kept, with its period) and a new
    one opened; the same limit again changes nothing. Without `valid_from`: now — or, for the factor's first limit,
    from the start (no other limit ever judged its readings, so the data already in the lake are judged too).
    Audited as `point_limit.assign` (first) or `.change`."""
    if limit.pollutant and limit.pollutant != pollutant:
        raise ValidationFailed(_("This limit is for another pollutant. Choose a limit for %(code)s.") % {"code": pollutant},
                               details={"limit": [_("Wrong pollutant.")]})  # fmt: skip
    current = (PointLimit.objects.select_for_update().select_related("limit__standard")
               .filter(device=device, pollutant=pollutant, averaging=limit.averaging, valid_to__isnull=True).first())  # fmt: skip
    if current is not None and current.limit_id == limit.pk and current.limit_value == limit.limit_value:
        return current, False
    if current is not None and valid_from is not None and valid_from <= current.valid_from:
        raise ValidationFailed(_("The new limit must start after the one in force, which applies since %(since)s.")
                               % {"since": timezone.localtime(current.valid_from).strftime("%Y-%m-%d %H:%M")},
                               details={"valid_from": [_("Choose a later time.")]})  # fmt: skip
    if valid_from is None:
        first = not PointLimit.objects.filter(device=device, pollutant=pollutant, averaging=limit.averaging).exists()
        valid_from = EPOCH if first else timezone.now()
    before = _limit_state(current)
    if current is not None:
        current.valid_to = valid_from
        current.save(update_fields=["valid_to"])
    version = PointLimit.objects.create(device=device, pollutant=pollutant, valid_from=valid_from, set_by=actor,
                                        note=note[:200], **_version_fields(limit))  # fmt: skip
    version.limit = limit
    audit_record(actor=actor, obj=version, region_code=device.entity.region.code,
                 action="point_limit.change" if current is not None else "point_limit.assign",
                 before=before, after={"mn": device.mn, "pollutant": pollutant, **_limit_state(version)},
                 reason=note.strip())  # fmt: skip
    return version, True


@transaction.atomic
def point_limit_assign(*, actor: User | None, mn: str, pollutant: str, limit: EmissionLimit,
                       valid_from: dt.datetime | None = None) -> PointLimit:
    """Set the limit that applies to one registered device and pollutant (from `valid_from`; by default now, or from
    the start for the factor's first limit)."""
    device = MonitoringDevice.objects.select_related("entity__region").filter(mn=mn).first()
    if device is None:
        raise ValidationFailed(_("MN %(mn)s is not a registered device. Register it first.") % {"mn": mn},
                               details={"mn": [_("Not registered.")]})  # fmt: skip
    version, _changed = _set_limit(actor=actor, device=device, pollutant=pollutant, limit=limit,
                                   valid_from=valid_from)  # fmt: skip
    return version


LIMIT_ROLES = (Role.MONITORING_OPERATOR, Role.UNIT_LEADER)


@transaction.atomic
def point_limit_change(*, actor: User, mn: str, pollutant: str, limit_id: object, valid_from: dt.datetime | None,
                       note: str = "") -> PointLimit:
    """A person sets one factor's limit on a device in their jurisdiction (the device's limits page): the version
    in force is closed at `valid_from` (now when empty; never in the past, which would re-judge readings already
    judged) and kept; the change is audited with the reason. A factor's first limit, left without a time, judges
    its readings from the start."""
    require_role(actor, LIMIT_ROLES)
    found = MonitoringDevice.objects.filter(mn=mn).only("pk").first()
    if found is None:
        raise NotFound()
    device = get_in_scope(MonitoringDevice.objects.select_related("entity__region"), user=actor, pk=found.pk,
                          field="entity__region__code")  # fmt: skip
    point = getattr(device, "point", None)
    codes = set(point.pollutants.values_list("code", flat=True)) if point is not None else set()
    if pollutant not in codes:
        raise ValidationFailed(_("The device does not measure this factor. Choose one of its factors."),
                               details={"pollutant": [_("Not measured by this device.")]})  # fmt: skip
    limit = EmissionLimit.objects.select_related("standard").filter(
        pk=limit_id if str(limit_id).isdigit() else None, pollutant=pollutant, standard__active=True).first()
    if limit is None:
        raise ValidationFailed(_("Choose a limit of an active standard for this factor."),
                               details={"limit": [_("Choose a limit for this factor.")]})  # fmt: skip
    if valid_from is not None and valid_from < timezone.now() - dt.timedelta(minutes=5):
        raise ValidationFailed(_("A limit cannot start in the past: readings already judged keep the limit they were "
                                 "judged against. Choose now or a later time."),
                               details={"valid_from": [_("Choose now or a later time.")]})  # fmt: skip
    if not note.strip():
        raise ValidationFailed(_("Say why the limit changes (the permit, a new standard, a correction)."),
                               details={"note": [_("Required.")]})  # fmt: skip
    version, _changed = _set_limit(actor=actor, device=device, pollutant=pollutant, limit=limit,
                                   valid_from=valid_from, note=note)  # fmt: skip
    return version


def _category_matches(wanted: str, category: str) -> bool:
    """The outlet's category names the seeded one: exactly, or every word of it (split on spaces and '/') appears
    in the seeded category — `燃煤锅炉 特别排放限值` names `燃煤锅炉/重点地区(特别排放限值)`."""
    if wanted == category:
        return True
    words = [w for w in wanted.replace("／", "/").replace("/", " ").split() if w]
    return bool(words) and all(w in category for w in words)


def limits_assign_from_standards(*, actor: User | None, points: list) -> object:
    """The monitoring import's limits assigner (`monitoring.hooks`): for each imported point whose outlet names a
    standard and category, give every measured pollutant the seeded limit(s) of that category, versioned from now.

    An unknown standard, or a category that names no seeded category (or several), refuses the import (a problem on
    that row); a factor with no limit in the category is a notice, by name; flow, O2 and the other auxiliary
    channels are never judged against a limit and are not listed."""
    from ecoenforce.monitoring.hooks import LimitsOutcome
    from ecoenforce.monitoring.rules.policy import AUX_CODES

    outcome = LimitsOutcome()
    for p in points:
        limits = list(EmissionLimit.objects.select_related("standard").filter(standard__code=p.standard,
                                                                              standard__active=True))  # fmt: skip
        if not limits:
            outcome.problems.append((p.row, "standard", _("%(standard)s is not a standard in the limits table. Write "
                                                          "its code as the table does, e.g. GB 13223-2011.")
                                     % {"standard": p.standard}))  # fmt: skip
            continue
        matching = [lim for lim in limits if _category_matches(p.category, lim.category)]
        if not matching:
            outcome.problems.append((p.row, "category", _("%(category)s names no category of %(standard)s. Write the "
                                                          "category as the limits table does, e.g. %(example)s.")
                                     % {"category": p.category or "—", "standard": p.standard,
                                        "example": limits[0].category}))  # fmt: skip
            continue
        exact = [lim for lim in matching if lim.category == p.category]
        matching = exact or matching
        for code in p.codes:
            if code in AUX_CODES:
                continue
            found = [lim for lim in matching if lim.pollutant == code]
            categories = sorted({lim.category for lim in found})
            if not found:
                outcome.notices.append((p.row, "pollutants", _("%(factor)s: no limit in %(standard)s %(category)s; "
                                                               "it is not judged for exceedance.")
                                        % {"factor": factor_text(code), "standard": p.standard,
                                           "category": p.category}))  # fmt: skip
                continue
            if len(categories) > 1:
                outcome.notices.append((p.row, "category", _("%(factor)s: several categories of %(standard)s give it a "
                                                             "limit (%(choices)s); none was assigned. Write the "
                                                             "category whole, or set the limit on the device page.")
                                        % {"factor": factor_text(code), "standard": p.standard,
                                           "choices": "; ".join(categories)}))  # fmt: skip
                continue
            for lim in found:
                _version, changed = _set_limit(actor=actor, device=p.device, pollutant=code, limit=lim, valid_from=None,
                                               note=_("From the device import: %(standard)s %(category)s")
                                               % {"standard": p.standard, "category": lim.category})  # fmt: skip
                outcome.assigned += changed
    return outcome


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
    """Close a warning as not needing action, with a reason (reasons feed each rule's false-positive rate): an open
    warning, or a notified one once the firm's explanation is in and accepted."""
    warning = _locked(actor, warning_id)
    answered = (warning.status == Warning.Status.NOTIFIED
                and ElectronicNotice.objects.filter(warning=warning, status=ElectronicNotice.Status.ANSWERED).exists())
    if not answered:
        _require_open(warning)
    if reason not in Warning.DismissReason.values:
        raise ValidationFailed(_("Choose why the warning needs no action."), details={"reason": [_("Required.")]})
    if reason == Warning.DismissReason.OTHER and not note.strip():
        raise ValidationFailed(_("Explain the reason in the note."), details={"note": [_("Required for 'Other'.")]})
    warning.status, warning.dismiss_reason = Warning.Status.DISMISSED, reason
    warning.save(update_fields=["status", "dismiss_reason", "updated_at"])
    WarningAction.objects.create(warning=warning, kind=WarningAction.Kind.DISMISS, actor=actor, note=note.strip())
    audit_record(actor=actor, obj=warning, action="warning.dismiss", before={"status": "notified" if answered else "open"},
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
    notify_firm_of_notice(notice)
    return notice


@transaction.atomic
def warning_raise_lead(*, actor: User, warning_id: int, note: str = ""):
    """Turn a warning (open or notified) into a lead in the one inbox; twice gives the same lead."""
    warning = _locked(actor, warning_id)
    if warning.status not in (Warning.Status.OPEN, Warning.Status.NOTIFIED, Warning.Status.LEAD):
        raise InvalidTransition(_("A dismissed warning cannot become a lead. Reopen it from the audit trail if needed."))
    title = _("Monitoring warning: %(rule)s at %(entity)s") % {"rule": rule_label(warning.rule), "entity": warning.entity.name}
    description = _("%(rule)s on device %(mn)s, factor %(factor)s, from %(start)s to %(end)s: %(measure)s. "
                    "%(note)s") % {
        "rule": rule_label(warning.rule), "mn": warning.mn, "factor": factor_text(warning.pollutant),
        "start": timezone.localtime(warning.start).strftime("%Y-%m-%d %H:%M"),
        "end": timezone.localtime(warning.end).strftime("%Y-%m-%d %H:%M"),
        "measure": warning_measure(warning.rule, warning.pollutant, warning.value, warning.threshold),
        "note": note.strip()}  # fmt: skip
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
    if kind == MonitoringDevice.Kind.VIDEO:
        return _("%(mn)s is not a camera registered in your jurisdiction.") % {"mn": mn}
    return _("%(mn)s is not an electricity monitor registered in your jurisdiction.") % {"mn": mn}


def _row_key(kind: str, index: int) -> str:
    return "mn" if kind == MonitoringDevice.Kind.VIDEO else f"readings[{index}].mn"


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
    counties = {b.entity.region.code for b in bindings.values()}
    region = counties.pop() if len(counties) == 1 else region_code_of(actor)  # several counties: the sender's
    return _store_batch(actor=actor, obj=bindings[min(bindings)], region=region, kind=kind, rows=rows, via="api",
                        lake_dir=lake_dir)  # fmt: skip


def _store_batch(*, actor: User | None, obj, region: str, kind: str, rows: list[dict], via: str,
                 lake_dir: Path | str | None, extra: dict | None = None) -> dict:
    """Write checked rows into the lake with one audit event (written first, in the same transaction: a failed write
    rolls it back)."""
    mns = sorted({r["mn"] for r in rows})
    times = [r["data_time"] for r in rows]
    with transaction.atomic():
        audit_record(actor=actor, obj=obj, region_code=region,
                     action={"electricity": "inputs.electricity", "video": "inputs.video"}[kind],
                     after={"via": via, **(extra or {}), "rows": len(rows), "mn_count": len(mns),
                            "mns": mns[:MAX_AUDITED_MNS], "from": min(times), "to": max(times),
                            "files": row_files(rows)})  # fmt: skip
        written = write_rows(lake_dir or settings.LAKE_URL or settings.LAKE_DIR, rows)
    return {"rows": len(rows), "files": len(written)}


# --- MQTT publishers -------------------------------------------------------------------------------------------------


def _publisher(username: str) -> MqttPublisher:
    try:
        return MqttPublisher.objects.select_related("organization__region").get(username=username)
    except MqttPublisher.DoesNotExist:
        raise NotFound(_("There is no MQTT publisher %(username)s.") % {"username": username}) from None


def mqtt_readings_store(*, username: str, rows: list[dict], lake_dir: Path | str | None = None) -> tuple[int, int]:
    """Store electricity rows a publisher sent over MQTT (the listener's flush) → (stored, refused).

    Checked again against the database at the moment of writing: rows for an MN no longer bound to this publisher, or
    from a publisher since deactivated, are refused (each MQTT message was already judged on its own; one stale row
    does not refuse the others). One audit event per publisher and flush, actor "system", filed under the publisher.
    """
    publisher = MqttPublisher.objects.select_related("organization__region").filter(username=username).first()
    if publisher is None:
        return 0, len(rows)
    bindings = input_bindings(mns={r["mn"] for r in rows}, kind=MonitoringDevice.Kind.ELECTRICITY, publisher=publisher)
    kept = [r for r in rows if r["mn"] in bindings]
    if kept:
        _store_batch(actor=None, obj=publisher, region="", kind=MonitoringDevice.Kind.ELECTRICITY, rows=kept, via="mqtt",
                     lake_dir=lake_dir, extra={"publisher": publisher.username})  # fmt: skip
    return len(kept), len(rows) - len(kept)


@transaction.atomic
def mqtt_publisher_issue(*, actor: User | None, username: str, organization, label: str = "") -> tuple[MqttPublisher, str]:
    """Issue a publisher its user name and password → (publisher, password). The password is returned once and only
    its hash is kept; write the broker's files (`mosquitto_config_write`) for it to take effect."""
    if username == settings.MQTT_USERNAME:
        raise ValidationFailed(_("%(username)s is the listener's own user name. Choose another.") % {"username": username},
                               details={"username": [_("Reserved.")]})  # fmt: skip
    if MqttPublisher.objects.filter(username=username).exists():
        raise ValidationFailed(_("There is already an MQTT publisher %(username)s.") % {"username": username},
                               details={"username": [_("Already issued.")]})  # fmt: skip
    password = mosquitto.new_password()
    publisher = MqttPublisher(username=username, label=label, organization=organization,
                              password_hash=mosquitto.password_hash(password))  # fmt: skip
    try:
        publisher.full_clean()
    except DjangoValidationError as exc:
        raise ValidationFailed.from_django(exc) from None
    publisher.save()
    audit_record(actor=actor, obj=publisher, action="mqtt_publisher.issue", after={"username": username, "label": label})
    return publisher, password


@transaction.atomic
def mqtt_publisher_password_reset(*, actor: User | None, username: str) -> str:
    """A new password for a publisher (the old one stops working when the broker's files are rewritten)."""
    publisher = _publisher(username)
    password = mosquitto.new_password()
    publisher.password_hash = mosquitto.password_hash(password)
    publisher.save(update_fields=["password_hash"])
    audit_record(actor=actor, obj=publisher, action="mqtt_publisher.reset_password", after={"username": username})
    return password


@transaction.atomic
def mqtt_publisher_bind(*, actor: User | None, username: str, mns: list[str], unbind: bool = False) -> list[str]:
    """Let a publisher send these electricity monitors' readings (or, with `unbind`, stop it). Each MN must be a
    registered electricity monitor; a monitor has at most one publisher (binding moves it)."""
    publisher = _publisher(username)
    devices = {d.mn: d for d in MonitoringDevice.objects.select_for_update().filter(
        mn__in=mns, kind=MonitoringDevice.Kind.ELECTRICITY)}  # fmt: skip
    missing = [mn for mn in mns if mn not in devices]
    if missing:
        raise ValidationFailed(_("Not registered electricity monitors: %(mns)s. Bind each to its entity first.")
                               % {"mns": ", ".join(missing)}, details={"mns": missing})  # fmt: skip
    unsafe = [mn for mn in mns if not mosquitto.TOPIC_SAFE.match(mn)]
    if unsafe and not unbind:
        raise ValidationFailed(_("These MNs cannot be an MQTT topic level (letters, digits, . _ : - only): %(mns)s.")
                               % {"mns": ", ".join(unsafe)}, details={"mns": unsafe})  # fmt: skip
    grants = {g.device_id: g for g in MqttGrant.objects.select_for_update().select_related("publisher")
              .filter(device__in=devices.values())}  # fmt: skip
    changed = []
    for mn in mns:
        device = devices[mn]
        grant = grants.get(device.pk)
        if unbind and (grant is None or grant.publisher_id != publisher.pk):
            continue
        before = grant.publisher.username if grant is not None else ""
        if unbind:
            grant.delete()
        elif grant is None:
            grant = MqttGrant.objects.create(device=device, publisher=publisher)
        else:
            grant.publisher = publisher
            grant.save(update_fields=["publisher"])
        changed.append(mn)
        audit_record(actor=actor, obj=device, action="device.bind_publisher", before={"publisher": before},
                     after={"publisher": "" if unbind else publisher.username})  # fmt: skip
    return changed


@transaction.atomic
def mosquitto_config_write(*, actor: User | None, directory: Path | str, listener_password: str, port: int = 1883,
                           run_as: str = "") -> dict:
    """Write Mosquitto's password file, ACL file and a configuration that refuses anonymous clients into `directory`
    (each 0600, atomically), from the active publishers and their bindings → what was written."""
    if not listener_password:
        raise ValidationFailed(_("Set ECOENFORCE_MQTT_PASSWORD (the listener's own password) before writing the broker's "
                                 "files."))  # fmt: skip
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    allowed = mqtt_authorizations()
    hashes = dict(MqttPublisher.objects.filter(active=True).values_list("username", "password_hash"))
    entries = [(settings.MQTT_USERNAME, mosquitto.password_hash(listener_password)), *hashes.items()]
    paths = {"password_file": directory / "passwd", "acl_file": directory / "acl", "config": directory / "mosquitto.conf"}
    mosquitto.write_private(paths["password_file"], mosquitto.password_file(entries))
    mosquitto.write_private(paths["acl_file"], mosquitto.acl_file(listener=settings.MQTT_USERNAME, publishers=allowed))
    mosquitto.write_private(paths["config"], mosquitto.broker_config(port=port, password_path=str(paths["password_file"].resolve()),
                                                           acl_path=str(paths["acl_file"].resolve()),
                                                           run_as=run_as))  # fmt: skip
    summary = {"publishers": len(allowed), "devices": sum(len(v) for v in allowed.values()), "directory": str(directory)}
    audit_record(actor=actor, object_type="warnings.mqttpublisher", object_id="broker", action="mqtt_config.write",
                 after=summary)  # fmt: skip
    return {**summary, **{k: str(v) for k, v in paths.items()}}
