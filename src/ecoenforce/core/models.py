"""Core models: regions, organizations, users with roles and jurisdiction, the audit chain, calendar, numbering."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class VersionedPolicy(models.Model):
    """Policy data an administrator changes by adding a version: the newest is in force, older ones stay on record.

    Concrete policies (risk classification, planning) add their own help text for `values` and a service that
    validates the values before `add_version` stores them.
    """

    version = models.PositiveIntegerField(_("version"), unique=True)
    values = models.JSONField(_("values"), default=dict)
    source = models.CharField(_("source"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version}"

    @classmethod
    def newest(cls) -> VersionedPolicy | None:
        """The version in force, or None when only the code's defaults apply."""
        return cls.objects.order_by("-version").first()

    @classmethod
    def add_version(cls, *, values: dict, source: str = "") -> VersionedPolicy:
        """Store `values` as the next version (call inside a transaction; concurrent adds are serialised)."""
        last = cls.objects.select_for_update().order_by("-version").first()
        return cls.objects.create(version=(last.version + 1) if last else 1, values=values, source=(source or "")[:300])


class Region(models.Model):
    """An administrative division (GB/T 2260): province → city → county."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("City")
        COUNTY = "county", _("County")

    code = models.CharField(_("division code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=64)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name

    @property
    def path_label(self) -> str:
        """The name with its parent's, e.g. 常州市 / 武进区: unique across all 3,212 divisions (three are just 城区).

        Wherever a region is chosen, options carry this label; load the parent with it (select_related("parent")).
        """
        return f"{self.parent.name} / {self.name}" if self.parent_id else self.name

    @property
    def prefix(self) -> str:
        """The code prefix every division inside this one shares (32 / 3204 / 320412)."""
        return {"province": self.code[:2], "city": self.code[:4]}.get(self.level, self.code)


class Organization(models.Model):
    """An enforcement body: the city 支队 and its county 大队, or an outside partner."""

    class Kind(models.TextChoices):
        CITY_BUREAU = "city_bureau", _("City enforcement detachment")
        COUNTY_BUREAU = "county_bureau", _("County enforcement brigade")
        MONITORING_STATION = "monitoring_station", _("Monitoring station")
        PARTNER = "partner", _("Partner department")
        CONTRACTOR = "contractor", _("Third-party contractor")

    name = models.CharField(_("name"), max_length=128, unique=True)
    short_name = models.CharField(_("short name"), max_length=16, help_text=_("Used in document numbers, e.g. 常"))
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="organizations")
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Public contact: the top bureau's is printed in every page's footer (the public portal included).
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("public telephone"), max_length=40, blank=True)
    email = models.EmailField(_("public e-mail"), blank=True)

    class Meta:
        ordering = ["region__code", "name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    """The roles of architecture.md: what a user may do in the platform."""

    INSPECTOR = "inspector", _("Inspector")
    UNIT_LEADER = "unit_leader", _("Unit leader")
    LEGAL_REVIEWER = "legal_reviewer", _("Legal reviewer")
    MONITORING_OPERATOR = "monitoring_operator", _("Monitoring operator")
    GRID_MEMBER = "grid_member", _("Grid member")
    THIRD_PARTY = "third_party", _("Third-party assistant")
    ENTERPRISE = "enterprise", _("Enterprise user")
    PARTNER = "partner", _("Partner department")
    ADMINISTRATOR = "administrator", _("Administrator")


class User(AbstractUser):
    """A person who signs in: a role and an organization whose region is the user's jurisdiction."""

    full_name = models.CharField(_("full name"), max_length=64, blank=True)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.INSPECTOR)
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="members",
    )
    certificate_no = models.CharField(
        _("enforcement certificate no."), max_length=32, blank=True,
        help_text=_("Only certified inspectors may take part in inspections and draws."),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        """What the UI shows for this person."""
        return self.full_name or self.username

    @property
    def jurisdiction_prefix(self) -> str | None:
        """Region-code prefix of everything this user may see; None means nowhere (no organization)."""
        if self.is_superuser or self.role == Role.ADMINISTRATOR:
            return ""
        if self.organization_id is None:
            return None
        return self.organization.region.prefix


class ApiToken(models.Model):
    """A bearer token for the mobile app and other API clients; only its SHA-256 is stored.

    Every token expires (`expires_at`); it stops working earlier when revoked — by its owner, by an
    administrator, or by the platform when the owner's password, role, organization or active flag changes.
    """

    class RevokedReason(models.TextChoices):
        OWNER = "owner", _("Revoked by its owner")
        ADMINISTRATOR = "administrator", _("Revoked by an administrator")
        PASSWORD_CHANGED = "password_changed", _("The owner's password changed")
        ROLE_CHANGED = "role_changed", _("The owner's role or organization changed")
        DEACTIVATED = "deactivated", _("The owner's account was deactivated")

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=64)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("starts with"), max_length=8, help_text=_("First characters of the token, to recognise it"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.CharField(_("why revoked"), max_length=32, choices=RevokedReason.choices, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def state(self, now=None) -> str:
        """"active", "expired" or "revoked" at `now`."""
        from django.utils import timezone

        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.expires_at <= (now or timezone.now()) else "active"


class SignInThrottle(models.Model):
    """Failed sign-ins counted per account and per client address; a key past its limit is locked for a while.

    One row per (scope, key). `failures` counts inside the current window; `lockouts` counts the locks in a
    row, each lasting twice as long as the one before (up to the policy's maximum). See core/signin.py.
    """

    class Scope(models.TextChoices):
        ACCOUNT = "account", _("Account (user name)")
        ADDRESS = "address", _("Client address (passwords)")
        TOKEN_ADDRESS = "token_address", _("Client address (API tokens)")

    scope = models.CharField(_("counted per"), max_length=16, choices=Scope.choices)
    key = models.CharField(_("user name or address"), max_length=160)
    failures = models.PositiveIntegerField(_("failures in the window"), default=0)
    window_started_at = models.DateTimeField(_("window started at"))
    last_failure_at = models.DateTimeField(_("last failure at"))
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    lockouts = models.PositiveIntegerField(_("locks in a row"), default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="uniq_sign_in_throttle")]
        indexes = [models.Index(fields=["last_failure_at"])]
        ordering = ["-last_failure_at"]
        verbose_name = _("sign-in lock")
        verbose_name_plural = _("sign-in locks")

    def __str__(self) -> str:
        return f"{self.get_scope_display()}: {self.key}"


class AuditEvent(models.Model):
    """One link of the whole-process record: who changed what, from what to what, and why, hash-chained."""

    seq = models.BigIntegerField(_("sequence"), unique=True)
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(User, verbose_name=_("actor"), null=True, blank=True, on_delete=models.PROTECT)
    actor_label = models.CharField(_("actor"), max_length=128)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64)
    action = models.CharField(_("action"), max_length=64)
    # The jurisdiction the event belongs to (the object's county or city, else the actor's), for scoping the
    # record page. An index, not content: it is outside the hash so that events recorded before it existed
    # could be filed without breaking the chain ("" = no jurisdiction, administrators only).
    region_code = models.CharField(_("region code"), max_length=6, blank=True, db_index=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id", "seq"])]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"#{self.seq} {self.object_type}:{self.object_id} {self.action}"


class ScheduleDay(models.Model):
    """A day of the State Council's yearly holiday schedule (放假调休): an extra day off or a weekend working day."""

    class Kind(models.TextChoices):
        OFF = "off", _("Day off")
        WORK = "work", _("Working day (swapped weekend)")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=64, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("schedule day")
        verbose_name_plural = _("schedule days")

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class ScheduleYear(models.Model):
    """Marks a year whose official schedule has been entered; deadlines in other years are provisional."""

    year = models.PositiveIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=200, help_text=_("The State Council notice, e.g. 国办发明电〔2025〕7号"))
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("official schedule year")
        verbose_name_plural = _("official schedule years")

    def __str__(self) -> str:
        return str(self.year)


class DocumentSequence(models.Model):
    """The last number issued per organization, document kind and year (X环罚〔2026〕12号)."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT)
    kind = models.CharField(max_length=16)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "kind", "year"], name="uniq_document_sequence")
        ]
        verbose_name = _("document sequence")
        verbose_name_plural = _("document sequences")

    def __str__(self) -> str:
        return f"{self.organization.short_name} {self.kind} {self.year}: {self.last}"


class AuditChainHead(models.Model):
    """The single row that every audit append locks, so concurrent writers extend the chain one at a time."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"


class AuditVerification(models.Model):
    """One check of the whole chain, requested on the record page and run by a background worker."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(User, verbose_name=_("requested by"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    head_seq = models.BigIntegerField(_("events in the chain"), default=0)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    ok = models.BooleanField(_("chain intact"), null=True)
    checked = models.BigIntegerField(_("events verified"), default=0)
    broken_seq = models.BigIntegerField(_("first broken event"), null=True, blank=True)
    problem = models.CharField(_("problem"), max_length=200, blank=True)
    problem_code = models.CharField(max_length=32, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("chain verification")
        verbose_name_plural = _("chain verifications")

    def __str__(self) -> str:
        return f"#{self.pk} {self.status}"

    @property
    def problem_label(self) -> str:
        """What was found wrong, in the reader's language."""
        from ecoenforce.core.audit_labels import chain_problem_label

        return chain_problem_label(self.problem_code) or self.problem


class SealedContact(models.Model):
    """A person's identity and contact kept under seal (a tipster's): read only through `core.sealing`.

    Nothing prints it: its string form is a number, it has no admin page, and the models that hold one keep it in
    this separate row so their lists, search, exports, API answers and audit text cannot carry it.
    """

    name = models.CharField(_("name"), max_length=64, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.CharField(_("e-mail"), max_length=128, blank=True)
    id_number = models.CharField(_("ID number"), max_length=18, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sealed contact")
        verbose_name_plural = _("sealed contacts")

    def __str__(self) -> str:
        return f"sealed contact #{self.pk}"

    def __repr__(self) -> str:
        return f"<SealedContact #{self.pk}>"
