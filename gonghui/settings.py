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
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "template_partials",
    "django_htmx",
    "ninja",
    "gonghui.core",
    "gonghui.audit",
    "gonghui.orgs",
    "gonghui.accounts",
    "gonghui.members",
    "gonghui.sites",
    "gonghui.portal",
    "gonghui.assistance",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "gonghui.core.request_context.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "gonghui.accounts.middleware.IdleTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "gonghui.accounts.middleware.OtpRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

# Rate limits (public joining, feedback, status checks) count in the cache, so it must be
# shared by every server process: the database cache (table created by `gonghui
# createcachetable`, which `make run` runs). Tests use a per-process memory cache.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "gonghui_cache",
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
        },
    }
]

AUTH_USER_MODEL = "accounts.User"
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
SESSION_COOKIE_SECURE = _env_bool("GONGHUI_SECURE_COOKIES", not DEBUG)
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

TRUSTED_PROXY = _env_bool("GONGHUI_TRUSTED_PROXY", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("GONGHUI_LOG_LEVEL", "INFO")},
}
