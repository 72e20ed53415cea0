"""App configuration for transfers: the administrative–criminal link (两法衔接)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransfersConfig(AppConfig):
    """Criminal thresholds and transfers to the police."""

    name = "ecoenforce.transfers"
    label = "transfers"
    verbose_name = _("Transfers to the police")

    def ready(self) -> None:
        from ecoenforce.cases.hooks import transition_guard_register
        from ecoenforce.cases.panels import case_panel_register
        from ecoenforce.transfers.guard import criminal_link_guard
        from ecoenforce.transfers.queue import register
        from ecoenforce.transfers.views import case_panel

        transition_guard_register("transfers", criminal_link_guard)
        case_panel_register("transfers", case_panel)
        register()
