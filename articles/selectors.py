"""Reads that views and templates share: an article's comment threads, the page a comment
is on, and what the reader may do with each comment shown.

Nothing here writes. The queries of a page of comments are fixed in number (threads count,
threads, replies with their authors; for a logged-in reader also their verified addresses,
ban and reports), whatever the number of comments: nothing is asked per comment.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from articles.models import Article, Comment, CommentReport
from articles.permissions import ArticlePermissions, CommentPermissions

OLDEST = "oldest"
NEWEST = "newest"
# The article page's query parameters: the order a reader chose, and the page of threads.
ORDER_PARAMETER = "comments"
PAGE_PARAMETER = "cpage"


def comment_order(value: str | None) -> str:
    """The order a reader chose (``?comments=newest``): oldest first unless newest."""
    return NEWEST if value == NEWEST else OLDEST


def order_query(order: str) -> str:
    """The query string that keeps ``order`` on the comment pages' links and forms."""
    return f"?{urlencode({ORDER_PARAMETER: NEWEST})}" if order == NEWEST else ""


def article_comments_url(
    article: Article, *, order: str = OLDEST, page: int = 1, anchor: str = "comments"
) -> str:
    """The article page at its comments: one page of threads, in the reader's order."""
    params = {ORDER_PARAMETER: NEWEST} if order == NEWEST else {}
    if page > 1:
        params[PAGE_PARAMETER] = page
    query = f"?{urlencode(params)}" if params else ""
    return f"{article.get_absolute_url()}{query}#{anchor}"


def _thread_ordering(order: str) -> tuple[str, str]:
    return ("-created_at", "-pk") if order == NEWEST else ("created_at", "pk")


def comments_on_published_articles() -> QuerySet:
    """Comments under articles readers may see, with what their pages print."""
    return Comment.objects.filter(article__in=Article.objects.published()).select_related(
        "article", "author"
    )


def threads_for(article: Article, user, *, order: str = OLDEST) -> QuerySet:
    """The article's threads as ``user`` sees them, replies and authors in two more queries."""
    replies = Comment.objects.shown_to(user).select_related("author", "replied_to__author")
    threads = (
        Comment.objects.filter(article=article)
        .threads_shown_to(user)
        .select_related("author")
        .prefetch_related(Prefetch("replies", queryset=replies, to_attr="shown_replies"))
    )
    return threads.order_by(*_thread_ordering(order))


def reported_ids(user, comments) -> set[int]:
    """Which of ``comments`` the reader has reported, in one query."""
    if not user.is_authenticated or not comments:
        return set()
    return set(
        CommentReport.objects.filter(
            reporter=user, comment__in=[comment.pk for comment in comments]
        ).values_list("comment_id", flat=True)
    )


@dataclass(frozen=True)
class CommentEntry:
    """A comment as the reader sees it: what they may do with it (``permissions``), and
    whether the comment it answers is on the same page (``answers_anchor``), so its
    "in reply to" can link there."""

    comment: Comment
    permissions: CommentPermissions
    answers_anchor: bool


@dataclass(frozen=True)
class ThreadEntry:
    """A top-level comment (perhaps a placeholder) and the replies shown under it."""

    top: CommentEntry
    replies: list[CommentEntry]


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

    @property
    def is_newest_first(self) -> bool:
        return self.order == NEWEST

    @property
    def order_query(self) -> str:
        return order_query(self.order)

    @property
    def oldest_first_url(self) -> str:
        return article_comments_url(self.article, order=OLDEST)

    @property
    def newest_first_url(self) -> str:
        return article_comments_url(self.article, order=NEWEST)

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


def comment_page(article: Article, user, *, order: str = OLDEST, number=None) -> CommentPage:
    """Page ``number`` of the article's threads as ``user`` sees them (a stale or mistyped
    number shows the nearest page), each comment with its permissions."""
    paginator = Paginator(
        threads_for(article, user, order=order), settings.NEWSROOM_COMMENTS_PAGE_SIZE
    )
    page = paginator.get_page(number)
    comments = [
        comment for thread in page.object_list for comment in (thread, *thread.shown_replies)
    ]
    article_permissions = ArticlePermissions(user, article)
    reported = reported_ids(user, comments)
    on_page = {comment.pk for comment in comments}
    now = timezone.now()

    def entry(comment: Comment) -> CommentEntry:
        permissions = CommentPermissions(
            user,
            comment,
            article_permissions=article_permissions,
            reported_ids=reported,
            now=now,
        )
        # A reply to a reply since deleted or removed answers someone no longer shown.
        return CommentEntry(comment, permissions, answers_anchor=comment.replied_to_id in on_page)

    threads = [
        ThreadEntry(entry(thread), [entry(reply) for reply in thread.shown_replies])
        for thread in page.object_list
    ]
    return CommentPage(article, page, threads, order, article_permissions)


def comment_page_number(comment: Comment, user, *, order: str = OLDEST) -> int:
    """The page of the article's threads, in ``order``, that holds ``comment`` for ``user``:
    its thread's place among the threads they see (the same rule as ``threads_for``)."""
    root = comment.parent if comment.parent_id else comment
    if order == NEWEST:
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
