"""The shared cache going away: which errors say so, and the Redis backend the site uses.

Rate limits count in the ``default`` cache and must fail closed: a write they guard is
refused while the cache cannot be asked (``CACHE_ERRORS``, caught by the comment view and
by ``newsroom.middleware.UnavailableMiddleware``). What is only remembered to save work
(``newsroom.remembered``, the page cache, the fragments) treats an outage as a miss, and the
work is done again.
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
