"""App configuration for special: special cases (专案) and supervised cases (挂牌督办)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpecialConfig(AppConfig):
    """Special and supervised cases."""

    name = "ecoenforce.special"
    label = "special"
    verbose_name = _("Special and supervised cases")

    def ready(self) -> None:
        from ecoenforce.cases.panels import case_panel_register
        from ecoenforce.special.queue import register
        from ecoenforce.special.views import case_panel

        case_panel_register("special", case_panel)
        register()
