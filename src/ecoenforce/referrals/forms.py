"""Referral forms: a referral sent, its answer, a joint inspection planned and a department's result. They keep what
was typed for the page again and read its shape (the planned date); what it means — a partner department, a lead,
case or entity in reach, a state the referral can move from — the services check, and their errors come back on the
form through `core.forms.form_add_errors`. Answer files are read by the view (`upload_read`) and checked by
`core.attachments`."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ecoenforce.core.forms import IdsField


class ReferralForm(forms.Form):
    department = forms.CharField(required=False)
    lead = forms.CharField(required=False)  # the lead or case the referral was started from (hidden)
    case = forms.CharField(required=False)
    entity = forms.CharField(required=False)
    region = forms.CharField(required=False)  # a partner's referral: the county it concerns
    title = forms.CharField(max_length=200, required=False)
    request = forms.CharField(required=False)
    urgent = forms.BooleanField(required=False)


class ReferralAnswerForm(forms.Form):
    action = forms.CharField(required=False)  # "answer", or "close" from the acknowledge button
    answer = forms.CharField(required=False)
    make_lead = forms.BooleanField(required=False)


class JointInspectionForm(forms.Form):
    entity_uscc = forms.CharField(max_length=18, required=False)
    entity = forms.CharField(required=False)
    title = forms.CharField(max_length=200, required=False)
    planned_on = forms.DateField(required=False, error_messages={"invalid": _("Give the date as year-month-day.")})
    departments = IdsField(required=False)
    officers = IdsField(required=False)

    def clean_entity_uscc(self) -> str:
        return self.cleaned_data["entity_uscc"].strip().upper()


class JointResultForm(forms.Form):
    violation = forms.ChoiceField(choices=[("no", "no"), ("yes", "yes")], initial="no", required=False)
    findings = forms.CharField(required=False)
