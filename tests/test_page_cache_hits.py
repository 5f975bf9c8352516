"""What a page-cache hit costs: one Redis round trip, no query, no session, no URL resolved,
headers identical to the page it was stored from, and never a page after its invalidation.
"""

import gzip as gzip_module
from datetime import timedelta

from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pytest
import redis
import time_machine
from pytest_django.asserts import assertContains

from articles.services import article_publish, article_update
from newsroom import page_cache
from tests.factories import ArticleFactory, staff_user
from tests.helpers import redis_url

pytestmark = pytest.mark.django_db

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.NEWSROOM_PAGE_CACHE = True
    page_cache._invalidate_everything_when_back = False
    page_cache._known_tags.clear()
    page_cache._not_reader_pages.clear()
    yield
    page_cache._known_tags.clear()
    page_cache._not_reader_pages.clear()


@pytest.fixture
def real_redis(settings):
    """The pages cache on Redis (this worker's database for pages, as tests/test_page_cache.py)."""
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "newsroom.cache.RedisCache",
            "LOCATION": redis_url("pages"),
            "KEY_PREFIX": "pages",
        },
    }
    caches["pages"].clear()
    yield
    caches["pages"].clear()


@pytest.fixture
def redis_commands(monkeypatch):
    """Every command sent to Redis, by name (a pipeline would show as one)."""
    sent = []
    original = redis.Redis.execute_command

    def execute_command(self, *args, **options):
        sent.append(args[0])
        return original(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", execute_command)
    return sent


@pytest.fixture
def story(db, author):
    return ArticleFactory(
        headline="Harbour bridge reopens",
        slug="harbour-bridge-reopens",
        authors=[author],
        tags=["Transport"],
    )


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def stored(client, url, **headers):
    """Request ``url`` until it is stored (pages made within a second of a change are not),
    and return the response that stored it."""
    with time_machine.travel(timezone.now() + timedelta(seconds=2)):
        return client.get(url, headers=headers)


def _text(response) -> str:
    content = response.content
    if response.get("Content-Encoding") == "gzip":
        content = gzip_module.decompress(content)
    return content.decode()


def reader_urls(story) -> list[str]:
    return [
        story.get_absolute_url(),
        reverse("articles:home"),
        reverse("articles:tag", kwargs={"slug": story.tags.get().slug}),
        reverse("articles:search") + "?q=bridge",
    ]


@pytest.mark.parametrize("page", range(4), ids=["article", "home", "tag", "search"])
def test_a_hit_is_one_redis_round_trip_and_no_query(
    client, story, page, real_redis, redis_commands, django_assert_num_queries
):
    url = reader_urls(story)[page]
    first = stored(client, url)
    redis_commands.clear()

    later = time_machine.travel(timezone.now() + timedelta(seconds=3))
    with later, django_assert_num_queries(0):
        hit = client.get(url)

    assert redis_commands == ["MGET"]
    assert hit.content == first.content
    assert not hit.cookies
    assert "Set-Cookie" not in hit


def test_a_copy_stored_by_another_process_costs_one_more_round_trip_once(
    client, story, real_redis, redis_commands
):
    url = story.get_absolute_url()
    stored(client, url)
    page_cache._known_tags.clear()  # what another gunicorn worker knows of this page
    redis_commands.clear()
    with time_machine.travel(timezone.now() + timedelta(seconds=3)):
        assertContains(client.get(url), "Harbour bridge reopens")
        assert redis_commands == ["MGET", "MGET"]
        redis_commands.clear()
        assertContains(client.get(url), "Harbour bridge reopens")
        assert redis_commands == ["MGET"]


def test_a_hit_runs_no_session_authentication_or_url_resolver(client, story, monkeypatch):
    url = story.get_absolute_url()
    stored(client, url)

    def refuse(*args, **kwargs):
        raise AssertionError("run on a cache hit")

    monkeypatch.setattr("django.urls.resolvers.URLResolver.resolve", refuse)
    monkeypatch.setattr("django.contrib.sessions.middleware.SessionMiddleware.__call__", refuse)
    monkeypatch.setattr("django.contrib.auth.middleware.AuthenticationMiddleware.__call__", refuse)
    with time_machine.travel(timezone.now() + timedelta(seconds=3)):
        hit = client.get(url)
    assertContains(hit, "Harbour bridge reopens")


@pytest.mark.parametrize("encoding", [{}, GZIP], ids=["plain", "gzip"])
def test_a_hit_has_the_headers_of_the_page_it_was_stored_from(client, story, encoding):
    url = story.get_absolute_url()
    miss = stored(client, url, **encoding)
    with time_machine.travel(timezone.now() + timedelta(seconds=3)):
        hit = client.get(url, headers=encoding)

    # The gzip of each is salted (GZipMiddleware's BREACH mitigation): lengths differ.
    assert {**hit.headers, "Content-Length": ""} == {**miss.headers, "Content-Length": ""}
    assert int(hit["Content-Length"]) == len(hit.content)
    assert _text(hit) == _text(miss)
    # What the middleware below the page cache add is in the stored copy.
    assert hit["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in hit and "Permissions-Policy" in hit
    if encoding:
        assert hit["Content-Encoding"] == "gzip"


def test_a_page_is_never_served_after_its_invalidation(client, story, committed, real_redis):
    editor = staff_user("edith", "Editor")
    url = story.get_absolute_url()
    stored(client, url)
    with time_machine.travel(timezone.now() + timedelta(seconds=3)):
        assertContains(client.get(url), "Harbour bridge reopens")  # a hit
        with committed():
            article_update(article=story, by=editor, headline="Bridge stays shut")
        assertContains(client.get(url), "Bridge stays shut")
        assert "Bridge stays shut" in _text(client.get(url, headers=GZIP))


def test_a_page_whose_tags_changed_is_checked_against_its_new_tags(client, story):
    """This process remembers the tags a page had; the copy says which it has now."""
    url = story.get_absolute_url()
    stored(client, url)
    key = next(iter(page_cache._known_tags))
    page_cache._known_tags[key] = frozenset({page_cache.EVERYTHING, "tag-999"})
    page_cache.invalidate(f"article-{story.pk}")
    with (
        time_machine.travel(timezone.now() + timedelta(seconds=3)),
        CaptureQueriesContext(connection) as queries,
    ):
        assertContains(client.get(url), "Harbour bridge reopens")
    assert len(queries) > 0  # rendered again, not served from the stale copy
    assert page_cache._known_tags[key] >= {f"article-{story.pk}"}


def test_an_address_that_is_no_reader_page_is_asked_of_the_cache_once(client, monkeypatch):
    asked = []
    original = page_cache._lookup
    monkeypatch.setattr(page_cache, "_lookup", lambda *a: asked.append(1) or original(*a))
    for _ in range(3):
        assert client.get(reverse("robots")).status_code == 200
    assert asked == [1]


def test_an_article_that_answered_404_before_it_was_published_is_kept_once_it_is(
    client, author, committed, django_assert_num_queries
):
    draft = ArticleFactory(draft=True, headline="Ferry strike ends", authors=[author])
    url = draft.get_absolute_url()
    assert client.get(url).status_code == 404
    with committed():
        article_publish(article=draft, by=staff_user("edith", "Editor"))

    first = stored(client, url)
    later = time_machine.travel(timezone.now() + timedelta(seconds=3))
    with later, django_assert_num_queries(0):
        hit = client.get(url)
    assert hit.content == first.content
    assertContains(hit, "Ferry strike ends")


def test_a_logged_in_reader_is_never_answered_from_the_cache(client, story, reader):
    url = story.get_absolute_url()
    stored(client, url)
    client.force_login(reader)
    with time_machine.travel(timezone.now() + timedelta(seconds=3)):
        mine = client.get(url)
    assert set(mine["Cache-Control"].split(", ")) == {"no-store", "private"}
    assert "Cache-Tag" not in mine


@pytest.mark.parametrize("encoding", [{}, GZIP], ids=["plain", "gzip"])
def test_a_hit_answers_conditional_requests_with_304(client, story, encoding):
    url = story.get_absolute_url()
    miss = stored(client, url, **encoding)
    with time_machine.travel(timezone.now() + timedelta(seconds=3)):
        etag = client.get(url, headers={"If-None-Match": miss["ETag"], **encoding})
        since = client.get(url, headers={"If-Modified-Since": miss["Last-Modified"], **encoding})
    assert etag.status_code == since.status_code == 304
