"""App configuration for leads: the one inbox of leads."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeadsConfig(AppConfig):
    """The one inbox of leads."""

    name = "ecoenforce.leads"
    label = "leads"
    verbose_name = _("Leads")

    def ready(self) -> None:
        # The work queue is core's; this app adds its sources to it (core never imports the app).
        from ecoenforce.leads.queue import register

        register()
