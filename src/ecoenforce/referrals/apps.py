"""App configuration for department coordination."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    """Department coordination (部门联动)."""

    name = "ecoenforce.referrals"
    label = "referrals"
    verbose_name = _("Department coordination")

    def ready(self) -> None:
        from ecoenforce.referrals.queue import register

        register()
