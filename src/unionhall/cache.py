"""Django's Redis cache, keeping one Redis client per connection pool.

Django's own builds a new ``redis.Redis`` for every call, copying its table
of response callbacks each time. Casting a vote makes three cache calls (the
session, the rate limit, the outbox's sweep), and building those clients was
a fifteenth of the web server's CPU per vote. A ``redis.Redis`` over a
connection pool is safe to share between threads, so one per pool is kept.
Set as the cache backend when REDIS_URL is set (settings.py)."""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _Client(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _Client
