"""Assistance forms: a unit leader's assignment and a third party's finding. They keep what was typed for the page
again and read its shape (dates, the time observed); what it means — a contractor and staff, an area in reach, an
entity or device the assignment covers — the services check, and their `ValidationFailed` comes back on the form
through `core.forms.form_add_errors`. Evidence files are read by the view (`upload_read`) and checked by
`core.attachments`."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from ecoenforce.core.forms import IdsField

DATE_ERRORS = {"invalid": _("Give the dates as year-month-day.")}


class AssignmentForm(forms.Form):
    organization = forms.CharField(required=False)
    kind = forms.CharField(required=False)
    title = forms.CharField(max_length=200, required=False)
    region = forms.CharField(required=False)  # the area: a county or city in reach, looked up by the view
    starts_on = forms.DateField(required=False, error_messages=DATE_ERRORS)
    ends_on = forms.DateField(required=False, error_messages=DATE_ERRORS)
    staff = IdsField(required=False)
    entities = IdsField(required=False)
    devices = forms.CharField(required=False)
    note = forms.CharField(required=False)

    def clean_devices(self) -> list[str]:
        return self.cleaned_data["devices"].replace(",", " ").split()


class FindingForm(forms.Form):
    # The form's token makes the same finding sent twice one lead (the service's idempotency key).
    token = forms.CharField(required=False, initial=lambda: uuid.uuid4().hex)
    title = forms.CharField(max_length=200, required=False)
    description = forms.CharField(required=False)
    entity = forms.CharField(required=False)
    device = forms.CharField(required=False)
    observed_at = forms.DateTimeField(required=False, error_messages={
        "invalid": _("Give the time observed as year-month-day hour:minute.")})
