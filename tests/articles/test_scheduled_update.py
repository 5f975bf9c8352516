"""A scheduled update of a live story: readers see the live version until its time and the
update from then on, with no cron; it is applied once, through article_update."""

import threading
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

import pytest
import time_machine
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import ArticleEvent, ScheduledUpdate
from articles.models.scheduling import forget_next_update
from articles.services import (
    article_kill,
    article_schedule_update,
    article_unpublish,
    scheduled_update_apply,
    scheduled_updates_apply_due,
)
from newsroom import page_cache
from newsroom.tasks import apply_scheduled_updates
from tests.articles.editorial import article_form_data, change_url
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

LIVE = "Storm nears the coast"
UPDATE = "Storm makes landfall"


@pytest.fixture
def story(db):
    return ArticleFactory(headline=LIVE, standfirst="Winds rising.", tags=["Weather"])


def schedule(story, by, at, **fields):
    return article_schedule_update(
        article=story,
        by=by,
        publish_at=at,
        headline=fields.get("headline", UPDATE),
        standfirst=fields.get("standfirst", "The eye is over the harbour."),
        body=fields.get("body", "<p>It arrived at noon.</p>"),
        tags=fields.get("tags", ["Weather", "Emergencies"]),
    )


def s_maxage(response) -> int:
    return int(response["Cache-Control"].split("s-maxage=")[1].split(",")[0])


def test_a_writer_cannot_schedule_an_update(writer, story):
    story.created_by = writer
    story.save()
    with pytest.raises(PermissionDenied):
        schedule(story, writer, timezone.now() + timedelta(hours=1))
    assert not ScheduledUpdate.objects.exists()


def test_an_update_needs_a_future_time_and_a_live_story(editor, story):
    with pytest.raises(ValidationError):
        schedule(story, editor, timezone.now() - timedelta(minutes=1))
    draft = ArticleFactory(draft=True)
    with pytest.raises(ValidationError):
        schedule(draft, editor, timezone.now() + timedelta(hours=1))


def test_readers_see_the_live_version_until_the_time_and_the_update_after(client, editor, story):
    at = timezone.now() + timedelta(hours=1)
    revisions = story.history.count()
    schedule(story, editor, at)
    response = client.get(story.get_absolute_url())
    assertContains(response, LIVE)
    assertNotContains(response, UPDATE)
    assertNotContains(client.get(reverse("articles:home")), UPDATE)

    with time_machine.travel(at + timedelta(seconds=1), tick=False):
        response = client.get(story.get_absolute_url())
        assertContains(response, UPDATE)
        assertContains(response, "It arrived at noon.")
        assertContains(client.get(reverse("articles:home")), UPDATE)
    story.refresh_from_db()
    assert story.headline == UPDATE
    assert sorted(story.tags.names()) == ["Emergencies", "Weather"]
    # Through article_update: a revision, and the event of the update going out.
    assert story.history.count() == revisions + 1
    assert story.events.filter(action=ArticleEvent.Action.UPDATE_APPLIED).count() == 1
    assert ScheduledUpdate.objects.get().applied_at is not None


def test_two_readers_after_the_time_apply_it_once(client, editor, story):
    at = timezone.now() + timedelta(minutes=5)
    schedule(story, editor, at)
    with time_machine.travel(at + timedelta(seconds=1), tick=False):
        client.get(story.get_absolute_url())
        client.get(reverse("articles:home"))
        assert scheduled_updates_apply_due() == 0
    assert story.events.filter(action=ArticleEvent.Action.UPDATE_APPLIED).count() == 1


def test_a_claimed_update_is_not_applied_again(editor, story):
    update = schedule(story, editor, timezone.now() + timedelta(minutes=5))
    with time_machine.travel(update.publish_at + timedelta(seconds=1), tick=False):
        assert scheduled_update_apply(update=update) is True
        assert scheduled_update_apply(update=update) is False
    assert story.history.filter(headline=UPDATE).count() == 1


def test_the_job_and_the_command_apply_it_without_any_reader(editor, story, capsys):
    first = schedule(story, editor, timezone.now() + timedelta(minutes=5))
    second = schedule(story, editor, timezone.now() + timedelta(minutes=10), headline="Later")
    with time_machine.travel(first.publish_at + timedelta(seconds=1), tick=False):
        apply_scheduled_updates.call()
    story.refresh_from_db()
    assert story.headline == UPDATE
    with time_machine.travel(second.publish_at + timedelta(seconds=1), tick=False):
        call_command("apply_scheduled_updates")
    assert "1 scheduled update(s) published." in capsys.readouterr().out
    story.refresh_from_db()
    assert story.headline == "Later"


def test_nothing_is_applied_before_its_time(editor, story):
    schedule(story, editor, timezone.now() + timedelta(hours=1))
    assert scheduled_updates_apply_due() == 0
    story.refresh_from_db()
    assert story.headline == LIVE


def test_an_update_of_a_story_taken_down_meanwhile_is_not_published(editor, story):
    update = schedule(story, editor, timezone.now() + timedelta(minutes=5))
    article_unpublish(article=story, by=editor)
    with time_machine.travel(update.publish_at + timedelta(seconds=1), tick=False):
        assert scheduled_updates_apply_due() == 1
    update.refresh_from_db()
    story.refresh_from_db()
    assert story.headline == LIVE
    assert "no longer live" in update.failure


def test_a_killed_story_is_not_brought_back_by_its_update(client, editor, story):
    update = schedule(story, editor, timezone.now() + timedelta(minutes=5))
    article_kill(article=story, by=editor, reason="Legal")
    with time_machine.travel(update.publish_at + timedelta(seconds=1), tick=False):
        assert client.get(story.get_absolute_url()).status_code == 410
    story.refresh_from_db()
    assert story.headline == LIVE


def test_pages_are_kept_no_longer_than_the_next_update(client, editor, story, settings):
    settings.NEWSROOM_PAGE_CACHE = True
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 6 * 3600
    page_cache._invalidate_everything_when_back = False
    schedule(story, editor, timezone.now() + timedelta(minutes=20))
    for url in (reverse("articles:home"), story.get_absolute_url(), reverse("articles:feed")):
        assert 1100 <= s_maxage(client.get(url)) <= 1200, url


def test_a_cached_page_shows_the_update_after_its_time(client, editor, story, settings):
    settings.NEWSROOM_PAGE_CACHE = True
    settings.NEWSROOM_REPLICA_LAG_SECONDS = 0
    page_cache._invalidate_everything_when_back = False
    at = timezone.now() + timedelta(minutes=20)
    schedule(story, editor, at)
    assertContains(client.get(story.get_absolute_url()), LIVE)
    assertContains(client.get(story.get_absolute_url()), LIVE)  # from the cache
    with time_machine.travel(at + timedelta(seconds=1), tick=False):
        assertContains(client.get(story.get_absolute_url()), UPDATE)


def test_an_editor_schedules_an_update_from_the_change_form(client, editor, story):
    client.force_login(editor)
    response = client.get(change_url(story))
    # The new version starts as the story is now.
    assertContains(response, 'name="scheduled_updates-0-headline"')
    assertContains(response, f'value="{LIVE}"')
    at = timezone.localtime(timezone.now() + timedelta(hours=2))
    data = article_form_data(story)
    data.update(
        {
            "scheduled_updates-TOTAL_FORMS": "1",
            "scheduled_updates-0-headline": UPDATE,
            "scheduled_updates-0-standfirst": "Later text.",
            "scheduled_updates-0-body": "<p>Update.</p>",
            "scheduled_updates-0-tag_names": "Weather, Emergencies",
            "scheduled_updates-0-publish_at_0": at.strftime("%Y-%m-%d"),
            "scheduled_updates-0-publish_at_1": at.strftime("%H:%M:%S"),
        }
    )
    response = client.post(change_url(story), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    update = ScheduledUpdate.objects.get()
    assert update.headline == UPDATE and update.tags == ["Emergencies", "Weather"]
    assert update.created_by == editor
    assert story.events.filter(action=ArticleEvent.Action.UPDATE_SCHEDULED).exists()
    story.refresh_from_db()
    assert story.headline == LIVE
    assertContains(client.get(reverse("admin:articles_article_changelist")), "Update at")


def test_an_untouched_prefilled_update_form_schedules_nothing(client, editor, story):
    client.force_login(editor)
    data = article_form_data(story)
    data.update(
        {
            "scheduled_updates-TOTAL_FORMS": "1",
            "scheduled_updates-0-headline": LIVE,
            "scheduled_updates-0-standfirst": story.standfirst,
            "scheduled_updates-0-body": story.body,
            "scheduled_updates-0-tag_names": "Weather",
        }
    )
    assert client.post(change_url(story), data).status_code == 302
    assert not ScheduledUpdate.objects.exists()


def test_a_past_time_in_the_form_is_refused_with_the_text_kept(client, editor, story):
    client.force_login(editor)
    past = timezone.localtime(timezone.now() - timedelta(hours=2))
    data = article_form_data(story)
    data.update(
        {
            "scheduled_updates-TOTAL_FORMS": "1",
            "scheduled_updates-0-headline": "A typed later headline",
            "scheduled_updates-0-tag_names": "Weather",
            "scheduled_updates-0-publish_at_0": past.strftime("%Y-%m-%d"),
            "scheduled_updates-0-publish_at_1": past.strftime("%H:%M:%S"),
        }
    )
    response = client.post(change_url(story), data)
    assertContains(response, "Choose a time in the future.")
    assertContains(response, "A typed later headline")
    assert not ScheduledUpdate.objects.exists()


def test_writers_get_no_update_form(client, writer):
    own = ArticleFactory(draft=True, created_by=writer)
    client.force_login(writer)
    assertNotContains(client.get(change_url(own)), "scheduled_updates-0-headline")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="Row locks need PostgreSQL.")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_readers_apply_the_update_exactly_once(editor):
    from django.db import connections

    story = ArticleFactory(headline=LIVE, tags=["Weather"])
    update = schedule(story, editor, timezone.now() + timedelta(seconds=1))
    ScheduledUpdate.objects.filter(pk=update.pk).update(
        publish_at=timezone.now() - timedelta(seconds=1)
    )
    # A queryset update bypasses the model's save: drop the remembered "next one due".
    forget_next_update()
    barrier, applied, errors = threading.Barrier(2), [], []

    def reader():
        try:
            barrier.wait()
            applied.append(scheduled_updates_apply_due())
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(applied) == [0, 1]
    assert story.events.filter(action=ArticleEvent.Action.UPDATE_APPLIED).count() == 1
    assert story.history.filter(headline=UPDATE).count() == 1
