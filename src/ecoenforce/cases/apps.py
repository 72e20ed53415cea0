"""App configuration for cases: case handling."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    """Case handling."""

    name = "ecoenforce.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        # The work queue is core's; this app adds its sources to it (core never imports the app).
        from ecoenforce.cases.queue import register

        register()
