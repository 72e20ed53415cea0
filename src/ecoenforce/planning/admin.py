"""Admin for planning policy data: versions are added, never edited (the newest is in force)."""

from decimal import InvalidOperation

from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ecoenforce.core.audit import audit_record
from ecoenforce.planning.capacity import PlanningRules
from ecoenforce.planning.models import PlanningPolicy


class PlanningPolicyForm(forms.ModelForm):
    """Refuse values the planner cannot read, with a message instead of an error page."""

    class Meta:
        model = PlanningPolicy
        fields = ("values", "source")

    def clean_values(self):
        values = self.cleaned_data["values"] or {}
        try:
            if not isinstance(values, dict):
                raise TypeError
            PlanningRules.from_mapping(values)
        except (TypeError, ValueError, InvalidOperation, AttributeError):
            raise forms.ValidationError(_("Use the keys shown with numbers as values, e.g. "
                                          "{\"onsite_share\": \"0.4\"}.")) from None
        return values


@admin.register(PlanningPolicy)
class PlanningPolicyAdmin(admin.ModelAdmin):
    """Add a new version to change caps, capacity factors or default ratios."""

    form = PlanningPolicyForm
    list_display = ("version", "source", "created_at")
    fields = ("values", "source")

    def get_readonly_fields(self, request, obj=None):
        return ("values", "source") if obj is not None else ()

    def get_changeform_initial_data(self, request):
        latest = PlanningPolicy.objects.order_by("-version").first()
        values = (latest.values if latest else {}) or PlanningRules().as_values()
        return {"values": values}

    def save_model(self, request, obj, form, change):
        if change:
            return  # versions are never edited: add a new one
        with transaction.atomic():
            latest = PlanningPolicy.objects.select_for_update().order_by("-version").first()
            obj.version = (latest.version if latest else 0) + 1
            obj.save()
            audit_record(actor=request.user, obj=obj, action="planning_policy.add", after=obj.values,
                         reason=obj.source)
