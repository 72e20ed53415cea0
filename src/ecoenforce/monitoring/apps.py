"""App configuration for monitoring: automatic monitoring."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    """Automatic monitoring."""

    name = "ecoenforce.monitoring"
    label = "monitoring"
    verbose_name = _("Monitoring")
