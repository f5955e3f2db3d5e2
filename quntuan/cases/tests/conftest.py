"""Fixtures shared by the cases tests (a small district, a Monday to work on, a submitted case)."""

import pytest

from quntuan.cases.services._common import config_cache_clear
from quntuan.cases.tests.core_fixtures import case, monday, world  # noqa: F401


@pytest.fixture(autouse=True)
def _fresh_config_cache():
    """Each test starts without the calendar and rules another test's (rolled back) data left in
    this process's cache: primary keys repeat between tests on SQLite."""
    config_cache_clear()
    yield
    config_cache_clear()
