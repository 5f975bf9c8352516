"""Editors' picks: moderators feature comments (logged), shown above the thread (up to
NEWSROOM_FEATURED_COMMENTS, newest pick first) and marked in it; and the article page
costs the same queries with picks, reactions and ignored commenters as without."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Comment, IgnoredCommenter, ModerationLogEntry, Reaction
from articles.services import comment_feature
from newsroom import page_cache
from tests.factories import ArticleFactory, CommentFactory, UserFactory, VerifiedUserFactory
from tests.helpers import warm_remembered

pytestmark = pytest.mark.django_db

PICKS_HEADING = '<h3 id="comment-picks-heading" class="comment-picks__heading">Editors\' picks</h3>'
MARK = '<span class="comment__pick-label">Editors\' pick</span>'


@pytest.fixture
def comment(article, stranger):
    return CommentFactory(article=article, author=stranger, body="A comment worth reading")


def feature_url(comment, query: str = "") -> str:
    return reverse("articles:comment-feature", kwargs={"pk": comment.pk}) + query


def test_a_moderator_features_a_comment_from_the_page(client, article, comment, moderator):
    client.force_login(moderator)
    page = client.get(article.get_absolute_url(), {"comments": "newest"})
    assertContains(page, f'action="{feature_url(comment, "?comments=newest")}"')
    assertNotContains(page, PICKS_HEADING, html=True)

    response = client.post(feature_url(comment, "?comments=newest"), {"featured": "1"})

    assert response["Location"] == (
        f"{article.get_absolute_url()}?comments=newest#comment-{comment.pk}"
    )
    comment.refresh_from_db()
    assert comment.featured_by == moderator
    entry = ModerationLogEntry.objects.get(action=ModerationLogEntry.Action.FEATURE)
    assert (entry.moderator, entry.comment) == (moderator, comment)
    page = client.get(response["Location"])
    assertContains(page, "The comment is now an editors&#x27; pick.")
    assertContains(page, PICKS_HEADING, html=True)
    assertContains(page, MARK, html=True)
    assertContains(page, f'<a href="#comment-{comment.pk}">Read it in the thread</a>', html=True)
    assertContains(
        page,
        '<button type="submit" class="link-button">Unfeature'
        '<span class="visually-hidden"> (stranger)</span></button>',
        html=True,
    )

    client.post(feature_url(comment), {"featured": "0"})

    comment.refresh_from_db()
    assert comment.featured_at is None
    assert ModerationLogEntry.objects.filter(action=ModerationLogEntry.Action.UNFEATURE).exists()
    assertNotContains(client.get(article.get_absolute_url()), PICKS_HEADING, html=True)


def test_readers_see_picks_but_no_button_and_cannot_feature(
    client, article, comment, commenter, moderator
):
    comment_feature(comment=comment, by=moderator, featured=True)
    for user in (None, commenter):
        if user:
            client.force_login(user)
        page = client.get(article.get_absolute_url())
        assertContains(page, PICKS_HEADING, html=True)
        assertContains(page, MARK, html=True)
        assertNotContains(page, feature_url(comment))
    assert client.post(feature_url(comment), {"featured": "0"}).status_code == 403
    comment.refresh_from_db()
    assert comment.featured_at is not None


def test_editors_are_not_moderators_here(client, comment, editor):
    client.force_login(editor)
    assert client.post(feature_url(comment), {"featured": "1"}).status_code == 403
    assert not Comment.objects.filter(featured_at__isnull=False).exists()


def test_a_held_comment_cannot_be_featured(client, article, moderator, stranger):
    held = CommentFactory(article=article, author=stranger, status=Comment.Status.PENDING)
    client.force_login(moderator)
    assert client.post(feature_url(held), {"featured": "1"}).status_code == 403
    held.refresh_from_db()
    assert held.featured_at is None


def test_a_removed_pick_leaves_the_picks(client, article, comment, moderator):
    comment_feature(comment=comment, by=moderator, featured=True)
    Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.REMOVED)
    page = client.get(article.get_absolute_url())
    assertNotContains(page, PICKS_HEADING, html=True)
    assertNotContains(page, "A comment worth reading")
    # Still a pick in the moderators' eyes, so they can take it back.
    client.force_login(moderator)
    client.post(feature_url(comment), {"featured": "0"})
    comment.refresh_from_db()
    assert comment.featured_at is None


def test_up_to_n_picks_newest_pick_first_linking_to_their_pages(
    client, article, moderator, settings
):
    settings.NEWSROOM_FEATURED_COMMENTS = 2
    settings.NEWSROOM_COMMENTS_PAGE_SIZE = 2
    threads = [CommentFactory(article=article, body=f"Thread {n}") for n in range(4)]
    for thread in (threads[0], threads[3], threads[1]):
        comment_feature(comment=thread, by=moderator, featured=True)

    page = client.get(article.get_absolute_url()).content.decode()

    picks = page[page.index("comment-picks") : page.index("comments__list-header")]
    assert picks.index("Thread 1") < picks.index("Thread 3")
    assert "Thread 0" not in picks  # the oldest pick, beyond two
    # Thread 3 is on the second page of threads: its link is its permalink.
    permalink = reverse("articles:comment", kwargs={"pk": threads[3].pk})
    assert f'<a href="{permalink}">Read it in the thread</a>' in picks
    assert f'<a href="#comment-{threads[1].pk}">Read it in the thread</a>' in picks
    # Only page one's threads are in the thread.
    assert page.count('class="comment-thread"') == 2


def test_the_cached_anonymous_page_shows_a_new_pick(
    client, article, comment, moderator, settings, django_capture_on_commit_callbacks
):
    settings.NEWSROOM_PAGE_CACHE = True
    page_cache._invalidate_everything_when_back = False
    assertNotContains(client.get(article.get_absolute_url()), PICKS_HEADING, html=True)
    with django_capture_on_commit_callbacks(execute=True):
        comment_feature(comment=comment, by=moderator, featured=True)
    assertContains(client.get(article.get_absolute_url()), PICKS_HEADING, html=True)


def queries_for(client, url) -> int:
    warm_remembered()
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def engaged(article, count: int, reader) -> None:
    """``count`` comments with reactions (some the reader's), picks, and authors the
    reader ignores."""
    others = [VerifiedUserFactory() for _ in range(4)]
    IgnoredCommenter.objects.create(user=reader, ignored=others[0])
    moderator = UserFactory(is_superuser=True)
    for number in range(count // 4):
        top = CommentFactory(article=article, author=others[number % 4])
        for reply in range(3):
            CommentFactory(article=article, parent=top, author=others[reply])
        Reaction.objects.create(comment=top, user=reader if number % 2 else others[1])
        Comment.objects.filter(pk=top.pk).update(reaction_count=1 + number % 5)
        if number % 20 == 0:
            comment_feature(comment=top, by=moderator, featured=True)


@pytest.mark.parametrize("order", ["oldest", "best"])
@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "logged-in"])
def test_the_article_page_costs_the_same_with_0_or_200_engaged_comments(client, logged_in, order):
    reader = VerifiedUserFactory(username="reader")
    if logged_in:
        client.force_login(reader)
    counts = {}
    for comments in (0, 200):
        article = ArticleFactory(tags=["Transport"])
        engaged(article, comments, reader)
        counts[comments] = queries_for(client, f"{article.get_absolute_url()}?comments={order}")
    assert counts[0] == counts[200] <= (7 if not logged_in else 10), counts
