"""Django's Redis cache backend, with one Redis client per connection pool.

Django's backend builds a new ``redis.Redis`` object for every command, and redis-py
copies its table of some 170 response callbacks into each new client: about half the
cost of a cache read. A client is safe to share (its connection pool hands each command
a connection), so one is kept per pool. Used when ``REDIS_URL`` is set.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        this: Any = self  # the stubs omit the backend's private helpers
        index = this._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = this._client(connection_pool=this._get_connection_pool(write))
            self._clients[index] = client
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
