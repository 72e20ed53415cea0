"""Admin for reference data: regions, organizations, users, the holiday schedule."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext_lazy as _

from ecoenforce.core.errors import ValidationFailed
from ecoenforce.core.models import (
    ApiToken,
    AuditEvent,
    Organization,
    Region,
    ScheduleDay,
    ScheduleYear,
    SignInThrottle,
    User,
)


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
    # "城区" finds the three; "阳泉 城区" finds one (each word in the code, the name or the parent's name).
    search_fields = ("code", "name", "parent__name")
    list_select_related = ("parent",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("parent")

    def get_search_results(self, request, queryset, search_term):
        """Divisions named exactly as typed come first ("城区" lists the three 城区 before 满城区, 相城区 …)."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        words = search_term.split()
        if words:
            queryset = queryset.annotate(_exact=Case(When(name__in=words, then=Value(0)), default=Value(1),
                                                     output_field=IntegerField())).order_by("_exact", "code")
        return queryset, may_have_duplicates


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "kind", "region", "parent", "phone")
    list_filter = ("kind",)
    search_fields = ("name",)
    fieldsets = ((None, {"fields": ("name", "short_name", "kind", "region", "parent")}),
                 (_("Public contact (shown in the footer of every page)"), {"fields": ("address", "phone", "email")}))


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


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Every user's API tokens; an administrator revokes them (a lost phone, a person who left). Never edited."""

    list_display = ("name", "user", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at",
                    "revoked_reason")
    list_filter = ("revoked_reason", "user__organization")
    search_fields = ("name", "prefix", "user__username", "user__full_name")
    list_select_related = ("user",)
    readonly_fields = ("user", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at",
                       "revoked_reason")
    exclude = ("key_hash",)
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke(self, request, queryset):
        from ecoenforce.core.services import api_tokens_revoke_by_admin

        count = api_tokens_revoke_by_admin(actor=request.user, tokens=queryset)
        self.message_user(request, _("%(n)d token(s) revoked; apps using them must sign in again.") % {"n": count},
                          messages.SUCCESS)


@admin.register(SignInThrottle)
class SignInThrottleAdmin(admin.ModelAdmin):
    """Failed sign-ins and locks; an administrator lifts a lock once the person has proved who they are."""

    list_display = ("scope", "key", "failures", "last_failure_at", "locked_until", "lockouts")
    list_filter = ("scope",)
    search_fields = ("key",)
    readonly_fields = ("scope", "key", "failures", "window_started_at", "last_failure_at", "locked_until", "lockouts")
    actions = ["unlock"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Unlock the selected"), permissions=["change"])
    def unlock(self, request, queryset):
        from ecoenforce.core.signin import sign_in_unlock

        count = sign_in_unlock(actor=request.user, locks=list(queryset))
        self.message_user(request, _("%(n)d lock(s) lifted.") % {"n": count}, messages.SUCCESS)
