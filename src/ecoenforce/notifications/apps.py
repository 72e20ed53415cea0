"""App configuration for notifications."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """The bell, e-mail, preferences per kind, the deadline sweep."""

    name = "ecoenforce.notifications"
    label = "notifications"
    verbose_name = _("Notifications")
