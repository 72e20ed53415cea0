"""App configuration for compliance: enterprise portal."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    """Enterprise portal."""

    name = "ecoenforce.compliance"
    label = "compliance"
    verbose_name = _("Compliance service")

    def ready(self) -> None:
        from ecoenforce.compliance import queue

        queue.register()
