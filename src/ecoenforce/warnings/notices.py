"""The electronic notice's round trip with the firm: the enterprise user reads the notices sent to its facilities and
answers with an explanation and files; the operator is notified and reads the answer on the warning.

Files: at most MAX_FILES per answer, MAX_FILE_BYTES each (the page caps the request too); the type is read from the
content (PDF, JPEG, PNG, Word .docx), never from the name or the browser's claim; each file is written under
`settings.FILES_DIR / "notices" / <notice id>/` by a random name the platform chose, mode 0600, and served only
through `notice_attachment_for_user` (the firm for its own facility, staff within their jurisdiction).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ecoenforce.core.access import STAFF_ROLES, has_role, scope_by_region
from ecoenforce.core.audit import audit_record
from ecoenforce.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from ecoenforce.core.files import DOCX, display_name, private_write, sniff_type
from ecoenforce.core.models import Role, User
from ecoenforce.notifications.models import Kind
from ecoenforce.notifications.services import notify
from ecoenforce.registry.positive.holds import NOTICE, WARNING, OpenMatter
from ecoenforce.warnings.labels import rule_label
from ecoenforce.warnings.models import ElectronicNotice, NoticeAttachment, Warning, WarningAction

MAX_FILES = 5
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ANSWER_CHARS = 5000
MIN_ANSWER_CHARS = 10
# content type → extension, for the types a firm's explanation is sent in
TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png",
         DOCX: "docx"}


def files_dir() -> Path:
    return Path(settings.FILES_DIR) / "notices"


def content_type_of(data: bytes) -> str | None:
    """The type the bytes are (not what their name says), or None when it is not one we accept."""
    kind = sniff_type(data)
    return kind if kind in TYPES else None


# --- the firm's side ----------------------------------------------------------------------------------------

def _require_enterprise(user: User) -> None:
    if not (user.is_authenticated and user.role == Role.ENTERPRISE):
        raise PermissionDenied()


def notices_for_firm(*, user: User) -> QuerySet[ElectronicNotice]:
    """The notices sent to the enterprise user's own facilities, the ones awaiting an answer first."""
    _require_enterprise(user)
    return (ElectronicNotice.objects.filter(entity__enterprise_accounts__user=user)
            .select_related("entity", "warning").order_by("-status", "deadline", "-id").distinct())


def notice_get_for_firm(*, user: User, notice_id: object, lock: bool = False) -> ElectronicNotice:
    """One notice to the user's own facility; anything else is "not found"."""
    qs = notices_for_firm(user=user)
    notice = qs.filter(pk=notice_id).first() if str(notice_id).isdigit() else None
    if notice is None:
        raise NotFound()
    if lock:
        notice = ElectronicNotice.objects.select_for_update().select_related("entity", "warning").get(pk=notice.pk)
    return notice


def _check_files(files: Sequence[tuple[str, bytes]]) -> list[tuple[str, bytes, str]]:
    problems: list[str] = []
    if len(files) > MAX_FILES:
        problems.append(_("Send at most %(n)d files.") % {"n": MAX_FILES})
    checked = []
    for name, data in files:
        shown = Path(str(name or "")).name[:100]
        if len(data) > MAX_FILE_BYTES:
            problems.append(_("%(name)s is larger than %(mb)d MB. Send a smaller scan or split it.")
                            % {"name": shown, "mb": MAX_FILE_BYTES // (1024 * 1024)})
            continue
        kind = content_type_of(data)
        if kind is None:
            problems.append(_("%(name)s is not a PDF, JPEG, PNG or Word (.docx) file. Save it in one of these "
                              "formats and send it again.") % {"name": shown})
            continue
        checked.append((display_name(name, TYPES[kind]), data, kind))
    if problems:
        raise ValidationFailed(" ".join(problems), details={"attachments": problems})
    return checked


def _write(notice: ElectronicNotice, data: bytes, ext: str) -> str:
    stored = f"{notice.pk}/{secrets.token_hex(16)}.{ext}"
    private_write(files_dir() / stored, data)
    return stored


def _remove(stored: list[str]) -> None:
    for name in stored:
        (files_dir() / name).unlink(missing_ok=True)


@transaction.atomic
def notice_answer(*, actor: User, notice_id: object, response: str,
                  files: Sequence[tuple[str, bytes]] = ()) -> ElectronicNotice:
    """The firm's explanation (text and files) to a notice sent to its own facility; the operator who sent it (and
    the one who holds the warning) is notified. Answered once: a second answer is refused."""
    notice = notice_get_for_firm(user=actor, notice_id=notice_id, lock=True)
    if notice.status != ElectronicNotice.Status.SENT:
        raise InvalidTransition(_("This notice was already answered on %(day)s. Contact the bureau to add anything.")
                                % {"day": timezone.localtime(notice.answered_at).strftime("%Y-%m-%d")})
    response = (response or "").strip()
    if len(response) < MIN_ANSWER_CHARS:
        raise ValidationFailed(_("Write your explanation: what happened, why, and what was done about it."),
                               details={"response": [_("At least %(n)d characters.") % {"n": MIN_ANSWER_CHARS}]})
    if len(response) > MAX_ANSWER_CHARS:
        raise ValidationFailed(_("The explanation is too long; put the details in an attached file."),
                               details={"response": [_("At most %(n)d characters.") % {"n": MAX_ANSWER_CHARS}]})
    checked = _check_files(files)
    written: list[str] = []  # a failure below removes them; a file without its row is never served
    try:
        records = []
        for name, data, kind in checked:
            stored = _write(notice, data, TYPES[kind])
            written.append(stored)
            records.append(NoticeAttachment.objects.create(
                notice=notice, name=name, stored=stored, content_type=kind, size=len(data),
                sha256=hashlib.sha256(data).hexdigest()))
        notice.status, notice.response = ElectronicNotice.Status.ANSWERED, response
        notice.answered_at, notice.answered_by = timezone.now(), actor
        notice.save(update_fields=["status", "response", "answered_at", "answered_by"])
        WarningAction.objects.create(warning=notice.warning, kind=WarningAction.Kind.ANSWER, actor=actor,
                                     note=response[:500])
        audit_record(actor=actor, obj=notice, action="notice.answer", before={"status": "sent"}, after={
            "status": notice.status, "response": response,
            "attachments": [{"name": a.name, "type": a.content_type, "size": a.size, "sha256": a.sha256}
                            for a in records]})
    except BaseException:
        _remove(written)
        raise
    warning = notice.warning
    notify(recipients=[notice.sent_by, warning.assigned_to], kind=Kind.FIRM_ANSWER,
           verb=gettext_noop("%(entity)s answered the electronic notice (explanation due %(due)s)"),
           params={"entity": notice.entity.name, "due": notice.deadline.isoformat()},
           url=reverse("warnings:detail", args=[warning.pk]), ref=f"warnings.electronicnotice:{notice.pk}",
           key=f"notice.answer:{notice.pk}")
    return notice


def notify_firm_of_notice(notice: ElectronicNotice) -> None:
    """Tell the enterprise users of the facility that a notice arrived (called by `warning_notify`)."""
    firm_users = User.objects.filter(enterprise_accounts__entity=notice.entity, is_active=True)
    notify(recipients=list(firm_users), kind=Kind.NOTICE,
           verb=gettext_noop("The bureau sent %(entity)s an electronic notice: explain by %(due)s"),
           params={"entity": notice.entity.name, "due": notice.deadline.isoformat()},
           url=reverse("compliance:notice_detail", args=[notice.pk]), ref=f"warnings.electronicnotice:{notice.pk}",
           key=f"notice.sent:{notice.pk}")


# --- either side: the files ---------------------------------------------------------------------------------

def notice_attachment_for_user(*, user: User, attachment_id: object) -> tuple[NoticeAttachment, Path]:
    """A file of an answer and its path: for the firm of that facility, or staff whose jurisdiction holds it."""
    qs = NoticeAttachment.objects.select_related("notice__entity")
    if not str(attachment_id).isdigit():
        raise NotFound()
    if user.is_authenticated and user.role == Role.ENTERPRISE:
        attachment = qs.filter(pk=attachment_id, notice__entity__enterprise_accounts__user=user).first()
    elif has_role(user, STAFF_ROLES):
        attachment = scope_by_region(qs, user=user, field="notice__entity__region__code").filter(pk=attachment_id).first()
    else:
        attachment = None
    if attachment is None:
        raise NotFound()
    path = (files_dir() / attachment.stored).resolve()
    if files_dir().resolve() not in path.parents or not path.is_file():
        raise NotFound()
    return attachment, path


# --- the positive list asks: what is still open against this entity? ----------------------------------------

def entity_open_matters(entity) -> list[OpenMatter]:
    """Open warnings (the bureau has not handled them) and notices awaiting the firm's explanation."""
    matters = [OpenMatter(kind=WARNING, title=rule_label(w.rule), since=timezone.localtime(w.start).date())
               for w in Warning.objects.filter(entity=entity, status=Warning.Status.OPEN).only("rule", "start")]
    matters += [OpenMatter(kind=NOTICE, title=rule_label(n.warning.rule), since=timezone.localtime(n.sent_at).date(),
                           due=n.deadline, url=reverse("compliance:notice_detail", args=[n.pk]))
                for n in ElectronicNotice.objects.filter(entity=entity, status=ElectronicNotice.Status.SENT)
                .select_related("warning")]
    return matters
