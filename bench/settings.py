"""Production-like settings for the benchmark: DEBUG off, persistent database connections,
background work queued to Redis (no worker consumes it during a run, as in production where
Celery workers run elsewhere), and ROOT_URLCONF adding the two Django "floor" views.

Differences from production, all stated in docs/benchmarks.md: no TOTP step for staff (the load
generator logs in with prepared sessions), cookies not marked Secure (plain HTTP on 127.0.0.1),
plain static file storage (no collectstatic manifest needed), and Redis databases of their own.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-not-for-production-use-0123456789")
os.environ.setdefault("QUNTUAN_STAFF_2FA_REQUIRED", "false")
os.environ.setdefault("QUNTUAN_SECURE_COOKIES", "false")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/11")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/12")
os.environ.setdefault("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/quntuan_bench")

from config.settings.production import *  # noqa: E402,F401,F403
from config.settings.production import DATABASES, STORAGES  # noqa: E402

DEBUG = False
ROOT_URLCONF = "bench.urls"
# Persistent connections: one per gunicorn worker for its whole life.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("BENCH_CONN_MAX_AGE", "600"))
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"quntuan": {"handlers": ["console"], "level": "WARNING"}},
}

# The load generator plays a reverse proxy: it passes each simulated client's address in
# X-Forwarded-For, and the per-address throttles count that address.
NINJA_NUM_PROXIES = 1
STATIC_ROOT = BASE_DIR / "bench" / "out" / "static"  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
