"""App configuration for grid patrols."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GridsConfig(AppConfig):
    """Grid patrols (网格巡查)."""

    name = "ecoenforce.grids"
    label = "grids"
    verbose_name = _("Grid patrols")

    def ready(self) -> None:
        from ecoenforce.grids.queue import register

        register()
