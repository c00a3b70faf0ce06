"""The Redis cache keeps one client per connection pool, shared safely by threads."""

from __future__ import annotations

import os
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis

from supportdesk.core.rediscache import RedisCache

REDIS_URL = "redis://127.0.0.1:6379/12"  # keys under a prefix of this test's own


@pytest.fixture
def cache():
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError:
        if os.environ.get("CI") == "true":
            pytest.fail("Redis is not running on 127.0.0.1:6379")
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    made = RedisCache(REDIS_URL, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    yield made
    made.clear()


def test_values_round_trip_and_the_client_is_built_once(cache):
    cache.set("session", {"user": 7}, 30)
    assert cache.get("session") == {"user": 7}
    assert cache.get_many(["session", "missing"]) == {"session": {"user": 7}}
    cache.delete_many(["session"])
    assert cache.get("session", "gone") == "gone"
    client = cache._cache
    assert client.get_client() is client.get_client()
    assert client.get_client(write=True) is client.get_client(write=True)


def test_threads_share_the_client_without_losing_a_write(cache):
    cache.set("hits", 0, 30)

    def hit(_n: int) -> None:
        for _ in range(50):
            cache.incr("hits")

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(hit, range(8)))
    assert cache.get("hits") == 400
