"""Settings for bench/http_delivery.py's "before" server: static files as they were served before issue 14
item 6 — from the source tree under their own names, uncompressed, with WhiteNoise's 60-second cache."""

from ecoenforce.settings import *  # noqa: F403

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
