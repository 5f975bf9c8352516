"""Reads of the moderation page (``articles.admin.moderation``): its queues, their counts,
and what a moderator needs beside a comment to decide on it.

Every read is bounded whatever the size of the tables: a queue is read a page at a time by
position (keyset: the last row's cursor, never ``OFFSET``), its count stops at
``QUEUE_COUNT_CAP`` (an ``EXISTS``-sized index read, "1,000+" beyond it), and a comment's
context and its author's history are a fixed number of small queries.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import (
    Appeal,
    Comment,
    CommenterSuspension,
    CommenterTrust,
    CommenterWarning,
    CommentReport,
    ModerationLogEntry,
)

QUEUE_COUNT_CAP = 1000
PAGE_SIZE = 25
# "Recently moderated": the decisions of the last days.
RECENT_DAYS = 7
# Replies shown around a reply in its thread, on each side; the first replies of a thread.
THREAD_CONTEXT = 2
LAST_REMOVALS = 3

# The columns a queue never prints: the story's body comes along with every comment.
QUEUE_DEFERRED = ("article__body", "article__body_html", "article__standfirst", "author__password")


def open_reports() -> QuerySet:
    return CommentReport.objects.filter(resolved_at__isnull=True)


def _comments() -> QuerySet:
    return (
        Comment.objects.select_related("article", "author", "parent__author")
        .defer(*QUEUE_DEFERRED, "parent__author__password")
        .prefetch_related(
            Prefetch(
                "reports",
                queryset=open_reports().select_related("reporter").order_by("created_at"),
                to_attr="open_reports",
            )
        )
    )


@dataclass
class QueueItem:
    comment: Comment
    # Where the queue stands after this item (a comment's id, or a log entry's).
    cursor: int
    # In "recently moderated": the decision that put the comment there.
    entry: ModerationLogEntry | None = None
    # In "appeals": the open appeal of the (removed) comment.
    appeal: Appeal | None = None


@dataclass
class QueuePage:
    items: list[QueueItem]
    # The cursor of the next page, or None on the last one.
    next_cursor: int | None


@dataclass
class QueueCount:
    value: int
    is_capped: bool

    def __str__(self):
        number = f"{self.value:,}"
        return f"{number}+" if self.is_capped else number


def capped_count(queryset: QuerySet, cap: int | None = None) -> QueueCount:
    """How many rows ``queryset`` has, counted no further than ``cap`` (``QUEUE_COUNT_CAP``)."""
    cap = QUEUE_COUNT_CAP if cap is None else cap
    counted = queryset.order_by()[: cap + 1].count()
    return QueueCount(min(counted, cap), counted > cap)


@dataclass(frozen=True)
class Queue:
    """One tab of the moderation page: which rows it lists, in which order, and its count.

    ``rows`` lists comments (or, with ``of_entries``, moderation log entries; with
    ``of_appeals``, appeals) in the queue's order, which ``descending`` says; the cursor
    is the row's id.
    """

    key: str
    label: str
    rows: Callable[[], QuerySet]
    count_rows: Callable[[], QuerySet]
    empty: str
    descending: bool = False
    of_entries: bool = False
    of_appeals: bool = False
    help_text: str = ""

    def count(self) -> QueueCount:
        return capped_count(self.count_rows())

    def page(self, *, after: int | None = None, at: int | None = None, limit: int | None = None):
        """The ``limit`` (``PAGE_SIZE``) rows after the cursor ``after`` (or from ``at``,
        included)."""
        limit = PAGE_SIZE if limit is None else limit
        rows = self.rows()
        op = "lt" if self.descending else "gt"
        if after is not None:
            rows = rows.filter(**{f"pk__{op}": after})
        elif at is not None:
            rows = rows.filter(**{f"pk__{op}e": at})
        rows = list(rows.order_by("-pk" if self.descending else "pk")[: limit + 1])
        more = len(rows) > limit
        rows = rows[:limit]
        if self.of_entries:
            items = [QueueItem(entry.comment, entry.pk, entry) for entry in rows]
        elif self.of_appeals:
            items = [QueueItem(appeal.comment, appeal.pk, appeal=appeal) for appeal in rows]
        else:
            items = [QueueItem(comment, comment.pk) for comment in rows]
        return QueuePage(items, items[-1].cursor if more and items else None)


def _pending():
    return _comments().filter(status=Comment.Status.PENDING)


def _reported():
    # Ids from the reports, not a join: a comment reported twice is listed once.
    return _comments().filter(pk__in=open_reports().values("comment"))


def _recent_entries():
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    return ModerationLogEntry.objects.filter(
        comment__isnull=False,
        created_at__gte=since,
        action__in=(
            ModerationLogEntry.Action.APPROVE,
            ModerationLogEntry.Action.REMOVE,
            ModerationLogEntry.Action.SPAM,
            ModerationLogEntry.Action.UNDO,
        ),
    )


def _recent():
    return (
        _recent_entries()
        .select_related(
            "moderator", "comment__article", "comment__author", "comment__parent__author"
        )
        .defer(*(f"comment__{name}" for name in QUEUE_DEFERRED), "moderator__password")
        .prefetch_related(
            Prefetch(
                "comment__reports",
                queryset=open_reports().select_related("reporter").order_by("created_at"),
                to_attr="open_reports",
            )
        )
    )


def _appeals():
    return (
        Appeal.objects.open()
        .select_related("comment__article", "comment__author", "comment__parent__author", "author")
        .defer(
            *(f"comment__{name}" for name in QUEUE_DEFERRED),
            "comment__parent__author__password",
            "author__password",
        )
    )


# The page's tabs, in order.
QUEUES = {
    queue.key: queue
    for queue in (
        Queue(
            key="pending",
            label=_("Pending"),
            rows=_pending,
            count_rows=lambda: Comment.objects.filter(status=Comment.Status.PENDING),
            empty=_("No comment is waiting for a moderator."),
            help_text=_("Held comments, oldest first: nobody sees them until approved."),
        ),
        Queue(
            key="reported",
            label=_("Reported"),
            rows=_reported,
            count_rows=lambda: open_reports().values("comment").distinct(),
            empty=_("No comment has an open report."),
            help_text=_("Comments readers reported, oldest first, whatever their status."),
        ),
        Queue(
            key="appeals",
            label=_("Appeals"),
            rows=_appeals,
            count_rows=lambda: Appeal.objects.open(),
            empty=_("No removal is awaiting a second look."),
            of_appeals=True,
            help_text=_(
                "Authors asking for a second look at a removal, oldest first: uphold the "
                "removal or reinstate the comment; the author is told either way."
            ),
        ),
        Queue(
            key="recent",
            label=_("Recently moderated"),
            rows=_recent,
            count_rows=_recent_entries,
            empty=_("No decision in the last days."),
            descending=True,
            of_entries=True,
            help_text=_("The last decisions, newest first: each can be taken again."),
        ),
    )
}
DEFAULT_QUEUE = "pending"


def queue_counts() -> dict[str, QueueCount]:
    return {key: queue.count() for key, queue in QUEUES.items()}


@dataclass
class AuthorHistory:
    visible: int
    held: int
    removed: int
    open_reports: int
    last_removals: list[Comment]
    url: str
    # The reader's whole record (admin:articles_comment_reader).
    reader_url: str = ""
    trust: CommenterTrust | None = None
    suspension: CommenterSuspension | None = None
    warning: CommenterWarning | None = None


def author_history(comment: Comment) -> AuthorHistory | None:
    """What the comment's author has posted before and where they stand (a moderator's
    trust, a current suspension, an unread warning), in six queries; None for a comment
    with no account (imported, or its author deleted)."""
    if comment.author_id is None:
        return None
    theirs = Comment.objects.filter(author_id=comment.author_id)
    removed = Q(
        status__in=(Comment.Status.REMOVED, Comment.Status.SPAM), is_deleted_by_author=False
    )
    counts = theirs.aggregate(
        visible=Count("pk", filter=Q(status=Comment.Status.VISIBLE)),
        held=Count("pk", filter=Q(status=Comment.Status.PENDING)),
        removed=Count("pk", filter=removed),
    )
    last_removals = list(
        theirs.filter(removed)
        .select_related("article")
        .defer("body_html", "article__body", "article__body_html", "article__standfirst")
        .order_by("-created_at", "-pk")[:LAST_REMOVALS]
    )
    reports = open_reports().filter(comment__author_id=comment.author_id).count()
    url = reverse("admin:articles_comment_changelist") + f"?author={comment.author_id}"
    user_id = comment.author_id
    return AuthorHistory(
        visible=counts["visible"],
        held=counts["held"],
        removed=counts["removed"],
        open_reports=reports,
        last_removals=last_removals,
        url=url,
        reader_url=reverse("admin:articles_comment_reader", args=[user_id]),
        trust=CommenterTrust.objects.filter(user_id=user_id).first(),
        suspension=CommenterSuspension.objects.filter(user_id=user_id, until__gt=timezone.now())
        .order_by("-until")
        .first(),
        warning=CommenterWarning.objects.filter(user_id=user_id, acknowledged_at__isnull=True)
        .order_by("created_at", "pk")
        .first(),
    )


@dataclass
class ThreadContext:
    # The comment a reply sits under (None for a top-level comment).
    parent: Comment | None
    before: list[Comment]
    after: list[Comment]


def thread_context(comment: Comment) -> ThreadContext:
    """The thread around ``comment``: its parent and the replies just before and after it
    (for a top-level comment, its first replies), whatever their status."""
    replies = Comment.objects.select_related("author").defer("body", "author__password")
    if comment.parent_id is None:
        after = list(replies.filter(parent_id=comment.pk).order_by("pk")[:THREAD_CONTEXT])
        return ThreadContext(parent=None, before=[], after=after)
    siblings = replies.filter(parent_id=comment.parent_id)
    before = list(siblings.filter(pk__lt=comment.pk).order_by("-pk")[:THREAD_CONTEXT])[::-1]
    after = list(siblings.filter(pk__gt=comment.pk).order_by("pk")[:THREAD_CONTEXT])
    return ThreadContext(parent=comment.parent, before=before, after=after)
