"""`django.contrib.admin` with the audited default site (core.admin_audit): no edit in /admin/ escapes the record."""

from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """Installed in place of django.contrib.admin (settings.INSTALLED_APPS)."""

    default_site = "ecoenforce.core.admin_audit.AuditedAdminSite"
