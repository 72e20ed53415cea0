"""Lead forms: intake by staff, close, and convert to a case."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from ecoenforce.core.forms import style_form
from ecoenforce.core.models import Region, Role, User
from ecoenforce.leads.models import Lead
from ecoenforce.leads.selectors import lead_assignable_officers


class LeadCreateForm(forms.Form):
    """A lead entered by staff (a phone call, a visit, a letter)."""

    source = forms.ChoiceField(label=_("Source"), choices=Lead.Source.choices, initial=Lead.Source.MANUAL)
    title = forms.CharField(label=_("What was noticed"), max_length=200)
    entity_uscc = forms.CharField(label=_("Entity credit code"), max_length=18, required=False,
                                  help_text=_("Leave empty if the entity is not known yet."))
    region = forms.ModelChoiceField(label=_("County"), queryset=Region.objects.none(), required=False)
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    description = forms.CharField(label=_("Details"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    reporter_name = forms.CharField(label=_("Reporter name"), max_length=64, required=False)
    reporter_phone = forms.CharField(label=_("Reporter phone"), max_length=20, required=False)
    submission_token = forms.CharField(widget=forms.HiddenInput, initial=lambda: uuid.uuid4().hex)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        prefix = user.jurisdiction_prefix or ""
        self.fields["region"].queryset = Region.objects.filter(level=Region.Level.COUNTY, code__startswith=prefix).select_related("parent")
        self.fields["region"].label_from_instance = lambda region: region.path_label
        style_form(self)


class LeadCloseForm(forms.Form):
    """Close a lead without a case."""

    reason = forms.ChoiceField(label=_("Reason"), choices=Lead.CloseReason.choices)
    note = forms.CharField(label=_("What was checked"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


class LeadConvertForm(forms.Form):
    """Open a case from a lead, with at least one co-handler."""

    title = forms.CharField(label=_("Case title"), max_length=200)
    facts = forms.CharField(label=_("Facts found so far"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    entity_uscc = forms.CharField(label=_("Entity credit code"), max_length=18, required=False)
    co_handlers = forms.ModelMultipleChoiceField(label=_("Co-handlers"), queryset=User.objects.none(),
                                                 help_text=_("At least one other certified inspector."))

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["co_handlers"].queryset = (
            User.objects.filter(organization=user.organization, role__in=[Role.INSPECTOR, Role.UNIT_LEADER], is_active=True)
            .exclude(certificate_no="").exclude(pk=user.pk).order_by("full_name")
        )
        style_form(self)


class OfficerChoiceField(forms.ModelChoiceField):
    """An officer shown by name and bureau, never by user name."""

    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name}（{obj.organization.name}）"


class LeadAssignForm(forms.Form):
    """A leader gives a new lead to an officer to verify by a date."""

    assignee = OfficerChoiceField(label=_("Officer"), queryset=User.objects.none(),
                                  help_text=_("Certified officers whose jurisdiction covers the lead's county."))
    due_on = forms.DateField(label=_("Verify by"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                             help_text=_("Leave empty for no deadline."))
    note = forms.CharField(label=_("Instructions"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user: User, lead: Lead, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = lead_assignable_officers(user=user, lead=lead)
        style_form(self)
