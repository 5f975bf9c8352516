"""The shared cache going away: which errors say so, and a cache for which that is a miss.

Rate limits count in the ``default`` cache and must fail closed: a write they guard is
refused while the cache cannot be asked (``CACHE_ERRORS``, caught by the comment view and
by ``newsroom.middleware.UnavailableMiddleware``). What is only remembered to save work
(which image renditions exist, in the ``renditions`` cache) is :class:`MissingIsMissCache`:
an outage there is a miss, and the work is done again.
"""

import logging

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

import redis

from newsroom.logs import OUTAGES

logger = logging.getLogger(__name__)

# What Django's RedisCache raises when Redis does not answer (refused, timed out, reset):
# redis-py wraps its socket errors.
CACHE_ERRORS = (redis.exceptions.RedisError,)


def log_unavailable(error: Exception) -> None:
    """Log an outage at most once a minute: every request would log it otherwise."""
    if OUTAGES.allows("cache"):
        logger.warning(
            "The cache is unavailable (%s: %s): what it remembers is worked out again.",
            type(error).__name__,
            error,
        )


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's Redis client, keeping one ``redis.Redis`` per connection pool.

    Django makes a new ``redis.Redis`` for every cache operation, and redis-py fills some
    160 response callbacks in each one's ``__init__``: two of them cost a page-cache hit a
    quarter of a millisecond, more than reading the page from Redis. A ``redis.Redis`` on a
    pool is safe to share between threads, and the pool reconnects after a fork.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)
            client = self._clients[index] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    """Django's RedisCache (NEWSROOM_CACHE_URL), with its clients kept between operations."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient


class MissingIsMissCache(RedisCache):
    """Django's RedisCache, for values that only save work: a Redis that does not answer
    reads as a miss, and what could not be stored is forgotten."""

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except CACHE_ERRORS as error:
            log_unavailable(error)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except CACHE_ERRORS as error:
            log_unavailable(error)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except CACHE_ERRORS as error:
            log_unavailable(error)
            return False

    def add(self, key, value, timeout=None, version=None):
        try:
            return super().add(key, value, timeout, version)
        except CACHE_ERRORS as error:
            log_unavailable(error)
            return False

    def set(self, key, value, timeout=None, version=None):
        try:
            super().set(key, value, timeout, version)
        except CACHE_ERRORS as error:
            log_unavailable(error)

    def set_many(self, data, timeout=None, version=None):
        try:
            return super().set_many(data, timeout, version)
        except CACHE_ERRORS as error:
            log_unavailable(error)
            return list(data)

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except CACHE_ERRORS as error:
            log_unavailable(error)
            return False


def remembered(key: str, load, *, timeout) -> object:
    """``load()``'s answer, kept in the shared cache under ``key`` for ``timeout`` seconds
    (a number, or a callable of the answer). A cache that is down is a miss: ``load()`` is
    asked, and nothing is kept. ``load()`` must not answer None (keep a sentinel instead)."""
    from django.core.cache import cache

    try:
        value = cache.get(key)
    except CACHE_ERRORS as error:
        log_unavailable(error)
        return load()
    if value is None:
        value = load()
        seconds = timeout(value) if callable(timeout) else timeout
        if seconds > 0:
            try:
                cache.set(key, value, seconds)
            except CACHE_ERRORS as error:
                log_unavailable(error)
    return value


def forget(key: str) -> None:
    """Drop ``key`` from the shared cache now and once the transaction commits (a reader
    between the two would keep the old answer again)."""
    from django.core.cache import cache
    from django.db import transaction

    def drop():
        try:
            cache.delete(key)
        except CACHE_ERRORS as error:
            log_unavailable(error)

    drop()
    transaction.on_commit(drop)
