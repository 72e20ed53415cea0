"""App configuration for the demo seeder."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo city seeding."""

    name = "ecoenforce.demo"
    label = "demo"
    verbose_name = _("Demo city")
