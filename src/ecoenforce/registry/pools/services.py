"""Pool services: upsert an inspector by certificate number; check an uploaded file, then apply it once."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecoenforce.core.access import require_role
from ecoenforce.core.audit import audit_record
from ecoenforce.core.errors import InvalidTransition, NotFound, ValidationFailed
from ecoenforce.core.models import Organization, Region, Role, User
from ecoenforce.core.tables.reader import MAX_BYTES, file_too_large
from ecoenforce.core.tables.report import ImportReport
from ecoenforce.registry.models import InspectorProfile, InspectorTie, RegulatedEntity
from ecoenforce.registry.pools.models import PoolImport
from ecoenforce.registry.pools.reader import read_table

IMPORT_ROLES = (Role.UNIT_LEADER,)  # administrators hold every role


def _ties_of(user: User) -> set[tuple[int, str]]:
    return set(InspectorTie.objects.filter(inspector=user).values_list("entity_id", "kind"))


@transaction.atomic
def inspector_upsert(*, actor: User | None, certificate_no: str, full_name: str, organization: Organization,
                     home_region: Region | None = None, phone: str = "", username: str = "",
                     ties: list[tuple[RegulatedEntity, str]] | None = None,
                     declared_on: dt.date | None = None) -> tuple[User, str]:
    """Create or update the certified inspector with this certificate number; returns (user, created|updated|unchanged).

    A new account gets the inspector role and no usable password (an administrator sets one); an existing account
    keeps its role. `ties` (entity, kind) replace the declared ties when given.
    """
    certificate_no = certificate_no.strip()
    if not certificate_no:
        raise ValidationFailed(_("An inspector needs an enforcement certificate number."))
    home_region = home_region or organization.region
    user = User.objects.filter(certificate_no=certificate_no).first()
    outcome = "unchanged"
    if user is None:
        user = User(username=(username or certificate_no).strip(), certificate_no=certificate_no, role=Role.INSPECTOR,
                    full_name=full_name.strip(), organization=organization, phone=phone.strip())
        user.set_unusable_password()
        user.save()
        outcome = "created"
        audit_record(actor=actor, obj=user, action="inspector.create",
                     after={"certificate_no": certificate_no, "full_name": user.full_name,
                            "organization": organization.pk})
    else:
        wanted = {"full_name": full_name.strip(), "organization_id": organization.pk}
        if phone.strip():
            wanted["phone"] = phone.strip()
        changed = {f: v for f, v in wanted.items() if getattr(user, f) != v}
        if changed:
            before = {f: getattr(user, f) for f in changed}
            for f, v in changed.items():
                setattr(user, f, v)
            user.save(update_fields=list(changed))
            outcome = "updated"
            audit_record(actor=actor, obj=user, action="inspector.update", before=before, after=changed)
    profile = InspectorProfile.objects.filter(user=user).first()
    if profile is None:
        InspectorProfile.objects.create(user=user, home_region=home_region)
    elif profile.home_region_id != home_region.pk or not profile.in_pool:
        before = {"home_region": profile.home_region_id, "in_pool": profile.in_pool}
        profile.home_region, profile.in_pool = home_region, True
        profile.save(update_fields=["home_region", "in_pool", "updated_at"])
        outcome = "updated" if outcome == "unchanged" else outcome
        audit_record(actor=actor, obj=user, action="inspector.profile_update", before=before,
                     after={"home_region": home_region.pk, "in_pool": True})
    if ties is not None and _ties_replace(actor=actor, user=user, ties=ties,
                                          declared_on=declared_on or timezone.localdate()):
        outcome = "updated" if outcome == "unchanged" else outcome
    return user, outcome


def _ties_replace(*, actor: User | None, user: User, ties: list[tuple[RegulatedEntity, str]],
                  declared_on: dt.date) -> bool:
    before = _ties_of(user)
    wanted = {(entity.pk, kind) for entity, kind in ties}
    if wanted == before:
        return False
    gone = before - wanted
    for entity_id, kind in gone:
        InspectorTie.objects.filter(inspector=user, entity_id=entity_id, kind=kind).delete()
    InspectorTie.objects.bulk_create([InspectorTie(inspector=user, entity_id=entity_id, kind=kind,
                                                   declared_on=declared_on) for entity_id, kind in wanted - before])
    audit_record(actor=actor, obj=user, action="inspector.ties_declare", before=sorted(before), after=sorted(wanted))
    return True


def _run(kind: str, actor: User | None, prefix: str, data: bytes, filename: str) -> ImportReport:
    """Check and write in a savepoint; the caller decides whether it stays."""
    from ecoenforce.registry.pools.entities import entities_import
    from ecoenforce.registry.pools.inspectors import inspectors_import

    report = ImportReport(kind=kind)
    table = read_table(kind=kind, data=data, filename=filename, report=report)
    if table is not None:
        (entities_import if kind == "entities" else inspectors_import)(
            actor=actor, prefix=prefix, table=table, report=report)
    return report


def pool_file_import(*, kind: str, actor: User | None, data: bytes, filename: str, dry_run: bool,
                     prefix: str | None = None) -> ImportReport:
    """Check a file and, unless dry_run or any row has a problem, write it all in one transaction (else nothing)."""
    if kind not in PoolImport.Kind.values:
        raise ValidationFailed(_("Choose what to import: entities or inspectors."))
    if prefix is None:
        prefix = actor.jurisdiction_prefix if actor is not None else ""
    if prefix is None:
        raise NotFound()
    with transaction.atomic():
        report = _run(kind, actor, prefix, data, filename)
        if dry_run or not report.ok:
            transaction.set_rollback(True)  # all or nothing: the pools stay exactly as they were
            if not report.ok:
                report.created = report.updated = report.unchanged = 0
        else:
            audit_record(actor=actor, object_type=f"registry.pool_{kind}", object_id="", action="pool.import",
                         after={"file": filename, "sha256": hashlib.sha256(data).hexdigest(), "rows": report.rows,
                                "created": report.created, "updated": report.updated, "unchanged": report.unchanged})
    return report


def pool_import_check(*, actor: User, kind: str, filename: str, data: bytes) -> PoolImport:
    """Store an uploaded file with its dry-run report (nothing is imported yet)."""
    require_role(actor, IMPORT_ROLES)
    if len(data) > MAX_BYTES:  # the page and the API refuse it earlier (core.tables.uploads); this is the last guard
        refusal = file_too_large(MAX_BYTES)
        raise ValidationFailed(f"{refusal.problem} {refusal.action}")
    report = pool_file_import(kind=kind, actor=actor, data=data, filename=filename, dry_run=True)
    digest = hashlib.sha256(data).hexdigest()
    # Re-uploading the same file before confirming reuses the stored check instead of piling up copies.
    existing = PoolImport.objects.filter(kind=kind, sha256=digest, uploaded_by=actor,
                                         status=PoolImport.Status.PREVIEWED).first()
    if existing is not None and report.ok:
        existing.report = report.as_dict()
        existing.save(update_fields=["report"])
        return existing
    return PoolImport.objects.create(
        kind=kind, filename=filename[:200], sha256=digest, content=data, uploaded_by=actor,
        status=PoolImport.Status.PREVIEWED if report.ok else PoolImport.Status.REJECTED, report=report.as_dict())


def pool_import_get_for_user(*, user: User, import_id: object) -> PoolImport:
    """An upload of the user's own (administrators see all), or NotFound."""
    require_role(user, IMPORT_ROLES)
    qs = PoolImport.objects.all()
    if not (user.is_superuser or user.role == Role.ADMINISTRATOR):
        qs = qs.filter(uploaded_by=user)
    try:
        return qs.get(pk=import_id)
    except (PoolImport.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def pool_import_apply(*, actor: User, import_id: object) -> PoolImport:
    """Import a checked upload for real; a second confirmation changes nothing."""
    with transaction.atomic():
        upload = pool_import_get_for_user(user=actor, import_id=import_id)
        upload = PoolImport.objects.select_for_update().get(pk=upload.pk)
        if upload.status == PoolImport.Status.APPLIED:
            raise InvalidTransition(_("This file was already imported; nothing was changed again. Upload a new file "
                                      "to import changes."))
        if upload.status != PoolImport.Status.PREVIEWED:
            raise InvalidTransition(_("This file has problems and cannot be imported. Correct it and upload it again."))
        report = pool_file_import(kind=upload.kind, actor=actor, data=bytes(upload.content),
                                  filename=upload.filename, dry_run=False)
        upload.report = report.as_dict()
        upload.status = PoolImport.Status.APPLIED if report.ok else PoolImport.Status.REJECTED
        upload.applied_at = timezone.now() if report.ok else None
        upload.save(update_fields=["report", "status", "applied_at"])
    return upload
