"""App configuration for casebook: the typical-case library and withdrawals of revoked decisions."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasebookConfig(AppConfig):
    """Typical cases and publication withdrawals."""

    name = "ecoenforce.casebook"
    label = "casebook"
    verbose_name = _("Typical cases")

    def ready(self) -> None:
        from ecoenforce.casebook.views import case_panel
        from ecoenforce.cases.panels import case_panel_register

        case_panel_register("casebook", case_panel)
