"""App configuration for sampling: enforcement monitoring (执法监测)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SamplingConfig(AppConfig):
    """Sampling requests, chain of custody and lab results."""

    name = "ecoenforce.sampling"
    label = "sampling"
    verbose_name = _("Enforcement monitoring")

    def ready(self) -> None:
        # The work queue is core's and the case page is the cases app's; this app adds its share to both (neither
        # imports it).
        from ecoenforce.sampling.panels import register as register_panel
        from ecoenforce.sampling.queue import register

        register()
        register_panel()
