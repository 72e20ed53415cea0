"""Admin for reference data: regions, organizations, users, the holiday schedule."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from ecoenforce.core.errors import ValidationFailed
from ecoenforce.core.models import AuditEvent, Organization, Region, ScheduleDay, ScheduleYear, User


class VersionedPolicyAdmin(admin.ModelAdmin):
    """Admin for a VersionedPolicy: a change is a new version, prefilled with the one in force; none is edited.

    Subclasses name the services that check (`check_values`, raising ValidationFailed) and store a version
    (`add_version`), and may give the defaults to prefill when no version exists yet (`default_values`).
    """

    list_display = ("version", "source", "created_at")
    fields = ("values", "source")

    def check_values(self, values) -> None:
        raise NotImplementedError

    def add_version(self, *, actor, values, source):
        raise NotImplementedError

    def default_values(self) -> dict:
        return {}

    def get_readonly_fields(self, request, obj=None):
        return ("values", "source") if obj is not None else ()

    def get_changeform_initial_data(self, request):
        latest = self.model.newest()
        return {"values": (latest.values if latest else {}) or self.default_values()}

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        admin_ = self

        class ValidatedForm(form):
            """Run the service's validation on the form, so a bad value is a field error, not an error page."""

            def clean(self):
                cleaned = super().clean()
                if obj is None and "values" in cleaned:
                    try:
                        admin_.check_values(cleaned["values"])
                    except ValidationFailed as exc:
                        self.add_error("values", str(exc.message))
                return cleaned

        return ValidatedForm

    def save_model(self, request, obj, form, change):
        if change:
            return  # versions are never edited: add a new one
        saved = self.add_version(actor=request.user, values=obj.values, source=obj.source)
        obj.pk, obj.version, obj.created_at = saved.pk, saved.version, saved.created_at


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "kind", "region", "parent")
    list_filter = ("kind",)
    search_fields = ("name",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "role", "organization", "certificate_no", "is_active")
    list_filter = ("role", "organization", "is_active")
    search_fields = ("username", "full_name", "certificate_no")
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("Enforcement"), {"fields": ("full_name", "role", "organization", "certificate_no", "phone")}),
    )


@admin.register(ScheduleYear)
class ScheduleYearAdmin(admin.ModelAdmin):
    list_display = ("year", "source", "entered_at")


@admin.register(ScheduleDay)
class ScheduleDayAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "note")
    list_filter = ("kind",)
    date_hierarchy = "date"


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the record is changed by nobody, not even administrators."""

    list_display = ("seq", "at", "actor_label", "object_type", "object_id", "action")
    list_filter = ("object_type",)
    search_fields = ("object_id", "action", "actor_label")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
