"""Reads for anonymous readers from a replica, everything else from the primary.

With ``DATABASE_REPLICA_URL`` set, ``ReplicaRouter`` sends the reads of a request that
``ReplicaReadsMiddleware`` marked (a GET or HEAD a page cache could share: no session, so
nobody logged in) to the ``replica`` database. Staff and logged-in readers, every write and
every read inside a transaction stay on the primary, so whoever changes something reads
their change back at once; an anonymous reader may see a page a moment old, which the page
cache allows for (``NEWSROOM_REPLICA_LAG_SECONDS``).
"""

from contextvars import ContextVar

from django.db import connections

from newsroom.page_cache import is_shared_request

REPLICA = "replica"
_replica_reads: ContextVar[bool] = ContextVar("newsroom_replica_reads", default=False)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if not _replica_reads.get() or REPLICA not in connections:
            return None
        # Inside a transaction (a write going on), reads must see its own rows.
        if connections["default"].in_atomic_block:
            return None
        return REPLICA

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the primary's rows: objects from either relate.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReplicaReadsMiddleware:
    """Marks the requests whose reads may go to the replica (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _replica_reads.set(is_shared_request(request))
        try:
            return self.get_response(request)
        finally:
            _replica_reads.reset(token)
