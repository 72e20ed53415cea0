"""App configuration for registry: regulated entities and reference data."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    """Regulated entities and reference data."""

    name = "ecoenforce.registry"
    label = "registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        # The work queue is core's; this app adds its sources to it (core never imports the app).
        from ecoenforce.registry.positive.queue import register

        register()
