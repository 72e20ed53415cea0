"""Grid forms: a grid and its members, a patrol plan, and the member's phone forms (start, problem, end). They keep
what was typed for the page again and read its shape (dates, numbers); what it means — a county in reach, members of
the grid's county, a boundary that encloses an area — the services check, and their `ValidationFailed` comes back on
the form through `core.forms.form_add_errors`. Photos are read by the view (`upload_read`: size caps) and checked by
`core.attachments`."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from ecoenforce.core.forms import IdsField

DATE_ERRORS = {"invalid": _("Give the dates as year-month-day.")}


class GridForm(forms.Form):
    code = forms.CharField(max_length=32, required=False)
    name = forms.CharField(max_length=100, required=False)
    region = forms.CharField(required=False)  # the county: one of the leader's, looked up by the view
    town = forms.CharField(max_length=64, required=False)
    boundary = forms.CharField(required=False)
    members = IdsField(required=False)


class GridMembersForm(forms.Form):
    members = IdsField(required=False)


class PatrolPlanForm(forms.Form):
    starts_on = forms.DateField(required=False, error_messages=DATE_ERRORS)
    ends_on = forms.DateField(required=False, error_messages=DATE_ERRORS)
    patrols_planned = forms.IntegerField(required=False, min_value=0,
                                         error_messages={"invalid": _("Give a number of patrols from 1 to 1000.")})
    entities = IdsField(required=False)
    note = forms.CharField(required=False)


class PatrolStartForm(forms.Form):
    grid = forms.CharField(required=False)


class PatrolProblemForm(forms.Form):
    # The form's token makes the same report sent twice one lead (the service's idempotency key).
    token = forms.CharField(required=False, initial=lambda: uuid.uuid4().hex)
    title = forms.CharField(max_length=200, required=False)
    description = forms.CharField(required=False)
    entity = forms.CharField(required=False)
    latitude = forms.CharField(required=False)  # the service reads the place and says what is wrong with it
    longitude = forms.CharField(required=False)


class PatrolFinishForm(forms.Form):
    visited = IdsField(required=False)
    notes = forms.CharField(required=False)
