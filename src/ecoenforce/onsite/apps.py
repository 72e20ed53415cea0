"""App configuration for onsite: on-site enforcement on a phone — checklists, records, signatures, evidence."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnsiteConfig(AppConfig):
    """On-site enforcement (现场执法)."""

    name = "ecoenforce.onsite"
    label = "onsite"
    verbose_name = _("On-site enforcement")

    def ready(self) -> None:
        from ecoenforce.onsite.panels import register

        register()
