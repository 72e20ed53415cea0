"""Edits in the administration site go into the whole-process record; service-owned fields are read-only there."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.forms import MultiWidget
from django.test import Client

from ecoenforce.core.admin_audit import AuditedAdminMixin
from ecoenforce.core.models import AuditEvent, Role, User
from ecoenforce.registry.models import InspectorTie, RegulatedEntity

pytestmark = pytest.mark.django_db


def admin_client(admin_user) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


def form_data(client: Client, url: str, **changes) -> dict:
    """What the admin's change form would post back unchanged, with `changes` applied."""
    form = client.get(url).context["adminform"].form
    data: dict = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        widget = field.widget
        if isinstance(widget, MultiWidget):
            for i, part in enumerate(widget.decompress(value)):
                data[f"{name}_{i}"] = "" if part is None else str(part)
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, (list, tuple)):
            data[name] = [str(v) for v in value]
        else:
            data[name] = "" if value is None else str(value)
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def test_every_registered_admin_records_its_edits():
    assert admin.site._registry
    assert [m for m, ma in admin.site._registry.items() if not isinstance(ma, AuditedAdminMixin)] == []


def test_a_role_change_in_the_admin_is_on_record(admin_user, inspector_wj):
    client = admin_client(admin_user)
    url = f"/admin/core/user/{inspector_wj.pk}/change/"
    response = client.post(url, form_data(client, url, role=Role.LEGAL_REVIEWER))
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert User.objects.get(pk=inspector_wj.pk).role == Role.LEGAL_REVIEWER
    event = AuditEvent.objects.get(action="admin.change")
    assert (event.actor_id, event.object_type, event.object_id) == (admin_user.pk, "core.user", str(inspector_wj.pk))
    # (the form also re-saves date_joined to the second: the record shows that too)
    assert (event.before["role"], event.after["role"]) == ("inspector", "legal_reviewer")
    assert set(event.after) <= {"role", "date_joined"}
    assert event.region_code == "320412"


def test_a_password_set_in_the_admin_is_on_record_without_the_hash(admin_user, inspector_wj):
    client = admin_client(admin_user)
    response = client.post(f"/admin/core/user/{inspector_wj.pk}/password/",
                           {"password1": "Kq7#vLm2pX9w", "password2": "Kq7#vLm2pX9w", "usable_password": "true"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="admin.change", object_id=str(inspector_wj.pk))
    inspector_wj.refresh_from_db()
    assert inspector_wj.password[:20] not in str(event.after) and "Kq7#" not in str(event.after)


def test_an_entitys_class_and_positive_list_flag_cannot_be_set_in_the_admin(admin_user, entity_wj):
    client = admin_client(admin_user)
    url = f"/admin/registry/regulatedentity/{entity_wj.pk}/change/"
    form = client.get(url).context["adminform"].form
    assert "risk_class" not in form.fields and "on_positive_list" not in form.fields
    data = form_data(client, url, name="常州恒泰化工（集团）有限公司")
    data.update({"risk_class": "special", "on_positive_list": "on"})
    assert client.post(url, data).status_code == 302
    entity = RegulatedEntity.objects.get(pk=entity_wj.pk)
    assert (entity.name, entity.risk_class, entity.on_positive_list) == ("常州恒泰化工（集团）有限公司", "general", False)
    event = AuditEvent.objects.get(action="admin.change", object_type="registry.regulatedentity")
    assert (event.before, event.after) == ({"name": "常州恒泰化工有限公司"}, {"name": "常州恒泰化工（集团）有限公司"})


def test_leads_are_read_only_in_the_admin(admin_user, lead_wj):
    client = admin_client(admin_user)
    assert client.get(f"/admin/leads/lead/{lead_wj.pk}/change/").status_code == 200
    assert client.post(f"/admin/leads/lead/{lead_wj.pk}/change/", {"title": "改过"}).status_code == 403
    assert client.get("/admin/leads/lead/add/").status_code == 403


def test_inspector_ties_added_and_deleted_in_the_admin_are_on_record(admin_user, inspector_wj, entity_wj):
    client = admin_client(admin_user)
    response = client.post("/admin/registry/inspectortie/add/", {
        "inspector": inspector_wj.pk, "entity": entity_wj.pk, "kind": InspectorTie._meta.get_field("kind").choices[0][0],
        "declared_on": "2026-11-02", "note": "配偶在该企业任职"})
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    tie = InspectorTie.objects.get()
    added = AuditEvent.objects.get(action="admin.add")
    assert (added.object_type, added.object_id, added.after["inspector_id"], added.after["entity_id"]) == (
        "registry.inspectortie", str(tie.pk), inspector_wj.pk, entity_wj.pk)
    response = client.post(f"/admin/registry/inspectortie/{tie.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    deleted = AuditEvent.objects.get(action="admin.delete")
    assert (deleted.object_id, deleted.before["entity_id"]) == (str(tie.pk), entity_wj.pk)
    assert not InspectorTie.objects.exists()
