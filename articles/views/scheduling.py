"""Scheduled updates are published by the first reader's request after their time."""

import logging
from functools import wraps

from django.db import DatabaseError, InterfaceError, OperationalError

from articles.services.scheduling import scheduled_updates_apply_due

logger = logging.getLogger(__name__)


def apply_due_updates(view):
    """Apply the scheduled updates that are due before ``view`` reads the stories.

    Wrapped inside the page cache (``reader_page``), so a page served from the cache asks
    nothing; a page rendered again asks the cache when the next update is due (a query
    only after an update changed).
    The cached pages are kept no longer than the next update's time (``articles.caching``).
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            scheduled_updates_apply_due()
        except (OperationalError, InterfaceError):
            # The database is not answering: the page cannot be read either; the 503 page
            # says so at once (newsroom.middleware), rather than after a second timeout.
            raise
        except DatabaseError as error:
            # A reader still gets the page (the live version); the job or the next reader
            # applies the update.
            logger.warning("Scheduled updates not applied: %s", error)
        return view(request, *args, **kwargs)

    return wrapper
