"""Form to register (or update) one monitoring device at an outlet."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ecoenforce.core.forms import style_form
from ecoenforce.monitoring.models import MonitoringDevice, Outlet


class DeviceForm(forms.Form):
    """One device: the same fields as an import row."""

    entity_credit_code = forms.CharField(label=_("Entity credit code"), max_length=18)
    outlet_code = forms.CharField(label=_("Outlet code"), max_length=32)
    outlet_name = forms.CharField(label=_("Outlet name"), max_length=64)
    outlet_kind = forms.ChoiceField(label=_("Outlet kind"), choices=Outlet.Kind.choices)
    mn = forms.CharField(label=_("MN"), max_length=32)
    password = forms.CharField(label=_("Device password"), max_length=16)
    protocol = forms.ChoiceField(label=_("Protocol revision"), choices=MonitoringDevice.Protocol.choices,
                                 initial=MonitoringDevice.Protocol.HJ2017)  # fmt: skip
    sm4_key = forms.CharField(label=_("SM4 key (hex)"), max_length=32, required=False)
    pollutants = forms.CharField(label=_("Factor codes"), help_text=_("HJ 212-2017 codes separated by ';'"))
    standard = forms.CharField(label=_("Applicable standard"), max_length=80, required=False,
                               help_text=_("The emission standard the outlet is judged under, e.g. GB 13223-2011."))
    category = forms.CharField(label=_("Category under the standard"), max_length=200, required=False,
                               help_text=_("The source category in that standard, e.g. 燃煤锅炉 特别排放限值."))

    def clean(self):
        data = super().clean()
        if data.get("category") and not data.get("standard"):
            self.add_error("standard", _("Name the standard this category belongs to."))
        if data.get("standard") and not data.get("category"):
            self.add_error("category", _("Name the source category under this standard."))
        return data

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)
