"""On-site enforcement records: the on-site record (现场检查（勘察）笔录), the inquiry record (调查询问笔录), their
signatures and the evidence attached to a record or a case. Files (signatures, photos, thumbnails) are
content-addressed blobs (`core.files`): a row holds the SHA-256, the blob store holds the bytes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ecoenforce.core.models import Region, VersionedPolicy
from ecoenforce.registry.models import RegulatedEntity


class ChecklistPolicy(VersionedPolicy):
    """A version of the industry checklists (the newest is in force; `onsite.checklists` reads it)."""

    values = models.JSONField(_("values"), default=dict, help_text=_(
        'Key "groups": per checklist group a name (name_en), the GB/T 4754 industry codes or prefixes it covers '
        '(industries) and its items (code, text, text_en, basis — the legal basis). A "general" group is required.'))

    class Meta(VersionedPolicy.Meta):
        verbose_name = _("inspection checklist policy")
        verbose_name_plural = _("inspection checklist policies")


class Subject(models.TextChoices):
    TASK = "task", _("Drawn inspection task")
    CASE = "case", _("Case-triggered check")
    LEAD = "lead", _("Lead verification")


class _Record(models.Model):
    """What both records share: what was inspected, where and when (the phone's times beside the server's), and
    the submission's idempotency key."""

    number = models.CharField(_("record number"), max_length=32, unique=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, unique=True)
    subject = models.CharField(_("inspected as"), max_length=8, choices=Subject.choices)
    task = models.ForeignKey("planning.InspectionTask", verbose_name=_("inspection task"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    lead = models.ForeignKey("leads.Lead", verbose_name=_("lead"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    entity = models.ForeignKey(RegulatedEntity, verbose_name=_("entity"), on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(_("started (phone)"))
    ended_at = models.DateTimeField(_("ended (phone)"))
    received_at = models.DateTimeField(_("received (server)"))
    clock_offset_seconds = models.IntegerField(_("phone clock offset (s)"), null=True, blank=True)
    clock_flagged = models.BooleanField(_("phone clock not trusted"), default=False)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    accuracy_m = models.FloatField(_("position accuracy (m)"), null=True, blank=True)
    location = models.CharField(_("place"), max_length=200, blank=True)
    party_refused = models.BooleanField(_("party refused to sign"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        abstract = True
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return self.number


class OnSiteRecord(_Record):
    """现场检查（勘察）笔录: officers present, the party's representative, findings per checklist item, the party's
    statement and everyone's signature (or the party's refusal before a witness)."""

    party_name = models.CharField(_("party's representative"), max_length=64)
    party_post = models.CharField(_("post"), max_length=64, blank=True)
    party_id_last4 = models.CharField(_("ID number (last digits)"), max_length=6, blank=True)
    checklist_group = models.CharField(_("checklist"), max_length=32)
    checklist_version = models.PositiveIntegerField(_("checklist version"))
    findings = models.JSONField(_("findings"), default=list)
    problems_found = models.BooleanField(_("problems found"), default=False)
    summary = models.TextField(_("what was seen"), blank=True)
    party_statement = models.TextField(_("party's statement"), blank=True)
    raised_lead = models.ForeignKey("leads.Lead", verbose_name=_("lead raised"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    opened_case = models.ForeignKey("cases.Case", verbose_name=_("case opened"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta(_Record.Meta):
        verbose_name = _("on-site record")
        verbose_name_plural = _("on-site records")
        indexes = [models.Index(fields=["subject", "received_at"])]


class InquiryRecord(_Record):
    """调查询问笔录: the questions put and the answers given, read back and signed by the interviewee (or refused
    before a witness) and the officers."""

    interviewee_name = models.CharField(_("interviewee"), max_length=64)
    interviewee_post = models.CharField(_("post"), max_length=64, blank=True)
    interviewee_id_last4 = models.CharField(_("ID number (last digits)"), max_length=6, blank=True)
    qa = models.JSONField(_("questions and answers"), default=list)

    class Meta(_Record.Meta):
        verbose_name = _("inquiry record")
        verbose_name_plural = _("inquiry records")


class Signature(models.Model):
    """One signature on a record: drawn on the screen (a PNG blob) by an officer, the party, or a witness."""

    class Role(models.TextChoices):
        OFFICER = "officer", _("Officer")
        PARTY = "party", _("Party")
        WITNESS = "witness", _("Witness")

    onsite_record = models.ForeignKey(OnSiteRecord, null=True, blank=True, on_delete=models.CASCADE,
                                      related_name="signatures")
    inquiry_record = models.ForeignKey(InquiryRecord, null=True, blank=True, on_delete=models.CASCADE,
                                       related_name="signatures")
    role = models.CharField(_("signed as"), max_length=8, choices=Role.choices)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("officer"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=64)
    certificate_no = models.CharField(_("enforcement certificate no."), max_length=32, blank=True)
    sha256 = models.CharField(_("signature image SHA-256"), max_length=64)

    class Meta:
        ordering = ["id"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}"


class Evidence(models.Model):
    """A photo, video, audio recording or document, kept as a blob under its SHA-256, attached to an on-site or
    inquiry record or directly to a case (a lab report). Capture time and position come from the file's EXIF where
    present, else from the phone; the source is recorded."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo")
        VIDEO = "video", _("Video")
        AUDIO = "audio", _("Audio")
        DOCUMENT = "document", _("Document")

    class Source(models.TextChoices):
        EXIF = "exif", _("From the file (EXIF)")
        DEVICE = "device", _("From the phone")
        NONE = "none", _("Not known")

    number = models.PositiveIntegerField(_("no."), default=1)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.BigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("type"), max_length=100)
    original_name = models.CharField(_("file name"), max_length=120, blank=True)
    onsite_record = models.ForeignKey(OnSiteRecord, verbose_name=_("on-site record"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="evidence")
    inquiry_record = models.ForeignKey(InquiryRecord, verbose_name=_("inquiry record"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="evidence")
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    entity = models.ForeignKey(RegulatedEntity, verbose_name=_("entity"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    captured_at = models.DateTimeField(_("captured at"), null=True, blank=True)
    time_source = models.CharField(_("time from"), max_length=8, choices=Source.choices, default=Source.NONE)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    position_source = models.CharField(_("position from"), max_length=8, choices=Source.choices,
                                       default=Source.NONE)
    thumbnail_sha256 = models.CharField(_("thumbnail SHA-256"), max_length=64, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.sha256[:12]}"
