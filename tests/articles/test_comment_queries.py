"""The article page costs the same number of queries with 2 comments or 200."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from articles.models import Comment, CommentReport
from tests.factories import ArticleFactory, CommentFactory, UserFactory, VerifiedUserFactory
from tests.helpers import warm_remembered

pytestmark = pytest.mark.django_db


def fill(article, count: int, viewer):
    """``count`` comments in every shape a page shows: threads, replies to replies, the
    viewer's own (editable, held), removed with replies, reported, by deleted users."""
    authors = [UserFactory() for _ in range(3)]
    made = 0
    while made < count:
        top = CommentFactory(article=article, author=authors[made % 3])
        reply = CommentFactory(article=article, parent=top, author=viewer)
        made += 2
        if made % 10 == 0:
            CommentFactory(article=article, parent=top, replied_to=reply, author=None)
            CommentFactory(article=article, author=viewer, status=Comment.Status.PENDING)
            Comment.objects.filter(pk=top.pk).update(status=Comment.Status.REMOVED)
            CommentReport.objects.create(comment=reply, reporter=authors[0], reason="spam")
            made += 2


def queries_for(client, url) -> int:
    warm_remembered()
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "logged-in"])
def test_article_page_costs_the_same_with_2_or_200_comments(client, settings, logged_in):
    settings.NEWSROOM_COMMENTS_PAGE_SIZE = 500  # every thread on one page
    viewer = VerifiedUserFactory(username="viewer")
    small, large = ArticleFactory(), ArticleFactory()
    fill(small, 2, viewer)
    fill(large, 200, viewer)
    assert Comment.objects.filter(article=large).count() >= 200
    if logged_in:
        client.force_login(viewer)
        client.get(small.get_absolute_url())  # the session and user, once

    small_count = queries_for(client, small.get_absolute_url())
    large_count = queries_for(client, large.get_absolute_url())

    assert large_count == small_count
    # Anonymous: one more than before the page cache, asking when the next scheduled story
    # appears (a page must not be kept past it); asked only when a page is rendered anew.
    assert small_count <= (7 if not logged_in else 11)
