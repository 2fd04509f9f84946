"""Production sets REDIS_URL (docs/deployment.md): the cache, and with it the public pages drawn
once a minute, the login lockouts and the API limits, is then shared by every server process
through Redis. The client library must be installed for that: a missing one only shows when a
server starts with REDIS_URL set."""

from django.core.cache.backends.redis import RedisCache


def test_the_redis_cache_backend_can_be_built():
    backend = RedisCache("redis://127.0.0.1:6379/15", {})
    client = backend._cache  # imports the redis library and prepares its pool (no connection yet)
    assert client._lib.__name__ == "redis"
    assert client._servers == ["redis://127.0.0.1:6379/15"]
