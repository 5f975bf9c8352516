"""Expiry (scheduled unpublish): from ``expires_at`` on readers no longer see the story,
with no cron and no write; cached pages are not kept past it."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

import pytest
import time_machine
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article
from articles.services import article_publish, article_update
from newsroom import page_cache
from tests.articles.editorial import article_form_data, change_url
from tests.articles.test_kill import HEADLINE, reader_surfaces
from tests.factories import ArticleFactory, AuthorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(db):
    story = ArticleFactory(
        headline=HEADLINE,
        slug="minister-court-papers",
        tags=["Courts"],
        authors=[AuthorFactory(display_name="Court Reporter", slug="court-reporter")],
    )
    ArticleFactory(headline="Court week ahead", tags=["Courts"], authors=[AuthorFactory()])
    return story


def s_maxage(response) -> int:
    return int(response["Cache-Control"].split("s-maxage=")[1].split(",")[0])


def test_an_expired_story_leaves_every_page_at_its_time_without_any_write(client, editor, story):
    at = timezone.now() + timedelta(hours=2)
    article_update(article=story, by=editor, expires_at=at)
    assert all(reader_surfaces(client, story).values())
    assertContains(client.get(story.get_absolute_url()), HEADLINE)

    with time_machine.travel(at + timedelta(seconds=1), tick=False):
        assert client.get(story.get_absolute_url()).status_code == 404
        assert not any(reader_surfaces(client, story).values())
        assert not Article.objects.published().filter(pk=story.pk).exists()
    # Not killed nor unpublished: the row is as it was.
    story.refresh_from_db()
    assert story.status == Article.Status.PUBLISHED and story.killed_at is None


def test_pages_are_kept_no_longer_than_the_next_expiry(client, editor, story, settings):
    settings.NEWSROOM_PAGE_CACHE = True
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 6 * 3600
    page_cache._invalidate_everything_when_back = False
    article_update(article=story, by=editor, expires_at=timezone.now() + timedelta(minutes=30))
    for url in (reverse("articles:home"), story.get_absolute_url(), reverse("articles:feed")):
        assert 1700 <= s_maxage(client.get(url)) <= 1800, url


def test_the_expiry_must_come_after_the_publication_time(editor, story):
    with pytest.raises(ValidationError) as error:
        article_update(article=story, by=editor, expires_at=story.published_at - timedelta(1))
    assert "expires after its publication time" in str(error.value)
    draft = ArticleFactory(draft=True)
    later = timezone.now() + timedelta(days=2)
    article_update(article=draft, by=editor, expires_at=later)
    with pytest.raises(ValidationError):
        article_publish(article=draft, by=editor, published_at=later + timedelta(hours=1))


def test_a_writer_cannot_set_an_expiry(writer):
    own = ArticleFactory(draft=True, created_by=writer)
    with pytest.raises(PermissionDenied):
        article_update(article=own, by=writer, expires_at=timezone.now() + timedelta(days=1))
    # Saving without touching it is fine.
    article_update(article=own, by=writer, headline="New headline")


def test_the_admin_form_refuses_an_expiry_before_publication_and_keeps_the_text(
    client, editor, story
):
    client.force_login(editor)
    earlier = story.published_at - timedelta(days=1)
    data = article_form_data(
        story,
        headline="A headline typed just now",
        expires_at_0=earlier.strftime("%Y-%m-%d"),
        expires_at_1=earlier.strftime("%H:%M:%S"),
    )
    response = client.post(change_url(story), data)
    assertContains(response, "expires after its publication time")
    assertContains(response, "A headline typed just now")
    story.refresh_from_db()
    assert story.expires_at is None and story.headline == HEADLINE


def test_the_admin_shows_expires_then_expired(client, editor, story):
    at = timezone.now() + timedelta(hours=1)
    article_update(article=story, by=editor, expires_at=at)
    client.force_login(editor)
    changelist = reverse("admin:articles_article_changelist")
    assertContains(client.get(changelist), "Expires ")
    assertContains(client.get(change_url(story)), "Expires ")
    with time_machine.travel(at + timedelta(minutes=1), tick=False):
        assertContains(client.get(changelist), "Expired ")
        assertContains(client.get(change_url(story)), "Expired ")
        preview = client.get(reverse("articles:preview", kwargs={"pk": story.pk}))
        assertContains(preview, "readers no longer see this story")


def test_writers_see_the_expiry_read_only(client, editor, writer):
    own = ArticleFactory(draft=True, created_by=writer)
    client.force_login(writer)
    response = client.get(change_url(own))
    assertNotContains(response, 'name="expires_at_0"')
    assertNotContains(response, 'name="embargo_until_0"')
    client.force_login(editor)
    assertContains(client.get(change_url(own)), 'name="expires_at_0"')
