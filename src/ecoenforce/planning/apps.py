"""App configuration for planning: plans and double-random draws."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    """Plans and double-random draws."""

    name = "ecoenforce.planning"
    label = "planning"
    verbose_name = _("Planning")
