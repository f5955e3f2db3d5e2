"""Settings shared by every environment. Values that an organization or a district may change
(time limits, weights, holidays) live in the database, not here."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("QUNTUAN_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-insecure-quntuan-key-change-me")
# Key material for encrypting sensitive resident attributes at rest (programs app).
QUNTUAN_FIELD_KEY = os.environ.get("QUNTUAN_FIELD_KEY", "dev-insecure-field-key-change-me")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # its templates and static files serve /api/docs without a CDN
    "django_otp",
    "django_otp.plugins.otp_totp",
    "quntuan.core",
    "quntuan.accounts",
    "quntuan.organizations",
    "quntuan.workdays",
    "quntuan.catalog",
    "quntuan.notifications",
    "quntuan.cases",
    "quntuan.activities",
    "quntuan.volunteers",
    "quntuan.routing",
    "quntuan.programs",
    "quntuan.assessment",
    "quntuan.reports",
    "quntuan.search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "quntuan.core.locale.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "quntuan.accounts.authcache.CachedOTPMiddleware",  # django_otp's, devices from the cache
    "quntuan.accounts.middleware.StaffIdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "quntuan.core.middleware.ApplicationErrorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "quntuan" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "quntuan.core.context_processors.platform",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL", "")


def database_from_env() -> dict:
    """SQLite (the embedded default) unless DATABASE_URL names PostgreSQL."""
    if DATABASE_URL.startswith(("postgres://", "postgresql://")):
        from urllib.parse import urlparse

        url = urlparse(DATABASE_URL)
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": url.path.lstrip("/") or "quntuan",
            "USER": url.username or "postgres",
            "PASSWORD": url.password or "",
            "HOST": url.hostname or "127.0.0.1",
            "PORT": str(url.port or 5432),
            "CONN_MAX_AGE": int(os.environ.get("DB_CONN_MAX_AGE", "60")),
            "CONN_HEALTH_CHECKS": True,
            # JIT compilation costs more than it saves on these short OLTP and report queries.
            "OPTIONS": {"options": "-c jit=off"},
        }
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("SQLITE_PATH", str(VAR_DIR / "quntuan.sqlite3")),
        "OPTIONS": {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


DATABASES = {"default": database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# SQLite ignores covering-index columns (W040) and NULLS NOT DISTINCT (W047); PostgreSQL, the
# production database, has both. The embedded default works without them.
SILENCED_SYSTEM_CHECKS = ["models.W040", "models.W047"]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["quntuan.accounts.backends.MobileOrUsernameBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "quntuan.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "quntuan.accounts.validators.ComplexityValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Security baseline (PRODUCT.md): lockout and idle timeout.
LOGIN_FAILURE_LIMIT = 5
LOGIN_LOCK_MINUTES = 30
STAFF_IDLE_TIMEOUT_SECONDS = 30 * 60
# Production requires TOTP for staff; the demo leaves it optional.
STAFF_2FA_REQUIRED = env_bool("QUNTUAN_STAFF_2FA_REQUIRED", False)
OTP_TOTP_ISSUER = "群团服务云平台"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "quntuan" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("QUNTUAN_MEDIA_ROOT", VAR_DIR / "media"))

# Attachments
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_MAX_COUNT = 5
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# E-mail and SMS
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "quntuan@localhost")
SMS_BACKEND = os.environ.get("SMS_BACKEND", "quntuan.notifications.sms.LoggingSmsBackend")
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
SMS_GATEWAY_TOKEN = os.environ.get("SMS_GATEWAY_TOKEN", "")

# Background work. The embedded default runs tasks in-process (eager) and the periodic sweep
# in a thread of the web process; production uses Celery workers and beat with Redis.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", True)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TIMEZONE = TIME_ZONE
ESCALATION_SWEEP_SECONDS = int(os.environ.get("QUNTUAN_SWEEP_SECONDS", "300"))
CELERY_BEAT_SCHEDULE = {
    "escalation-sweep": {
        "task": "quntuan.cases.tasks.escalation_sweep",
        "schedule": ESCALATION_SWEEP_SECONDS,
    },
    # Reminders the day before an activity (hourly; each registration is reminded once).
    "activity-reminders": {
        "task": "quntuan.activities.tasks.activity_reminders",
        "schedule": 3600,
    },
    # E-mail and SMS still pending after ten minutes (a worker died, a gateway was down).
    "requeue-pending-outbound": {
        "task": "quntuan.notifications.tasks.requeue_pending_outbound",
        "schedule": 600,
    },
    # Routing model retrained from confirmed cases nightly; kept only if not worse.
    "routing-retrain": {
        "task": "quntuan.routing.tasks.routing_retrain",
        "schedule": 24 * 3600,
    },
    # Targeted-notice fan-outs that stalled (their worker died) resume from their cursor.
    "programs-resume-fanouts": {
        "task": "quntuan.programs.tasks.resume_fanouts",
        "schedule": 300,
    },
    # Dashboard/assessment rollups: fold the delta rows the triggers append into one row per key.
    "assessment-rollups-compact": {
        "task": "quntuan.assessment.tasks.rollups_compact",
        "schedule": 300,
    },
    # Roster imports left queued or importing by a dead worker or a restarted server.
    "reports-resume-imports": {
        "task": "quntuan.reports.tasks.resume_imports",
        "schedule": 600,
    },
    # Search documents of rows changed without signals (bulk updates and loads).
    "search-refresh": {
        "task": "quntuan.search.tasks.search_refresh",
        "schedule": 600,
    },
}
INPROCESS_SCHEDULER = env_bool("QUNTUAN_INPROCESS_SCHEDULER", False)
# An import still queued or importing this long after it was queued or started was interrupted;
# it is started again, at most this many times in all.
IMPORT_STALE_MINUTES = int(os.environ.get("QUNTUAN_IMPORT_STALE_MINUTES", "60"))
IMPORT_MAX_ATTEMPTS = int(os.environ.get("QUNTUAN_IMPORT_MAX_ATTEMPTS", "3"))

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True

NINJA_PAGINATION_PER_PAGE = 20
# How many proxies stand in front of the app: the API's rate limits take the client address from
# X-Forwarded-For only that deep (0: REMOTE_ADDR only, so a client cannot fake its address).
NINJA_NUM_PROXIES = int(os.environ.get("QUNTUAN_NUM_PROXIES", "0"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "quntuan": {"handlers": ["console"], "level": os.environ.get("QUNTUAN_LOG_LEVEL", "INFO")},
    },
}
