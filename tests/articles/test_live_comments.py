"""The live "new comments" notice's endpoint and the page's hook for it (issue 12, "Live")."""

import re
from datetime import timedelta
from html import unescape

from django.urls import reverse
from django.utils import timezone

import pytest

from articles.models import Comment
from articles.services import comment_create, comment_moderate
from newsroom import page_cache
from tests.factories import ArticleFactory, CommentFactory
from tests.helpers import warm_remembered

pytestmark = pytest.mark.django_db


def live_url(article, **params) -> str:
    url = reverse("articles:comment-live", kwargs={"slug": article.slug})
    if params:
        from urllib.parse import urlencode

        url += "?" + urlencode(params)
    return url


def hook(client, article) -> dict[str, str] | None:
    """The data attributes of the page's live-notice box, or None when there is none."""
    html = client.get(article.get_absolute_url()).content.decode()
    match = re.search(r"<div class=\"live-comments\"([^>]*)>", html)
    if match is None:
        return None
    return {k: unescape(v) for k, v in re.findall(r'data-([a-z-]+)="([^"]*)"', match.group(1))}


def since_on_page(client, article) -> str:
    return hook(client, article)["since"]


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_counts_the_visible_comments_posted_after_the_page_was_made(client, article, stranger):
    CommentFactory.create_batch(2, article=article)
    since = since_on_page(client, article)
    assert client.get(live_url(article, since=since)).json()["count"] == 0

    newest = CommentFactory(article=article, author=stranger)
    CommentFactory(article=article, status=Comment.Status.PENDING)
    CommentFactory(article=article, status=Comment.Status.REMOVED)
    CommentFactory(article=ArticleFactory())  # another story's

    data = client.get(live_url(article, since=since)).json()
    assert data == {"count": 1, "total": 3, "url": f"/comments/{newest.pk}/"}
    # The page's "N comments" is the same total.
    assert "3 comments" in client.get(article.get_absolute_url()).content.decode()


def test_since_may_be_a_comment_id(client, article):
    first, _second, third = CommentFactory.create_batch(3, article=article)
    data = client.get(live_url(article, since=first.pk)).json()
    assert data["count"] == 2
    assert data["url"] == third.get_absolute_url()


def test_without_since_it_gives_the_total_and_the_comments_address(client, article):
    CommentFactory.create_batch(2, article=article)
    data = client.get(live_url(article)).json()
    assert data == {"count": 0, "total": 2, "url": f"{article.get_absolute_url()}#comments"}


def test_show_keeps_the_readers_order(client, article):
    comment = CommentFactory(article=article)
    data = client.get(live_url(article, since=0, comments="newest")).json()
    assert data["url"] == f"/comments/{comment.pk}/?comments=newest"
    # The permalink then finds the page holding it, newest first, at its anchor.
    response = client.get(data["url"])
    assert response.status_code == 302
    assert response["Location"].endswith(f"?comments=newest#comment-{comment.pk}")


def test_an_unencoded_plus_in_the_time_is_understood(client, article):
    at = timezone.now() - timedelta(minutes=5)
    CommentFactory(article=article)
    url = live_url(article) + "?since=" + at.isoformat()  # "+00:00" arrives as " 00:00"
    assert client.get(url).json()["count"] == 1


def test_a_mistyped_since_is_a_clear_400(client, article):
    response = client.get(live_url(article, since="yesterday"))
    assert response.status_code == 400
    assert "must be a comment number or a date and time" in response.json()["error"]


@pytest.mark.parametrize("kind", ["draft", "scheduled", "unknown"])
def test_only_published_stories_answer(client, kind):
    if kind == "unknown":
        url = reverse("articles:comment-live", kwargs={"slug": "no-such-story"})
    else:
        later = timezone.now() + timedelta(days=1)
        story = (
            ArticleFactory(draft=True) if kind == "draft" else ArticleFactory(published_at=later)
        )
        CommentFactory(article=story)
        url = live_url(story, since=0)
    assert client.get(url).status_code == 404


def test_only_get_and_head(client, article):
    assert client.post(live_url(article)).status_code == 405
    assert client.head(live_url(article)).status_code == 200


def test_one_query(client, article, django_assert_num_queries):
    CommentFactory.create_batch(3, article=article)
    with django_assert_num_queries(1):
        assert client.get(live_url(article, since=0)).json()["count"] == 3


def test_is_public_for_a_short_while_with_an_etag_and_no_cookie(client, article):
    response = client.get(live_url(article, since=0))
    cache_control = response["Cache-Control"]
    assert "public" in cache_control and "max-age=15" in cache_control
    assert response["Cache-Tag"] == f"article-{article.pk}"
    assert response["Content-Type"] == "application/json"
    assert not response.cookies
    # No session was read: the answer does not vary by cookie.
    assert "Cookie" not in response.get("Vary", "")
    assert response["ETag"]
    again = client.get(live_url(article, since=0), headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304


def test_a_logged_in_reader_gets_a_private_answer(client, article, commenter):
    client.force_login(commenter)
    response = client.get(live_url(article, since=0))
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "Cache-Tag" not in response


def test_served_from_the_page_cache_until_the_comments_change(
    client, article, commenter, moderator, settings, committed, django_assert_num_queries
):
    settings.NEWSROOM_PAGE_CACHE = True
    settings.NEWSROOM_BASE_URL = "https://news.example.org"
    page_cache._invalidate_everything_when_back = False
    CommentFactory(article=article)
    since = since_on_page(client, article)
    url = live_url(article, since=since)
    assert client.get(url).json()["count"] == 0

    with django_assert_num_queries(0):
        assert client.get(url).json()["count"] == 0

    with committed():
        posted = comment_create(article=article, author=commenter, body="New here.")
    assert posted.status == Comment.Status.VISIBLE
    assert client.get(url).json()["count"] == 1

    with committed():
        comment_moderate(comments=[posted], by=moderator, action="remove", reason="off_topic")
    assert client.get(url).json()["count"] == 0


def test_the_page_says_where_to_count_from_and_loads_the_script(client, article):
    assert hook(client, article)["since"] == "0"  # no comments yet: every one is new
    CommentFactory(article=article)
    newest = CommentFactory(article=article)
    CommentFactory(article=article, status=Comment.Status.PENDING)  # not shown to readers

    data = hook(client, article)
    newest.refresh_from_db()
    assert data["since"] == timezone.localtime(newest.created_at).isoformat()
    assert data["url"] == live_url(article)
    assert data["many"] == "%(count)s new comments:"
    assert data["show"] == "show"
    page = client.get(article.get_absolute_url()).content.decode()
    assert "js/live-comments" in page
    # In the comment section, polite, and empty: without the script nothing shows.
    assert re.search(
        r'<div class="live-comments" role="status" aria-live="polite"[^>]*></div>', page
    )
    section = page.split('id="comments"', 1)[1].split("</section>", 1)[0]
    assert "data-live-comments" in section


def test_the_hook_keeps_the_readers_order(client, article):
    CommentFactory(article=article)
    html = client.get(article.get_absolute_url() + "?comments=newest").content.decode()
    assert f'data-url="{live_url(article)}?comments=newest"' in html


def test_closed_comments_have_no_live_notice(client, article):
    CommentFactory(article=article)
    article.is_commenting_open = False
    article.save()
    assert hook(client, article) is None


def test_the_article_page_costs_no_query_more(client, article, django_assert_max_num_queries):
    CommentFactory.create_batch(5, article=article)
    # Article (with its newest comment's time), bylines, tags, comments, related stories,
    # and when the next scheduled story appears: as before the notice.
    warm_remembered()
    with django_assert_max_num_queries(6):
        client.get(article.get_absolute_url())
