"""What production keeps in Redis, against a real server: sessions (``cached_db``: read from
Redis, written to both) and a search's permission keys, read with the generation in one round trip,
through production's cache backend (Django's, with its client kept)."""

import uuid

import pytest
import redis
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from conftest import redis_url
from quntuan.core.testing import make_district, make_org, make_staff
from quntuan.search import permissions

pytestmark = [pytest.mark.redis, pytest.mark.django_db]


@pytest.fixture
def redis_cache():
    caches_setting = {"default": {"BACKEND": "quntuan.core.cache.RedisCache",
                                  "LOCATION": redis_url(), "KEY_PREFIX": f"qt-test-{uuid.uuid4().hex[:10]}"}}
    with override_settings(CACHES=caches_setting, SESSION_ENGINE="django.contrib.sessions.backends.cached_db"):
        cache = caches["default"]
        yield cache
        cache.clear()


@pytest.fixture
def staff(db):
    district = make_district()
    return make_staff(make_org(district, "union"))


def test_a_session_lives_in_redis_and_the_database_and_logout_ends_both(client, redis_cache, staff):
    client.force_login(staff)
    key = client.session.session_key
    assert redis_cache.get(f"django.contrib.sessions.cached_db{key}") is not None
    assert Session.objects.filter(session_key=key).exists()
    assert client.get("/inbox/").status_code == 200  # writes the idle clock: Redis and the database
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/inbox/").status_code == 200
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"]]  # read from Redis
    client.logout()
    assert redis_cache.get(f"django.contrib.sessions.cached_db{key}") is None
    assert client.get("/inbox/").status_code == 302  # to the login page


def test_the_keys_and_their_generation_come_back_in_one_round_trip(redis_cache, staff, monkeypatch):
    first = permissions.generation_and_keys(staff)
    assert first[1] == permissions.user_keys(staff)
    commands = []
    real = redis.Redis.execute_command
    monkeypatch.setattr(redis.Redis, "execute_command",
                        lambda self, *args, **kw: commands.append(args[0]) or real(self, *args, **kw))
    assert permissions.generation_and_keys(staff) == first
    assert commands == ["MGET"]
    permissions.keys_generation_bump()
    assert permissions.generation_and_keys(staff)[0] == first[0] + 1


def test_the_cache_keeps_one_client_and_it_works_from_several_threads(redis_cache):
    from concurrent.futures import ThreadPoolExecutor

    client = redis_cache._cache.get_client()
    assert redis_cache._cache.get_client(write=True) is client  # one server: one pool, one client

    def round_trip(i):
        redis_cache.set(f"k{i}", {"n": i})
        return redis_cache.get(f"k{i}")

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(round_trip, range(200))) == [{"n": i} for i in range(200)]
    assert redis_cache._cache.get_client() is client
