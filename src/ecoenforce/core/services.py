"""Core writes: API tokens and chain verification jobs (users, regions and organizations: the admin).

A token is shown once and stored as its SHA-256. It expires after the days chosen at issue (at most
`API_TOKEN_MAX_DAYS`), and is revoked by its owner, by an administrator, or automatically when the owner's
password, role, organization or active flag changes (`core.signals`), so a lost phone's token does not
outlive a password reset and a token never carries powers its owner no longer has.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecoenforce.core.access import require_role
from ecoenforce.core.audit import audit_record, audit_verify
from ecoenforce.core.errors import NotFound, ValidationFailed
from ecoenforce.core.models import ApiToken, AuditChainHead, AuditVerification, Role, User

# Who reads the whole-process record and may ask for the chain to be checked.
AUDIT_ROLES = (Role.UNIT_LEADER, Role.LEGAL_REVIEWER)

# last_used_at is a hint for the owner, not a log: refreshing it at most this often keeps API reads read-only.
LAST_USED_PRECISION = dt.timedelta(minutes=5)


def token_hash(raw: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def token_lifetimes() -> list[int]:
    """The lifetimes (days) a person may choose, up to the configured maximum."""
    return [d for d in (7, 30, 90, 180, 365) if d <= settings.API_TOKEN_MAX_DAYS] or [settings.API_TOKEN_MAX_DAYS]


@transaction.atomic
def api_token_create(*, user: User, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """Issue a token valid for `days` (default API_TOKEN_DAYS); the raw value is returned once and never stored."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Give the token a name, e.g. the device it is for."), details={"name": [_("Required.")]})
    days = settings.API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        message = _("A token is valid for 1 to %(max)d days.") % {"max": settings.API_TOKEN_MAX_DAYS}
        raise ValidationFailed(message, details={"days": [message]})
    raw = "ee_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name[:64], key_hash=token_hash(raw), prefix=raw[:8],
                                    expires_at=timezone.now() + dt.timedelta(days=days))
    audit_record(actor=user, obj=token, action="api_token.create",
                 after={"name": token.name, "prefix": token.prefix, "expires_at": token.expires_at})
    return token, raw


def _revoke(token: ApiToken, *, actor: User | None, reason: str, why: str = "") -> None:
    token.revoked_at = timezone.now()
    token.revoked_reason = reason
    token.save(update_fields=["revoked_at", "revoked_reason"])
    audit_record(actor=actor, obj=token, action="api_token.revoke", before={"revoked": False},
                 after={"revoked": True, "reason": reason}, reason=why)


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens."""
    token = ApiToken.objects.select_for_update().filter(user=user, pk=token_id, revoked_at__isnull=True).first()
    if token is None:
        raise NotFound()
    _revoke(token, actor=user, reason=ApiToken.RevokedReason.OWNER)
    return token


@transaction.atomic
def api_tokens_revoke_by_admin(*, actor: User, tokens: Iterable[ApiToken]) -> int:
    """An administrator revokes tokens of any user (a lost phone, a person who left)."""
    ids = [t.pk for t in tokens]
    count = 0
    for token in ApiToken.objects.select_for_update().filter(pk__in=ids, revoked_at__isnull=True).order_by("pk"):
        _revoke(token, actor=actor, reason=ApiToken.RevokedReason.ADMINISTRATOR)
        count += 1
    return count


@transaction.atomic
def api_tokens_revoke_for_user(*, user: User, reason: str, why: str = "") -> int:
    """Revoke every live token of a user because their account changed (password, role, organization, active)."""
    count = 0
    for token in ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True).order_by("pk"):
        _revoke(token, actor=None, reason=reason, why=why)
        count += 1
    return count


def api_token_authenticate(raw: str) -> ApiToken | None:
    """The live token (not revoked, not expired, its user active) for a raw bearer value, or None."""
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user", "user__organization__region")
        .filter(key_hash=token_hash(raw), revoked_at__isnull=True, expires_at__gt=now, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


@transaction.atomic
def audit_verification_request(*, actor: User) -> tuple[AuditVerification, bool]:
    """Queue a check of the whole chain; returns (job, created). A check already queued or running is reused."""
    require_role(actor, AUDIT_ROLES)
    pending = AuditVerification.objects.select_for_update().filter(
        status__in=[AuditVerification.Status.QUEUED, AuditVerification.Status.RUNNING]).first()
    if pending is not None:
        return pending, False
    head = AuditChainHead.objects.filter(pk=1).first()
    job = AuditVerification.objects.create(requested_by=actor, head_seq=head.seq if head else 0)
    from ecoenforce.core.tasks import audit_verification_task

    transaction.on_commit(lambda: audit_verification_task.enqueue(job.pk))
    return job, True


def audit_verification_run(*, job_id: int) -> AuditVerification:
    """Run one queued check (in the worker): walk the chain, saving progress, then the verdict."""
    claimed = AuditVerification.objects.filter(pk=job_id, status=AuditVerification.Status.QUEUED).update(
        status=AuditVerification.Status.RUNNING, started_at=timezone.now())
    job = AuditVerification.objects.get(pk=job_id)
    if not claimed:
        return job  # already run (a task delivered twice)
    total = max(job.head_seq, 1)

    def progress(checked: int) -> None:
        AuditVerification.objects.filter(pk=job_id).update(progress=min(99, checked * 100 // total), checked=checked)

    try:
        verdict = audit_verify(progress=progress)
    except Exception as exc:  # the job record must say it failed instead of staying "running" forever
        AuditVerification.objects.filter(pk=job_id).update(
            status=AuditVerification.Status.FAILED, finished_at=timezone.now(), error=repr(exc)[:2000])
        raise
    AuditVerification.objects.filter(pk=job_id).update(
        status=AuditVerification.Status.DONE, finished_at=timezone.now(), progress=100, ok=verdict.ok,
        checked=verdict.checked, broken_seq=verdict.broken_seq, problem=verdict.problem[:200],
        problem_code=verdict.code)
    job.refresh_from_db()
    return job
