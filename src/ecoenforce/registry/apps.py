"""App configuration for registry: regulated entities and reference data."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    """Regulated entities and reference data."""

    name = "ecoenforce.registry"
    label = "registry"
    verbose_name = _("Registry")
