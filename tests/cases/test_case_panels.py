"""One registry of case-page panels (`cases.panels`): every app's provider in it, each panel placed by its column —
the sampling requests under the case file, the criminal link in the side column — and the transition guards apart
in `cases.hooks`."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from ecoenforce.cases import hooks, panels

pytestmark = pytest.mark.django_db


def test_every_app_registers_its_panels_in_the_one_registry_and_hooks_keeps_only_the_guards():
    assert {"sampling", "transfers", "casebook", "special"} <= set(panels._PROVIDERS)
    assert not hasattr(hooks, "case_panel_register") and not hasattr(hooks, "CasePanel")
    assert "transfers" in hooks._GUARDS


def test_the_case_page_renders_one_list_each_panel_in_its_column(case_wj, inspector_wj):
    listed = panels.case_panels(user=inspector_wj, case=case_wj)
    assert [p.order for p in listed] == sorted(p.order for p in listed)
    columns = {p.template: p.column for p in listed}
    assert columns["sampling/_case_panel.html"] == panels.MAIN
    assert columns["transfers/_case_panel.html"] == panels.SIDE
    client = Client()
    client.force_login(inspector_wj)
    html = client.get(f"/cases/{case_wj.pk}/").content.decode()
    assert html.count('data-testid="case-sampling"') == 1 and html.count('data-testid="criminal-link"') == 1
    with translation.override("zh-hans"):
        record = html.index(translation.gettext("Record of every step"))
    documents = html.index('data-testid="documents"')
    assert html.index('data-testid="case-sampling"') < record  # under the case file, above its record
    assert html.index('data-testid="criminal-link"') > documents  # in the side column, after the documents
