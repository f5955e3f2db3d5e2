"""Django's Redis cache with its client kept.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` object, with its table of
about 170 response callbacks, for every cache call: the session, the search's keys and the
throttles make two or three per request. The connection pool under it is already shared. A
``redis.Redis`` object is safe to share between threads (each command borrows a connection from
the pool), so this client keeps one per pool. Production's ``CACHES`` uses it.
"""

from __future__ import annotations

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
