"""A Redis cache that degrades instead of failing: when Redis cannot be reached, reads miss and
writes are dropped (logged once a minute), so pages keep serving from the database. Sessions
(cached_db) fall back to the database the same way."""

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
_last_warning = [0.0]


def _warn(error):
    now = time.monotonic()
    if now - _last_warning[0] > 60:
        _last_warning[0] = now
        logger.warning("The cache (Redis) is unreachable; serving without it: %s", error)


def _degrading(method, fallback):
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except UNREACHABLE as error:
            _warn(error)
            return fallback(*args, **kwargs) if callable(fallback) else fallback

    wrapper.__name__ = method.__name__
    return wrapper


class ResilientRedisCache(RedisCache):
    get = _degrading(RedisCache.get, lambda key, default=None, version=None: default)
    get_many = _degrading(RedisCache.get_many, {})
    set = _degrading(RedisCache.set, None)
    set_many = _degrading(RedisCache.set_many, [])
    add = _degrading(RedisCache.add, False)
    touch = _degrading(RedisCache.touch, False)
    delete = _degrading(RedisCache.delete, False)
    delete_many = _degrading(RedisCache.delete_many, None)
    has_key = _degrading(RedisCache.has_key, False)
    clear = _degrading(RedisCache.clear, None)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except UNREACHABLE as error:
            _warn(error)
            raise ValueError(f"Key '{key}' not found (the cache is unreachable).") from error
