"""Every change made in the administration site goes into the whole-process record.

The project's default admin site (`AuditedAdminSite`, installed through `core.apps.AdminConfig`) mixes
`AuditedAdminMixin` into every ModelAdmin registered on it — the project's and any added later — so an edit in
/admin/ is recorded like a service's: who, which object, the changed fields before and after, in the same
transaction. Secret fields (passwords, device keys, seeds) are recorded as changed, never with their value.
Fields that only a service may change (an entity's risk class and positive-list flag, a lead's workflow) are
read-only in their admins; the services record those changes with their reasons.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.db import models, transaction

from ecoenforce.core.audit import audit_record, jsonable

# A field whose name contains one of these is never copied into the record.
SECRET_MARKERS = ("password", "secret", "sm4", "seed", "key_hash", "token")
CHANGED = "(changed)"


def _is_secret(name: str) -> bool:
    return any(marker in name for marker in SECRET_MARKERS)


def _concrete(model: type[models.Model]) -> dict[str, models.Field]:
    return {f.name: f for f in model._meta.concrete_fields}


def snapshot(obj: models.Model | None, names: list[str]) -> dict[str, Any]:
    """The named fields' values as the record stores them (foreign keys as ids, secrets masked)."""
    if obj is None:
        return {}
    fields = _concrete(type(obj))
    out: dict[str, Any] = {}
    for name in names:
        field = fields.get(name)
        if field is None:
            continue
        out[field.attname if field.is_relation else name] = (
            CHANGED if _is_secret(name) else jsonable(field.value_from_object(obj)))
    return out


class AuditedAdminMixin:
    """Record additions, changes and deletions done through this ModelAdmin."""

    def _recorded(self, request, obj) -> None:
        marks = request.__dict__.setdefault("_ecoenforce_audited", set())
        marks.add((obj._meta.label_lower, str(obj.pk)))

    def _was_recorded(self, request, obj) -> bool:
        return (obj._meta.label_lower, str(obj.pk)) in request.__dict__.get("_ecoenforce_audited", set())

    def save_model(self, request, obj, form, change):
        fields = _concrete(type(obj))
        names = [n for n in form.changed_data if n in fields] if change else [n for n in form.fields if n in fields]
        with transaction.atomic():
            old = type(obj)._default_manager.filter(pk=obj.pk).first() if change and obj.pk else None
            before = snapshot(old, names)
            super().save_model(request, obj, form, change)
            if change and not names:
                return
            audit_record(actor=request.user, obj=obj, action="admin.change" if change else "admin.add",
                         before=before or None, after=snapshot(obj, names))
            self._recorded(request, obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        many = [f.name for f in form.instance._meta.many_to_many if f.name in form.changed_data]
        changed_inlines = [fs.model._meta.label_lower for fs in formsets if fs.has_changed()]
        if many or changed_inlines:
            with transaction.atomic():
                after = {name: sorted(jsonable(o.pk) for o in getattr(form.instance, name).all()) for name in many}
                if changed_inlines:
                    after["inlines"] = changed_inlines
                audit_record(actor=request.user, obj=form.instance, action="admin.change", after=after)

    def log_change(self, request, obj, message):
        # Admin views that save without save_model (a user's password form) are recorded here.
        if not self._was_recorded(request, obj):
            names = sorted({n for entry in (message if isinstance(message, list) else [])
                            for n in entry.get("changed", {}).get("fields", [])})
            with transaction.atomic():
                audit_record(actor=request.user, obj=obj, action="admin.change",
                             after={"fields": [CHANGED if _is_secret(str(n).lower()) else n for n in names]})
            self._recorded(request, obj)
        return super().log_change(request, obj, message)

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit_record(actor=request.user, obj=obj, action="admin.delete",
                         before=snapshot(obj, list(_concrete(type(obj)))))
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                audit_record(actor=request.user, obj=obj, action="admin.delete",
                             before=snapshot(obj, list(_concrete(type(obj)))))
            super().delete_queryset(request, queryset)


class RegionChoiceMixin:
    """Every foreign key to a region is a search box (Django's admin autocomplete, served from our static files),
    never a list of 3,212 divisions, and each choice is labelled with its parent (常州市 / 武进区, not three 城区)."""

    def get_autocomplete_fields(self, request):
        from ecoenforce.core.models import Region

        fields = tuple(super().get_autocomplete_fields(request))
        skip = set(fields) | set(self.raw_id_fields) | set(getattr(self, "readonly_fields", ()))
        return fields + tuple(f.name for f in self.model._meta.fields
                              if f.is_relation and f.related_model is Region and f.name not in skip)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        from ecoenforce.core.models import Region

        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and db_field.related_model is Region:
            field.label_from_instance = lambda region: region.path_label
        return field


class LabelledAutocompleteJsonView(AutocompleteJsonView):
    """Admin search results labelled as the form labels them (a region with its parent)."""

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        label = getattr(obj, "path_label", None)
        if isinstance(label, str):
            result["text"] = label
        return result


class AuditedAdminSite(admin.AdminSite):
    """The default admin site: every ModelAdmin registered on it records what it changes."""

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, AuditedAdminMixin):
            admin_class = type(admin_class.__name__, (AuditedAdminMixin, RegionChoiceMixin, admin_class),
                               {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__})
        return super().register(model_or_iterable, admin_class, **options)

    def autocomplete_view(self, request):
        return LabelledAutocompleteJsonView.as_view(admin_site=self)(request)
