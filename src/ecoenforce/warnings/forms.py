"""Warnings desk forms: dismiss, electronic notice, lead, on-demand rule run."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecoenforce.core.forms import style_form
from ecoenforce.warnings.models import Warning


class _Styled(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


class DismissForm(_Styled):
    """Dismiss with a reason."""

    reason = forms.ChoiceField(label=_("Reason"), choices=Warning.DismissReason.choices)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class NoticeForm(_Styled):
    """Electronic notice to the enterprise with a deadline for its explanation."""

    deadline = forms.DateField(label=_("Explanation due"),
                               widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))  # fmt: skip
    message = forms.CharField(label=_("What the enterprise must explain"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deadline"].initial = timezone.localdate() + dt.timedelta(days=5)


class LeadForm(_Styled):
    """Raise a lead into the inbox."""

    note = forms.CharField(label=_("Note for the lead"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RunForm(_Styled):
    """Run the rules now over a window."""

    date_from = forms.DateField(label=_("From (date)"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    date_to = forms.DateField(label=_("To (date, inclusive)"),
                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))  # fmt: skip
    engine = forms.ChoiceField(label=_("Engine"), choices=[("duckdb", "DuckDB"), ("spark", "Apache Spark")])

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return data


class PointLimitForm(forms.Form):
    """A new limit for one factor of a device, from the seeded limits table, from a moment on, with the reason."""

    pollutant = forms.ChoiceField(label=_("Factor"))
    limit = forms.ChoiceField(label=_("Limit (standard · category · value)"))
    valid_from = forms.DateTimeField(label=_("Applies from"), required=False,
                                     help_text=_("Empty = now. A limit never starts in the past."),
                                     widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))  # fmt: skip
    note = forms.CharField(label=_("Reason for the change"), max_length=200,
                           help_text=_("E.g. the discharge permit's limit, a new standard, a correction."))  # fmt: skip

    def __init__(self, *args, factors: list[tuple[str, str]], limits: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pollutant"].choices = factors
        self.fields["limit"].choices = limits
        style_form(self)  # after the choices: styling a bound form validates it
