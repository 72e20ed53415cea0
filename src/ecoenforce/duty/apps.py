from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    """Scorecards (执法责任) read every app's records; nothing reads duty."""

    name = "ecoenforce.duty"
    verbose_name = _("Duties and scorecards")

    def ready(self) -> None:
        from ecoenforce.duty import queue

        queue.register()
