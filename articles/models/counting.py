"""Counts read in the same query as the rows they belong to."""

from django.db.models import Count, QuerySet, Subquery
from django.db.models.functions import Coalesce


def count_of(rows: QuerySet, *, by: str) -> Coalesce:
    """How many ``rows`` there are, as an expression to annotate (0 for none). ``rows``
    filter on an ``OuterRef`` and share the column ``by`` (the story of comments, the
    comment of reports), so they make one group: Django has no COUNT subquery of its own."""
    counted = rows.order_by().values(by).annotate(count=Count("pk")).values("count")
    return Coalesce(Subquery(counted), 0)
