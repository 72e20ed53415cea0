"""App configuration for credit: environmental credit rating (环境信用评价)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    """Environmental credit rating."""

    name = "ecoenforce.credit"
    label = "credit"
    verbose_name = _("Environmental credit")
