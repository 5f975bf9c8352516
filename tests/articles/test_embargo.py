"""Embargo: before ``embargo_until`` a story can be neither published nor scheduled; at
or after it, it can. Staff see it wherever the story appears in the admin."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

import pytest
import time_machine
from pytest_django.asserts import assertContains

from articles.models import Article, ArticleEvent
from articles.services import article_create, article_publish, article_update
from tests.articles.editorial import article_form_data, change_url
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def embargoed(editor):
    return ArticleFactory(
        draft=True,
        headline="Quarterly jobs figures",
        embargo_until=timezone.now() + timedelta(hours=3),
    )


def test_publishing_before_the_embargo_is_refused_with_a_clear_message(editor, embargoed):
    with pytest.raises(ValidationError) as error:
        article_publish(article=embargoed, by=editor)
    assert "embargoed until" in str(error.value)
    with pytest.raises(ValidationError):
        article_publish(
            article=embargoed, by=editor, published_at=embargoed.embargo_until - timedelta(1)
        )
    embargoed.refresh_from_db()
    assert embargoed.status == Article.Status.DRAFT
    assert not embargoed.events.filter(action__in=["published", "scheduled"]).exists()


def test_scheduling_at_or_after_the_embargo_is_allowed_and_goes_out_then(client, editor, embargoed):
    article_publish(article=embargoed, by=editor, published_at=embargoed.embargo_until)
    assert embargoed.events.filter(action=ArticleEvent.Action.SCHEDULED).exists()
    assert client.get(embargoed.get_absolute_url()).status_code == 404
    with time_machine.travel(embargoed.embargo_until + timedelta(seconds=1), tick=False):
        assertContains(client.get(embargoed.get_absolute_url()), "Quarterly jobs figures")


def test_once_the_embargo_lifts_the_story_can_be_published(editor, embargoed):
    with time_machine.travel(embargoed.embargo_until + timedelta(minutes=1), tick=False):
        article_publish(article=embargoed, by=editor)
        assert Article.objects.published().filter(pk=embargoed.pk).exists()


def test_a_story_created_published_under_an_embargo_is_refused(editor):
    with pytest.raises(ValidationError):
        article_create(
            headline="Too early",
            by=editor,
            publish=True,
            embargo_until=timezone.now() + timedelta(hours=1),
        )
    assert not Article.objects.filter(headline="Too early").exists()


def test_a_writer_cannot_create_a_story_with_an_embargo(writer):
    with pytest.raises(PermissionDenied):
        article_create(
            headline="Mine", by=writer, embargo_until=timezone.now() + timedelta(hours=1)
        )


def test_only_editors_set_an_embargo(writer, editor):
    own = ArticleFactory(draft=True, created_by=writer)
    later = timezone.now() + timedelta(hours=5)
    with pytest.raises(PermissionDenied):
        article_update(article=own, by=writer, embargo_until=later)
    article_update(article=own, by=editor, embargo_until=later)
    own.refresh_from_db()
    assert own.embargo_until == later
    # A writer may go on editing the embargoed draft.
    article_update(article=own, by=writer, headline="Still a draft")


def test_the_admin_form_refuses_an_early_publication_and_keeps_the_text(client, editor, embargoed):
    client.force_login(editor)
    data = article_form_data(embargoed, headline="Jobs figures: the typed headline")
    embargo = timezone.localtime(embargoed.embargo_until)
    data.update(
        status="published",
        embargo_until_0=embargo.strftime("%Y-%m-%d"),
        embargo_until_1=embargo.strftime("%H:%M:%S"),
    )
    response = client.post(change_url(embargoed), data)
    assert response.status_code == 200
    assertContains(response, "embargoed until")
    assertContains(response, "Jobs figures: the typed headline")
    embargoed.refresh_from_db()
    assert embargoed.status == Article.Status.DRAFT
    assert embargoed.headline == "Quarterly jobs figures"


def test_the_embargo_is_shown_to_staff_in_the_list_form_and_preview(
    client, editor, writer, embargoed
):
    embargoed.created_by = writer
    embargoed.save()
    for user in (editor, writer):
        client.force_login(user)
        assertContains(client.get(reverse("admin:articles_article_changelist")), "do not publish")
        assertContains(client.get(change_url(embargoed)), "do not publish")
        preview = client.get(reverse("articles:preview", kwargs={"pk": embargoed.pk}))
        assertContains(preview, "Embargoed until")
        assertContains(preview, "do not publish")


def test_the_embargo_is_separate_from_the_scheduled_time(editor, embargoed):
    at = embargoed.embargo_until + timedelta(hours=2)
    article_publish(article=embargoed, by=editor, published_at=at)
    embargoed.refresh_from_db()
    assert embargoed.published_at == at
    assert embargoed.embargo_until < at
    # Rescheduling earlier, but not before the embargo, is allowed.
    article_update(article=embargoed, by=editor, published_at=embargoed.embargo_until)
    with pytest.raises(ValidationError):
        article_update(
            article=embargoed, by=editor, published_at=embargoed.embargo_until - timedelta(1)
        )


def test_the_bulk_publish_action_leaves_an_embargoed_story_and_says_why(client, editor, embargoed):
    other = ArticleFactory(draft=True, headline="Ready to go")
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {
            "action": "publish_selected",
            "_selected_action": [embargoed.pk, other.pk],
            "post": "yes",  # past the "Are you sure?" page
        },
        follow=True,
    )
    assertContains(response, "embargoed until")
    assertContains(response, "1 article published.")
    embargoed.refresh_from_db()
    other.refresh_from_db()
    assert embargoed.status == Article.Status.DRAFT
    assert other.status == Article.Status.PUBLISHED
