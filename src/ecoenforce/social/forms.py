"""Tip forms: the public one (phone-sized, anonymous or real-name) and the 12369 hotline entry by staff."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from ecoenforce.core.forms import style_form
from ecoenforce.core.models import Region


class CountyField(forms.ModelChoiceField):
    """A county shown with its city (三个"城区" are told apart)."""

    def label_from_instance(self, obj: Region) -> str:
        return obj.path_label


class TipForm(forms.Form):
    """What was seen, where, when, and (if the tipster wishes) who they are. Photos come as `photos` files."""

    title = forms.CharField(label=_("What did you see?"), max_length=200,
                            help_text=_("For example: black water from a pipe into the river at night."))
    description = forms.CharField(label=_("Details"), required=False, max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 4}),
                                  help_text=_("Which company, how often, smell or colour, anything that helps."))
    region = CountyField(label=_("County"), queryset=Region.objects.none(), required=False,
                         empty_label=_("Choose the county"),
                         widget=forms.Select(attrs={"data-searchable": _("Type to find a county")}))
    address = forms.CharField(label=_("Where exactly"), max_length=160, required=False,
                              help_text=_("A road and number, a village, a factory gate or a landmark."))
    latitude = forms.FloatField(label=_("Latitude"), required=False, widget=forms.NumberInput(attrs={"step": "any"}),
                                error_messages={"invalid": _("The latitude is a number of degrees north, such as "
                                                             "31.78. Tap the spot on the map or clear it.")})
    longitude = forms.FloatField(label=_("Longitude"), required=False, widget=forms.NumberInput(attrs={"step": "any"}),
                                 error_messages={"invalid": _("The longitude is a number of degrees east, such as "
                                                              "119.95. Tap the spot on the map or clear it.")})
    observed_at = forms.DateTimeField(label=_("When did you see it?"), required=False,
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                                 format="%Y-%m-%dT%H:%M"),
                                      input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    identity = forms.ChoiceField(label=_("Who you are"), widget=forms.RadioSelect, initial="anonymous", choices=[
        ("anonymous", _("Stay anonymous")),
        ("real_name", _("Give my name and phone (needed for a reward; only the officers handling it see them)")),
    ])
    name = forms.CharField(label=_("Your name"), max_length=64, required=False)
    phone = forms.CharField(label=_("Your phone"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    # Left empty by people (it is hidden from them); filled in by form-filling robots.
    website = forms.CharField(required=False, widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))
    submission_token = forms.CharField(widget=forms.HiddenInput, initial=lambda: uuid.uuid4().hex)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(level=Region.Level.COUNTY).select_related("parent")
        style_form(self)

    def clean(self):
        data = super().clean()
        if data.get("website"):
            raise forms.ValidationError(_("This form could not be sent. Reload the page and try again."))
        return data


class PhoneTipForm(TipForm):
    """A 12369 call taken by staff: the caller's words, where, and the contact the caller agrees to give."""

    title = forms.CharField(label=_("What the caller saw"), max_length=200)
    description = forms.CharField(label=_("The caller's words"), required=False, max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 5}))
    identity = forms.ChoiceField(label=_("Caller"), widget=forms.RadioSelect, initial="anonymous", choices=[
        ("anonymous", _("Anonymous caller")), ("real_name", _("Caller gives name and phone (sealed)"))])
    name = forms.CharField(label=_("Caller's name"), max_length=64, required=False)
    phone = forms.CharField(label=_("Caller's phone"), max_length=20, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["website"], self.fields["latitude"], self.fields["longitude"]
        prefix = user.jurisdiction_prefix or ""
        self.fields["region"].queryset = self.fields["region"].queryset.filter(code__startswith=prefix)
