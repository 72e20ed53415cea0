"""App configuration for sync: what a phone that was offline sends when the network returns."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SyncConfig(AppConfig):
    """Resumable uploads, idempotent replays, the installable web app's service worker and manifest."""

    name = "ecoenforce.sync"
    label = "sync"
    verbose_name = _("Offline sync")
