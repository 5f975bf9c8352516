"""The page cache: anonymous pages served whole, and stale the moment what they show changes.

Every change goes through the services, as in the site; each test fills the cache first,
changes one thing, and reads the affected pages again.
"""

import gzip as gzip_module
import logging
from datetime import timedelta

from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest
import time_machine
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article, Comment
from articles.services import (
    article_publish,
    article_unpublish,
    article_update,
    author_update,
    comment_create,
    comment_moderate,
    correction_create,
)
from articles.services.tags import tag_update
from newsroom import page_cache
from tests.factories import ArticleFactory, VerifiedUserFactory, staff_user
from tests.helpers import redis_url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.NEWSROOM_PAGE_CACHE = True
    page_cache._invalidate_everything_when_back = False


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what the services do once their transaction commits (tests never commit)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def editor(db):
    return staff_user("edith", "Editor")


@pytest.fixture
def story(db, author):
    return ArticleFactory(
        headline="Harbour bridge reopens",
        slug="harbour-bridge-reopens",
        authors=[author],
        tags=["Transport"],
    )


def tag_url(article) -> str:
    return reverse("articles:tag", kwargs={"slug": article.tags.get().slug})


def pages_of(article) -> list[str]:
    author = article.bylines.get().author
    return [
        article.get_absolute_url(),
        reverse("articles:home"),
        tag_url(article),
        author.get_absolute_url(),
        reverse("articles:feed"),
        reverse("sitemap-section", kwargs={"section": "articles"}),
    ]


def warm(client, *urls) -> None:
    for url in urls:
        assert client.get(url).status_code == 200


# Served from the cache, never across people.


@pytest.mark.parametrize(
    "name",
    ["home", "article", "tag", "author", "feed", "atom", "sitemap", "search", "corrections"],
)
def test_a_second_anonymous_request_is_served_from_the_cache(
    client, story, name, django_assert_num_queries
):
    url = {
        "home": reverse("articles:home"),
        "article": story.get_absolute_url(),
        "tag": tag_url(story),
        "author": story.bylines.get().author.get_absolute_url(),
        "feed": reverse("articles:feed"),
        "atom": reverse("articles:feed-atom"),
        "sitemap": reverse("sitemap"),
        "search": reverse("articles:search") + "?q=bridge",
        "corrections": reverse("articles:corrections"),
    }[name]
    first = client.get(url)

    with django_assert_num_queries(0):
        second = client.get(url)

    assert second.status_code == 200
    assert second.content == first.content
    assert not second.cookies
    assert "public" in second["Cache-Control"] and "s-maxage=" in second["Cache-Control"]
    assert "stale-while-revalidate=" in second["Cache-Control"]
    assert second["Cache-Tag"] == second["Surrogate-Key"]


def test_an_article_page_names_the_article_its_tags_and_authors(client, story):
    response = client.get(story.get_absolute_url())

    tag = story.tags.get()
    author = story.bylines.get().author
    assert set(response["Cache-Tag"].split()) == {
        f"article-{story.pk}",
        f"tag-{tag.pk}",
        f"author-{author.pk}",
    }


def test_a_logged_in_reader_gets_their_own_page_and_leaves_none(client, story):
    warm(client, story.get_absolute_url())
    reader = VerifiedUserFactory(username="reader")
    client.force_login(reader)

    mine = client.get(story.get_absolute_url())

    assertContains(mine, "Post comment")
    assert set(mine["Cache-Control"].split(", ")) == {"no-store", "private"}
    assert "Cache-Tag" not in mine
    client.logout()
    client.cookies.clear()
    theirs = client.get(story.get_absolute_url())
    assertNotContains(theirs, "Post comment")
    assertContains(theirs, "You need to login to leave a comment.")


def test_a_reader_with_a_session_cookie_is_not_served_a_stored_page(client, story):
    warm(client, story.get_absolute_url())
    client.cookies["sessionid"] = "not-a-session"

    response = client.get(story.get_absolute_url())

    assert set(response["Cache-Control"].split(", ")) == {"no-store", "private"}


def test_a_page_that_wrote_to_the_session_is_not_stored(rf):
    calls = []

    def view(request):
        calls.append(1)
        request.session["seen"] = True
        response = HttpResponse("for this visitor")
        return page_cache.public_response(request, response, tags=["site"])

    wrapped = page_cache.PageCacheMiddleware(page_cache.reader_page(view))
    for _ in range(2):
        request = _request(rf)
        wrapped(request)
    assert len(calls) == 2


def _request(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore

    request = rf.get("/somewhere/")
    request.user = AnonymousUser()
    request.session = SessionStore()
    return request


@pytest.mark.parametrize(("lag", "stored"), [(1, True), (5, False)])
def test_a_page_rendered_soon_after_a_change_is_kept_only_past_the_replica_lag(
    rf, settings, lag, stored
):
    settings.NEWSROOM_REPLICA_LAG_SECONDS = lag
    renders = []

    def view(request):
        renders.append(1)
        return page_cache.public_response(request, HttpResponse("page"), tags=["site"])

    wrapped = page_cache.PageCacheMiddleware(page_cache.reader_page(view))
    page_cache.invalidate("site")
    with time_machine.travel(timezone.now() + timedelta(seconds=3)):
        wrapped(_request(rf))
        wrapped(_request(rf))
    assert len(renders) == (1 if stored else 2)


def test_a_page_rendered_while_its_tag_changed_is_not_stored(rf):
    renders = []

    def view(request):
        renders.append(1)
        # A write commits while this page is being made from what was there before.
        page_cache.invalidate("site")
        return page_cache.public_response(request, HttpResponse("old"), tags=["site"])

    wrapped = page_cache.PageCacheMiddleware(page_cache.reader_page(view))
    wrapped(_request(rf))
    wrapped(_request(rf))
    assert len(renders) == 2


# Invalidation by what changed: the next request shows it on every affected page.


def test_publishing_shows_on_every_list(committed, client, story, editor):
    draft = ArticleFactory(
        draft=True, headline="Ferry strike ends", authors=[story.bylines.get().author]
    )
    draft.tags.set(["Transport"])
    warm(client, *pages_of(story))

    with committed():
        article_publish(article=draft, by=editor)

    for url in pages_of(story)[1:-1]:
        assertContains(client.get(url), "Ferry strike ends")
    assertContains(client.get(pages_of(story)[-1]), draft.get_absolute_url())
    # And in the related stories of an article sharing its tag.
    assertContains(client.get(story.get_absolute_url()), "Ferry strike ends")


def test_editing_shows_on_the_article_and_its_lists(committed, client, story, editor):
    warm(client, *pages_of(story))

    with committed():
        article_update(article=story, by=editor, headline="Harbour bridge reopens early")

    for url in pages_of(story)[:-1]:  # the sitemap lists addresses, not headlines
        assertContains(client.get(url), "Harbour bridge reopens early")


def test_unpublishing_takes_it_off_every_page(committed, client, story, editor):
    url = story.get_absolute_url()
    warm(client, *pages_of(story))

    with committed():
        article_unpublish(article=story, by=editor)

    assert client.get(url).status_code == 404
    assertNotContains(client.get(reverse("articles:home")), "Harbour bridge reopens")
    assertNotContains(client.get(reverse("articles:feed")), "Harbour bridge reopens")


@pytest.mark.parametrize("page", ["home", "tag", "author"])
def test_older_pages_are_served_from_the_cache_and_unpublishing_shows_there(
    committed, client, story, editor, settings, page, django_assert_num_queries
):
    settings.NEWSROOM_PAGE_SIZE = 1
    Article.objects.filter(pk=story.pk).update(published_at=timezone.now() - timedelta(days=1))
    ArticleFactory(authors=story.authors.all(), tags=["Transport"])
    url = {
        "home": reverse("articles:home"),
        "tag": tag_url(story),
        "author": story.bylines.get().author.get_absolute_url(),
    }[page]
    older = url + client.get(url).context["page_obj"].older_query
    assertContains(client.get(older), "Harbour bridge reopens")

    with django_assert_num_queries(0):
        assertContains(client.get(older), "Harbour bridge reopens")
    with committed():
        article_unpublish(article=story, by=editor)

    assert client.get(older).status_code == 404


def test_a_scheduled_story_appears_at_its_time_without_any_write(committed, client, story, editor):
    at = timezone.now() + timedelta(hours=1)
    scheduled = ArticleFactory(draft=True, headline="Budget day")
    with committed():
        article_publish(article=scheduled, by=editor, published_at=at)
    home = reverse("articles:home")
    response = client.get(home)
    assertNotContains(response, "Budget day")
    shared = int(response["Cache-Control"].split("s-maxage=")[1].split(",")[0])
    assert 3590 <= shared <= 3600 or shared <= settings_seconds()

    with time_machine.travel(at + timedelta(seconds=1)):
        assertContains(client.get(home), "Budget day")


def settings_seconds() -> int:
    from django.conf import settings

    return settings.NEWSROOM_PAGE_CACHE_SECONDS


def test_a_comment_shows_on_the_article_and_in_the_card_counts(committed, client, story, settings):
    settings.NEWSROOM_BASE_URL = "https://news.example.org"  # the moderation email's links
    warm(client, story.get_absolute_url(), reverse("articles:home"))
    commenter = VerifiedUserFactory(username="commenter")

    with committed():
        comment = comment_create(article=story, author=commenter, body="Finally open again.")

    page = client.get(story.get_absolute_url())
    assertContains(page, "Finally open again.")
    assertContains(page, "1 comment")
    assertContains(client.get(reverse("articles:home")), "1 comment")

    moderator = staff_user("mo", "Moderator")
    with committed():
        comment_moderate(comments=[comment], by=moderator, action="remove", reason="off_topic")

    page = client.get(story.get_absolute_url())
    assertNotContains(page, "Finally open again.")
    assertContains(page, "0 comments")
    assert Comment.objects.get().status == Comment.Status.REMOVED


def test_a_correction_shows_on_the_article_and_the_corrections_page(
    committed, client, story, editor
):
    warm(client, story.get_absolute_url(), reverse("articles:corrections"))

    with committed():
        correction_create(article=story, by=editor, text="An earlier version misspelled the quay.")

    assertContains(client.get(story.get_absolute_url()), "misspelled the quay")
    assertContains(client.get(reverse("articles:corrections")), "misspelled the quay")


def test_an_author_edit_shows_in_every_byline(committed, client, story, editor):
    author = story.bylines.get().author
    warm(client, story.get_absolute_url(), reverse("articles:home"), author.get_absolute_url())

    with committed():
        author_update(author=author, by=editor, display_name="Mara Ellison-Reyes")

    for url in (story.get_absolute_url(), reverse("articles:home"), author.get_absolute_url()):
        assertContains(client.get(url), "Mara Ellison-Reyes")


def test_a_tag_edit_shows_on_the_article_and_the_tag_page(committed, client, story, editor):
    tag = story.tags.get()
    warm(client, story.get_absolute_url(), tag_url(story))

    with committed():
        tag_update(tag=tag, by=editor, name="Transport and roads")

    assertContains(client.get(story.get_absolute_url()), "Transport and roads")
    assertContains(client.get(tag_url(story)), "Transport and roads")


def _commenter_on(story, name="harbourwatcher"):
    commenter = VerifiedUserFactory(username=name)
    comment_create(article=story, author=commenter, body="Took the ferry for a year.")
    return commenter


def _signed_in(user) -> Client:
    own = Client()
    own.force_login(user)
    return own


def test_a_commenter_renamed_shows_under_their_comments(committed, client, story):
    own = _signed_in(_commenter_on(story))
    warm(client, story.get_absolute_url())

    with committed():
        saved = own.post(reverse("accounts:profile"), {"username": "quayside_ann"})

    assert saved.status_code == 302
    page = client.get(story.get_absolute_url())
    assertContains(page, "quayside_ann")
    assertNotContains(page, "harbourwatcher")


def test_a_deleted_account_is_no_longer_named_under_its_comments(committed, client, story):
    own = _signed_in(_commenter_on(story))
    warm(client, story.get_absolute_url())

    with committed():
        own.post(
            reverse("accounts:delete"),
            {"password": "correct horse battery staple", "confirm": "on"},
        )

    page = client.get(story.get_absolute_url())
    assertNotContains(page, "harbourwatcher")
    assertContains(page, '<strong class="comment__author">deleted user</strong>', html=True)
    assertContains(page, "Took the ferry for a year.")


def test_a_staff_flag_given_in_the_admin_shows_the_badge(committed, client, story, admin_client):
    commenter = _commenter_on(story)
    warm(client, story.get_absolute_url())
    badge = '<span class="comment__badge">Staff</span>'
    assertNotContains(client.get(story.get_absolute_url()), badge, html=True)
    change = reverse("admin:accounts_user_change", args=[commenter.pk])
    form = admin_client.get(change).context["adminform"].form
    data = {
        name: value
        for name, field in form.fields.items()
        if (value := form[name].value()) is not None and name != "password"
    }
    data["last_login_0"], data["last_login_1"] = "", ""
    joined = timezone.localtime(commenter.date_joined)
    data["date_joined_0"], data["date_joined_1"] = f"{joined:%Y-%m-%d}", f"{joined:%H:%M:%S}"
    data.pop("last_login", None), data.pop("date_joined", None)
    data["is_staff"] = True

    with committed():
        saved = admin_client.post(change, data)

    assert saved.status_code == 302, saved.context["adminform"].form.errors
    assertContains(client.get(story.get_absolute_url()), badge, html=True)


def test_an_account_deleted_in_the_admin_is_no_longer_named(committed, client, story, admin_client):
    commenter = _commenter_on(story)
    warm(client, story.get_absolute_url())

    with committed():
        admin_client.post(
            reverse("admin:accounts_user_delete", args=[commenter.pk]), {"post": "yes"}
        )

    assert not type(commenter).objects.filter(pk=commenter.pk).exists()
    assertNotContains(client.get(story.get_absolute_url()), "harbourwatcher")


def test_a_story_nobody_could_see_changes_nothing_cached(committed, client, story, editor):
    draft = ArticleFactory(draft=True, headline="Embargoed")
    warm(client, reverse("articles:home"))
    token_before = page_cache.current_tokens(["site"], create=False)

    with committed():
        article_update(article=draft, by=editor, headline="Embargoed, edited")

    assert page_cache.current_tokens(["site"], create=False) == token_before


# HTTP: conditional requests.


@pytest.mark.parametrize("name", ["article", "feed", "sitemap"])
def test_conditional_requests_answer_304(client, story, name):
    url = {
        "article": story.get_absolute_url(),
        "feed": reverse("articles:feed"),
        "sitemap": reverse("sitemap-section", kwargs={"section": "articles"}),
    }[name]
    first = client.get(url)
    assert first["ETag"] and first["Last-Modified"]

    assert client.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 304
    since = client.get(url, headers={"If-Modified-Since": first["Last-Modified"]})
    assert since.status_code == 304


def test_html_is_compressed_for_browsers_that_ask(client, story):
    response = client.get(story.get_absolute_url(), headers={"Accept-Encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]


def test_a_stored_page_is_served_compressed_and_tagged_without_working_either_out_again(
    client, story, monkeypatch
):
    url = story.get_absolute_url()
    gzip = {"Accept-Encoding": "gzip, deflate"}
    plain = client.get(url)
    compressed = client.get(url, headers=gzip)  # from the cache
    # The hits neither hash nor compress 150 KB of HTML again.
    for module in ("django.utils.cache", "django.middleware.gzip"):
        monkeypatch.setattr(f"{module}.md5", _not_again, raising=False)
    monkeypatch.setattr("django.middleware.gzip.compress_string", _not_again)
    monkeypatch.setattr("newsroom.page_cache.compress_string", _not_again, raising=False)

    hit = client.get(url, headers=gzip)
    assert hit["Content-Encoding"] == "gzip"
    assert gzip_module.decompress(hit.content) == plain.content
    assert hit["ETag"] == compressed["ETag"] == "W/" + plain["ETag"]
    assert "Accept-Encoding" in hit["Vary"]
    assert int(hit["Content-Length"]) == len(hit.content)
    unasked = client.get(url)
    assert unasked.content == plain.content and unasked["ETag"] == plain["ETag"]
    assert "Accept-Encoding" in unasked["Vary"]
    # Conditional requests still answer 304, with either form of the tag.
    assert client.get(url, headers={"If-None-Match": hit["ETag"], **gzip}).status_code == 304
    assert client.get(url, headers={"If-None-Match": plain["ETag"]}).status_code == 304


def _not_again(*args, **kwargs):
    raise AssertionError("worked out again on a cache hit")


# The cache going away.


@pytest.fixture
def redis_down(settings):
    dead = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
    settings.CACHES = {"default": dead, "pages": dead}


def test_pages_answer_when_the_cache_is_down_and_health_says_so(client, story, redis_down, caplog):
    with caplog.at_level(logging.WARNING, logger="newsroom.page_cache"):
        for url in pages_of(story):
            assert client.get(url).status_code == 200
            assert client.get(url).status_code == 200

    warnings = [r for r in caplog.records if r.name == "newsroom.page_cache"]
    assert len(warnings) == 1  # once a minute, not once a request
    health = client.get(reverse("health"))
    assert health.status_code == 200
    assert health.json() == {"status": "degraded", "database": "ok", "cache": "unavailable"}


def test_a_write_while_the_cache_is_down_still_saves_and_forgets_old_pages_after(
    committed, client, story, editor, settings
):
    warm(client, story.get_absolute_url())
    working = settings.CACHES
    dead = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
    settings.CACHES = {**working, "pages": dead}
    with committed():
        article_update(article=story, by=editor, headline="Changed during the outage")
    settings.CACHES = working

    assertContains(client.get(story.get_absolute_url()), "Changed during the outage")
    assert Article.objects.get(pk=story.pk).headline == "Changed during the outage"


def test_the_page_cache_can_be_turned_off(client, story, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.NEWSROOM_PAGE_CACHE = False
    client.get(reverse("articles:home"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("articles:home"))
    assert len(queries) > 0  # rendered again
    assert "public" in response["Cache-Control"]  # the headers stay, for a CDN


@pytest.fixture
def real_redis(settings):
    """The pages cache on the Redis the site runs with in production (this worker's database
    for pages, tests/helpers.redis_url)."""
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "newsroom.cache.RedisCache",
            "LOCATION": redis_url("pages"),
            "KEY_PREFIX": "pages",
        },
    }
    from django.core.cache import caches

    caches["pages"].clear()
    yield
    caches["pages"].clear()


def test_stored_invalidated_and_stored_again_on_redis(
    client, story, editor, committed, real_redis, django_assert_num_queries
):
    url = story.get_absolute_url()
    client.get(url)
    with django_assert_num_queries(0):
        assertContains(client.get(url), "Harbour bridge reopens")

    with committed():
        article_update(article=story, by=editor, headline="Reopened on Redis")

    assertContains(client.get(url), "Reopened on Redis")
    # Pages rendered within a second of a write are not kept (see page_cache._store).
    with time_machine.travel(timezone.now() + timedelta(seconds=2)):
        client.get(url)
        with django_assert_num_queries(0):
            assertContains(client.get(url), "Reopened on Redis")


def test_the_shared_cache_keeps_its_redis_clients_between_operations(real_redis, monkeypatch):
    """Django's RedisCache made a redis.Redis (160 callbacks filled) for every get and set:
    newsroom.cache.RedisCache, the one NEWSROOM_CACHE_URL configures, keeps them."""
    import redis

    from newsroom.cache import RedisCache

    cache = RedisCache(redis_url("pages"), {})
    cache.set("k", "v")
    made = []
    original = redis.Redis.__init__
    monkeypatch.setattr(
        redis.Redis, "__init__", lambda self, *a, **kw: made.append(1) or original(self, *a, **kw)
    )
    for _ in range(5):
        assert cache.get("k") == "v"
        cache.set("k", "v")
    assert made == []
