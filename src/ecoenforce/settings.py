"""Django settings: everything that differs between machines comes from the environment (see config.py)."""

from __future__ import annotations

import dj_database_url
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

from ecoenforce.config import (
    REPO_ROOT,
    env_bool,
    env_int,
    env_list,
    env_path,
    env_str,
    refuse_to_start,
    unsafe_production_settings,
)

BASE_DIR = REPO_ROOT
VAR_DIR = env_path("ECOENFORCE_VAR_DIR", REPO_ROOT / "var")
VAR_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-change-me-in-production")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# A server others can reach must not run with the built-in key or DEBUG: refuse to start (exit 2) and say why.
_unsafe = unsafe_production_settings(secret_key=SECRET_KEY, debug=DEBUG, allowed_hosts=ALLOWED_HOSTS)
if _unsafe:
    refuse_to_start(_unsafe)

INSTALLED_APPS = [
    "ecoenforce.core.admin_apps.AdminConfig",  # django.contrib.admin with every edit recorded (core.admin_audit)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "ecoenforce.core",
    "ecoenforce.registry",
    "ecoenforce.planning",
    "ecoenforce.monitoring",
    "ecoenforce.inspections",
    "ecoenforce.leads",
    "ecoenforce.cases",
    "ecoenforce.social",
    "ecoenforce.grids",
    "ecoenforce.assist",
    "ecoenforce.referrals",
    "ecoenforce.credit",
    "ecoenforce.sampling",
    "ecoenforce.compliance",
    "ecoenforce.duty",
    "ecoenforce.disclosure",
    "ecoenforce.demo",
    "ecoenforce.warnings",
    "ecoenforce.notifications",
    "ecoenforce.ops",
    "ecoenforce.sync",
    "ecoenforce.onsite",
    "ecoenforce.transfers",
    "ecoenforce.casebook",
    "ecoenforce.special",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "ecoenforce.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ecoenforce.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "ecoenforce.core.middleware.ApplicationErrorMiddleware",
    "ecoenforce.sync.idempotency.IdempotencyMiddleware",  # replayed API writes get the first answer
]

# Uploads: a file over the cap (core.tables.reader.MAX_BYTES) is dropped while it streams in, never stored.
FILE_UPLOAD_HANDLERS = [
    "ecoenforce.core.tables.uploads.CappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

ROOT_URLCONF = "ecoenforce.urls"
WSGI_APPLICATION = "ecoenforce.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [REPO_ROOT / "src" / "ecoenforce" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ecoenforce.core.navigation.navigation",
                "ecoenforce.core.navigation.bureau_contact",
                "ecoenforce.notifications.context.bell",
            ],
        },
    }
]

# SQLite is the embedded default; DATABASE_URL=postgres://... moves to PostgreSQL without code changes.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'ecoenforce.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions serialise writers up front, so the audit chain's read-head-then-append
    # never races; WAL lets readers go on while one writer works.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    # Connections kept per server thread: opening one (and its PRAGMAs) on every request cost ~1 ms of each page.
    DATABASES["default"]["CONN_MAX_AGE"] = 600

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
# Django's model backend, loading the user with organization and region in one query (every page reads them).
AUTHENTICATION_BACKENDS = ["ecoenforce.core.signin.UserWithJurisdictionBackend"]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"

# Passwords people choose (admin forms, the change-password page, createsuperuser, `up --no-demo`).
PASSWORD_MIN_LENGTH = env_int("PASSWORD_MIN_LENGTH", 10)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
     "OPTIONS": {"user_attributes": ("username", "full_name", "email", "phone", "certificate_no")}},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "ecoenforce.core.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "ecoenforce.core.passwords.PredictablePatternValidator"},
]

# Sign-in throttling (core/signin.py): `limit` failures within `window` seconds lock the key for `lock`
# seconds, doubling with each lock in a row up to `max_lock`. Accounts are locked sooner than addresses,
# because an office's staff share one address behind its router.
SIGN_IN_THROTTLE = {
    "account": {"limit": env_int("SIGN_IN_ACCOUNT_LIMIT", 5), "window": 900, "lock": 900, "max_lock": 4 * 3600},
    "address": {"limit": env_int("SIGN_IN_ADDRESS_LIMIT", 20), "window": 900, "lock": 900, "max_lock": 4 * 3600},
    "token_address": {"limit": env_int("SIGN_IN_TOKEN_LIMIT", 20), "window": 900, "lock": 900, "max_lock": 4 * 3600},
}
# Public tips (social/services.py): at most `limit` web tips from one client address within `window` seconds.
TIP_RATE = {"limit": env_int("TIP_ADDRESS_LIMIT", 10), "window": 60}
# How many reverse proxies (nginx, a load balancer) stand in front of the server: the client address is then
# read from X-Forwarded-For. 0 = clients connect directly. Wrong here means the throttle counts the wrong address.
TRUSTED_PROXIES = env_int("ECOENFORCE_TRUSTED_PROXIES", 0)
# API tokens: lifetime when none is chosen, and the longest a person may choose (days).
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 90)
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 365)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [REPO_ROOT / "src" / "ecoenforce" / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [REPO_ROOT / "src" / "ecoenforce" / "static"]
# Static files are collected (`ecoenforce up` runs serving.collect_static) into hashed names with .gz and .br
# beside them; WhiteNoise serves the hashed ones with a ten-year immutable cache and picks the encoding the
# browser accepts. In DEBUG the source files are served as they are.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
# Files served at the site's root (browsers ask for /favicon.ico on pages that name no icon).
WHITENOISE_ROOT = REPO_ROOT / "src" / "ecoenforce" / "root_files"
# Source maps are for developers' tools: not worth compressing at every collect.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")
FILES_DIR = VAR_DIR / "files"

# Background work (rule runs, chain checks) goes to a database queue that `ecoenforce db_worker` empties (`ecoenforce
# up` starts one); TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend runs it in-process instead.
TASKS = {"default": {"BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
# Tasks the scheduler (`ecoenforce schedule`) enqueues once a day, with the daily rule run's slot (claimed once across
# schedulers): dotted paths of django-tasks tasks that take no argument — the firms' compliance reminders, and the
# deadline sweep that tells every person of the deadlines in their queue that are near or passed (both idempotent).
DAILY_TASKS = ["ecoenforce.compliance.tasks.compliance_reminders_task",
               "ecoenforce.notifications.tasks.deadline_sweep_task"]

# Notifications by e-mail (optional; each person chooses per kind). Off until the administrator sets ECOENFORCE_EMAIL=1
# and Django's mail settings; SITE_URL makes the links in the e-mails absolute.
NOTIFY_BY_EMAIL = env_bool("ECOENFORCE_EMAIL", False)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env_str("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ecoenforce@localhost")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "ecoenforce.core.error_pages.csrf_failure"

# Served over HTTPS (directly or behind a proxy that terminates TLS): cookies only over HTTPS, HSTS, and plain
# HTTP redirected. Behind a proxy the proxy must set X-Forwarded-Proto (docs/deploy.md, "HTTPS and settings").
HTTPS = env_bool("ECOENFORCE_HTTPS", False)
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    if TRUSTED_PROXIES:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy on every response (core.middleware.SecurityHeadersMiddleware): scripts only from our
# own static files (templates keep no inline script or event handler), no plugins, no framing, forms post
# only to us. Style attributes stay allowed: ECharts and Tabler set them on the elements they draw.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

# Where the monitoring side keeps its files (the gateway reads the device snapshot, writes the spool).
SPOOL_DIR = env_path("ECOENFORCE_SPOOL_DIR", VAR_DIR / "spool")
LAKE_DIR = env_path("ECOENFORCE_LAKE_DIR", VAR_DIR / "lake")
# Where the lake of readings lives: the local LAKE_DIR (default) or S3-compatible object storage, e.g.
# s3://bucket/lake?endpoint_override=minio.internal:9000&scheme=http (keys: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY).
# The loader writes there and the readers and rule runs read it (monitoring.lake.storage).
LAKE_URL = env_str("ECOENFORCE_LAKE_URL", "")  # "" = LAKE_DIR; code reads `settings.LAKE_URL or settings.LAKE_DIR`
# This spool's loader when several gateways feed one lake (its file names and checkpoint carry it); "" = the only one.
LOADER_ID = env_str("ECOENFORCE_LOADER_ID", "")
DEVICE_SNAPSHOT = env_path("ECOENFORCE_DEVICE_SNAPSHOT", VAR_DIR / "gateway" / "devices.json")

# The electricity listener's broker and its own credentials (`ecoenforce mqtt config` puts them in the broker's files;
# publishers get theirs from `ecoenforce mqtt issue`).
MQTT_HOST = env_str("ECOENFORCE_MQTT_HOST", "127.0.0.1")
MQTT_PORT = env_int("ECOENFORCE_MQTT_PORT", 1883)
MQTT_USERNAME = env_str("ECOENFORCE_MQTT_USERNAME", "ecoenforce-listener")
MQTT_PASSWORD = env_str("ECOENFORCE_MQTT_PASSWORD", "")
MQTT_CONFIG_DIR = env_path("ECOENFORCE_MQTT_CONFIG_DIR", VAR_DIR / "mqtt")

# Demo city (GB/T 2260): 常州市.
DEMO_CITY_CODE = env_str("ECOENFORCE_DEMO_CITY", "320400")

PRODUCT_NAME = _("Eco-environmental Enforcement Platform")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # fontTools logs every glyph it subsets while PDFs are rendered.
    "loggers": {"fontTools": {"level": "WARNING"}},
}

PDF_CJK_FONT = env_str("ECOENFORCE_PDF_FONT", "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
