"""The rating form a firm or a tipster fills in (the service checks the values; the form keeps what was typed)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

RATING_CHOICES = [("5", _("Very satisfied")), ("4", _("Satisfied")), ("3", _("Neutral")),
                  ("2", _("Dissatisfied")), ("1", _("Very dissatisfied"))]


class RatingForm(forms.Form):
    score = forms.ChoiceField(label=_("Your rating"), choices=RATING_CHOICES, widget=forms.RadioSelect,
                              required=False)
    comment = forms.CharField(label=_("Comment (optional)"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))
