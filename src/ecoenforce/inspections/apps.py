"""App configuration for inspections: on-site inspections."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    """On-site inspections."""

    name = "ecoenforce.inspections"
    label = "inspections"
    verbose_name = _("Inspections")
