"""The breaking news banner and the pinned lead story: who may set them, what readers see,
how long it lasts without a cron, and what it costs."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pytest
import time_machine
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import (
    ArticleEvent,
    BreakingNews,
    LeadStory,
    breaking_news_shown,
)
from articles.services import (
    article_pin,
    article_unpin,
    article_unpublish,
    breaking_news_clear,
    breaking_news_set,
)
from newsroom import page_cache
from tests.factories import ArticleFactory, ago, from_now
from tests.helpers import warm_remembered

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what the services do once their transaction commits (tests never commit)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def page_cache_on(settings):
    settings.NEWSROOM_PAGE_CACHE = True
    page_cache._invalidate_everything_when_back = False


def banner_html(response) -> str:
    html = response.content.decode()
    start = html.find('<section class="breaking-news"')
    return html[start : html.find("</section>", start)] if start != -1 else ""


# The banner: editors set it, writers may not.


def test_an_editor_sets_a_banner_that_every_reader_page_shows(client, editor, article):
    breaking_news_set(by=editor, text="Polls have closed", expires_at=from_now(hours=2))

    for url in (
        reverse("articles:home"),
        article.get_absolute_url(),
        reverse("articles:search"),
        reverse("articles:guidelines"),
        reverse("account_login"),
    ):
        response = client.get(url)
        assert 'role="region" aria-label="Breaking news"' in banner_html(response), url
        assert "Polls have closed" in banner_html(response), url


def test_a_writer_may_not_set_or_clear_the_banner(writer, editor):
    with pytest.raises(PermissionDenied):
        breaking_news_set(by=writer, text="Not mine to say", expires_at=from_now(hours=1))
    news = breaking_news_set(by=editor, text="Polls have closed", expires_at=from_now(hours=1))
    with pytest.raises(PermissionDenied):
        breaking_news_clear(by=writer, news=news)
    assert breaking_news_shown() == news


def test_the_banner_links_to_a_published_story_or_an_address(client, editor, article):
    breaking_news_set(
        by=editor, text="Read the live story", article=article, expires_at=from_now(hours=1)
    )
    assert f'href="{article.get_absolute_url()}"' in banner_html(client.get("/"))

    breaking_news_set(
        by=editor,
        text="Results by district",
        url="https://elections.example.org/",
        expires_at=from_now(hours=1),
    )
    assert 'href="https://elections.example.org/"' in banner_html(client.get("/"))


def test_the_banner_refuses_a_draft_both_links_or_a_past_expiry(editor, article):
    draft = ArticleFactory(draft=True)
    cases = [
        ({"article": draft, "expires_at": from_now(hours=1)}, "article"),
        (
            {"article": article, "url": "https://example.org/", "expires_at": from_now(hours=1)},
            "url",
        ),
        ({"expires_at": ago(minutes=1)}, "expires_at"),
    ]
    for fields, field in cases:
        with pytest.raises(ValidationError) as error:
            breaking_news_set(by=editor, text="Something happened", **fields)
        assert field in error.value.message_dict
    assert not BreakingNews.objects.exists()


def test_the_banner_goes_by_itself_at_its_expiry(client, editor):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        breaking_news_set(by=editor, text="Polls have closed", expires_at=from_now(minutes=30))
        assertContains(client.get("/"), "Polls have closed")
        traveller.shift(timedelta(minutes=31))
        assertNotContains(client.get("/"), "Polls have closed")
        assert breaking_news_shown() is None


def test_clearing_takes_the_banner_down_and_keeps_it_listed(client, editor):
    news = breaking_news_set(by=editor, text="Polls have closed", expires_at=from_now(hours=1))
    breaking_news_clear(by=editor, news=news)
    assertNotContains(client.get("/"), "Polls have closed")
    assert BreakingNews.objects.get().expires_at <= timezone.now()


def test_the_newest_banner_wins(client, editor):
    breaking_news_set(by=editor, text="Polls have closed", expires_at=from_now(hours=2))
    breaking_news_set(by=editor, text="First results are in", expires_at=from_now(hours=2))
    banner = banner_html(client.get("/"))
    assert "First results are in" in banner and "Polls have closed" not in banner


# The page cache.


def test_no_cached_page_outlives_the_banner(client, editor, article, page_cache_on):
    breaking_news_set(by=editor, text="Polls have closed", expires_at=from_now(seconds=90))
    for url in ("/", article.get_absolute_url(), reverse("articles:guidelines")):
        response = client.get(url)
        assert "s-maxage=" in response["Cache-Control"]
        max_age = int(response["Cache-Control"].split("s-maxage=")[1].split(",")[0])
        assert 0 < max_age <= 90, url


def test_setting_and_clearing_the_banner_refreshes_cached_pages(
    client, editor, article, page_cache_on, committed
):
    assertNotContains(client.get(article.get_absolute_url()), "Polls have closed")
    with committed():
        news = breaking_news_set(by=editor, text="Polls have closed", expires_at=from_now(hours=1))
    assertContains(client.get(article.get_absolute_url()), "Polls have closed")
    with committed():
        breaking_news_clear(by=editor, news=news)
    assertNotContains(client.get(article.get_absolute_url()), "Polls have closed")


def test_the_banner_costs_one_query_then_none(editor, django_assert_num_queries):
    breaking_news_set(by=editor, text="Polls have closed", expires_at=from_now(hours=1))
    BreakingNews.forget()
    with django_assert_num_queries(1):
        assert breaking_news_shown().text == "Polls have closed"
    with django_assert_num_queries(0):
        assert breaking_news_shown().text == "Polls have closed"


def test_a_home_page_with_a_banner_costs_what_one_without_does(client, editor):
    ArticleFactory.create_batch(3)

    def queries() -> int:
        warm_remembered()
        with CaptureQueriesContext(connection) as context:
            client.get("/")
        return len(context.captured_queries)

    without = queries()
    breaking_news_set(by=editor, text="Polls have closed", expires_at=from_now(hours=1))
    assert queries() == without


# The admin.


def test_an_editor_puts_up_a_banner_in_the_admin(client, editor):
    client.force_login(editor)
    expires = timezone.localtime(from_now(hours=3))
    response = client.post(
        reverse("admin:articles_breakingnews_add"),
        {
            "text": "Storm warning for the coast",
            "url": "",
            "expires_at_0": expires.strftime("%Y-%m-%d"),
            "expires_at_1": expires.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 302
    news = BreakingNews.objects.get()
    assert news.created_by == editor
    client.logout()
    assertContains(client.get("/"), "Storm warning for the coast")


def test_a_bad_banner_in_the_admin_keeps_the_text(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_breakingnews_add"),
        {"text": "Storm warning for the coast", "expires_at_0": "", "expires_at_1": ""},
    )
    assert response.status_code == 200
    assertContains(response, "Storm warning for the coast")
    assert not BreakingNews.objects.exists()


def test_writers_have_no_banner_or_pin_admin(client, writer):
    client.force_login(writer)
    for name in ("breakingnews", "leadstory"):
        assert client.get(reverse(f"admin:articles_{name}_changelist")).status_code == 403
        assert client.get(reverse(f"admin:articles_{name}_add")).status_code == 403


# The pinned lead story.


def test_an_editor_pins_an_older_story_first_on_the_home_page(client, editor):
    old = ArticleFactory(headline="The long read", published_at=ago(days=3))
    ArticleFactory(headline="Newest story", published_at=ago(minutes=5))
    article_pin(article=old, by=editor)

    response = client.get("/")
    html = response.content.decode()
    assert html.index("The long read") < html.index("Newest story")
    assertContains(response, "Lead story")
    # Shown once, as the lead.
    assert html.count(">The long read</a>") == 1
    assert ArticleEvent.objects.filter(article=old, action=ArticleEvent.Action.PINNED).exists()


def test_a_writer_may_not_pin(writer, article):
    with pytest.raises(PermissionDenied):
        article_pin(article=article, by=writer)
    assert not LeadStory.objects.exists()


def test_only_a_published_story_can_be_pinned(editor):
    for story in (ArticleFactory(draft=True), ArticleFactory(published_at=from_now(hours=1))):
        with pytest.raises(ValidationError):
            article_pin(article=story, by=editor)


def test_pinning_another_story_replaces_the_pin(editor):
    first, second = ArticleFactory(), ArticleFactory()
    article_pin(article=first, by=editor)
    article_pin(article=second, by=editor)
    assert LeadStory.objects.get().article == second
    assert ArticleEvent.objects.filter(article=first, action=ArticleEvent.Action.UNPINNED).exists()


def test_unpublishing_the_lead_unpins_it(client, editor):
    lead = ArticleFactory(headline="The long read", published_at=ago(days=3))
    article_pin(article=lead, by=editor)
    article_unpublish(article=lead, by=editor)

    assert not LeadStory.objects.exists()
    event = ArticleEvent.objects.get(article=lead, action=ArticleEvent.Action.UNPINNED)
    assert event.note == "No longer published"
    assertNotContains(client.get("/"), "Lead story")


def test_a_pin_ends_at_its_expiry(client, editor):
    lead = ArticleFactory(headline="The long read", published_at=ago(days=3))
    ArticleFactory(headline="Newest story", published_at=ago(minutes=5))
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        article_pin(article=lead, by=editor, until=from_now(hours=1))
        assertContains(client.get("/"), "Lead story")
        traveller.shift(timedelta(hours=1, minutes=1))
        response = client.get("/")
        assertNotContains(response, "Lead story")
        html = response.content.decode()
        assert html.index("Newest story") < html.index("The long read")


def test_unpinning_is_logged_and_editors_only(editor, writer):
    lead = ArticleFactory()
    article_pin(article=lead, by=editor)
    with pytest.raises(PermissionDenied):
        article_unpin(by=writer)
    article_unpin(by=editor)
    assert not LeadStory.objects.exists()
    assert ArticleEvent.objects.filter(article=lead, action=ArticleEvent.Action.UNPINNED).exists()


def test_the_pin_shows_only_on_the_first_page(client, editor, settings):
    settings.NEWSROOM_PAGE_SIZE = 2
    lead = ArticleFactory(headline="The long read", published_at=ago(days=3))
    for n in range(4):
        ArticleFactory(published_at=ago(minutes=n + 1))
    article_pin(article=lead, by=editor)
    first = client.get("/")
    assert first.context["lead_story"] == lead
    assert lead not in first.context["articles"]
    older = client.get("/" + first.context["page_obj"].older_query)
    assert older.context["lead_story"] is None
    assertNotContains(older, "The long read")


def test_a_home_page_with_a_pin_costs_a_fixed_number_of_queries(client, editor):
    def queries() -> int:
        warm_remembered()
        with CaptureQueriesContext(connection) as context:
            client.get("/")
        return len(context.captured_queries)

    article_pin(article=ArticleFactory(tags=["A"]), by=editor)
    ArticleFactory.create_batch(3, tags=["B"])
    small = queries()
    ArticleFactory.create_batch(20, tags=["C", "D"])
    assert queries() == small


def test_the_home_page_is_kept_no_longer_than_the_pin(client, editor, page_cache_on):
    article_pin(article=ArticleFactory(), by=editor, until=from_now(seconds=120))
    response = client.get("/")
    max_age = int(response["Cache-Control"].split("s-maxage=")[1].split(",")[0])
    assert 0 < max_age <= 120


def test_pinning_refreshes_the_cached_home_page(client, editor, page_cache_on, committed):
    lead = ArticleFactory(headline="The long read", published_at=ago(days=3))
    ArticleFactory(headline="Newest story")
    assertNotContains(client.get("/"), "Lead story")
    with committed():
        article_pin(article=lead, by=editor)
    assertContains(client.get("/"), "Lead story")


def test_an_editor_pins_from_the_article_list(client, editor):
    story = ArticleFactory(headline="The long read")
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "pin_as_lead", "_selected_action": [story.pk]},
        follow=True,
    )
    assertContains(response, "is the home page")
    assert LeadStory.objects.get().article == story


def test_an_editor_sets_the_pin_expiry_in_the_admin(client, editor):
    story = ArticleFactory(headline="The long read")
    client.force_login(editor)
    until = timezone.localtime(from_now(hours=5))
    response = client.post(
        reverse("admin:articles_leadstory_add"),
        {
            "article": story.pk,
            "pinned_until_0": until.strftime("%Y-%m-%d"),
            "pinned_until_1": until.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 302
    pin = LeadStory.objects.get()
    assert pin.article == story and pin.pinned_by == editor
    assert abs(pin.pinned_until.timestamp() - until.timestamp()) < 1
    # A draft is refused, with the form shown again.
    draft = ArticleFactory(draft=True)
    response = client.post(
        reverse("admin:articles_leadstory_change", args=[pin.pk]),
        {"article": draft.pk, "pinned_until_0": "", "pinned_until_1": ""},
    )
    assert response.status_code == 200
    assertContains(response, "Only a published story can be pinned")
