"""The record page names things: objects as links with their label, actions in words, object kinds in the filter."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from ecoenforce.cases.workflow import TRANSITIONS
from ecoenforce.core.audit_labels import ACTIONS, OBJECT_KINDS, action_label, object_kind
from ecoenforce.core.models import AuditEvent

SRC = Path(__file__).resolve().parents[2] / "src" / "ecoenforce"
_LITERAL = re.compile(r'"([a-z_]+\.[a-z_]+)"')


def audited_actions() -> set[str]:
    """Every action code the services record, read from the source (case moves come from the workflow table)."""
    found = {f"case.{t.action}" for t in TRANSITIONS}
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "audit_record(" not in text or path.name == "audit.py":
            continue
        for line in text.splitlines():
            if "action=" in line and 'action=f"' not in line:
                found.update(_LITERAL.findall(line.split("action=", 1)[1]))
    return found


def test_every_audited_action_has_a_name():
    actions = audited_actions()
    assert len(actions) > 60
    assert sorted(actions - set(ACTIONS)) == []


def test_every_named_model_kind_exists():
    from django.apps import apps

    for object_type in OBJECT_KINDS:
        if object_type.count(".") == 1 and object_type not in (
                "registry.pool_entities", "registry.pool_inspectors", "monitoring.import",
                "warnings.devicebinding"):  # merged into the monitoring registry; its past events keep their name
            apps.get_model(object_type)  # raises LookupError if a model was renamed


def test_actions_read_in_chinese_and_english(settings):
    from django.utils import translation

    with translation.override("zh-hans"):
        assert action_label("case.decide") == "作出行政处罚"
        assert str(object_kind("cases.case").name) == "案件"
    with translation.override("en"):
        assert action_label("case.decide") == "Penalty decided"
        assert action_label("unknown.thing") == "unknown.thing"


@pytest.mark.django_db
def test_rows_link_their_object_by_its_label_and_name_the_action(case_wj, leader_wj, entity_wj):
    client = Client()
    client.force_login(leader_wj)
    page = client.get("/accounts/audit/").content.decode()
    assert f'<a href="/cases/{case_wj.pk}/" data-testid="audit-object">{case_wj.number} {case_wj.title}</a>' in page
    assert f'<a href="/registry/entities/{entity_wj.pk}/" data-testid="audit-object">常州恒泰化工有限公司</a>' in page
    assert "<div data-testid=\"audit-action\">已提出立案申请</div>" in page  # case.open: awaiting filing approval
    assert "cases.case:" not in page and ">case.open<" not in page
    # the filter offers kinds and actions by name
    assert '<option value="cases.case" >案件</option>' in page
    assert '<option value="lead.convert" >由线索立案</option>' in page
    assert 'name="object_type" placeholder' not in page


@pytest.mark.django_db
def test_filtering_by_kind_and_following_an_objects_history(case_wj, leader_wj):
    client = Client()
    client.force_login(leader_wj)
    response = client.get("/accounts/audit/", {"object_type": "cases.case"})
    assert {e.object_type for e, _a, _o in response.context["rows"]} == {"cases.case"}
    response = client.get("/accounts/audit/", {"object_type": "cases.case", "object_id": str(case_wj.pk)})
    assert [(e.action, o.label) for e, _a, o in response.context["rows"]] == [
        ("case.open", f"{case_wj.number} {case_wj.title}")]
    assert response.context["only"].url == f"/cases/{case_wj.pk}/"


@pytest.mark.django_db
def test_an_object_that_no_longer_exists_says_so(leader_wj, entity_wj):
    from django.db import transaction

    from ecoenforce.core.audit import audit_record

    with transaction.atomic():
        audit_record(actor=leader_wj, object_type="leads.lead", object_id="99999", action="lead.close")
    client = Client()
    client.force_login(leader_wj)
    client.cookies["django_language"] = "en"
    rows = client.get("/accounts/audit/", {"action": "lead.close"}).context["rows"]
    assert [(o.kind, o.label, o.url) for _e, _a, o in rows] == [("Lead", "no. 99999 (no longer exists)", "")]
    assert AuditEvent.objects.filter(action="lead.close").count() == 1
