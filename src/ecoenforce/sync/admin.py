"""Admin: upload sessions and stored idempotent answers, read-only (they are the phones' traffic, not data to edit)."""

from django.contrib import admin

from ecoenforce.sync.models import IdempotentRequest, UploadSession


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(UploadSession)
class UploadSessionAdmin(ReadOnlyAdmin):
    list_display = ("filename", "owner", "size", "received", "state", "created_at", "expires_at")
    list_filter = ("state",)


@admin.register(IdempotentRequest)
class IdempotentRequestAdmin(ReadOnlyAdmin):
    list_display = ("key", "user", "method", "path", "status", "created_at")
