"""Admin: standards and limits (editable by administrators), point limits (read-only), MQTT grants, policy versions, runs."""

from django.contrib import admin

from ecoenforce.warnings.models import (
    ElectronicNotice,
    EmissionLimit,
    EmissionStandard,
    MqttGrant,
    MqttPublisher,
    PointLimit,
    RulePolicy,
    RuleRun,
    Warning,
)  # fmt: skip


class LimitInline(admin.TabularInline):
    model = EmissionLimit
    extra = 0
    fields = ("category", "pollutant", "pollutant_name", "limit_value", "unit", "averaging", "reference_o2", "confidence")


@admin.register(EmissionStandard)
class EmissionStandardAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "active")
    search_fields = ("code", "title")
    inlines = [LimitInline]


@admin.register(EmissionLimit)
class EmissionLimitAdmin(admin.ModelAdmin):
    list_display = ("standard", "category", "pollutant", "pollutant_name", "limit_value", "unit", "averaging",
                    "reference_o2", "confidence")  # fmt: skip
    list_filter = ("standard__code", "averaging", "confidence")
    search_fields = ("category", "pollutant", "pollutant_name")


@admin.register(PointLimit)
class PointLimitAdmin(admin.ModelAdmin):
    """Read-only: limits are set on the device's limits page or by the device import (versioned and audited)."""

    list_display = ("device", "pollutant", "limit_value", "unit", "averaging", "valid_from", "valid_to")
    search_fields = ("device__mn", "pollutant")
    list_filter = ("averaging",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MqttGrant)
class MqttGrantAdmin(admin.ModelAdmin):
    """Set with `ecoenforce mqtt bind` (checked, and the broker's ACL follows it)."""

    list_display = ("device", "publisher")
    search_fields = ("device__mn", "publisher__username")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MqttPublisher)
class MqttPublisherAdmin(admin.ModelAdmin):
    """Issued and re-keyed with `ecoenforce mqtt` (the password is shown once there); here: label and active flag."""

    list_display = ("username", "label", "organization", "active", "created_at")
    search_fields = ("username", "label")
    fields = ("username", "label", "organization", "active")
    readonly_fields = ("username", "organization")

    def has_add_permission(self, request):
        return False


@admin.register(RulePolicy)
class RulePolicyAdmin(admin.ModelAdmin):
    """Versions are immutable: adding one goes through the service (validated, numbered, audited)."""

    list_display = ("version", "active", "note", "created_at", "created_by")
    fields = ("values", "note", "active")

    def get_readonly_fields(self, request, obj=None):
        return ("values", "note") if obj is not None else ()

    def get_changeform_initial_data(self, request):
        from ecoenforce.warnings.services import rule_policy_current

        return {"values": rule_policy_current()[1].as_dict()}

    def save_model(self, request, obj, form, change):
        from ecoenforce.warnings.services import rule_policy_create

        if change:  # only the active flag can change on a stored version
            super().save_model(request, obj, form, change)
            return
        created = rule_policy_create(actor=request.user, values=obj.values, note=obj.note)
        obj.pk, obj.version, obj.created_at = created.pk, created.version, created.created_at


@admin.register(RuleRun)
class RuleRunAdmin(admin.ModelAdmin):
    list_display = ("pk", "created_at", "window_from", "window_to", "engine", "status", "events_found", "warnings_created")
    readonly_fields = [f.name for f in RuleRun._meta.fields]


@admin.register(Warning)
class WarningAdmin(admin.ModelAdmin):
    list_display = ("rule", "entity", "mn", "pollutant", "start", "severity", "status")
    list_filter = ("rule", "status", "severity")
    readonly_fields = [f.name for f in Warning._meta.fields]


@admin.register(ElectronicNotice)
class ElectronicNoticeAdmin(admin.ModelAdmin):
    list_display = ("warning", "entity", "deadline", "status", "sent_at")
    raw_id_fields = ("warning", "entity")
