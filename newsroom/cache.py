"""The shared cache going away: which errors say so, and a cache for which that is a miss.

Rate limits count in the ``default`` cache and must fail closed: a write they guard is
refused while the cache cannot be asked (``CACHE_ERRORS``, caught by the comment view and
by ``newsroom.middleware.UnavailableMiddleware``). What is only remembered to save work
(which image renditions exist, in the ``renditions`` cache) is :class:`MissingIsMissCache`:
an outage there is a miss, and the work is done again.
"""

import logging

from django.core.cache.backends.redis import RedisCache

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
