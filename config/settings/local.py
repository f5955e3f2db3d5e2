"""The embedded default: SQLite, demo district, background work in-process."""

from .base import *  # noqa: F401,F403
from .base import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
INPROCESS_SCHEDULER = env_bool("QUNTUAN_INPROCESS_SCHEDULER", True)
