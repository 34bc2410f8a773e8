"""A Redis cache that fails open: with Redis down, a read is a miss and a write is skipped.

The cache only ever holds what can be recomputed (throttle counters): losing it for a while
must not turn every request into a 500. Each failure is logged (at most once every
CACHE_FAILURE_LOG_SECONDS, so an outage does not flood the log), and short socket timeouts keep
a hung Redis from holding requests.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache

log = logging.getLogger("sellerdesk.cache")
CACHE_FAILURE_LOG_SECONDS = 10
_last_logged = 0.0


def _redis_errors() -> tuple:
    import redis.exceptions

    return (redis.exceptions.RedisError, OSError)


def _failed(operation: str, error: Exception) -> None:
    global _last_logged
    now = time.monotonic()
    if now - _last_logged >= CACHE_FAILURE_LOG_SECONDS:
        _last_logged = now
        log.warning("Cache unavailable (%s failed open): %s", operation, error)


def _fail_open(name: str, default=None):
    def method(self, *args, **kwargs):
        try:
            return getattr(super(FailOpenRedisCache, self), name)(*args, **kwargs)
        except _redis_errors() as error:
            _failed(name, error)
            return default() if callable(default) else default

    method.__name__ = name
    return method


class FailOpenRedisCache(RedisCache):
    def __init__(self, server, params):
        options = params.setdefault("OPTIONS", {})
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 0.5)
        super().__init__(server, params)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except _redis_errors() as error:
            _failed("get", error)
            return default

    add = _fail_open("add", False)
    set = _fail_open("set")
    touch = _fail_open("touch", False)
    delete = _fail_open("delete", False)
    get_many = _fail_open("get_many", dict)
    has_key = _fail_open("has_key", False)
    set_many = _fail_open("set_many", list)
    delete_many = _fail_open("delete_many")
    clear = _fail_open("clear")

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except ValueError:
            raise  # a missing key, as with any cache
        except _redis_errors() as error:
            _failed("incr", error)
            return delta

    def ping(self) -> None:
        """Raise when Redis cannot be reached (for /readyz/)."""
        self._cache.get_client(write=False).ping()
