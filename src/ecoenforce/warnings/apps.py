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
        from ecoenforce.registry.positive.holds import open_matters_register
        from ecoenforce.warnings.notices import entity_open_matters
        from ecoenforce.warnings.queue import register

        register()
        # The monitoring registry knows nothing of us: its import hands us the outlets' standards to assign limits
        # from our table, and its device page shows our panel of the device's limits and draws them on its charts.
        from ecoenforce.monitoring.hooks import (
            chart_limits_register,
            device_panel_register,
            limits_assigner_register,
        )
        from ecoenforce.warnings.panels import device_chart_limits, device_limits_panel
        from ecoenforce.warnings.services import limits_assign_from_standards

        limits_assigner_register(limits_assign_from_standards)
        device_panel_register("warnings.limits", device_limits_panel)
        chart_limits_register(device_chart_limits)
        # An open warning or a notice awaiting the firm's answer keeps the entity off the positive list.
        open_matters_register("warnings", entity_open_matters)
