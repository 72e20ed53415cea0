"""The whole-process record (全过程记录): append audit events to a SHA-256 hash chain, and verify the chain.

Each event's hash covers its own content and its predecessor's hash, so editing, deleting or reordering
any row breaks every link after it; `audit_verify` names the first broken one.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from ecoenforce.core.models import AuditChainHead, AuditEvent, User

GENESIS_HASH = "0" * 64


def jsonable(value: Any) -> Any:
    """Normalise a value so that what is stored is exactly what was hashed (no floats, no Decimals, no dates)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    if isinstance(value, (decimal.Decimal, float)):
        return str(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return str(value)


def _event_hash(*, seq: int, at: dt.datetime, actor_id: int | None, actor_label: str, object_type: str,
                object_id: str, action: str, before: Any, after: Any, reason: str, prev_hash: str) -> str:
    body = {
        "seq": seq,
        "at": at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor_id": actor_id,
        "actor_label": actor_label,
        "object_type": object_type,
        "object_id": object_id,
        "action": action,
        "before": before,
        "after": after,
        "reason": reason,
        "prev_hash": prev_hash,
    }
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def object_ref(obj: models.Model) -> tuple[str, str]:
    """The (type, id) pair an event is filed under, e.g. ("cases.case", "42")."""
    return obj._meta.label_lower, str(obj.pk)


# Relations followed, in this order, to find the jurisdiction of an audited object (a lead's region, a device's
# entity's region, a round's organization's region, a token's user's organization's region ...).
_REGION_PATHS = ("region", "entity", "organization", "user", "inspector", "device", "warning", "case", "round", "lead",
                 "point", "task")


def region_code_of(obj: Any, depth: int = 0) -> str:
    """The region code an object belongs to, found through its relations; "" if it has none.

    Works on historical models too (it reads fields only), so the migration that filed old events uses it.
    """
    if obj is None or depth > 3:
        return ""
    if isinstance(getattr(obj, "code", None), str) and obj._meta.model_name == "region":
        return obj.code
    for name in _REGION_PATHS:
        try:
            field = obj._meta.get_field(name)
        except Exception:  # noqa: BLE001 - FieldDoesNotExist: not this path
            continue
        if not (field.many_to_one or field.one_to_one) or not field.concrete:
            continue
        try:
            related = getattr(obj, name)
        except Exception:  # noqa: BLE001 - a dangling or missing relation: try the next path
            continue
        code = region_code_of(related, depth + 1)
        if code:
            return code
    return ""


def audit_record(*, actor: User | None, obj: models.Model | None = None, object_type: str = "",
                 object_id: str = "", action: str, before: Any = None, after: Any = None,
                 reason: str = "", region_code: str = "") -> AuditEvent:
    """Append one event to the chain; must run inside the caller's transaction so it commits with the change.

    The event is filed under `region_code`, else the object's jurisdiction, else the actor's organization's region,
    so that the record page shows a county's people only their county's events.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must be called inside transaction.atomic() with the change it records")
    if obj is not None:
        object_type, object_id = object_ref(obj)
    region_code = region_code or region_code_of(obj) or (region_code_of(actor) if actor is not None else "")
    head, _created = AuditChainHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"seq": 0, "hash": GENESIS_HASH}
    )
    at = timezone.now()
    before_j, after_j = jsonable(before), jsonable(after)
    actor_label = actor.display_name if actor is not None else "system"
    seq = head.seq + 1
    digest = _event_hash(
        seq=seq, at=at, actor_id=actor.pk if actor else None, actor_label=actor_label,
        object_type=object_type, object_id=object_id, action=action, before=before_j, after=after_j,
        reason=reason, prev_hash=head.hash,
    )
    event = AuditEvent.objects.create(
        seq=seq, at=at, actor=actor, actor_label=actor_label, object_type=object_type, object_id=object_id,
        action=action, region_code=region_code, before=before_j, after=after_j, reason=reason, prev_hash=head.hash,
        hash=digest,
    )
    head.seq, head.hash = seq, digest
    head.save(update_fields=["seq", "hash"])
    return event


@dataclass(frozen=True)
class ChainVerdict:
    """The result of walking the chain: ok, how many events, and the first broken link if any."""

    ok: bool
    checked: int
    broken_seq: int | None = None
    problem: str = ""
    code: str = ""  # sequence_gap | link_broken | content_altered | events_missing (translated by audit_labels)


def _events() -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("seq").iterator(chunk_size=2000)


def audit_verify(*, progress: Callable[[int], None] | None = None, every: int = 5000) -> ChainVerdict:
    """Recompute every hash in order; stop at the first event whose content, order or link does not match.

    `progress(checked)` is called every `every` events, so a background job can show how far it is.
    """
    prev_hash, expected_seq, checked = GENESIS_HASH, 1, 0
    for event in _events():
        if progress is not None and checked and checked % every == 0:
            progress(checked)
        if event.seq != expected_seq:
            return ChainVerdict(False, checked, event.seq, f"sequence gap: expected #{expected_seq}, found #{event.seq}",
                                "sequence_gap")
        if event.prev_hash != prev_hash:
            return ChainVerdict(False, checked, event.seq, "link broken: prev_hash does not match the previous event",
                                "link_broken")
        recomputed = _event_hash(
            seq=event.seq, at=event.at, actor_id=event.actor_id, actor_label=event.actor_label,
            object_type=event.object_type, object_id=event.object_id, action=event.action,
            before=event.before, after=event.after, reason=event.reason, prev_hash=event.prev_hash,
        )
        if recomputed != event.hash:
            return ChainVerdict(False, checked, event.seq, "content altered: the stored hash does not match the event",
                                "content_altered")
        prev_hash, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != checked or head.hash != prev_hash):
        return ChainVerdict(False, checked, checked + 1, "events missing at the end: the chain head is further on",
                            "events_missing")
    return ChainVerdict(True, checked)


def audit_timeline(*, obj: models.Model) -> list[AuditEvent]:
    """Every event filed under one object, oldest first (case timelines are built from these)."""
    object_type, object_id = object_ref(obj)
    return list(
        AuditEvent.objects.filter(object_type=object_type, object_id=object_id).select_related("actor").order_by("seq")
    )


# --- anchoring the chain outside the database ------------------------------------------------------------------
# A chain can be rewritten end to end by someone with write access to the database: change an event, recompute
# every hash after it and the head, and `audit_verify` passes. A checkpoint — the head's sequence number and hash
# with the time, written to a file the bureau publishes or sends elsewhere — defeats that: the rewritten chain no
# longer holds the checkpointed hash at the checkpointed position.

CHECKPOINT_FORMAT = "ecoenforce-audit-checkpoint/1"


def audit_checkpoint() -> dict[str, Any]:
    """The chain's head now, as a checkpoint document: format, seq, hash and the time it was taken."""
    head = AuditChainHead.objects.filter(pk=1).first()
    seq, digest = (head.seq, head.hash) if head is not None else (0, GENESIS_HASH)
    return {"format": CHECKPOINT_FORMAT, "seq": seq, "hash": digest,
            "taken_at": timezone.now().astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}


def audit_verify_checkpoint(checkpoint: dict[str, Any]) -> ChainVerdict:
    """Verify the whole chain, then that it still holds the checkpoint's hash at the checkpoint's position."""
    if checkpoint.get("format") != CHECKPOINT_FORMAT or not isinstance(checkpoint.get("seq"), int) \
            or not isinstance(checkpoint.get("hash"), str):
        return ChainVerdict(False, 0, None, f"not a checkpoint file ({CHECKPOINT_FORMAT} with seq and hash)",
                            "checkpoint_invalid")
    verdict = audit_verify()
    if not verdict.ok:
        return verdict
    seq, expected = checkpoint["seq"], checkpoint["hash"]
    if seq == 0:
        return verdict
    event = AuditEvent.objects.filter(seq=seq).only("hash").first()
    if event is None:
        return ChainVerdict(False, verdict.checked, seq,
                            f"the chain is shorter than the checkpoint: event #{seq} does not exist", "checkpoint_missing")
    if event.hash != expected:
        return ChainVerdict(False, verdict.checked, seq,
                            f"event #{seq} has hash {event.hash}, the checkpoint taken {checkpoint.get('taken_at')} "
                            f"says {expected}: the chain was rewritten", "checkpoint_mismatch")
    return verdict
