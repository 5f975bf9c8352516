"""A value worked out from the database, kept in the shared cache until its rows change.

For reads every page makes that change rarely (the moderation settings, when the next
scheduled update is due): ``remembered(key, compute)`` answers from the cache, or computes
and keeps the value; the code that changes the rows calls ``forget(key)``, which drops it
at once and again once the transaction commits (a reader in between would have kept the old
value). A cache that is down is a miss: the value is computed, nothing is refused. The
timeout is a safety net for a write that bypassed ``forget`` (a queryset update).
"""

from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction

from newsroom.cache import CACHE_ERRORS, log_unavailable

# What ``remembered`` keeps for "no value", so None is remembered too.
_NOTHING = "newsroom:nothing"


def remembered(
    key: str, compute: Callable[[], Any], *, timeout: int | Callable[[Any], int] = 300
) -> Any:
    """``compute()``'s answer, kept under ``key`` for ``timeout`` seconds (a number, or a
    callable of the answer; 0 or less keeps nothing)."""
    try:
        value = cache.get(key)
    except CACHE_ERRORS as error:
        log_unavailable(error)
        return compute()
    if value is not None:
        return None if value == _NOTHING else value
    value = compute()
    seconds = timeout(value) if callable(timeout) else timeout
    if seconds <= 0:
        return value
    try:
        cache.set(key, _NOTHING if value is None else value, seconds)
    except CACHE_ERRORS as error:
        log_unavailable(error)
    return value


def forget(key: str) -> None:
    def drop():
        try:
            cache.delete(key)
        except CACHE_ERRORS as error:
            log_unavailable(error)

    drop()
    transaction.on_commit(drop)
