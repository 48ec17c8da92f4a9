"""One settings module, driven by GONGHUI_* environment variables.

Local defaults let `make run` work with no configuration: a SQLite file and
generated keys under var/ (created once, never committed).
"""

import base64
import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("GONGHUI_VAR_DIR", BASE_DIR.parent / "var"))


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _key_from_env_or_file(env_name: str, filename: str, make) -> str:
    """Keys come from the environment; locally they are generated once into var/."""
    value = os.environ.get(env_name)
    if value:
        return value
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / filename
    if not path.exists():
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _key_from_env_or_file(
    "GONGHUI_SECRET_KEY", "secret_key", lambda: secrets.token_urlsafe(50)
)
# AES-256-GCM key for personal data at rest (base64 of 32 bytes).
DATA_KEY = _key_from_env_or_file(
    "GONGHUI_DATA_KEY", "data_key", lambda: base64.b64encode(secrets.token_bytes(32)).decode()
)
# During a data-key rotation (`gonghui rotate-data-key`): the previous key, still accepted for
# reading until the rotation has finished. Empty otherwise.
DATA_KEY_OLD = os.environ.get("GONGHUI_DATA_KEY_OLD", "").strip()
DEBUG = _env_bool("GONGHUI_DEBUG", True)
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("GONGHUI_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if h.strip()
]

# Database roles (docs/deployment.md): the app connects as GONGHUI_DATABASE_URL's role, which
# owns no tables. With GONGHUI_MIGRATE_DATABASE_URL (the owner) set, GONGHUI_DB_CONNECT_AS=owner
# connects as the owner instead; `gonghui migrate`, `createcachetable`, `grant_db_roles`, `backup`
# and `restore` set it themselves (gonghui/cli.py), and migrate then grants DATABASE_APP_ROLE.
_APP_DATABASE_URL = os.environ.get(
    "GONGHUI_DATABASE_URL", f"sqlite:///{VAR_DIR / 'gonghui.sqlite3'}"
)
MIGRATE_DATABASE_URL = os.environ.get("GONGHUI_MIGRATE_DATABASE_URL", "").strip()
DB_CONNECT_AS_OWNER = bool(MIGRATE_DATABASE_URL) and (
    os.environ.get("GONGHUI_DB_CONNECT_AS", "").strip().lower() == "owner"
)
DATABASE_APP_ROLE = (
    dj_database_url.parse(_APP_DATABASE_URL).get("USER") or "" if MIGRATE_DATABASE_URL else ""
)
DATABASES = {
    "default": dj_database_url.parse(
        MIGRATE_DATABASE_URL if DB_CONNECT_AS_OWNER else _APP_DATABASE_URL,
        conn_max_age=int(os.environ.get("GONGHUI_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # SSD storage: random reads cost about as much as sequential ones. At PostgreSQL's
    # default (4.0) the planner skips the (org_anchor, id) indexes for filtered scoped
    # lists (bench/scope.py). Override with GONGHUI_PG_OPTIONS.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = os.environ.get(
        "GONGHUI_PG_OPTIONS", "-c random_page_cost=1.1"
    )
# The hottest statements (nearest sites, rate limits) are prepared once per connection
# (gonghui.core.db); 0 turns that off, e.g. behind PgBouncer < 1.21 in transaction mode.
PG_PREPARED_STATEMENTS = _env_bool("GONGHUI_PG_PREPARED", True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets the task worker write progress while pages read it.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",  # WhiteNoise serves /static/ under runserver too
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Before django_tasks_db: its `db_worker` command is gonghui.core's (which also takes
    # over imports whose worker died).
    "gonghui.core",
    "django_tasks",
    "django_tasks_db",
    "template_partials",
    "django_htmx",
    "ninja",
    "gonghui.audit",
    "gonghui.orgs",
    "gonghui.accounts",
    "gonghui.members",
    "gonghui.sites",
    "gonghui.staffing",
    "gonghui.portal",
    "gonghui.assistance",
    "gonghui.forum",
    "gonghui.rights",
    "gonghui.outreach",
    "gonghui.plans",
    "gonghui.dashboard",
    "gonghui.workforce",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "gonghui.core.request_context.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "gonghui.accounts.middleware.IdleTimeoutMiddleware",
    "gonghui.core.todos.CachedCountsMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "gonghui.accounts.middleware.OtpRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

# Shared by every server process: the database cache (its table is created by `gonghui
# migrate`, core migration 0005). Tests use a per-process memory cache. The rate limits of
# the public pages count in their own table (gonghui.core.ratelimit), not in the cache.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "gonghui_cache",
        # The dashboard writes one entry per page view and data mark (dashboard/figures.py);
        # Django's default of 300 entries would cull live entries within minutes.
        "OPTIONS": {"MAX_ENTRIES": 5000, "CULL_FREQUENCY": 4},
    }
}

ROOT_URLCONF = "gonghui.urls"
WSGI_APPLICATION = "gonghui.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gonghui.core.context_processors.navigation",
            ],
            "builtins": ["gonghui.core.templatetags.numbers"],
        },
    }
]

AUTH_USER_MODEL = "accounts.User"
# The org tree's model, named here as AUTH_USER_MODEL names the user's: core reaches it by
# this name (core.scope.org_model()) and imports no domain app.
ORG_MODEL = "orgs.Org"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "gonghui.accounts.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "gonghui.accounts.password_validation.NotUsernameValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login security (issue 2): lockout and idle timeout.
LOGIN_MAX_FAILURES = 5
LOGIN_LOCK_MINUTES = 15
SESSION_IDLE_TIMEOUT_SECONDS = 30 * 60
# API tokens expire: the default lifetime at creation, and the longest one may ask for (days).
API_TOKEN_DAYS = int(os.environ.get("GONGHUI_API_TOKEN_DAYS", "90"))
API_TOKEN_MAX_DAYS = int(os.environ.get("GONGHUI_API_TOKEN_MAX_DAYS", "365"))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# HTTPS-only features (Secure cookies here; HSTS and the SSL redirect with the other
# security headers below) are on whenever debug is off. `make run` serves plain http on
# localhost with debug off, so it sets GONGHUI_HTTPS=0.
HTTPS = _env_bool("GONGHUI_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = _env_bool("GONGHUI_SECURE_COOKIES", HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
OTP_TOTP_ISSUER = "工会一站式服务平台"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
# Static files are served by the app itself through WhiteNoise (no CDN, no proxy rule
# needed). With debug off they come from `gonghui collectstatic` (which `make run` runs):
# names carry a content hash and are pre-compressed, so they are cached for a year.
# With debug on they are found in the apps' folders on each request.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = Path(os.environ.get("GONGHUI_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"

# Uploads: the import pipeline enforces its own limits (20 MB); keep Django's
# in-memory threshold low so big files stream to disk.
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# 20 MB holds ~200,000 members as .xlsx. A county loading its whole registry at once
# (1,000,000 rows ≈ 95 MB .xlsx, 160 MB .csv) raises it, and the proxy's body limit with it;
# validation then peaks at ~1.8 GiB of memory in the worker.
IMPORT_MAX_FILE_BYTES = int(os.environ.get("GONGHUI_IMPORT_MAX_FILE_MB", "20")) * 1024 * 1024
IMPORT_MAX_ROWS = 1_000_000
IMPORT_MAX_UNCOMPRESSED_BYTES = max(400 * 1024 * 1024, 20 * IMPORT_MAX_FILE_BYTES)
# A running import beats a heartbeat every IMPORT_HEARTBEAT_SECONDS; one silent for
# IMPORT_LEASE_SECONDS is taken over by `gonghui db_worker` (checked at its start and every
# IMPORT_RECOVERY_SECONDS) and carries on after its last committed batch, at most
# IMPORT_AUTO_RESUMES times in a row before it waits for 继续导入. IMPORT_BATCH_ROWS: rows
# per batch for every import kind (0: each kind's own; tests of crash recovery use small ones).
IMPORT_HEARTBEAT_SECONDS = float(os.environ.get("GONGHUI_IMPORT_HEARTBEAT_SECONDS", "5"))
IMPORT_LEASE_SECONDS = float(os.environ.get("GONGHUI_IMPORT_LEASE_SECONDS", "30"))
IMPORT_RECOVERY_SECONDS = float(os.environ.get("GONGHUI_IMPORT_RECOVERY_SECONDS", "10"))
IMPORT_AUTO_RESUMES = 3
IMPORT_BATCH_ROWS = int(os.environ.get("GONGHUI_IMPORT_BATCH_ROWS", "0"))

TASKS = {
    "default": {
        "BACKEND": os.environ.get("GONGHUI_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

CSRF_FAILURE_VIEW = "gonghui.core.views.csrf_failure"

# Service-site maps: an XYZ tile template ({z}/{x}/{y}, optional {s}) in GCJ-02, e.g. a Gaode
# or an intranet tile server. Empty: the map draws only the county's own layers (boundary,
# roads, built-up areas) on a plain background, so it works with no map server at all.
MAP_TILE_URL = os.environ.get("GONGHUI_MAP_TILE_URL", "").strip()
MAP_TILE_ATTRIBUTION = os.environ.get("GONGHUI_MAP_TILE_ATTRIBUTION", "").strip()
# The address workers' phones open the platform at (https://host[:port]): QR codes on site
# signs point there. Unset or a local/private host: signs are refused until it is set (env
# or the 地图与标牌设置 page, which overrides both map settings above as well).
PUBLIC_URL = os.environ.get("GONGHUI_PUBLIC_URL", "").strip()

TRUSTED_PROXY = _env_bool("GONGHUI_TRUSTED_PROXY", False)
# Addresses or networks (comma-separated) exempt from the per-IP limit of the public pages
# and API: a load-test client, a monitoring probe, an office gateway many workers share.
RATELIMIT_ALLOW = [
    a.strip() for a in os.environ.get("GONGHUI_RATELIMIT_ALLOW", "").split(",") if a.strip()
]

# --- HTTP security headers ---------------------------------------------------------------
# HTTPS (above) turns on HSTS and the redirect to https unless set one by one. Behind a
# TLS-terminating proxy (GONGHUI_TRUSTED_PROXY=1) the proxy must set X-Forwarded-Proto.
SECURE_SSL_REDIRECT = _env_bool("GONGHUI_SSL_REDIRECT", HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the proxy's health check may use plain http
SECURE_HSTS_SECONDS = int(os.environ.get("GONGHUI_HSTS_SECONDS", 365 * 24 * 3600 if HTTPS else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("GONGHUI_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = _env_bool("GONGHUI_HSTS_PRELOAD", True)
if TRUSTED_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


def _tile_source(url: str) -> list[str]:
    """The CSP source of a map tile template: https://webrd0{s}.is.autonavi.com/... →
    https://*.is.autonavi.com (labels up to the last placeholder become a wildcard)."""
    from urllib.parse import urlsplit

    if not url:
        return []
    parts = urlsplit(url)
    labels = parts.netloc.split(".")
    templated = [i for i, label in enumerate(labels) if "{" in label]
    if templated:
        labels = ["*", *labels[templated[-1] + 1 :]]
    return [f"{parts.scheme}://{'.'.join(labels)}"]


# Content-Security-Policy (django-csp; Django 6's built-in CSP takes the same settings):
# every script and stylesheet comes from the app itself; no inline script, no eval, no
# <style> element. Style attributes stay allowed (style-src-attr): they cannot read the
# page as injected <style> rules can, and chart tooltips and map markers set them.
# GONGHUI_CSP: 1 (enforce, default), report-only, 0 (off).
_CSP = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:", *_tile_source(MAP_TILE_URL)],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
_CSP_MODE = os.environ.get("GONGHUI_CSP", "1").strip().lower()
CONTENT_SECURITY_POLICY = _CSP if _CSP_MODE in {"1", "true", "yes", "on"} else None
CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP if _CSP_MODE == "report-only" else None

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    # A 429 is not logged one line apiece: gonghui.core.ratelimit logs each limit reached.
    "filters": {"not_429": {"()": "gonghui.core.ratelimit.NotRateLimitedFilter"}},
    "loggers": {"django.request": {"filters": ["not_429"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("GONGHUI_LOG_LEVEL", "INFO")},
}

# The leaders' dashboard keeps its counted figures in the cache at most this long; any audited
# write invalidates them sooner (gonghui/dashboard/figures.py). 0 turns the cache off.
GONGHUI_DASHBOARD_CACHE_SECONDS = int(os.environ.get("GONGHUI_DASHBOARD_CACHE_SECONDS", "600"))
