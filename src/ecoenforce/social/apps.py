"""App configuration for social: tips, grids, third parties."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SocialConfig(AppConfig):
    """Tips, grids, third parties."""

    name = "ecoenforce.social"
    label = "social"
    verbose_name = _("Social supervision")
