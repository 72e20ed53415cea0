"""App configuration for the warnings desk."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WarningsConfig(AppConfig):
    """Emission limits, rule runs, warnings, electronic notices; electricity and video inputs."""

    name = "ecoenforce.warnings"
    label = "warnings"
    verbose_name = _("Monitoring warnings")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The work queue is core's; this app adds its sources to it (core never imports the app).
        from ecoenforce.warnings.queue import register

        register()
