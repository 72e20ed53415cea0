"""App configuration for third-party assistance."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistConfig(AppConfig):
    """Third-party assistance (辅助执法)."""

    name = "ecoenforce.assist"
    label = "assist"
    verbose_name = _("Third-party assistance")

    def ready(self) -> None:
        from ecoenforce.assist.queue import register

        register()
