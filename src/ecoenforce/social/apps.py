"""App configuration for social: tips, grids, third parties."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SocialConfig(AppConfig):
    """Tips, grids, third parties."""

    name = "ecoenforce.social"
    label = "social"
    verbose_name = _("Social supervision")

    def ready(self) -> None:
        # The work queue is core's; this app adds its sources to it (core never imports the app).
        from ecoenforce.social.queue import register

        register()
