"""Fixtures of the overlap tests (used by name: they clear caches and move the clock)."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache

from quntuan.cases.services._common import config_cache_clear
from quntuan.routing.tests.overlap_world import MONDAY, build_overlap_world


@pytest.fixture
def overlap_caches():
    cache.clear()
    config_cache_clear()
    yield
    cache.clear()
    config_cache_clear()


@pytest.fixture
def overlap_clock():
    """The periods (the last year, the last 90 days) count back from now: now is the world's Monday."""
    with time_machine.travel(MONDAY + timedelta(hours=3), tick=True):
        yield


@pytest.fixture
def w(db):
    return build_overlap_world()
