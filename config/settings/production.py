"""Production: PostgreSQL, Celery workers and beat on Redis, TOTP required for staff."""

import os

from .base import *  # noqa: F401,F403
from .base import env_bool

DEBUG = False
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
STAFF_2FA_REQUIRED = env_bool("QUNTUAN_STAFF_2FA_REQUIRED", True)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
INPROCESS_SCHEDULER = False
SESSION_COOKIE_SECURE = env_bool("QUNTUAN_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CACHES = {
    "default": {
        "BACKEND": "quntuan.core.cache.RedisCache",  # Django's, with its client kept
        "LOCATION": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1"),
    }
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Sessions read from Redis, written to both (the database keeps them across a Redis restart): one
# database query fewer on every request of a logged-in user.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
