"""On-site writes: the on-site record and the inquiry record (each stored once per idempotency key, signed by at
least two certified officers and the party — or the party's refusal before a witness), the evidence attached to a
record or a case (`evidence_add`, called by the offline and sampling code too), and what a record's findings become:
the drawn task's result (planning.tasks.task_record_result, so the round's published result names the record), a
lead in the inbox, or a case where the officer asks for one."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import BinaryIO

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecoenforce.cases.models import Case
from ecoenforce.cases.workflow import OPEN_STAGES
from ecoenforce.core.access import STAFF_ROLES, has_role, scope_by_region
from ecoenforce.core.audit import audit_record
from ecoenforce.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from ecoenforce.core.files import EXTENSIONS, blob_path, blob_put, display_name
from ecoenforce.core.models import Role, User
from ecoenforce.leads.models import Lead
from ecoenforce.leads.services import lead_convert
from ecoenforce.onsite import rules
from ecoenforce.onsite.checklists import Checklists
from ecoenforce.onsite.models import (
    ChecklistPolicy,
    Evidence,
    InquiryRecord,
    OnSiteRecord,
    Signature,
    Subject,
)
from ecoenforce.planning.models import InspectionTask
from ecoenforce.planning.tasks import task_get_for_user, task_record_result

_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")
OFFICER_ROLES = (Role.INSPECTOR, Role.UNIT_LEADER)
MAX_SIGNATURE_BYTES = 512 * 1024
MAX_TEXT = 10000
# what each kind of evidence may be (the content decides, never the name)
KIND_TYPES = {
    Evidence.Kind.PHOTO: ("image/",),
    Evidence.Kind.VIDEO: ("video/",),
    Evidence.Kind.AUDIO: ("audio/",),
    Evidence.Kind.DOCUMENT: ("application/pdf", "application/vnd.openxmlformats", "image/"),
}


def evidence_max_bytes() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_BYTES", 500 * 1024 * 1024))


def clock_tolerance() -> dt.timedelta:
    return dt.timedelta(minutes=int(getattr(settings, "ONSITE_CLOCK_TOLERANCE_MINUTES", 10)))


# --- checklists ---------------------------------------------------------------------------------------------

def checklist_policy_check(values: object) -> Checklists:
    """The checklists the values describe, or ValidationFailed saying what to correct."""
    try:
        return Checklists.from_values(values)
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(_("The checklists could not be read: %(error)s.") % {"error": exc}) from None


def checklists_current() -> tuple[Checklists, int]:
    """The checklists in force and their version (version 0: the code's defaults)."""
    from ecoenforce.onsite.checklists import DEFAULTS

    policy = ChecklistPolicy.newest()
    if policy is None:
        return Checklists.from_values(DEFAULTS), 0
    return Checklists.from_values(policy.values), policy.version


@transaction.atomic
def checklist_policy_add(*, actor: User | None, values: dict, source: str = "") -> ChecklistPolicy:
    """Store the next checklist version (records keep the version they were made with)."""
    checklist_policy_check(values)
    policy = ChecklistPolicy.add_version(values=values, source=source)
    audit_record(actor=actor, obj=policy, action="checklist_policy.add", after={
        "groups": sorted(values.get("groups", {}))}, reason=source)
    return policy


# --- what is inspected, and by whom ---------------------------------------------------------------------------

def _may_record_case(user: User, case: Case) -> bool:
    return case.stage in OPEN_STAGES and case.handlers.filter(pk=user.pk).exists()


def subject_for_officer(*, user: User, subject: str, subject_id: object, lock: bool = False):
    """(task | case | lead, entity) the officer may record for, or NotFound / PermissionDenied:
    a drawn task (its drawn officers only), an open case (its handlers), a lead assigned to them to verify."""
    if not has_role(user, OFFICER_ROLES):
        raise PermissionDenied(_("Only inspectors and unit leaders make on-site records."))
    if not str(subject_id or "").isdigit():
        raise NotFound()
    if subject == Subject.TASK:
        task = task_get_for_user(user=user, task_id=subject_id, lock=lock)
        if not task.inspectors.filter(pk=user.pk).exists():
            raise PermissionDenied(_("Only the officers drawn for this task record it, under their own names. "
                                     "Ask one of them (see Officers on the task)."))
        return task, task.entity
    if subject == Subject.CASE:
        qs = Case.objects.select_related("entity__region", "entity__industry")
        if lock:
            qs = qs.select_for_update(of=("self",))
        case = qs.filter(pk=subject_id).first()
        if case is None or not _may_record_case(user, case):
            raise NotFound()
        return case, case.entity
    if subject == Subject.LEAD:
        qs = Lead.objects.select_related("entity__region", "entity__industry")
        if lock:
            qs = qs.select_for_update(of=("self",))
        lead = qs.filter(pk=subject_id, assigned_to=user, status=Lead.Status.NEW).first()
        if lead is None:
            raise NotFound()
        if lead.entity is None:
            raise ValidationFailed(_("This lead names no regulated entity. Ask the unit leader to set the entity "
                                     "before the on-site check is recorded."))
        return lead, lead.entity
    raise ValidationFailed(_("Say what is inspected: a drawn task, a case or a lead."),
                           details={"subject": [_("Choose task, case or lead.")]})


@dataclass(frozen=True)
class OfficerSign:
    user_id: int
    signature: bytes


def _check_key(key: str) -> str:
    key = (key or "").strip()
    if not _KEY.match(key):
        raise ValidationFailed(_("The submission has no valid idempotency key (8–64 letters, digits, - _ . :). "
                                 "Reload the form and send it again."), details={"idempotency_key": [_("Required.")]})
    return key


def _replay(model, key: str, actor: User):
    """The record stored under this key earlier (the same submission sent again), or None."""
    existing = model.objects.filter(idempotency_key=key).first()
    if existing is None:
        return None
    if existing.created_by_id == actor.pk or existing.signatures.filter(officer=actor).exists():
        return existing
    raise ValidationFailed(_("This idempotency key was already used for another submission. Use a new key for a "
                             "new record."), details={"idempotency_key": [_("Already used.")]})


def _signature_ok(data: bytes | None) -> bool:
    from ecoenforce.core.files import sniff_type

    return bool(data) and len(data) <= MAX_SIGNATURE_BYTES and sniff_type(data[:64]) == "image/png" \
        and rules.signature_drawn(data)


def _check_officers(actor: User, officers: Sequence[OfficerSign], errors: dict) -> list[tuple[User, bytes]]:
    ids = []
    for o in officers:
        if o.user_id not in ids:
            ids.append(o.user_id)
    if len(ids) < rules.MIN_OFFICERS:
        errors["officers"] = [_("At least two certified officers must take part and sign: one officer alone may not "
                                "record (Administrative Penalty Law art. 42). Add the second officer present.")]
        return []
    users = {u.pk: u for u in User.objects.filter(pk__in=ids)}
    signs = {o.user_id: o.signature for o in officers}
    checked, problems = [], []
    for uid in ids:
        user = users.get(uid)
        if user is None or not user.is_active or user.role not in OFFICER_ROLES:
            problems.append(_("Officer %(id)s is not an active inspector.") % {"id": uid})
            continue
        if not user.certificate_no:
            problems.append(_("%(name)s holds no enforcement certificate and cannot act as an officer.")
                            % {"name": user.display_name})
            continue
        checked.append((user, signs[uid]))
    if actor.pk not in ids:
        problems.append(_("You record in your own name: add yourself to the officers present."))
    if problems:
        errors["officers"] = problems
    missing = [u.display_name for u, sig in checked if not _signature_ok(sig)]
    if missing:
        errors["signatures"] = [_("Signature missing: %(names)s must sign on the screen.") % {"names": "、".join(missing)}]
    return checked


def _check_party_sign(*, who: str, signature: bytes | None, refused: bool, witness_name: str,
                      witness_signature: bytes | None, errors: dict) -> None:
    if refused:
        if not (witness_name or "").strip():
            errors["witness_name"] = [_("The party refused to sign: name the witness present.")]
        if not _signature_ok(witness_signature):
            errors["witness_signature"] = [_("The party refused to sign: the witness signs on the screen.")]
    elif not _signature_ok(signature):
        errors["party_signature"] = [_("Signature missing: %(who)s signs on the screen, or record the refusal with a "
                                       "witness.") % {"who": who}]


def _parse_moment(raw: object, field: str, errors: dict) -> dt.datetime | None:
    if isinstance(raw, dt.datetime):
        moment = raw
    else:
        try:
            moment = dt.datetime.fromisoformat(str(raw or "").strip())
        except ValueError:
            errors[field] = [_("Give the time as YYYY-MM-DDTHH:MM.")]
            return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _check_times(started: object, ended: object, device_now: object, errors: dict):
    start = _parse_moment(started, "started_at", errors)
    end = _parse_moment(ended, "ended_at", errors)
    device = _parse_moment(device_now, "device_now", errors) if device_now not in (None, "") else None
    if start is None or end is None:
        return None
    if end < start:
        errors["ended_at"] = [_("The end is before the start.")]
        return None
    return start, end, rules.clock_check(server_now=timezone.now(), device_now=device, started=start, ended=end,
                                         tolerance=clock_tolerance())


def _check_position(latitude, longitude, accuracy, errors: dict):
    if latitude in (None, "") and longitude in (None, ""):
        return None, None, None
    try:
        lat, lon = float(latitude), float(longitude)
        acc = float(accuracy) if accuracy not in (None, "") else None
    except (TypeError, ValueError):
        errors["latitude"] = [_("The position is not a number; use the location button again.")]
        return None, None, None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180) \
            or (acc is not None and not (math.isfinite(acc) and acc >= 0)):
        errors["latitude"] = [_("The position is out of range; use the location button again.")]
        return None, None, None
    return round(Decimal(str(lat)), 6), round(Decimal(str(lon)), 6), acc


def _raise(errors: dict) -> None:
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(first, details=errors)


def _store_signatures(record, field: str, officers: list[tuple[User, bytes]], party: tuple[str, bytes] | None,
                      witness: tuple[str, bytes] | None) -> None:
    for user, sig in officers:
        Signature.objects.create(**{field: record}, role=Signature.Role.OFFICER, officer=user,
                                 name=user.display_name, certificate_no=user.certificate_no,
                                 sha256=blob_put(sig).sha256)
    if party is not None:
        Signature.objects.create(**{field: record}, role=Signature.Role.PARTY, name=party[0][:64],
                                 sha256=blob_put(party[1]).sha256)
    if witness is not None:
        Signature.objects.create(**{field: record}, role=Signature.Role.WITNESS, name=witness[0][:64],
                                 sha256=blob_put(witness[1]).sha256)


def _subject_fields(subject: str, target) -> dict:
    return {"subject": subject, "task": target if subject == Subject.TASK else None,
            "case": target if subject == Subject.CASE else None,
            "lead": target if subject == Subject.LEAD else None}


def _number(record, prefix: str) -> str:
    return f"{prefix}{timezone.localtime(record.received_at):%Y}-{record.pk:06d}"


def _work_text(record: OnSiteRecord, findings: list[dict], items: dict) -> str:
    """What the task result and the lead say: the record's number and the problems found, in Chinese."""
    lines = [f"现场检查笔录 {record.number}"]
    problems = [f for f in findings if f["result"] == rules.PROBLEM]
    for f in problems:
        item = items.get(f["code"])
        lines.append(f"{f['code']} {item.text if item else ''}：{f['note']}")
    if not problems:
        checked = sum(1 for f in findings if f["result"] == rules.COMPLIANT)
        lines.append(f"按检查表逐项检查{checked}项，未发现问题。")
    if record.summary:
        lines.append(record.summary)
    return "\n".join(lines)


@transaction.atomic
def onsite_record_submit(*, actor: User, idempotency_key: str, subject: str, subject_id: object,
                         started_at: object, ended_at: object, officers: Sequence[OfficerSign], party_name: str,
                         findings: dict[str, dict], device_now: object = None, latitude: object = None,
                         longitude: object = None, accuracy_m: object = None, location: str = "",
                         party_post: str = "", party_id_last4: str = "", party_signature: bytes | None = None,
                         party_refused: bool = False, witness_name: str = "", witness_signature: bytes | None = None,
                         summary: str = "", party_statement: str = "", open_case: bool = False,
                         evidence: Sequence[dict] = ()) -> tuple[OnSiteRecord, bool]:
    """File an on-site record; returns (record, created). The same idempotency key again returns the first record
    unchanged (a phone that resends after a lost answer stores nothing twice). `evidence`: files taken with the
    record (each the keyword arguments of `evidence_add` but user and record) — they go with its lead or case."""
    key = _check_key(idempotency_key)
    existing = _replay(OnSiteRecord, key, actor)
    if existing is not None:
        return existing, False
    target, entity = subject_for_officer(user=actor, subject=subject, subject_id=subject_id, lock=True)
    existing = _replay(OnSiteRecord, key, actor)  # a concurrent resend that got the lock first
    if existing is not None:
        return existing, False
    if subject == Subject.TASK and target.status != InspectionTask.Status.ASSIGNED:
        # The office (or the other drawn officer) recorded the task meanwhile: say who and when, change nothing.
        by = target.completed_by.display_name if target.completed_by_id else _("another officer")
        at = timezone.localtime(target.completed_at).strftime("%Y-%m-%d %H:%M") if target.completed_at else ""
        if target.completed_by_id == actor.pk:
            raise InvalidTransition(_("You already recorded this task's result at %(at)s (%(status)s); this record "
                                      "was not filed again and nothing was changed. Open the task to see it.")
                                    % {"at": at, "status": target.get_status_display()})
        raise InvalidTransition(_("This task's result was recorded meanwhile by %(by)s at %(at)s (%(status)s), so this "
                                  "record was not filed and nothing was changed. Open the task to see the result; if "
                                  "your findings differ, one of its officers corrects the result with a reason.")
                                % {"by": by, "at": at, "status": target.get_status_display()})
    errors: dict[str, list[str]] = {}
    signed = _check_officers(actor, officers, errors)
    party_name = (party_name or "").strip()
    if not party_name:
        errors["party_name"] = [_("Name the party's representative present.")]
    _check_party_sign(who=party_name or _("the party"), signature=party_signature, refused=party_refused,
                      witness_name=witness_name, witness_signature=witness_signature, errors=errors)
    times = _check_times(started_at, ended_at, device_now, errors)
    lat, lon, acc = _check_position(latitude, longitude, accuracy_m, errors)
    checklists, version = checklists_current()
    group, items = checklists.items_for(entity.industry.code if entity.industry_id else None)
    checked, missing = rules.findings_check([i.code for i in items], findings or {})
    if missing:
        errors["findings"] = [_("Give a result for every checklist item (a problem needs a note): %(codes)s.")
                              % {"codes": ", ".join(missing)}]
    id_last = re.sub(r"\s", "", party_id_last4 or "")
    if id_last and not re.fullmatch(r"[0-9Xx]{1,6}", id_last):
        errors["party_id_last4"] = [_("Only the last digits of the ID number (at most 6).")]
    if len(summary or "") > MAX_TEXT or len(party_statement or "") > MAX_TEXT:
        errors["summary"] = [_("Too long: at most %(n)d characters.") % {"n": MAX_TEXT}]
    _raise(errors)
    start, end, clock = times
    now = timezone.now()
    problems = any(f["result"] == rules.PROBLEM for f in checked)
    record = OnSiteRecord.objects.create(
        number=f"pending-{key}"[:32], idempotency_key=key, **_subject_fields(subject, target), entity=entity,
        region=entity.region, started_at=start, ended_at=end, received_at=now,
        clock_offset_seconds=clock.offset_seconds, clock_flagged=clock.flagged, latitude=lat, longitude=lon,
        accuracy_m=acc, location=(location or "").strip()[:200], party_refused=bool(party_refused),
        created_by=actor, party_name=party_name[:64], party_post=(party_post or "").strip()[:64],
        party_id_last4=id_last[-6:], checklist_group=group.key, checklist_version=version, findings=checked,
        problems_found=problems, summary=(summary or "").strip(), party_statement=(party_statement or "").strip())
    record.number = _number(record, "XC")
    record.save(update_fields=["number"])
    _store_signatures(record, "onsite_record", signed,
                      None if party_refused else (party_name, party_signature),
                      (witness_name.strip(), witness_signature) if party_refused else None)
    audit_record(actor=actor, obj=record, action="onsite_record.submit", after={
        "number": record.number, "subject": subject, "subject_id": target.pk, "entity": entity.pk,
        "officers": [u.pk for u, _s in signed], "checklist": f"{group.key} v{version}", "problems": problems,
        "clock_flagged": clock.flagged, "clock_offset_seconds": clock.offset_seconds,
        "party_refused": bool(party_refused)})
    for item in evidence:
        evidence_add(user=actor, record=record, **{"declared_sha256": None, **item})
    _findings_become_work(record, actor=actor, target=target, items={i.code: i for i in items},
                          officers=[u for u, _s in signed], open_case=open_case, clock_flagged=clock.flagged)
    return record, True


def _findings_become_work(record: OnSiteRecord, *, actor: User, target, items: dict, officers: list[User],
                          open_case: bool, clock_flagged: bool) -> None:
    text = _work_text(record, record.findings, items)
    lead = None
    if record.subject == Subject.TASK:
        moment = record.received_at if clock_flagged else record.started_at
        task = task_record_result(actor=actor, task_id=target.pk, inspected_on=timezone.localtime(moment).date(),
                                  violation_found=record.problems_found, findings=text)
        lead = task.lead
    elif record.subject == Subject.LEAD and record.problems_found:
        lead = target
    case = None
    if open_case and record.problems_found:
        if lead is None:
            raise ValidationFailed(_("A case is opened from a drawn task's or a lead's on-site record; this record "
                                     "belongs to a case already."))
        title = _("On-site inspection found problems: %(entity)s") % {"entity": record.entity.name}
        case = lead_convert(lead_id=lead.pk, actor=actor, title=title, facts=text, handlers=officers,
                            entity=record.entity)
    if lead is not None or case is not None:
        record.raised_lead, record.opened_case = lead, case
        record.save(update_fields=["raised_lead", "opened_case"])
    if case is not None:  # the record's evidence goes with the case
        Evidence.objects.filter(onsite_record=record, case__isnull=True).update(case=case)


@transaction.atomic
def inquiry_record_submit(*, actor: User, idempotency_key: str, subject: str, subject_id: object,
                          started_at: object, ended_at: object, officers: Sequence[OfficerSign],
                          interviewee_name: str, qa: Sequence[dict], device_now: object = None, location: str = "",
                          interviewee_post: str = "", interviewee_id_last4: str = "",
                          interviewee_signature: bytes | None = None, interviewee_refused: bool = False,
                          witness_name: str = "", witness_signature: bytes | None = None,
                          latitude: object = None, longitude: object = None,
                          accuracy_m: object = None) -> tuple[InquiryRecord, bool]:
    """File an inquiry record (调查询问笔录); returns (record, created); the same key again returns the first."""
    key = _check_key(idempotency_key)
    existing = _replay(InquiryRecord, key, actor)
    if existing is not None:
        return existing, False
    target, entity = subject_for_officer(user=actor, subject=subject, subject_id=subject_id, lock=True)
    existing = _replay(InquiryRecord, key, actor)
    if existing is not None:
        return existing, False
    errors: dict[str, list[str]] = {}
    signed = _check_officers(actor, officers, errors)
    name = (interviewee_name or "").strip()
    if not name:
        errors["interviewee_name"] = [_("Name the person questioned.")]
    _check_party_sign(who=name or _("the person questioned"), signature=interviewee_signature,
                      refused=interviewee_refused, witness_name=witness_name, witness_signature=witness_signature,
                      errors=errors)
    times = _check_times(started_at, ended_at, device_now, errors)
    lat, lon, acc = _check_position(latitude, longitude, accuracy_m, errors)
    pairs = [{"q": str(p.get("q") or "").strip()[:MAX_TEXT], "a": str(p.get("a") or "").strip()[:MAX_TEXT]}
             for p in (qa or []) if isinstance(p, dict)]
    pairs = [p for p in pairs if p["q"] or p["a"]]
    if not pairs or any(not (p["q"] and p["a"]) for p in pairs):
        errors["qa"] = [_("Write each question with its answer (an unanswered question: write what was said, e.g. "
                          "\"declined to answer\").")]
    id_last = re.sub(r"\s", "", interviewee_id_last4 or "")
    if id_last and not re.fullmatch(r"[0-9Xx]{1,6}", id_last):
        errors["interviewee_id_last4"] = [_("Only the last digits of the ID number (at most 6).")]
    _raise(errors)
    start, end, clock = times
    record = InquiryRecord.objects.create(
        number=f"pending-{key}"[:32], idempotency_key=key, **_subject_fields(subject, target), entity=entity,
        region=entity.region, started_at=start, ended_at=end, received_at=timezone.now(),
        clock_offset_seconds=clock.offset_seconds, clock_flagged=clock.flagged, latitude=lat, longitude=lon,
        accuracy_m=acc, location=(location or "").strip()[:200], party_refused=bool(interviewee_refused),
        created_by=actor, interviewee_name=name[:64], interviewee_post=(interviewee_post or "").strip()[:64],
        interviewee_id_last4=id_last[-6:], qa=pairs)
    record.number = _number(record, "XW")
    record.save(update_fields=["number"])
    _store_signatures(record, "inquiry_record", signed, None if interviewee_refused else (name, interviewee_signature),
                      (witness_name.strip(), witness_signature) if interviewee_refused else None)
    audit_record(actor=actor, obj=record, action="inquiry_record.submit", after={
        "number": record.number, "subject": subject, "subject_id": target.pk, "entity": entity.pk,
        "officers": [u.pk for u, _s in signed], "questions": len(pairs), "clock_flagged": clock.flagged,
        "party_refused": bool(interviewee_refused)})
    return record, True


# --- evidence ---------------------------------------------------------------------------------------------

def _evidence_target(user: User, record, case) -> tuple[OnSiteRecord | None, InquiryRecord | None, Case | None]:
    onsite = inquiry = None
    if record is not None:
        if isinstance(record, OnSiteRecord):
            onsite = record
        elif isinstance(record, InquiryRecord):
            inquiry = record
        else:
            raise ValidationFailed(_("Evidence is attached to an on-site or inquiry record, or to a case."))
        if not (record.created_by_id == user.pk or record.signatures.filter(officer=user).exists()):
            raise NotFound()
        if case is None:
            case = record.opened_case if onsite is not None and record.opened_case_id else record.case
    if case is not None and not isinstance(case, Case):
        found = Case.objects.filter(pk=case).first() if str(case).isdigit() else None
        if found is None:
            raise NotFound()
        case = found
    if case is not None and record is None:
        if not has_role(user, STAFF_ROLES) or not scope_by_region(Case.objects.filter(pk=case.pk), user=user).exists():
            raise NotFound()
    if onsite is None and inquiry is None and case is None:
        raise ValidationFailed(_("Evidence is attached to an on-site or inquiry record, or to a case."),
                               details={"record": [_("Required.")]})
    return onsite, inquiry, case


def _facts(data_path, content_type: str, captured_at, lat, lon, errors: dict):
    """(time, time source, lat, lon, position source, thumbnail bytes)."""
    facts = thumb = None
    if content_type.startswith("image/"):
        raw = data_path.read_bytes()
        facts = rules.photo_facts(raw)
        thumb = rules.thumbnail_jpeg(raw)
    time_value, time_source = None, Evidence.Source.NONE
    if facts is not None and facts.captured_at is not None:
        moment = facts.captured_at
        time_value = timezone.make_aware(moment) if timezone.is_naive(moment) else moment
        time_source = Evidence.Source.EXIF
    elif captured_at not in (None, ""):
        time_value = _parse_moment(captured_at, "captured_at", errors)
        time_source = Evidence.Source.DEVICE if time_value is not None else Evidence.Source.NONE
    plat = plon = None
    position_source = Evidence.Source.NONE
    if facts is not None and facts.latitude is not None:
        plat, plon = round(Decimal(str(facts.latitude)), 6), round(Decimal(str(facts.longitude)), 6)
        position_source = Evidence.Source.EXIF
    else:
        plat, plon, _acc = _check_position(lat, lon, None, errors)
        if plat is not None:
            position_source = Evidence.Source.DEVICE
    return time_value, time_source, plat, plon, position_source, thumb


@transaction.atomic
def evidence_add(*, user: User, data: bytes | BinaryIO, declared_sha256: str | None, kind: str,
                 captured_at: object = None, lat: object = None, lon: object = None, record=None, case=None,
                 original_name: str = "") -> Evidence:
    """Keep a file as evidence on a record (its officers) or a case (staff in its jurisdiction): stored under its
    SHA-256 — a declared hash the content does not have is refused and nothing kept —, its type read from the
    content and matching the kind, capture time and position from EXIF where present else from the phone (the
    source recorded), a thumbnail for images. The same file on the same record or case again returns the first."""
    if kind not in Evidence.Kind.values:
        raise ValidationFailed(_("Say what the evidence is: photo, video, audio or document."),
                               details={"kind": [_("Choose a kind.")]})
    onsite, inquiry, case = _evidence_target(user, record, case)
    blob = blob_put(data, expected_sha256=declared_sha256, max_bytes=evidence_max_bytes())
    same = Evidence.objects.filter(sha256=blob.sha256, onsite_record=onsite, inquiry_record=inquiry,
                                   case=case).first()
    if same is not None:
        return same
    ctype = blob.content_type or ""
    if not ctype or not ctype.startswith(KIND_TYPES[kind]):
        raise ValidationFailed(_("The file is not a %(kind)s the platform keeps (its content reads as %(type)s). "
                                 "Choose the right kind, or send a JPEG/PNG/HEIC photo, an MP4/MOV/WebM video, an "
                                 "M4A/MP3/WAV/AMR/OGG recording, or a PDF/Word/Excel document.")
                               % {"kind": Evidence.Kind(kind).label, "type": ctype or _("unknown")},
                               details={"file": [_("Type not accepted.")]})
    errors: dict[str, list[str]] = {}
    facts = _facts(blob_path(blob.sha256), ctype, captured_at, lat, lon, errors)
    _raise(errors)
    time_value, time_source, plat, plon, position_source, thumb = facts
    thumb_sha = blob_put(thumb).sha256 if thumb else ""
    owner = onsite or inquiry
    entity = owner.entity if owner is not None else case.entity
    region = owner.region if owner is not None else case.region
    siblings = Evidence.objects.filter(onsite_record=onsite, inquiry_record=inquiry) if owner is not None \
        else Evidence.objects.filter(case=case, onsite_record=None, inquiry_record=None)
    ext = EXTENSIONS.get(ctype)
    evidence = Evidence.objects.create(
        number=siblings.count() + 1, kind=kind, sha256=blob.sha256, size=blob.size, content_type=ctype,
        original_name=display_name(original_name, ext)[:120] if original_name else "", onsite_record=onsite,
        inquiry_record=inquiry, case=case, entity=entity, region=region, captured_at=time_value,
        time_source=time_source, latitude=plat, longitude=plon, position_source=position_source,
        thumbnail_sha256=thumb_sha, uploaded_by=user)
    audit_record(actor=user, obj=evidence, action="evidence.add", after={
        "kind": kind, "sha256": blob.sha256, "size": blob.size, "type": ctype,
        "record": owner.number if owner is not None else None, "case": case.pk if case is not None else None,
        "time_source": time_source, "position_source": position_source})
    return evidence


def evidence_verify_all() -> tuple[int, list[tuple[Evidence, str]]]:
    """(blobs checked, [(evidence, "changed" | "missing")]) — every evidence file and thumbnail re-hashed, and every
    record's signatures too (reported on the evidence list of the record they sign as "signature")."""
    from ecoenforce.core.files import blob_hash

    problems: list[tuple[object, str]] = []
    checked = 0
    for ev in Evidence.objects.order_by("id").iterator():
        for sha in filter(None, (ev.sha256, ev.thumbnail_sha256)):
            checked += 1
            got = blob_hash(blob_path(sha))
            if got != sha:
                problems.append((ev, "missing" if got is None else "changed"))
                break
    for sig in Signature.objects.order_by("id").iterator():
        checked += 1
        got = blob_hash(blob_path(sig.sha256))
        if got != sig.sha256:
            problems.append((sig, "missing" if got is None else "changed"))
    return checked, problems
