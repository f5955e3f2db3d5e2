import os
import shutil
import socket
from urllib.parse import urlparse

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = os.environ.get("QUNTUAN_CHROMIUM", "/usr/bin/chromium")
_missing_service = pytest.StashKey[str]()


def redis_url() -> str:
    return os.environ.get("REDIS_URL") or os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/0"


def _redis_reachable() -> bool:
    url = urlparse(redis_url())
    try:
        with socket.create_connection((url.hostname or "127.0.0.1", url.port or 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _browser_available() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return os.path.exists(CHROMIUM) or shutil.which(CHROMIUM) is not None


_DATABASE_FIXTURES = frozenset({
    "db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback",
    "live_server",
})


def _uses_database(item) -> bool:
    return item.get_closest_marker("django_db") is not None or bool(
        _DATABASE_FIXTURES.intersection(getattr(item, "fixturenames", ()))
    )


def pytest_collection_modifyitems(config, items):
    """Tests that need a service skip when it is absent, except in CI (CI=true), where a missing
    service must fail: a green run never hides a suite that did not run."""
    from django.conf import settings

    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    checks = {
        "postgres": (lambda: on_postgres, "needs PostgreSQL: set DATABASE_URL"),
        "redis": (_redis_reachable, f"needs a Redis server at {redis_url()}"),
        "browser": (_browser_available, f"needs Playwright and Chromium at {CHROMIUM}"),
    }
    if os.environ.get("QUNTUAN_DB_TESTS_ONLY", "").lower() in {"1", "true", "yes"}:
        # CI's second run of the suite on PostgreSQL: a test that never opens the database gives
        # the same result on every database, and it has already run on SQLite.
        kept, skipped = [], []
        for item in items:
            (kept if _uses_database(item) else skipped).append(item)
        if skipped:
            config.hook.pytest_deselected(items=skipped)
            items[:] = kept
    available: dict[str, bool] = {}
    for item in items:
        for marker, (probe, reason) in checks.items():
            if marker not in item.keywords:
                continue
            if marker not in available:
                available[marker] = probe()
            if available[marker]:
                continue
            if IN_CI:
                item.stash[_missing_service] = f"CI=true and the service is missing: {reason}"
            else:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    reason = item.stash.get(_missing_service, None)
    if reason:
        pytest.fail(reason, pytrace=False)


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright, shared by every browser test of the run.
    (Never `playwright install`: it downloads a browser of its own.)"""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def lean_router(monkeypatch):
    """Retraining fits on the catalogue and the examples given, without the shipped corpus of
    example requests. What those tests check (the better model kept, the worse refused, versions,
    rollback, audit) does not depend on the corpus, and each fit of it takes half a minute."""
    from functools import partial

    from quntuan.routing import services
    from quntuan.routing.model import Router

    monkeypatch.setattr(services, "Router", partial(Router, with_corpus=False))


@pytest.fixture(autouse=True)
def _fresh_local_cache():
    """Each test starts with an empty in-process cache: on SQLite a rolled-back test's user ids
    are given out again, and a user cached by an earlier test (``accounts.authcache``) must not
    stand for a new one created without a save signal (``bulk_create``)."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    cache = caches["default"]
    if isinstance(cache, LocMemCache):
        cache.clear()
