"""Keyset pagination for the lists of stories: a page costs the same at any depth.

A page is read from a position in the list, never counted down to: "Older stories" links
to ``?before=<published_at>,<id>`` of its last story, "Newer stories" to
``?after=<published_at>,<id>`` of its first, and each page is one indexed range read of
``page size + 1`` rows (the extra row says whether there is more) on
``(status, published_at, id)``: no ``COUNT(*)`` and no ``OFFSET`` over the stories skipped.
Old numbered links (``?page=N``) still answer: the position of page N is found by one
index-only read of its first row (bounded by ``MAX_PAGE_NUMBER``), then the page is read
like any other. A cursor or number that cannot be read is a 404, never an error.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

from django.core.paginator import EmptyPage, Paginator
from django.db.models import Q, QuerySet
from django.http import Http404

# Old numbered links beyond this answer 404: finding their place costs a read of every
# story before it. (At 12 a page, 12,000 stories deep.)
MAX_PAGE_NUMBER = 1000
_CURSOR_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


@dataclass(frozen=True)
class Cursor:
    """A position in a list newest first: a story's publication time and id."""

    published_at: datetime
    pk: int

    @classmethod
    def of(cls, article) -> "Cursor":
        return cls(article.published_at, article.pk)

    @classmethod
    def decode(cls, text: str) -> "Cursor":
        """The cursor ``encode`` wrote; ``ValueError`` for anything else."""
        when, separator, pk = text.rpartition(",")
        # An id past a 64-bit column would be a database error, not a missing page.
        if not separator or not pk.isdigit() or len(pk) > 18 or not when.endswith("Z"):
            raise ValueError(f"Not a cursor: {text!r}")
        published_at = datetime.strptime(when, _CURSOR_TIME_FORMAT).replace(tzinfo=UTC)
        return cls(published_at, int(pk))

    def encode(self) -> str:
        return f"{self.published_at.astimezone(UTC).strftime(_CURSOR_TIME_FORMAT)},{self.pk}"

    # Each condition starts with a plain bound on published_at, which the index
    # (status, published_at, id) can start its range from; the rest only settles ties.
    def older(self, field: str = "published_at") -> Q:
        """Rows after this one in the list (earlier by ``field``, or as a tie a lower id):
        stories by their publication, or a list of another time (comments, updates)."""
        at = self.published_at
        return Q(**{f"{field}__lte": at}) & (Q(**{f"{field}__lt": at}) | Q(pk__lt=self.pk))

    def newer(self, field: str = "published_at") -> Q:
        at = self.published_at
        return Q(**{f"{field}__gte": at}) & (Q(**{f"{field}__gt": at}) | Q(pk__gt=self.pk))


def cut_page(rows: list, size: int, *, parameter: str, field: str) -> tuple[list, str | None]:
    """``rows`` read ``size + 1`` at once, newest first by ``field`` then id: the page's
    rows, and the query string of the next page (``?<parameter>=<cursor>``), None when
    there is no more."""
    if len(rows) <= size:
        return rows, None
    rows = rows[:size]
    last = rows[-1]
    return rows, _query(**{parameter: Cursor(getattr(last, field), last.pk).encode()})


def _query(**params) -> str:
    # ":" and "," may stand in a query string: the cursor stays readable.
    return f"?{urlencode(params, safe=':,')}" if params else ""


@dataclass
class KeysetPage:
    """One page of a list of stories, in the names templates use for a page (``page_obj``).

    ``number`` is known only for the first page and for pages reached by an old
    ``?page=N`` link. ``older_query``/``newer_query`` are the query strings of the pages
    around it, None where there is none (``newer_query`` is "" when the newer page is the
    first, the list's own address); ``own_query`` is its own ("" for the first page).
    """

    object_list: list
    number: int | None
    older_query: str | None
    newer_query: str | None
    own_query: str = ""

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def has_next(self) -> bool:
        return self.older_query is not None

    def has_previous(self) -> bool:
        return self.newer_query is not None

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    @property
    def is_first(self) -> bool:
        return self.newer_query is None

    @property
    def first_published_at(self) -> datetime | None:
        return self.object_list[0].published_at if self.object_list else None


def _ids_then_rows(queryset: QuerySet, page_ids: list[int]) -> list:
    # The page's rows with everything the cards show (comment counts, prefetches) are read
    # for the ids of the page alone, so the per-row subqueries run for its rows only.
    rows = {row.pk: row for row in queryset.filter(pk__in=page_ids).order_by()}
    return [rows[pk] for pk in page_ids if pk in rows]


def keyset_page(queryset: QuerySet, params, *, per_page: int) -> KeysetPage:
    """The page of ``queryset`` (newest first, by ``published_at`` then id) that the
    request's ``params`` (``before``, ``after`` or ``page``) ask for; 404 for a cursor or
    number that cannot be read, or a page past the end."""
    positions = (
        queryset.select_related(None)
        .prefetch_related(None)
        .order_by("-published_at", "-pk")
        .values_list("published_at", "pk")
    )
    number = None
    try:
        if "before" in params:
            start = Cursor.decode(params["before"])
            keys = list(positions.filter(start.older())[: per_page + 1])
            own = {"before": params["before"]}
        elif "after" in params:
            start = Cursor.decode(params["after"])
            above = list(
                positions.filter(start.newer()).order_by("published_at", "pk")[: per_page + 1]
            )
            if len(above) <= per_page:
                # Nothing newer than a full page: that is the first page.
                return keyset_page(queryset, {}, per_page=per_page)
            shown = list(reversed(above[:per_page]))
            # Whether anything is older than the page: the story the link started from,
            # unless it has been unpublished since (or the cursor was made up).
            keys = shown + list(positions.filter(Cursor(*shown[-1]).older())[:1])
            own = {"after": params["after"]}
        else:
            number = int(params.get("page", 1))
            if not 1 <= number <= MAX_PAGE_NUMBER:
                raise ValueError(f"Page out of range: {number}")
            if number == 1:
                keys = list(positions[: per_page + 1])
                own = {}
            else:
                # The last story of the page before: one read of an index, no cards.
                skipped = (number - 1) * per_page
                previous = list(positions[skipped - 1 : skipped])
                if not previous:
                    raise Http404("No such page.")
                start = Cursor(*previous[0])
                keys = list(positions.filter(start.older())[: per_page + 1])
                own = {"page": number}
    except (ValueError, OverflowError) as error:
        raise Http404("No such page.") from error
    shown = keys[:per_page]
    if not shown and own:
        raise Http404("No such page.")
    older_query = None
    if len(keys) > per_page:
        older_query = _query(before=Cursor(*shown[-1]).encode())
    newer_query = None
    if own and shown:
        first = Cursor(*shown[0])
        # A page just below the first links to the list's own address.
        above = positions.filter(first.newer()).order_by("published_at", "pk")
        newer_query = _query(after=first.encode()) if len(above[: per_page + 1]) > per_page else ""
    return KeysetPage(
        object_list=_ids_then_rows(queryset, [pk for _at, pk in shown]),
        number=number,
        older_query=older_query,
        newer_query=newer_query,
        own_query=_query(**own),
    )


class PositionPaginator(Paginator):
    """Django's ``Paginator`` for a queryset newest first (``published_at``, then id) whose
    pages are read from a position: page n starts after the last row of page n - 1, found
    by one read of the index, so no page makes the database fetch and skip the full rows
    before it (``OFFSET``). The article sitemaps' pages use it."""

    def page(self, number):
        number = self.validate_number(number)
        queryset = self.object_list.order_by("-published_at", "-pk")
        skipped = (number - 1) * self.per_page
        if skipped:
            previous = list(queryset.values_list("published_at", "pk")[skipped - 1 : skipped])
            if not previous:
                # Stories went since the count: the page is past the end now.
                raise EmptyPage("That page contains no results")
            queryset = queryset.filter(Cursor(*previous[0]).older())
        rows = list(queryset[: self.per_page])
        return self._get_page(rows, number, self)
