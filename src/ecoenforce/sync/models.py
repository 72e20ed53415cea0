"""Sync: resumable chunked uploads and the answers to requests a phone may send again (Idempotency-Key)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class UploadSession(models.Model):
    """One file on its way from a phone, in chunks: what the sender declared (SHA-256, size, name) and how many bytes
    arrived. The partial data lives under FILES_DIR/uploads/<id> (mode 0600) until the upload completes into the
    content-addressed store (core.files) or expires."""

    class State(models.TextChoices):
        OPEN = "open", _("Receiving")
        COMPLETE = "complete", _("Complete")
        EXPIRED = "expired", _("Expired")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE,
                              related_name="upload_sessions")
    sha256 = models.CharField(_("declared SHA-256"), max_length=64)
    size = models.BigIntegerField(_("declared size (bytes)"))
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    received = models.BigIntegerField(_("bytes received"), default=0)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["owner", "sha256"], condition=Q(state="open"),
                                               name="uniq_open_upload_per_owner_sha")]
        indexes = [models.Index(fields=["state", "expires_at"])]
        verbose_name = _("upload session")
        verbose_name_plural = _("upload sessions")

    def __str__(self) -> str:
        return f"{self.filename or self.sha256[:12]} ({self.received}/{self.size})"


class IdempotentRequest(models.Model):
    """The first answer to a write sent with an `Idempotency-Key`: a replay by the same person with the same key gets
    it again instead of a second write; the same key with another request is a conflict."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="+")
    key = models.CharField(_("idempotency key"), max_length=128)
    method = models.CharField(_("method"), max_length=8)
    path = models.CharField(_("path"), max_length=500)
    request_hash = models.CharField(_("request hash"), max_length=64)
    status = models.PositiveSmallIntegerField(_("response status"))
    content_type = models.CharField(_("response content type"), max_length=100)
    body = models.TextField(_("response body"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="uniq_idempotency_user_key")]
        indexes = [models.Index(fields=["created_at"])]
        verbose_name = _("idempotent request")
        verbose_name_plural = _("idempotent requests")

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"
