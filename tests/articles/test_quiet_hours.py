"""Quiet hours (ModerationSettings, articles/discussion.py): comments held or closed while
nobody moderates, across midnight, in the site's time zone, and cached pages kept no
longer than the next boundary."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

import pytest
import time_machine
from pytest_django.asserts import assertContains, assertNotContains

from articles.discussion import discussion_for, quiet_hours
from articles.models import Comment, DiscussionMode, ModerationSettings
from articles.models.comment import QuietHoursAction
from articles.services import comment_create
from newsroom import page_cache
from tests.helpers import post_comment

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")


def quiet(start="23:00", end="06:00", action=QuietHoursAction.HOLD, enabled=True):
    row = ModerationSettings.load()
    row.is_quiet_hours_enabled = enabled
    row.quiet_hours_start = time.fromisoformat(start)
    row.quiet_hours_end = time.fromisoformat(end)
    row.quiet_hours_action = action
    row.full_clean()
    row.save()
    return row


def at(clock: str, day: int = 0, tz=UTC) -> datetime:
    """``clock`` (HH:MM) on tomorrow, or ``day`` days after it.

    Tomorrow: the stories are published already, and a logged-in reader's session still
    runs. Tomorrow in UTC, the zone of the times said here (``date.today()`` is the
    machine's), as the test runs (not when the module was imported, maybe the day before).
    """
    tomorrow = timezone.now().astimezone(UTC).date() + timedelta(days=1)
    return datetime.combine(tomorrow + timedelta(days=day), time.fromisoformat(clock), tzinfo=tz)


def travel(moment):
    return time_machine.travel(moment, tick=False)


# Hold ------------------------------------------------------------------------------------


@pytest.mark.parametrize("clock", ["23:00", "23:30", "00:00", "03:15", "05:59"])
def test_comments_are_held_during_quiet_hours_across_midnight(article, commenter, clock):
    quiet()
    with travel(at(clock)):
        comment = comment_create(article=article, author=commenter, body=f"Posted at {clock}.")
    assert comment.status == Comment.Status.PENDING
    assert comment.held_reason == (
        "Comments posted during quiet hours (23:00 to 06:00) wait for a moderator."
    )


@pytest.mark.parametrize("clock", ["06:00", "12:00", "22:59"])
def test_comments_are_published_outside_quiet_hours(article, commenter, clock):
    quiet()
    with travel(at(clock)):
        comment = comment_create(article=article, author=commenter, body=f"Posted at {clock}.")
    assert comment.status == Comment.Status.VISIBLE
    assert comment.held_reason == ""


def test_the_author_is_told_why_a_quiet_hours_comment_waits(client, article, commenter):
    quiet()
    client.force_login(commenter)
    with travel(at("01:00")):
        response = post_comment(client, article, "Night owl.")
        response = client.get(response["Location"])
    assertContains(response, "Your comment is awaiting moderation.")
    assertContains(response, "during quiet hours (23:00 to 06:00)")


def test_the_page_says_quiet_hours_hold_comments_and_keeps_the_form(client, article, commenter):
    quiet()
    client.force_login(commenter)
    with travel(at("02:00")):
        response = client.get(article.get_absolute_url())
    assertContains(response, "Quiet hours until 06:00")
    assertContains(response, 'name="body"')


def test_quiet_hours_turned_off_hold_nothing(article, commenter):
    quiet(enabled=False)
    with travel(at("02:00")):
        comment = comment_create(article=article, author=commenter, body="Nobody minds.")
    assert comment.status == Comment.Status.VISIBLE


def test_a_window_within_one_day_works_too(article, commenter):
    quiet(start="12:00", end="13:30")
    assert quiet_hours(ModerationSettings.load(), at=at("12:45")).is_quiet
    assert not quiet_hours(ModerationSettings.load(), at=at("13:30")).is_quiet
    assert not quiet_hours(ModerationSettings.load(), at=at("23:00")).is_quiet


# Close -----------------------------------------------------------------------------------


def test_closed_quiet_hours_take_the_form_away_and_say_when_comments_reopen(
    client, article, commenter
):
    quiet(action=QuietHoursAction.CLOSE)
    client.force_login(commenter)
    with travel(at("23:30")):
        response = client.get(article.get_absolute_url())
        assertContains(response, "Comments reopen at 06:00.")
        assertNotContains(response, 'name="body"')
        refused = post_comment(client, article, "Too late for this.")
    assert refused.status_code == 403
    assertContains(refused, "Comments reopen at 06:00.", status_code=403)
    assertContains(refused, "Too late for this.", status_code=403)
    assert not Comment.objects.exists()

    with travel(at("06:00", day=1)):
        response = client.get(article.get_absolute_url())
        assertContains(response, 'name="body"')
        assertNotContains(response, "Comments reopen")
        comment = comment_create(article=article, author=commenter, body="Morning.")
    assert comment.status == Comment.Status.VISIBLE


def test_closed_quiet_hours_refuse_the_service_and_replies(client, article, commenter, stranger):
    quiet(action=QuietHoursAction.CLOSE)
    # In the afternoon indeed: at the time the test runs, it may be quiet hours already.
    with travel(at("15:00")):
        theirs = comment_create(article=article, author=stranger, body="From the afternoon.")
    client.force_login(commenter)
    with travel(at("04:00", day=1)):
        with pytest.raises(PermissionDenied, match="reopen at 06:00"):
            comment_create(article=article, author=commenter, body="Sneaking in.")
        reply = client.get(reverse("articles:comment-reply", kwargs={"pk": theirs.pk}))
    assert reply.status_code == 403
    assertContains(reply, "Comments reopen at 06:00.", status_code=403)


def test_anonymous_readers_are_told_when_comments_reopen(client, article):
    quiet(action=QuietHoursAction.CLOSE)
    with travel(at("23:30")):
        response = client.get(article.get_absolute_url())
    assertContains(response, "Comments reopen at 06:00.")
    assertNotContains(response, "You need to login to leave a comment.")


def test_quiet_hours_leave_read_only_and_hidden_threads_as_they_are(article):
    quiet(action=QuietHoursAction.CLOSE)
    article.discussion_mode = DiscussionMode.READ_ONLY
    with travel(at("23:30")):
        discussion = discussion_for(article)
    assert discussion.is_read_only and discussion.reopens_at is None
    assert discussion.changes_at is None


# The site's time zone --------------------------------------------------------------------


def test_quiet_hours_are_in_the_sites_time_zone(article, commenter, settings):
    settings.TIME_ZONE = "Europe/Paris"
    quiet()
    paris = ZoneInfo("Europe/Paris")
    # 23:30 in Paris is 21:30 or 22:30 in UTC: quiet in Paris, not in UTC.
    with travel(at("23:30", tz=paris)):
        held = comment_create(article=article, author=commenter, body="Paris night.")
    assert held.status == Comment.Status.PENDING
    with travel(at("06:30", tz=paris)):
        shown = comment_create(article=article, author=commenter, body="Paris morning.")
    assert shown.status == Comment.Status.VISIBLE


def test_the_next_boundary_is_the_next_start_or_end():
    row = ModerationSettings(
        is_quiet_hours_enabled=True,
        quiet_hours_start=time(23, 0),
        quiet_hours_end=time(6, 0),
        quiet_hours_action=QuietHoursAction.CLOSE,
    )
    evening = quiet_hours(row, at=at("20:00"))
    assert not evening.is_quiet and evening.next_boundary_at == at("23:00")
    night = quiet_hours(row, at=at("23:10"))
    assert night.is_quiet and night.ends_at == at("06:00", day=1)
    assert night.next_boundary_at == at("06:00", day=1)
    morning = quiet_hours(row, at=at("06:00"))
    assert not morning.is_quiet and morning.next_boundary_at == at("23:00")


# The settings ----------------------------------------------------------------------------


def test_quiet_hours_need_a_start_and_a_different_end():
    row = ModerationSettings.load()
    row.is_quiet_hours_enabled = True
    with pytest.raises(ValidationError) as error:
        row.full_clean()
    assert "quiet_hours_start" in error.value.message_dict
    row.quiet_hours_start = row.quiet_hours_end = time(23, 0)
    with pytest.raises(ValidationError) as error:
        row.full_clean()
    assert "quiet_hours_end" in error.value.message_dict


def test_a_superuser_sets_quiet_hours_in_the_admin(admin_client):
    url = reverse("admin:articles_moderationsettings_changelist")
    response = admin_client.get(url, follow=True)
    assertContains(response, "Quiet hours")
    assertContains(response, 'name="quiet_hours_start"')
    row = ModerationSettings.load()
    change = reverse("admin:articles_moderationsettings_change", args=[row.pk])
    data = {
        "mode": "post",
        "approvals_before_trusted": "1",
        "rejections_for_premoderation": "3",
        "rejections_window": "5",
        "max_links": "2",
        "is_quiet_hours_enabled": "on",
        "quiet_hours_start": "23:00",
        "quiet_hours_end": "",
        "quiet_hours_action": "close",
    }
    response = admin_client.post(change, data)
    assertContains(response, "Quiet hours need a start and an end.")
    response = admin_client.post(change, {**data, "quiet_hours_end": "06:00"})
    assert response.status_code == 302
    row = ModerationSettings.load()
    assert (row.quiet_hours_start, row.quiet_hours_end) == (time(23), time(6))
    assert row.quiet_hours_action == QuietHoursAction.CLOSE


# The page cache --------------------------------------------------------------------------


@pytest.fixture
def page_cache_on(settings):
    settings.NEWSROOM_PAGE_CACHE = True
    page_cache._invalidate_everything_when_back = False


def shared_max_age(response) -> int:
    return int(response["Cache-Control"].split("s-maxage=")[1].split(",")[0])


@pytest.mark.parametrize("action", [QuietHoursAction.CLOSE, QuietHoursAction.HOLD])
def test_a_cached_page_is_kept_no_longer_than_the_start_of_quiet_hours(
    client, article, page_cache_on, action
):
    quiet(action=action)
    with travel(at("22:55")):
        response = client.get(article.get_absolute_url())
        assert shared_max_age(response) == 300
        assertNotContains(response, "Comments reopen")
    with travel(at("23:00").replace(second=1)):
        response = client.get(article.get_absolute_url())
    if action == QuietHoursAction.CLOSE:
        assertContains(response, "Comments reopen at 06:00.")
    else:
        assertContains(response, "Quiet hours until 06:00")
    # Kept until they end, 7 hours on, or the usual lifetime, whichever comes first.
    assert 0 < shared_max_age(response) <= 600


def test_a_cached_page_is_kept_no_longer_than_the_end_of_quiet_hours(
    client, article, page_cache_on
):
    quiet(action=QuietHoursAction.CLOSE)
    with travel(at("05:58")):
        response = client.get(article.get_absolute_url())
        assertContains(response, "Comments reopen at 06:00.")
        assert shared_max_age(response) == 120
    with travel(at("06:00")):
        response = client.get(article.get_absolute_url())
    assertNotContains(response, "Comments reopen")
    assertContains(response, "You need to login to leave a comment.")


def test_without_quiet_hours_the_page_keeps_its_usual_lifetime(client, article, page_cache_on):
    quiet(enabled=False)
    with travel(at("22:55")):
        response = client.get(article.get_absolute_url())
    assert shared_max_age(response) == 600


def test_changing_quiet_hours_in_the_admin_refreshes_cached_pages(
    admin_client, client, article, page_cache_on, django_capture_on_commit_callbacks
):
    with travel(at("23:30")):
        assertNotContains(client.get(article.get_absolute_url()), "Comments reopen")
        row = ModerationSettings.load()
        row.save()
        data = {
            "mode": "post",
            "approvals_before_trusted": "1",
            "rejections_for_premoderation": "3",
            "rejections_window": "5",
            "max_links": "2",
            "is_quiet_hours_enabled": "on",
            "quiet_hours_start": "23:00",
            "quiet_hours_end": "06:00",
            "quiet_hours_action": "close",
        }
        change = reverse("admin:articles_moderationsettings_change", args=[row.pk])
        with django_capture_on_commit_callbacks(execute=True):
            assert admin_client.post(change, data).status_code == 302
    with travel(at("23:31")):
        assertContains(client.get(article.get_absolute_url()), "Comments reopen at 06:00.")
