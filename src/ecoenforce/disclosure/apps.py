"""App configuration for disclosure: public portal."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    """Public portal."""

    name = "ecoenforce.disclosure"
    label = "disclosure"
    verbose_name = _("Public disclosure")
