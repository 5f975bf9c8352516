"""The fragments of the article page (newsroom/fragments.py): kept between renders for the
pages the page cache does not serve, stale the moment what they show changes.

The page cache's invalidation tests run here again with the page cache off and the
fragments on: every change must show on the next request whatever keeps the page's parts.
"""

import logging
from datetime import timedelta

from django.utils import timezone

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Comment
from articles.services import comment_report
from articles.services.engagement import comment_react, commenter_ignore
from newsroom import fragments, page_cache
from newsroom.fragments import Fragment, FragmentSet
from tests import test_page_cache as page_cache_tests
from tests.factories import ArticleFactory, CommentFactory, VerifiedUserFactory
from tests.helpers import warm_remembered

pytestmark = pytest.mark.django_db

# The fixtures those tests ask for.
committed = page_cache_tests.committed
editor = page_cache_tests.editor
story = page_cache_tests.story


@pytest.fixture(autouse=True)
def fragments_on(settings):
    settings.NEWSROOM_PAGE_CACHE = False
    settings.NEWSROOM_FRAGMENT_CACHE = True
    # A fragment rendered just after a write is kept (no read replica lags behind here).
    settings.NEWSROOM_REPLICA_LAG_SECONDS = 0
    page_cache._invalidate_everything_when_back = False
    fragments._known_tags.clear()
    yield
    fragments._known_tags.clear()


# Every change the page cache must show, shown by pages put together from fragments.
test_publishing_shows_on_every_list = page_cache_tests.test_publishing_shows_on_every_list
test_editing_shows_on_the_article_and_its_lists = (
    page_cache_tests.test_editing_shows_on_the_article_and_its_lists
)
test_unpublishing_takes_it_off_every_page = (
    page_cache_tests.test_unpublishing_takes_it_off_every_page
)
test_a_scheduled_story_appears_at_its_time_without_any_write = (
    page_cache_tests.test_a_scheduled_story_appears_at_its_time_without_any_write
)
test_a_comment_shows_on_the_article_and_in_the_card_counts = (
    page_cache_tests.test_a_comment_shows_on_the_article_and_in_the_card_counts
)
test_a_correction_shows_on_the_article_and_the_corrections_page = (
    page_cache_tests.test_a_correction_shows_on_the_article_and_the_corrections_page
)
test_an_author_edit_shows_in_every_byline = (
    page_cache_tests.test_an_author_edit_shows_in_every_byline
)
test_a_tag_edit_shows_on_the_article_and_the_tag_page = (
    page_cache_tests.test_a_tag_edit_shows_on_the_article_and_the_tag_page
)
test_a_commenter_renamed_shows_under_their_comments = (
    page_cache_tests.test_a_commenter_renamed_shows_under_their_comments
)
test_a_deleted_account_is_no_longer_named_under_its_comments = (
    page_cache_tests.test_a_deleted_account_is_no_longer_named_under_its_comments
)
test_a_staff_flag_given_in_the_admin_shows_the_badge = (
    page_cache_tests.test_a_staff_flag_given_in_the_admin_shows_the_badge
)


def test_a_second_render_reads_the_article_row_and_prints_the_same_page(
    client, story, django_assert_max_num_queries
):
    CommentFactory.create_batch(3, article=story)
    url = story.get_absolute_url()
    first = client.get(url)
    warm_remembered()

    with django_assert_max_num_queries(1):  # the article's row: its fragments are kept
        second = client.get(url)

    assert second.content == first.content
    assertContains(second, "3 comments")
    assertContains(second, "You need to login to leave a comment.")


def test_a_story_scheduled_to_appear_shows_in_related_stories_at_its_time(
    committed, client, story, editor
):
    import time_machine

    from articles.services import article_publish

    at = timezone.now() + timedelta(hours=1)
    soon = ArticleFactory(draft=True, headline="Tunnel opens too", tags=["Transport"])
    with committed():
        article_publish(article=soon, by=editor, published_at=at)
    assertNotContains(client.get(story.get_absolute_url()), "Tunnel opens too")

    with time_machine.travel(at + timedelta(seconds=1)):
        assertContains(client.get(story.get_absolute_url()), "Tunnel opens too")


def test_a_reaction_shows_on_the_next_render(committed, client, story, settings):
    comment = CommentFactory(article=story, body="Good news for the ferry.")
    client.get(story.get_absolute_url())
    reader = VerifiedUserFactory()

    with committed():
        comment_react(comment=comment, by=reader, on=True)

    assertContains(client.get(story.get_absolute_url()), 'class="reaction__count">1<')


# A logged-in reader's page: everyone's rows, the reader's own facts.


@pytest.fixture
def conversation(story):
    """Three commenters under the story; an anonymous reader has rendered its page."""
    alice, bob = VerifiedUserFactory(username="alice"), VerifiedUserFactory(username="bob")
    alices = CommentFactory(article=story, author=alice, body="Alice says the bridge is late.")
    bobs = CommentFactory(article=story, author=bob, body="Bob says it is early.")
    return {"alice": alice, "bob": bob, "alices": alices, "bobs": bobs}


def test_a_logged_in_reader_gets_their_own_links_on_the_shared_rows(
    committed, client, story, conversation, django_assert_max_num_queries, settings
):
    settings.NEWSROOM_BASE_URL = "https://news.example.org"  # the report digest's links
    alice, bobs = conversation["alice"], conversation["bobs"]
    other = VerifiedUserFactory(username="carol")
    with committed():
        comment_report(comment=bobs, by=alice, reason="spam")
        comment_react(comment=conversation["alices"], by=other, on=True)
    client.get(story.get_absolute_url())  # an anonymous reader keeps everyone's rows
    client.force_login(alice)
    client.get(story.get_absolute_url())
    warm_remembered()

    # The article, the session, the reader, their addresses, their standing, their facts.
    with django_assert_max_num_queries(6):
        page = client.get(story.get_absolute_url())

    entries = {thread.top.comment.pk: thread for thread in page.context["comment_page"].threads}
    mine, bobs_entry = entries[conversation["alices"].pk], entries[bobs.pk]
    assert mine.top.edit_url and mine.top.delete_url and not mine.top.report_url
    assert bobs_entry.top.is_reported and not bobs_entry.top.report_url
    assertContains(page, "Alice says the bridge is late.")
    assertContains(page, ">Reported<")


def test_a_reader_sees_their_reaction_and_whom_they_ignore(committed, client, story, conversation):
    alice, bob = conversation["alice"], conversation["bob"]
    with committed():
        comment_react(comment=conversation["bobs"], by=alice, on=True)
        commenter_ignore(by=alice, commenter=bob)
    client.get(story.get_absolute_url())
    client.force_login(alice)

    page = client.get(story.get_absolute_url())

    assertContains(page, 'aria-pressed="true"')
    assertContains(page, '<details class="comment-ignored">')


def test_a_reader_with_a_held_comment_sees_it_where_nobody_else_does(client, story, conversation):
    alice = conversation["alice"]
    client.get(story.get_absolute_url())
    # Held: nothing anonymous readers see changed, so nothing was made stale.
    CommentFactory(
        article=story, author=alice, status=Comment.Status.PENDING, body="Awaiting review."
    )

    assertNotContains(client.get(story.get_absolute_url()), "Awaiting review.")
    client.force_login(alice)
    assertContains(client.get(story.get_absolute_url()), "Awaiting review.")
    client.force_login(conversation["bob"])
    assertNotContains(client.get(story.get_absolute_url()), "Awaiting review.")


def test_the_badge_of_a_bylined_author_comes_with_the_readers_facts(client, story, author):
    user = VerifiedUserFactory(username="mara")
    author.user = user
    author.save()
    CommentFactory(article=story, author=user, body="The writer answers.")
    client.get(story.get_absolute_url())
    client.force_login(VerifiedUserFactory())

    badge = '<span class="comment__badge">Author</span>'
    assertContains(client.get(story.get_absolute_url()), badge)


# The mechanism.


def test_a_fragment_made_while_its_tag_changed_is_not_kept():
    first = FragmentSet({"x": Fragment("x", ("article-1",))}).load()
    page_cache.invalidate("article-1")  # a write lands while the fragment is rendered
    first.value("x", lambda: "old")
    first.save()

    again = FragmentSet({"x": Fragment("x", ("article-1",))}).load()
    assert again.missing == {"x"}


def test_a_fragment_is_kept_until_its_tag_changes_and_no_later_than_it_expires():
    import time_machine

    key = Fragment("x", ("article-1",), expires_at=lambda: timezone.now().timestamp() + 60)
    with time_machine.travel(timezone.now() - timedelta(seconds=5)):
        first = FragmentSet({"x": key}).load()
        first.value("x", lambda: "kept")
        first.save()
    assert FragmentSet({"x": key}).load().value("x", lambda: "new") == "kept"

    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert FragmentSet({"x": key}).load().missing == {"x"}
    page_cache.invalidate("article-1")
    assert FragmentSet({"x": key}).load().missing == {"x"}


def test_a_fragment_another_version_of_the_code_made_is_not_printed(monkeypatch):
    current = fragments.code_version()
    monkeypatch.setattr(fragments, "code_version", lambda: "an-older-deploy")
    old = FragmentSet({"x": Fragment("x", ())}).load()
    old.value("x", lambda: "made by the old templates")
    old.save()
    assert FragmentSet({"x": Fragment("x", ())}).load().is_stored("x")

    monkeypatch.setattr(fragments, "code_version", lambda: current)
    assert FragmentSet({"x": Fragment("x", ())}).load().missing == {"x"}


def test_the_code_version_follows_the_templates(tmp_path, settings):
    (tmp_path / "templates").mkdir()
    page = tmp_path / "templates" / "page.html"
    page.write_text("<p>one</p>")
    settings.BASE_DIR = tmp_path
    fragments.code_version.cache_clear()
    try:
        before = fragments.code_version()
        page.write_text("<p>two</p>")
        fragments.code_version.cache_clear()
        assert fragments.code_version() != before
    finally:
        fragments.code_version.cache_clear()


def test_the_cache_going_away_renders_every_fragment(client, story, settings, caplog):
    dead = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
    settings.CACHES = {**settings.CACHES, "pages": dead}
    CommentFactory(article=story, body="Still readable.")

    with caplog.at_level(logging.WARNING, logger="newsroom.page_cache"):
        for _ in range(2):
            page = client.get(story.get_absolute_url())
            assert page.status_code == 200
            assertContains(page, "Still readable.")
    assert len([r for r in caplog.records if r.name == "newsroom.page_cache"]) == 1


def test_turned_off_every_render_reads_everything_again(client, story, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.NEWSROOM_FRAGMENT_CACHE = False
    CommentFactory.create_batch(2, article=story)
    warm_remembered()
    with CaptureQueriesContext(connection) as first:
        client.get(story.get_absolute_url())
    with CaptureQueriesContext(connection) as second:
        client.get(story.get_absolute_url())

    assert len(second) == len(first)
    assert any("articles_byline" in query["sql"] for query in second.captured_queries)
    assert FragmentSet({"x": Fragment("x", ())}).load().missing == {"x"}


@pytest.mark.parametrize("reader", ["anonymous", "logged-in"])
def test_a_page_from_fragments_costs_the_same_from_0_to_60_comments(client, story, reader):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for comments in (0, 60):
        CommentFactory.create_batch(comments, article=story)
        page_cache.invalidate(f"article-{story.pk}")  # as the comments' services do
        client.logout()
        client.get(story.get_absolute_url())  # an anonymous reader renders the fragments
        if reader == "logged-in":
            client.force_login(VerifiedUserFactory())
            client.get(story.get_absolute_url())
        warm_remembered()
        with CaptureQueriesContext(connection) as queries:
            client.get(story.get_absolute_url())
        counts.append(len(queries))

    assert counts[0] == counts[1] <= (1 if reader == "anonymous" else 6)


@pytest.mark.parametrize("reader", ["anonymous", "logged-in"])
def test_a_live_blog_costs_at_most_10_queries_cold_and_fewer_from_its_fragments(client, reader):
    from articles.models import Article
    from tests.articles.test_live_blogs import post
    from tests.articles.test_query_counts import queries_for

    live_blog = ArticleFactory(kind=Article.Kind.LIVE)
    for n in range(12):
        post(live_blog, f"<p>Update {n}.</p>", headline=f"Update {n}")
    CommentFactory.create_batch(5, article=live_blog)
    if reader == "logged-in":
        client.force_login(VerifiedUserFactory())

    cold = queries_for(client, live_blog.get_absolute_url())
    client.logout()
    client.get(live_blog.get_absolute_url())  # an anonymous reader keeps everyone's rows
    if reader == "logged-in":
        client.force_login(VerifiedUserFactory())
    warm = queries_for(client, live_blog.get_absolute_url())

    assert cold <= 10
    assert warm <= (2 if reader == "anonymous" else 7)


@pytest.mark.parametrize("reader", ["anonymous", "logged-in"])
def test_a_page_from_fragments_is_the_page_rendered_whole(
    committed, client, story, conversation, settings, reader
):
    import re

    settings.NEWSROOM_BASE_URL = "https://news.example.org"
    alice, bob = conversation["alice"], conversation["bob"]
    reply = CommentFactory(article=story, parent=conversation["bobs"], author=alice, body="No.")
    with committed():
        comment_report(comment=conversation["bobs"], by=alice, reason="spam")
        comment_react(comment=reply, by=bob, on=True)
        commenter_ignore(by=alice, commenter=VerifiedUserFactory(username="troll"))
    page_cache.invalidate(f"article-{story.pk}")

    def page() -> str:
        html = client.get(story.get_absolute_url()).content.decode()
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)

    settings.NEWSROOM_FRAGMENT_CACHE = False
    if reader == "logged-in":
        client.force_login(alice)
    whole = page()
    settings.NEWSROOM_FRAGMENT_CACHE = True
    client.logout()
    page()  # an anonymous reader keeps everyone's rows and heads
    if reader == "logged-in":
        client.force_login(alice)
    page()
    assert page() == whole
