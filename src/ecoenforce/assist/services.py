"""Assistance writes: a unit leader engages a contractor's staff on an assignment; a third party reports a finding on
it, which goes into the lead inbox (source third-party assistance) for officers to verify. A third party reaching
beyond the assignment — another assignment, an entity or device it does not cover, outside its period — gets
"not found" or a refusal in words, and nothing is written."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecoenforce.assist.models import Assignment, Finding, FindingFile
from ecoenforce.assist.selectors import assignment_entities, assignment_get_for_user
from ecoenforce.core.access import require_role, scope_by_region
from ecoenforce.core.attachments import DOCUMENT_TYPES, attachments_check, attachments_store
from ecoenforce.core.audit import audit_record
from ecoenforce.core.errors import NotFound, ValidationFailed
from ecoenforce.core.models import Organization, Region, Role, User
from ecoenforce.leads.models import Lead
from ecoenforce.leads.services import lead_create
from ecoenforce.registry.models import RegulatedEntity

ASSIGN_ROLES = (Role.UNIT_LEADER,)
_MN = re.compile(r"^[0-9A-Za-z]{1,32}$")


@transaction.atomic
def assignment_create(*, actor: User, organization_id: object, kind: str, title: str, region: Region | None,
                      starts_on: dt.date | None, ends_on: dt.date | None, staff_ids: Sequence[object],
                      entity_ids: Sequence[object] = (), devices: Sequence[str] = (), note: str = "") -> Assignment:
    """Engage a contractor's staff for night monitoring, data review or on-site assistance in an area and period."""
    require_role(actor, ASSIGN_ROLES)
    problems: dict[str, list[str]] = {}
    org = Organization.objects.filter(pk=organization_id if str(organization_id).isdigit() else None,
                                      kind=Organization.Kind.CONTRACTOR).first()
    if org is None:
        problems["organization"] = [_("Choose a contracted third-party organization.")]
    if kind not in Assignment.Kind.values:
        problems["kind"] = [_("Choose the kind of assistance.")]
    if not (title or "").strip():
        problems["title"] = [_("Required.")]
    if region is None or region.level not in (Region.Level.COUNTY, Region.Level.CITY) or not scope_by_region(
            Region.objects.filter(pk=region.pk), user=actor, field="code").exists():
        problems["region"] = [_("Choose a county or the city of your jurisdiction.")]
    if starts_on is None or ends_on is None or ends_on < starts_on:
        problems["ends_on"] = [_("Give a period whose end is not before its start.")]
    ids = {int(i) for i in staff_ids if str(i).isdigit()}
    staff = list(User.objects.filter(pk__in=ids, role=Role.THIRD_PARTY, is_active=True, organization=org)) if org else []
    if not ids or len(staff) != len(ids):
        problems["staff"] = [_("Choose the organization's own third-party staff.")]
    entities: list[RegulatedEntity] = []
    if region is not None and "region" not in problems:
        eids = {int(i) for i in entity_ids if str(i).isdigit()}
        entities = list(RegulatedEntity.objects.filter(pk__in=eids, region__code__startswith=region.prefix))
        if len(entities) != len(eids):
            problems["entities"] = [_("Choose entities inside the assignment's area.")]
    mns = sorted({str(d).strip() for d in devices if str(d).strip()})
    if any(not _MN.match(mn) for mn in mns):
        problems["devices"] = [_("Device numbers (MN) are letters and digits only.")]
    if problems:
        raise ValidationFailed(next(iter(problems.values()))[0], details=problems)
    assignment = Assignment.objects.create(organization=org, kind=kind, title=title.strip()[:200], region=region,
                                           devices=mns, starts_on=starts_on, ends_on=ends_on,
                                           note=(note or "").strip(), created_by=actor)
    assignment.staff.set(staff)
    assignment.entities.set(entities)
    audit_record(actor=actor, obj=assignment, action="assignment.create", after={
        "organization": org.pk, "kind": kind, "region": region.code, "from": starts_on, "to": ends_on,
        "staff": sorted(u.pk for u in staff), "entities": sorted(e.pk for e in entities), "devices": mns})
    return assignment


@transaction.atomic
def finding_report(*, actor: User, assignment_id: object, token: str, title: str, description: str = "",
                   entity_id: object = None, device_mn: str = "", observed_at: dt.datetime | None = None,
                   files: Sequence[bytes] = ()) -> Finding:
    """A third party reports what they found on their assignment: a lead for officers to verify (idempotent by the
    form's token). Entities and devices beyond the assignment are not found."""
    if actor.role != Role.THIRD_PARTY:
        raise NotFound()
    assignment = assignment_get_for_user(user=actor, assignment_id=assignment_id)
    if not re.fullmatch(r"[0-9a-f]{32}", token or ""):
        raise ValidationFailed(_("This form has expired. Reload the page and send it again."))
    ref = "assist:" + hashlib.sha256(f"finding:{token}".encode()).hexdigest()[:56]
    existing = Finding.objects.filter(lead__external_ref=ref, reported_by=actor).first()
    if existing is not None:
        return existing
    entity = None
    if entity_id not in (None, ""):
        entity = assignment_entities(assignment).filter(pk=entity_id if str(entity_id).isdigit() else None).first()
        if entity is None:
            raise NotFound()
    device_mn = (device_mn or "").strip()
    if device_mn and device_mn not in assignment.devices:
        raise NotFound()
    today = timezone.localdate()
    if not (assignment.starts_on <= today <= assignment.ends_on):
        raise ValidationFailed(_("This assignment runs from %(from)s to %(to)s: findings are reported within it.")
                               % {"from": assignment.starts_on, "to": assignment.ends_on}, code="outside_period")
    if not (title or "").strip():
        raise ValidationFailed(_("Say in a few words what was found."), details={"title": [_("Required.")]})
    now = timezone.now()
    if observed_at is not None and (observed_at > now + dt.timedelta(minutes=10)
                                    or timezone.localdate(observed_at) < assignment.starts_on):
        raise ValidationFailed(_("The time observed must lie within the assignment and not in the future."),
                               details={"observed_at": [_("Choose a time within the assignment.")]})
    if entity is None and assignment.region.level != Region.Level.COUNTY:
        raise ValidationFailed(_("Choose the entity concerned: this assignment covers several counties."),
                               details={"entity": [_("Required.")]})
    checked = attachments_check(files, allowed=DOCUMENT_TYPES, field="files")
    where = f"{device_mn}" if device_mn else ""
    lead, _created = lead_create(source=Lead.Source.THIRD_PARTY, title=title,
                                 region=None if entity else assignment.region, entity=entity,
                                 description=(description or "").strip(), location=where, created_by=actor,
                                 external_ref=ref, received_at=now)
    finding = Finding.objects.create(assignment=assignment, lead=lead, reported_by=actor, entity=entity,
                                     device_mn=device_mn, observed_at=observed_at or now, reported_at=now)
    records = [FindingFile.objects.create(finding=finding, content_type=kind, size=blob.size, sha256=blob.sha256)
               for blob, (_data, kind) in zip(attachments_store(checked), checked, strict=True)]
    audit_record(actor=actor, obj=lead, action="finding.report", after={
        "assignment": assignment.pk, "entity": entity.pk if entity else None, "device": device_mn,
        "files": [{"type": r.content_type, "size": r.size, "sha256": r.sha256} for r in records]})
    return finding
