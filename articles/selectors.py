"""Reads that views and templates share: an article's comment threads, the page a comment
is on, and what the reader may do with each comment shown.

Nothing here writes. A page of comments is one query (its threads, their replies, authors,
the article's editors' picks, how many threads there are and, for a logged-in reader,
which they reported, which they reacted to and whose authors they ignore), plus the
reader's verified addresses and ban when logged in, whatever the number of comments:
nothing is asked per comment. Each comment comes ready to print (``CommentEntry``).
"""

import html
from collections import namedtuple
from dataclasses import dataclass, field
from functools import cache
from math import ceil
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db import connection, connections, router
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _

from articles.models import (
    Appeal,
    Article,
    Author,
    Byline,
    Comment,
    CommentReport,
    IgnoredCommenter,
    Image,
    Reaction,
)
from articles.models.counting import count_of
from articles.pagination import Cursor, cut_page
from articles.permissions import ArticlePermissions, CommentPermissions

OLDEST = "oldest"
NEWEST = "newest"
# Most reacted threads first ("best"), then oldest first among equals.
BEST = "best"
ORDERS = (OLDEST, NEWEST, BEST)
ORDER_LABELS = {
    OLDEST: _("Oldest first"),
    NEWEST: _("Newest first"),
    BEST: _("Most reacted"),
}
# The article page's query parameters: the order a reader chose, and the page of threads.
ORDER_PARAMETER = "comments"
PAGE_PARAMETER = "cpage"


def comment_order(value: str | None) -> str:
    """The order a reader chose (``?comments=newest``, ``best``): oldest first unless
    another is named."""
    return value if value in ORDERS else OLDEST


def order_query(order: str) -> str:
    """The query string that keeps ``order`` on the comment pages' links and forms."""
    return f"?{urlencode({ORDER_PARAMETER: order})}" if order != OLDEST else ""


def article_comments_url(
    article: Article, *, order: str = OLDEST, page: int = 1, anchor: str = "comments"
) -> str:
    """The article page at its comments: one page of threads, in the reader's order."""
    params = {ORDER_PARAMETER: order} if order != OLDEST else {}
    if page > 1:
        params[PAGE_PARAMETER] = page
    query = f"?{urlencode(params)}" if params else ""
    return f"{article.get_absolute_url()}{query}#{anchor}"


def _thread_ordering(order: str) -> tuple[str, ...]:
    if order == BEST:
        # Read through comment_best_threads_idx.
        return ("-reaction_count", "created_at", "pk")
    return ("-created_at", "-pk") if order == NEWEST else ("created_at", "pk")


def comments_on_published_articles() -> QuerySet:
    """Comments under articles readers may see, with what their pages print."""
    articles = Article.objects.published().with_discussion_shown()
    return Comment.objects.filter(article__in=articles).select_related("article", "author")


def threads_for(article: Article, user, *, order: str = OLDEST) -> QuerySet:
    """The article's threads (top-level comments) as ``user`` sees them, in ``order``."""
    threads = Comment.objects.filter(article=article).threads_shown_to(user)
    return threads.order_by(*_thread_ordering(order))


# What a page of comments prints and decides with, read as plain rows (``CommentRow``): not
# the typed text (``body``), nor the authors' passwords, addresses and dates, each a column
# to read and convert, and no model instance built per comment and author.
_ROW_FIELDS = (
    *("pk", "article_id", "author_id", "parent_id", "replied_to_id", "status"),
    *("is_deleted_by_author", "held_reason", "edited_at", "created_at", "body_html"),
    *("imported_author_name", "reaction_count", "featured_at"),
    "author_username",
    # The "Staff" badge.
    "author_is_staff",
    "replied_to_author_id",
    "replied_to_author_username",
    # An imported comment's author has no account: "in reply to" names them as recorded.
    "replied_to_imported_author_name",
    # The page's facts, annotated: how many threads, whether the comment is on this page of
    # threads (not only an editors' pick from another), and the logged-in reader's.
    *("thread_total", "is_on_page", "is_reported_by_reader", "is_reacted_by_reader"),
    "is_author_ignored",
)


def _row_columns() -> tuple[str, ...]:
    """The columns of ``_ROW_FIELDS`` as ``values_list()`` names them."""
    username = get_user_model().USERNAME_FIELD
    renamed = {
        "article_id": "article",
        "author_id": "author",
        "parent_id": "parent",
        "replied_to_id": "replied_to",
        "author_username": f"author__{username}",
        "author_is_staff": "author__is_staff",
        "replied_to_author_id": "replied_to__author",
        "replied_to_author_username": f"replied_to__author__{username}",
        "replied_to_imported_author_name": "replied_to__imported_author_name",
    }
    return tuple(renamed.get(name, name) for name in _ROW_FIELDS)


class CommentRow(namedtuple("CommentRow", _ROW_FIELDS)):
    """A comment of a page as read (one row of ``_comments_of_page``'s query), with the
    properties of ``Comment`` that the page prints and ``CommentPermissions`` asks: a
    tuple, ten times cheaper to make than a ``Comment`` and its author."""

    __slots__ = ()
    Status = Comment.Status

    @property
    def anchor(self) -> str:
        return f"comment-{self.pk}"

    @property
    def author_name(self) -> str:
        # As Comment.author_name.
        if self.author_id:
            return self.author_username
        return self.imported_author_name or str(_("deleted user"))

    @property
    def answers_name(self) -> str:
        """The name of the author of the comment this one answers (``replied_to``)."""
        if self.replied_to_author_id:
            return self.replied_to_author_username
        return self.replied_to_imported_author_name or str(_("deleted user"))

    @property
    def is_imported(self) -> bool:
        return bool(self.imported_author_name)

    @property
    def is_pending(self) -> bool:
        return self.status == Comment.Status.PENDING

    @property
    def is_removed(self) -> bool:
        return self.status in _REMOVED

    @property
    def is_featured(self) -> bool:
        return self.featured_at is not None


_REMOVED = frozenset({Comment.Status.REMOVED, Comment.Status.SPAM})


def _either(*ids: QuerySet) -> RawSQL:
    """The ids any of ``ids`` (querysets of one ``pk`` column) select, as one subquery:
    ``id IN (a UNION ALL b)``. Written ``Q(pk__in=a) | Q(pk__in=b)``, PostgreSQL reads every
    row of the comments table to test it against both; united, each part is read through
    its own index. Each part is a derived table: SQLite allows no ``LIMIT`` in the parts of
    a compound query themselves."""
    parts, params = [], []
    for number, queryset in enumerate(ids):
        sql, part_params = queryset.query.sql_with_params()
        parts.append(f"SELECT * FROM ({sql}) AS part{number}")  # noqa: S608 - Django's SQL
        params.extend(part_params)
    return RawSQL(" UNION ALL ".join(parts), params)  # noqa: S611 - values stay parameters


def _comments_of_page(
    article: Article, threads: QuerySet, user, *, start: int, size: int
) -> list[CommentRow]:
    """The threads ``start`` to ``start + size`` and the replies shown under them, with
    their authors, how many threads there are (``thread_total``), and the article's
    editors' picks wherever they are (``is_on_page`` tells them apart); for a logged-in
    reader also whether they reported each (``is_reported_by_reader``), reacted to it
    (``is_reacted_by_reader``) and ignore its author (``is_author_ignored``): one query,
    read as ``CommentRow`` tuples."""
    page_ids = threads.values("pk")[start : start + size]
    replies = Comment.objects.shown_to(user).filter(parent_id__in=page_ids).values("pk")
    parts = [page_ids, replies]
    total = threads.order_by().values("article").annotate(count=Count("pk")).values("count")
    if picks := settings.NEWSROOM_FEATURED_COMMENTS:
        parts.append(
            Comment.objects.visible()
            .filter(article=article, featured_at__isnull=False)
            .order_by("-featured_at", "-pk")
            .values("pk")[:picks]
        )
    no = Value(False, output_field=BooleanField())
    facts = {"is_on_page": Value(True, output_field=BooleanField())}
    if picks:
        # A pick from another page of threads is fetched for the picks only.
        on_page = Q(pk__in=page_ids) | Q(parent_id__in=page_ids)
        facts["is_on_page"] = ExpressionWrapper(on_page, output_field=BooleanField())
    if user.is_authenticated:
        reports = CommentReport.objects.filter(comment=OuterRef("pk"), reporter=user)
        reactions = Reaction.objects.filter(comment=OuterRef("pk"), user=user)
        ignored = IgnoredCommenter.objects.filter(user=user, ignored=OuterRef("author_id"))
        facts.update(
            is_reported_by_reader=Exists(reports),
            is_reacted_by_reader=Exists(reactions),
            is_author_ignored=Exists(ignored),
        )
    else:
        facts.update(is_reported_by_reader=no, is_reacted_by_reader=no, is_author_ignored=no)
    rows = (
        Comment.objects.filter(pk__in=_either(*parts))
        .annotate(thread_total=Coalesce(Subquery(total), 0), **facts)
        .values_list(*_row_columns())
    )
    make = CommentRow._make
    return [make(row) for row in rows]


def requested_page(number) -> int | None:
    """The page a reader asked for, 1 for none or a mistyped one, None for one below 1
    (the last page then, as ``Paginator.get_page`` answers)."""
    try:
        requested = int(number) if number is not None else 1
    except (TypeError, ValueError):
        return 1
    return requested if requested >= 1 else None


class CommentUrls:
    """The addresses of every comment's pages (permalink, reply, edit, delete, report),
    from one ``reverse()`` each for the whole page rather than one per comment and link;
    each is the same text escaped for HTML or not (checked once a page)."""

    # A pk no comment has: reversed once, then replaced by each comment's.
    _PLACEHOLDER = 987654321
    NAMES = (
        *("comment", "comment-reply", "comment-edit", "comment-delete", "comment-report"),
        *("comment-react", "comment-feature", "comment-ignore"),
    )

    def __init__(self, suffix: str = ""):
        self._suffix = suffix
        self._parts = {}
        for name in self.NAMES:
            url = reverse(f"articles:{name}", kwargs={"pk": self._PLACEHOLDER})
            head, tail = url.split(str(self._PLACEHOLDER))
            self._parts[name] = (head, tail + suffix)
            # What the comment tag prints as is, without escaping each address: a path
            # reverse() encoded and a query of one urlencoded parameter never need it.
            if html.escape(head + tail + suffix) != head + tail + suffix:
                raise ValueError(f"{name}'s address would need escaping in HTML: {url}")

    def url(self, name: str, pk: int) -> str:
        """``reverse(f"articles:{name}", pk=pk)`` and the reader's order query."""
        head, tail = self._parts[name]
        return f"{head}{pk}{tail}"


# Not frozen: a frozen dataclass's __init__ sets each of its twenty fields through
# object.__setattr__, and a page makes one per comment. Nothing changes one once made.
@dataclass(slots=True)
class CommentEntry:
    """A comment as the reader sees it, ready to print: what they may do with it
    (``permissions``), whether the comment it answers is on the same page
    (``answers_anchor``, so its "in reply to" can link there), and the addresses, dates
    and link texts worked out once here rather than by template tags per comment."""

    comment: CommentRow
    permissions: CommentPermissions
    answers_anchor: bool
    # In a thread: whether it is a reply, the first or the last one under its top comment.
    is_reply: bool = False
    opens_replies: bool = False
    closes_replies: bool = False
    # None when the text is shown; else what shows in its place.
    placeholder: str | None = None
    answers_name: str = ""
    answers_url: str = ""
    permalink: str = ""
    created_iso: str = ""
    created_text: str = ""
    # The logged-in reader's links: an address when the link is shown, else "".
    reply_url: str = ""
    reply_label: str = ""
    edit_url: str = ""
    delete_url: str = ""
    report_url: str = ""
    is_reported: bool = False
    # The reaction button's form (logged-in readers who may react), and whether they do.
    react_url: str = ""
    is_reacted: bool = False
    # A moderator's "Feature" / "Unfeature" form; a reader's "Ignore" / "Stop ignoring".
    feature_url: str = ""
    ignore_url: str = ""
    is_author_ignored: bool = False
    # "Staff", "Author": translated once for the page.
    badges: tuple[str, ...] = ()

    @property
    def anchor(self) -> str:
        return self.comment.anchor


@dataclass(frozen=True)
class ThreadEntry:
    """A top-level comment (perhaps a placeholder) and the replies shown under it."""

    top: CommentEntry
    replies: list[CommentEntry]

    @property
    def entries(self) -> list[CommentEntry]:
        """The top comment then its replies, as ``articles/_comments.html`` prints them."""
        return [self.top, *self.replies]


@dataclass(frozen=True)
class CommentPage:
    """What ``articles/_comments.html`` shows: one page of threads, in the reader's order,
    and whether (or why not) the reader may comment (``permissions``, one object for the
    whole page)."""

    article: Article
    page: Page
    threads: list[ThreadEntry]
    order: str
    permissions: ArticlePermissions
    # The editors' picks, newest pick first, and where each is (by pk): its anchor on this
    # page, or its permalink.
    picks: list[CommentEntry] = field(default_factory=list)
    pick_urls: dict[int, str] = field(default_factory=dict)
    # Whether the page's rows are everyone's (the shared fragment's, ``SHARED_ROWS``), so
    # each comment's head prints the same for every reader.
    is_shared: bool = False

    @property
    def is_newest_first(self) -> bool:
        return self.order == NEWEST

    @property
    def orders(self) -> list[tuple[str, str, bool]]:
        """The orders a reader may choose: (label, address, whether it is the current one)."""
        url = article_comments_url
        return [
            (ORDER_LABELS[order], url(self.article, order=order), order == self.order)
            for order in ORDERS
        ]

    @property
    def order_query(self) -> str:
        return order_query(self.order)

    @property
    def previous_url(self) -> str:
        return article_comments_url(
            self.article, order=self.order, page=self.page.previous_page_number()
        )

    @property
    def next_url(self) -> str:
        return article_comments_url(
            self.article, order=self.order, page=self.page.next_page_number()
        )


# What shows in place of a comment's text, and the hidden words of a "Reply" link.
DELETED_BY_AUTHOR = _("This comment was deleted by its author.")
REMOVED_BY_MODERATOR = _("This comment was removed by a moderator.")
AWAITING_MODERATION = _("This comment is awaiting moderation.")
REPLY_LABEL = _("to %(name)s")


def _threads_in_order(
    comments: list[CommentRow], order: str
) -> list[tuple[CommentRow, list[CommentRow]]]:
    """The top-level comments in the reader's order, each with the replies shown under it
    (oldest first, as a conversation reads)."""
    replies = {}
    for comment in sorted(comments, key=lambda c: (c.created_at, c.pk)):
        if comment.parent_id is not None:
            replies.setdefault(comment.parent_id, []).append(comment)
    tops = (comment for comment in comments if comment.parent_id is None)
    if order == BEST:
        threads = sorted(tops, key=lambda c: (-c.reaction_count, c.created_at, c.pk))
    else:
        threads = sorted(tops, key=lambda c: (c.created_at, c.pk), reverse=order == NEWEST)
    return [(thread, replies.get(thread.pk, [])) for thread in threads]


# The format characters of Django's ``date`` filter that depend on the day only, and those
# that depend on the time of day only (any other, a time zone's, formats the slow way).
_DAY_CHARACTERS = frozenset("bdDEFjlLmMnNoStwWyYz")
_TIME_CHARACTERS = frozenset("aAfgGhHiPsu")


class DateText:
    """``django.utils.dateformat.format(value, date_format)`` for the many dates of a page,
    the same text for a fraction of the cost: the format is parsed once, the parts that
    depend on the day (month names, the day's number) worked out once per day, the time
    of day's written here (its words, "a.m.", "noon", translated once)."""

    def __init__(self, date_format: str):
        self._format = str(date_format)
        pieces = dateformat.re_formatchars.split(self._format)
        # (text, is a format character): the literal pieces unescaped as format() does.
        self._pieces = [
            (piece, True) if number % 2 else (dateformat.re_escaped.sub(r"\1", piece), False)
            for number, piece in enumerate(pieces)
            if piece
        ]
        characters = {piece for piece, is_character in self._pieces if is_character}
        self._day_characters = tuple(characters & _DAY_CHARACTERS)
        self._is_split = characters <= _DAY_CHARACTERS | _TIME_CHARACTERS
        self._days = {}
        self._words = {
            word: str(text)
            for word, text in {
                "a.m.": _("a.m."),
                "p.m.": _("p.m."),
                "AM": _("AM"),
                "PM": _("PM"),
                "midnight": _("midnight"),
                "noon": _("noon"),
            }.items()
        }

    def __call__(self, value) -> str:
        if not self._is_split:
            return dateformat.format(value, self._format)
        day = self._days.get(value.date())
        if day is None:
            formatter = dateformat.DateFormat(value)
            day = {c: str(getattr(formatter, c)()) for c in self._day_characters}
            self._days[value.date()] = day
        return "".join(
            (day[piece] if piece in day else self._time(piece, value)) if is_character else piece
            for piece, is_character in self._pieces
        )

    def _time(self, character: str, value) -> str:
        # As dateformat.TimeFormat's methods of the same names.
        hour, minute = value.hour, value.minute
        twelve = hour % 12 or 12
        if character == "P":
            if minute == 0 and hour in (0, 12):
                return self._words["midnight" if hour == 0 else "noon"]
            return f"{self._time('f', value)} {self._time('a', value)}"
        if character == "f":
            return f"{twelve}:{minute:02d}" if minute else str(twelve)
        if character == "a":
            return self._words["p.m." if hour > 11 else "a.m."]
        if character == "A":
            return self._words["PM" if hour > 11 else "AM"]
        if character == "i":
            return f"{minute:02d}"
        if character in "gh":
            return str(twelve) if character == "g" else f"{twelve:02d}"
        if character in "GH":
            return str(hour) if character == "G" else f"{hour:02d}"
        if character == "s":
            return f"{value.second:02d}"
        return f"{value.microsecond:06d}"


STAFF_BADGE = _("Staff")
AUTHOR_BADGE = _("Author")


def _byline_users(article: Article) -> set[int]:
    """The accounts of the article's bylined authors (``Author.user``), for the "Author"
    badge: read from ``with_page_data``'s prefetched bylines (no query), else in one."""
    if "bylines" in getattr(article, "_prefetched_objects_cache", {}):
        return {byline.author.user_id for byline in article.bylines.all()} - {None}
    users = Byline.objects.filter(article=article, author__user__isnull=False)
    return set(users.values_list("author__user_id", flat=True))


@dataclass(frozen=True)
class ReaderFacts:
    """What one logged-in reader's page of comments adds to everyone's (``_reader_facts``):
    which comments of the article they reported and reacted to, whose comments they ignore,
    which accounts are the story's bylined authors (the "Author" badge), and whether they
    have a comment of their own held there (which only they see)."""

    reported: frozenset[int]
    reacted: frozenset[int]
    ignored: frozenset[int]
    byline_users: frozenset[int]
    has_held: bool

    def applied(self, rows: list[CommentRow]) -> list[CommentRow]:
        """``rows`` as an anonymous reader's page read them, with this reader's facts."""
        if not (self.reported or self.reacted or self.ignored):
            return rows
        out = []
        for row in rows:
            reported, reacted = row.pk in self.reported, row.pk in self.reacted
            ignored = row.author_id in self.ignored
            if reported or reacted or ignored:
                row = row._replace(
                    is_reported_by_reader=reported,
                    is_reacted_by_reader=reacted,
                    is_author_ignored=ignored,
                )
            out.append(row)
        return out


# ``_reader_facts``'s query: what the reader has held, reported, reacted to and ignored, and
# the accounts of the story's bylines, each part read through an index on its first column.
_READER_FACTS_SQL = (
    "SELECT 'h', {comment_id} FROM {comment} WHERE {comment_article} = %s"
    " AND {comment_author} = %s AND {comment_status} = %s"
    " UNION ALL SELECT 'r', r.{report_comment} FROM {report} r"
    " INNER JOIN {comment} c ON c.{comment_id} = r.{report_comment}"
    " WHERE r.{report_reporter} = %s AND c.{comment_article} = %s"
    " UNION ALL SELECT 'a', r.{reaction_comment} FROM {reaction} r"
    " INNER JOIN {comment} c ON c.{comment_id} = r.{reaction_comment}"
    " WHERE r.{reaction_user} = %s AND c.{comment_article} = %s"
    " UNION ALL SELECT 'i', {ignored_ignored} FROM {ignored} WHERE {ignored_user} = %s"
    " UNION ALL SELECT 'b', a.{author_user} FROM {byline} b"
    " INNER JOIN {author} a ON a.{author_id} = b.{byline_author}"
    " WHERE b.{byline_article} = %s AND a.{author_user} IS NOT NULL"
)


@cache
def _reader_facts_sql() -> str:
    """``_READER_FACTS_SQL`` with the models' tables and columns, once a process: the ORM's
    union of five querysets cost more to build and compile than to run."""
    quote = connection.ops.quote_name
    names = {}
    for prefix, model, fields in (
        ("comment", Comment, ("id", "article", "author", "status")),
        ("report", CommentReport, ("comment", "reporter")),
        ("reaction", Reaction, ("comment", "user")),
        ("ignored", IgnoredCommenter, ("ignored", "user")),
        ("byline", Byline, ("article", "author")),
        ("author", Author, ("id", "user")),
    ):
        names[prefix] = quote(model._meta.db_table)
        for name in fields:
            names[f"{prefix}_{name}"] = quote(model._meta.get_field(name).column)
    return _READER_FACTS_SQL.format(**names)


def _reader_facts(article: Article, user) -> ReaderFacts:
    """A logged-in reader's ``ReaderFacts`` on ``article``, in one query (a union of small
    parts, each read through an index on the reader's own rows)."""
    article_pk, user_pk = article.pk, user.pk
    params = [article_pk, user_pk, Comment.Status.PENDING.value]
    params += [user_pk, article_pk, user_pk, article_pk, user_pk, article_pk]
    found = {"r": set(), "a": set(), "i": set(), "b": set(), "h": set()}
    with connections[router.db_for_read(Comment)].cursor() as cursor:
        cursor.execute(_reader_facts_sql(), params)
        for kind, pk in cursor.fetchall():
            found[kind].add(pk)
    return ReaderFacts(
        reported=frozenset(found["r"]),
        reacted=frozenset(found["a"]),
        ignored=frozenset(found["i"]),
        byline_users=frozenset(found["b"]),
        has_held=bool(found["h"]),
    )


# The names of the article page's fragments (articles.caching.article_fragments) holding a
# page of threads as anonymous readers read it, and the heads of its comments as
# articles/templatetags/comments.py prints them (``CommentPage.is_shared``).
SHARED_ROWS = "rows"
SHARED_HEADS = "heads"


def comment_page(
    article: Article,
    user,
    *,
    order: str = OLDEST,
    number=None,
    permissions: ArticlePermissions | None = None,
    shared=None,
) -> CommentPage:
    """Page ``number`` of the article's threads as ``user`` sees them (a stale or mistyped
    number shows the nearest page), each comment with its permissions and what it prints,
    and the article's editors' picks. ``permissions``: the reader's ``ArticlePermissions``
    on the article, when the caller has them already.

    ``shared``: the page's ``newsroom.fragments.FragmentSet``, whose ``SHARED_ROWS`` fragment
    keeps the requested page's rows as every anonymous reader reads them. An anonymous page
    reads them from there (or keeps them there); a logged-in reader's page too when they are
    stored there, with the reader's ``ReaderFacts`` read beside (one small query rather
    than the page's rows), unless the reader has a held comment of their own on the story.
    """
    size = settings.NEWSROOM_COMMENTS_PAGE_SIZE
    number = requested_page(number)
    requested = number
    logged_in = user.is_authenticated
    facts = None
    is_shared = False

    def threads_query():  # built only when read: the shared rows need no query of their own
        return threads_for(article, user, order=order)

    def fetch(number: int) -> list[CommentRow]:
        nonlocal facts, is_shared

        def read() -> list[CommentRow]:
            start = (number - 1) * size
            return _comments_of_page(article, threads_query(), user, start=start, size=size)

        is_shared = False
        if shared is None or SHARED_ROWS not in shared.fragments or number != requested:
            return read()
        if not logged_in:
            is_shared = True
            return shared.value(SHARED_ROWS, read)
        if shared.is_stored(SHARED_ROWS):
            facts = _reader_facts(article, user)
            if not facts.has_held:
                is_shared = True
                return facts.applied(shared.value(SHARED_ROWS, read))
            facts = None
        return read()

    fetched = fetch(number) if number else []
    if not any(c.is_on_page for c in fetched) and number != 1:
        # A stale or mistyped number beyond the last page (or below the first): the last
        # page, at the cost of a count. Links the page prints never need this.
        number = max(1, ceil(threads_query().count() / size))
        fetched = fetch(number)
    comments = [c for c in fetched if c.is_on_page]
    total = fetched[0].thread_total if fetched else 0
    in_order = _threads_in_order(comments, order)
    page = Page([top for top, _replies in in_order], number, Paginator(range(total), size))
    article_permissions = permissions or ArticlePermissions(user, article)
    reported = {comment.pk for comment in fetched if comment.is_reported_by_reader}
    on_page = {comment.pk for comment in comments}
    now = timezone.now()
    urls = CommentUrls(order_query(order))
    # The words are the same on every comment: translated once for the page.
    deleted, removed, awaiting = (
        str(DELETED_BY_AUTHOR),
        str(REMOVED_BY_MODERATOR),
        str(AWAITING_MODERATION),
    )
    reply_label = str(REPLY_LABEL)
    staff_badge, author_badge = str(STAFF_BADGE), str(AUTHOR_BADGE)
    byline_users = facts.byline_users if facts is not None else _byline_users(article)
    date_text = DateText(get_format("DATETIME_FORMAT"))
    # timezone.localtime() asks for the current time zone on every call.
    zone = timezone.get_current_timezone()
    # Moderators work in the admin, so are staff: a reader's page asks no permission rows.
    is_moderator = (
        logged_in
        and user.is_staff
        and CommentPermissions(user, article_permissions=article_permissions).can_moderate()
    )

    def entry(comment: CommentRow, position: int = 0, replies: int = 0) -> CommentEntry:
        permissions = CommentPermissions(
            user,
            comment,
            article_permissions=article_permissions,
            reported_ids=reported,
            now=now,
        )
        pk = comment.pk
        # A reply to a reply since deleted or removed answers someone no longer shown.
        answers_anchor = comment.replied_to_id in on_page
        where = {
            "is_reply": position > 0,
            "opens_replies": position == 1,
            "closes_replies": position > 0 and position == replies,
        }
        if comment.is_removed:
            placeholder = deleted if comment.is_deleted_by_author else removed
            return CommentEntry(
                comment, permissions, answers_anchor, placeholder=placeholder, **where
            )
        if comment.is_pending and not permissions.is_own:
            return CommentEntry(comment, permissions, answers_anchor, placeholder=awaiting, **where)
        created = comment.created_at.astimezone(zone)
        badges = []
        if comment.author_id:
            if comment.author_is_staff:
                badges.append(staff_badge)
            if comment.author_id in byline_users:
                badges.append(author_badge)
        shown = {
            "permalink": urls.url("comment", pk),
            "created_iso": created.isoformat(),
            # The date filter's text, with the format parsed once for the page.
            "created_text": date_text(created),
            "badges": tuple(badges),
        }
        if comment.replied_to_id:
            shown["answers_name"] = comment.answers_name
            if answers_anchor:
                shown["answers_url"] = f"#comment-{comment.replied_to_id}"
        if logged_in:
            if permissions.can_reply():
                shown["reply_url"] = urls.url("comment-reply", pk)
                shown["reply_label"] = reply_label % {"name": comment.author_name}
            if permissions.can_edit():
                shown["edit_url"] = urls.url("comment-edit", pk)
            if permissions.can_delete():
                shown["delete_url"] = urls.url("comment-delete", pk)
            if permissions.can_report():
                shown["report_url"] = urls.url("comment-report", pk)
            else:
                shown["is_reported"] = permissions.is_reported
            if permissions.can_react():
                shown["react_url"] = urls.url("comment-react", pk)
                shown["is_reacted"] = comment.is_reacted_by_reader
            if is_moderator and permissions.can_feature():
                shown["feature_url"] = urls.url("comment-feature", pk)
            if permissions.can_ignore_author():
                shown["ignore_url"] = urls.url("comment-ignore", pk)
                shown["is_author_ignored"] = comment.is_author_ignored
        return CommentEntry(comment, permissions, answers_anchor, **where, **shown)

    threads = []
    for top, replies in in_order:
        count = len(replies)
        threads.append(
            ThreadEntry(entry(top), [entry(reply, n, count) for n, reply in enumerate(replies, 1)])
        )
    featured = sorted(
        (c for c in fetched if c.featured_at is not None and c.status == Comment.Status.VISIBLE),
        key=lambda c: (c.featured_at, c.pk),
        reverse=True,
    )[: settings.NEWSROOM_FEATURED_COMMENTS]
    picks = [entry(comment) for comment in featured]
    pick_urls = {
        c.pk: f"#{c.anchor}" if c.pk in on_page else urls.url("comment", c.pk) for c in featured
    }
    return CommentPage(
        article, page, threads, order, article_permissions, picks, pick_urls, is_shared=is_shared
    )


def comment_page_number(comment: Comment, user, *, order: str = OLDEST) -> int:
    """The page of the article's threads, in ``order``, that holds ``comment`` for ``user``:
    its thread's place among the threads they see (the same rule as ``threads_for``)."""
    root = comment.parent if comment.parent_id else comment
    if order == BEST:
        count = root.reaction_count
        ahead = (
            Q(reaction_count__gt=count)
            | Q(reaction_count=count, created_at__lt=root.created_at)
            | Q(reaction_count=count, created_at=root.created_at, pk__lt=root.pk)
        )
    elif order == NEWEST:
        ahead = Q(created_at__gt=root.created_at) | Q(created_at=root.created_at, pk__gt=root.pk)
    else:
        ahead = Q(created_at__lt=root.created_at) | Q(created_at=root.created_at, pk__lt=root.pk)
    before = (
        Comment.objects.filter(article_id=comment.article_id)
        .threads_shown_to(user)
        .filter(ahead)
        .count()
    )
    return before // settings.NEWSROOM_COMMENTS_PAGE_SIZE + 1


def comment_page_url(comment: Comment, user, *, order: str = OLDEST, anchor: str = "") -> str:
    """The article page holding ``comment`` for ``user``, in ``order``, at its anchor (or at
    ``anchor``): where the permalink and every redirect after a comment form lead."""
    return article_comments_url(
        comment.article,
        order=order,
        page=comment_page_number(comment, user, order=order),
        anchor=anchor or comment.anchor,
    )


# Live blogs -------------------------------------------------------------------------------

UPDATES_PARAMETER = "updates_before"
# Pinned updates shown above the others on the newest page, at most (the newest pinned).
PINNED_UPDATES_MAX = 5


@dataclass
class LiveUpdatePage:
    """One page of a live blog's updates, newest first: read by position (``?updates_before=
    <posted_at>,<id>`` of the last update of the page before), never counted or skipped
    through. ``pinned``: the pinned updates, shown above the others on the newest page (and
    nowhere else); ``older_query``: the next page's query string, None on the last page;
    ``is_first``: the newest updates (the page the live notice runs on)."""

    updates: list
    older_query: str | None
    is_first: bool
    pinned: list = field(default_factory=list)

    @property
    def shown(self) -> list:
        """Every update the page prints, pinned first."""
        return [*self.pinned, *self.updates]

    @property
    def newest_pk(self) -> int:
        """Where the live notice counts new updates from (0 without any)."""
        shown = self.shown
        return max(update.pk for update in shown) if self.is_first and shown else 0


def live_update_page(article: Article, *, before: str | None = None) -> LiveUpdatePage:
    """The live blog's page of updates from ``before`` (a cursor; None: the newest, with the
    pinned ones), with who posted each, in one query. A cursor that cannot be read raises
    ``ValueError``."""
    from articles.models import LiveUpdate

    size = settings.NEWSROOM_LIVE_UPDATES_PAGE_SIZE
    updates = LiveUpdate.objects.filter(article=article)
    stream = updates.filter(is_pinned=False).newest_first()
    if before:
        rows = stream.filter(Cursor.decode(before).older("posted_at"))
    else:
        # The newest page and the pinned updates in one query: two bounded id lists.
        pinned = updates.filter(is_pinned=True).newest_first().values("pk")[:PINNED_UPDATES_MAX]
        newest = stream.values("pk")[: size + 1]
        rows = updates.filter(Q(pk__in=pinned) | Q(pk__in=newest)).newest_first()
    rows = list(rows.select_related("author__author_profile")[: size + 1 + PINNED_UPDATES_MAX])
    for row in rows:
        row.article = article  # their addresses need no query
    pinned_rows = [row for row in rows if row.is_pinned]
    rows = [row for row in rows if not row.is_pinned]
    rows, older = cut_page(rows, size, parameter=UPDATES_PARAMETER, field="posted_at")
    return LiveUpdatePage(updates=rows, older_query=older, is_first=not before, pinned=pinned_rows)


def live_update_page_url(update) -> str:
    """Where ``update`` is read now: the live blog's newest page at its anchor when it is
    pinned or among the newest updates, else the page of updates that starts with it (read
    by position from the update just newer). One query; ``update.article`` must be loaded."""
    from articles.models import LiveUpdate

    url = update.article.get_absolute_url()
    anchor = f"#{update.anchor}"
    if update.is_pinned:
        return url + anchor
    size = settings.NEWSROOM_LIVE_UPDATES_PAGE_SIZE
    newer = (
        LiveUpdate.objects.filter(article_id=update.article_id, is_pinned=False)
        .filter(Cursor(update.posted_at, update.pk).newer("posted_at"))
        .order_by("posted_at", "pk")
        .values_list("posted_at", "pk")[:size]
    )
    newer = list(newer)
    if len(newer) < size:
        return url + anchor
    query = urlencode({UPDATES_PARAMETER: Cursor(*newer[0]).encode()}, safe=":,")
    return f"{url}?{query}{anchor}"


# How many library images the editor's image chooser lists.
CHOOSER_IMAGES = 24


def chooser_images(query: str = "", limit: int = CHOOSER_IMAGES) -> list:
    """The newest library images (matching ``query`` in their alt text, caption or credit),
    for the body editor's image chooser, with their renditions (two queries)."""
    images = Image.objects.order_by("-created_at", "-pk").prefetch_related("stored_renditions")
    for word in query.split()[:5]:
        images = images.filter(
            Q(alt_text__icontains=word) | Q(caption__icontains=word) | Q(credit__icontains=word)
        )
    return list(images[:limit])


# A reader's own comments ------------------------------------------------------------------

HISTORY_PARAMETER = "before"
HISTORY_PAGE_SIZE = 20
# What the history prints of a comment and decides with (its story's headline and address).
HISTORY_FIELDS = (
    "article",
    "author",
    "body_html",
    "status",
    "is_deleted_by_author",
    "held_reason",
    "removal_reason",
    "removal_explanation",
    "removed_at",
    "created_at",
    "edited_at",
    "reaction_count",
    "featured_at",
)


@dataclass
class HistoryEntry:
    """One of the reader's comments as their history lists it: whether readers can read it
    where it was posted (``is_shown``: then it links there), and, removed, the reader's
    appeal of the removal or whether they may still make one."""

    comment: Comment
    is_shown: bool
    is_story_gone: bool
    is_discussion_hidden: bool
    appeal: object = None
    may_appeal: bool = False


@dataclass
class CommentHistory:
    entries: list
    older_query: str | None
    is_first: bool


def comment_history(user, *, before: str | None = None) -> CommentHistory:
    """``user``'s comments, newest first, a page at a time by position (``?before=<time>,
    <id>``: ``ValueError`` for anything else), each with its story, how many others
    answered it (``answer_count``), and what became of it: shown, held, removed (and the
    appeal), deleted. Four queries, whatever the number."""
    # Others' visible answers to each comment: replies under a top-level comment, and
    # replies naming a reply (``Comment.replied_to``).
    answers = (
        Comment.objects.visible()
        .filter(Q(replied_to=OuterRef("pk")) | Q(parent=OuterRef("pk"), replied_to__isnull=True))
        .exclude(author=user)
    )
    comments = (
        Comment.objects.filter(author=user)
        .select_related("article")
        .only(*HISTORY_FIELDS, "article__headline", "article__slug")
        .annotate(answer_count=count_of(answers, by="article"))
        .order_by("-created_at", "-pk")
    )
    if before:
        comments = comments.filter(Cursor.decode(before).older("created_at"))
    rows = list(comments[: HISTORY_PAGE_SIZE + 1])
    rows, older = cut_page(rows, HISTORY_PAGE_SIZE, parameter=HISTORY_PARAMETER, field="created_at")
    article_ids = {comment.article_id for comment in rows}
    published = Article.objects.published().filter(pk__in=article_ids)
    published_ids = set(published.values_list("pk", flat=True))
    discussed_ids = set(published.with_discussion_shown().values_list("pk", flat=True))
    removed = [comment for comment in rows if comment.removed_at]
    appeals = {}
    if removed:
        for appeal in Appeal.objects.filter(comment__in=removed).order_by("created_at"):
            appeals[(appeal.comment_id, appeal.removal_at)] = appeal
    entries = []
    for comment in rows:
        comment.author = user  # the page names no one else: no query for the name
        appeal = appeals.get((comment.pk, comment.removed_at))
        may_appeal = appeal is None and CommentPermissions(user, comment).appeal_refusal() is None
        entries.append(
            HistoryEntry(
                comment=comment,
                is_shown=comment.article_id in discussed_ids and not comment.is_removed,
                is_story_gone=comment.article_id not in published_ids,
                is_discussion_hidden=comment.article_id in published_ids - discussed_ids,
                appeal=appeal,
                may_appeal=may_appeal,
            )
        )
    return CommentHistory(entries=entries, older_query=older, is_first=not before)
