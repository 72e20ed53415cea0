"""App configuration for planning: plans and double-random draws."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    """Plans and double-random draws."""

    name = "ecoenforce.planning"
    label = "planning"
    verbose_name = _("Planning")

    def ready(self) -> None:
        # The work queue is core's; this app adds its sources to it (core never imports the app).
        from ecoenforce.planning.queue import register

        register()
