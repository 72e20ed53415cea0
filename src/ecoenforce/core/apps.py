"""App configuration for core: regions, organizations, users, audit chain, calendar."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Regions, organizations, users, audit chain, calendar."""

    name = "ecoenforce.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.contrib import admin

        from ecoenforce.core import signals  # noqa: F401  (account changes revoke API tokens)
        from ecoenforce.core.forms import ThrottledAdminAuthenticationForm

        admin.site.login_form = ThrottledAdminAuthenticationForm
