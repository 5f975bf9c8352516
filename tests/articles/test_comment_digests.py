"""Reply and approval emails, instant or in a daily digest (issue 12, "Reply and approval
digests"): the reader's choice, the stored notifications, the job queued for the digest
hour, and the one email it sends."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core import mail
from django.urls import reverse
from django.utils import timezone

import pytest
import time_machine
from pytest_django.asserts import assertContains

from accounts.models import User
from articles.models import Comment, PendingNotification
from articles.services import comment_create, comment_moderate
from articles.services.notifications import comment_digest_send, next_digest_at
from newsroom.tasks import send_comment_digests
from tests.factories import ArticleFactory, CommentFactory, VerifiedUserFactory

pytestmark = pytest.mark.django_db

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def jobs(settings):
    """Jobs are kept, not run (a backend that can run them later), and listed."""
    settings.TASKS = DUMMY
    settings.NEWSROOM_BASE_URL = "https://news.example.org"
    from django_tasks import default_task_backend

    default_task_backend.clear()
    yield lambda: [r for r in default_task_backend.results if r.task.name == "send_comment_digests"]
    default_task_backend.clear()


@pytest.fixture
def daily(stranger):
    stranger.comment_email_delivery = User.EmailDelivery.DAILY
    stranger.save()
    return stranger


@pytest.fixture
def morning(settings):
    settings.TIME_ZONE = "Europe/Paris"
    settings.NEWSROOM_DIGEST_HOUR = 8
    # Days after the stories were published (at the real time of the test run): counted
    # from today, as a fixed date would come before them once the calendar passed it.
    day = timezone.localdate() + timedelta(days=3)
    with time_machine.travel(datetime.combine(day, time(6, 30), tzinfo=PARIS), tick=False):
        yield datetime.combine(day, time(8, 0), tzinfo=PARIS)


def delivered() -> list:
    """The emails sent so far: the send_email jobs the kept-jobs backend holds, run now."""
    from django_tasks import default_task_backend as backend

    for result in [r for r in backend.results if r.task.name == "send_email"]:
        result.task.call(**result.kwargs)
        backend.results.remove(result)
    return mail.outbox


def reply_to(comment, *, by, body="A reply to you"):
    return comment_create(article=comment.article, author=by, body=body, parent=comment)


# The reader's choice, on their profile.


def test_the_profile_offers_instant_or_daily_and_saves_the_choice(client, stranger):
    client.force_login(stranger)
    page = client.get(reverse("accounts:profile"))
    assertContains(page, "Reply and approval emails")
    assertContains(page, 'value="instant" id="id_comment_email_delivery_0" checked')
    assertContains(page, "One daily digest")

    response = client.post(
        reverse("accounts:profile"),
        {
            "username": "stranger",
            "is_notified_of_replies": "on",
            "comment_email_delivery": "daily",
        },
    )
    assert response.status_code == 302
    stranger.refresh_from_db()
    assert stranger.comment_email_delivery == "daily"
    assert stranger.is_notified_of_replies is True


def test_a_profile_form_without_the_choice_keeps_the_saved_one(client, daily):
    client.force_login(daily)
    response = client.post(reverse("accounts:profile"), {"username": "stranger"})
    assert response.status_code == 302
    daily.refresh_from_db()
    assert daily.comment_email_delivery == "daily"


def test_an_unknown_choice_is_refused_and_the_form_kept(client, stranger):
    client.force_login(stranger)
    response = client.post(
        reverse("accounts:profile"),
        {"username": "New_Name", "comment_email_delivery": "hourly"},
    )
    assert response.status_code == 400
    assertContains(response, "Select a valid choice", status_code=400)
    assertContains(response, 'value="New_Name"', status_code=400)
    stranger.refresh_from_db()
    assert stranger.username == "stranger"


def test_the_data_download_says_which_was_chosen(client, daily):
    client.force_login(daily)
    data = client.get(reverse("accounts:data")).json()
    assert data["profile"]["comment_email_delivery"] == "daily"


# Instant: as before.


def test_instant_is_the_default_and_mails_at_once(article, commenter, stranger, committed, jobs):
    top = CommentFactory(article=article, author=stranger)
    with committed():
        reply_to(top, by=commenter)
    assert not PendingNotification.objects.exists()
    assert jobs() == []
    from django_tasks import default_task_backend

    (job,) = default_task_backend.results
    assert job.task.name == "send_email"
    assert job.kwargs["to"] == [stranger.email]
    assert "commenter replied to your comment" in job.kwargs["subject"]


def test_instant_approval_mails_at_once(article, stranger, moderator, committed, settings):
    settings.NEWSROOM_BASE_URL = "https://news.example.org"
    held = CommentFactory(article=article, author=stranger, status=Comment.Status.PENDING)
    with committed():
        comment_moderate(comments=[held], by=moderator, action="approve")
    (message,) = mail.outbox
    assert message.subject == "Your comment is now published"
    assert "A moderator approved it" in message.body


# Daily: stored, one job per digest hour, one email.


def test_a_daily_readers_reply_waits_for_the_digest_hour(
    article, commenter, daily, committed, jobs, morning
):
    top = CommentFactory(article=article, author=daily)
    with committed():
        reply_to(top, by=commenter)

    assert delivered() == []
    (notification,) = PendingNotification.objects.all()
    assert notification.recipient == daily
    assert notification.kind == "reply"
    assert notification.due_at == morning
    (job,) = jobs()
    assert job.task.run_after == morning
    assert job.kwargs == {"until": morning.isoformat(), "base_url": "https://news.example.org"}


def test_later_notifications_of_the_day_join_the_queued_digest(
    article, commenter, daily, moderator, committed, jobs, morning
):
    top = CommentFactory(article=article, author=daily, body="My first words")
    held = CommentFactory(article=article, author=daily, status=Comment.Status.PENDING)
    with committed():
        first = reply_to(top, by=commenter, body="First reply")
    with committed():
        second = reply_to(top, by=commenter, body="Second reply")
    with committed():
        comment_moderate(comments=[held], by=moderator, action="approve")

    assert delivered() == []
    assert len(jobs()) == 1
    assert PendingNotification.objects.filter(sent_at__isnull=True).count() == 3

    with time_machine.travel(morning, tick=False), committed():
        send_comment_digests.call(**jobs()[0].kwargs)

    (message,) = delivered()
    assert message.to == [daily.email]
    assert message.subject == "Newsroom: 3 updates on your comments"
    body = message.body
    assert "Hello stranger," in body
    assert "commenter replied to your comment on “Harbour bridge reopens”" in body
    assert body.index("First reply") < body.index("Second reply")
    assert f"https://news.example.org/comments/{first.pk}/" in body
    assert f"https://news.example.org/comments/{second.pk}/" in body
    assert "A moderator approved your comment on “Harbour bridge reopens”" in body
    assert f"https://news.example.org/comments/{held.pk}/" in body
    assert "https://news.example.org/accounts/profile/" in body
    assert not PendingNotification.objects.filter(sent_at__isnull=True).exists()


def test_the_digest_is_idempotent(article, commenter, daily, committed, jobs, morning):
    top = CommentFactory(article=article, author=daily)
    with committed():
        reply_to(top, by=commenter)
    with time_machine.travel(morning, tick=False), committed():
        assert comment_digest_send(until=morning) == 1
        # A second job for the same hour (two first notifications at once) sends nothing.
        assert comment_digest_send(until=morning) == 0
    assert len(delivered()) == 1


def test_notifications_of_the_next_day_wait_for_the_next_digest(
    article, commenter, daily, committed, jobs, morning
):
    top = CommentFactory(article=article, author=daily)
    with committed():
        reply_to(top, by=commenter, body="Early")
    after = morning + timedelta(hours=1)
    with time_machine.travel(after, tick=False), committed():
        reply_to(top, by=commenter, body="After breakfast")
    tomorrow = morning + timedelta(days=1)  # 08:00 again, summer time or not
    assert [job.task.run_after for job in jobs()] == [morning, tomorrow]

    with time_machine.travel(after, tick=False), committed():
        comment_digest_send(until=morning)
    assert "Early" in delivered()[0].body and "After breakfast" not in delivered()[0].body
    with time_machine.travel(tomorrow, tick=False), committed():
        comment_digest_send(until=tomorrow)
    assert "After breakfast" in delivered()[1].body and "Early" not in delivered()[1].body


def test_a_job_that_ran_late_or_got_lost_is_caught_up_by_the_next(
    article, commenter, daily, committed, jobs, morning
):
    top = CommentFactory(article=article, author=daily)
    with committed():
        reply_to(top, by=commenter, body="Yesterday's")
    tomorrow = morning + timedelta(days=1)  # 08:00 again, summer time or not
    # Today's job never ran; tomorrow's lists what it would have.
    with time_machine.travel(tomorrow, tick=False), committed():
        comment_digest_send(until=tomorrow)
    assert "Yesterday's" in delivered()[0].body


def test_a_reply_removed_before_the_digest_is_left_out(
    article, commenter, daily, moderator, committed, jobs, morning
):
    top = CommentFactory(article=article, author=daily)
    with committed():
        kept = reply_to(top, by=commenter, body="Kind words")
        removed = reply_to(top, by=commenter, body="Rude words")
    with committed():
        comment_moderate(comments=[removed], by=moderator, action="remove", reason="off_topic")

    with time_machine.travel(morning, tick=False), committed():
        assert comment_digest_send(until=morning) == 1
    (message,) = [m for m in delivered() if m.to == [daily.email]]
    assert message.subject == "Newsroom: 1 update on your comments"
    assert "Kind words" in message.body and "Rude words" not in message.body
    assert f"/comments/{kept.pk}/" in message.body


def test_nothing_left_to_tell_sends_nothing(article, commenter, daily, committed, jobs, morning):
    top = CommentFactory(article=article, author=daily)
    with committed():
        reply = reply_to(top, by=commenter)
    Comment.objects.filter(pk=reply.pk).update(status=Comment.Status.REMOVED)
    with time_machine.travel(morning, tick=False), committed():
        assert comment_digest_send(until=morning) == 0
    assert delivered() == []
    assert PendingNotification.objects.get().sent_at is not None  # and not listed again


def test_a_story_taken_down_is_left_out(article, commenter, daily, committed, jobs, morning):
    top = CommentFactory(article=article, author=daily)
    with committed():
        reply_to(top, by=commenter)
    article.status = article.Status.DRAFT
    article.save()
    with time_machine.travel(morning, tick=False), committed():
        assert comment_digest_send(until=morning) == 0
    assert delivered() == []


def test_turning_reply_emails_off_also_empties_the_digest_of_replies(
    article, commenter, daily, committed, jobs, morning
):
    top = CommentFactory(article=article, author=daily)
    with committed():
        reply_to(top, by=commenter)
    daily.is_notified_of_replies = False
    daily.save()
    with time_machine.travel(morning, tick=False), committed():
        assert comment_digest_send(until=morning) == 0
    # And off means no notification is kept at all.
    with committed():
        reply_to(top, by=commenter, body="Another")
    assert PendingNotification.objects.count() == 1


def test_each_reader_gets_their_own_digest(article, commenter, daily, committed, jobs, morning):
    other = VerifiedUserFactory(username="other", comment_email_delivery="daily")
    instant = VerifiedUserFactory(username="instant")
    for author in (daily, other, instant):
        with committed():
            reply_to(CommentFactory(article=article, author=author), by=commenter)
    assert len(jobs()) == 1
    with time_machine.travel(morning, tick=False), committed():
        assert comment_digest_send(until=morning) == 2
    digests = [
        m
        for m in delivered()
        if "updates on your comments" in m.subject or "update on" in m.subject
    ]
    assert sorted(m.to[0] for m in digests) == sorted([daily.email, other.email])
    # The instant reader had theirs at once, on its own.
    assert [m.to for m in delivered() if "replied to your comment" in m.subject] == [
        [instant.email]
    ]


def test_on_a_backend_that_runs_jobs_at_once_the_digest_goes_at_once(
    article, commenter, daily, committed, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.NEWSROOM_BASE_URL = "https://news.example.org"
    top = CommentFactory(article=article, author=daily)
    with committed():
        reply_to(top, by=commenter, body="Straight away")
    (message,) = mail.outbox
    assert "Straight away" in message.body
    assert message.subject == "Newsroom: 1 update on your comments"


def test_the_same_notification_is_kept_once(article, daily, moderator, committed, jobs, morning):
    held = CommentFactory(article=article, author=daily, status=Comment.Status.PENDING)
    with committed():
        comment_moderate(comments=[held], by=moderator, action="approve")
    Comment.objects.filter(pk=held.pk).update(status=Comment.Status.PENDING)
    held.refresh_from_db()
    with committed():
        comment_moderate(comments=[held], by=moderator, action="approve")
    assert PendingNotification.objects.filter(comment=held, kind="approved").count() == 1


# The digest hour, in the newsroom's time zone.


@pytest.mark.parametrize(
    ("now", "due"),
    [
        (datetime(2026, 12, 1, 7, 59, tzinfo=PARIS), datetime(2026, 12, 1, 8, 0, tzinfo=PARIS)),
        (datetime(2026, 12, 1, 8, 0, tzinfo=PARIS), datetime(2026, 12, 2, 8, 0, tzinfo=PARIS)),
        (datetime(2026, 12, 1, 23, 0, tzinfo=PARIS), datetime(2026, 12, 2, 8, 0, tzinfo=PARIS)),
        # Across the change to summer time the digest still comes at 08:00 local time.
        (datetime(2026, 3, 28, 9, 0, tzinfo=PARIS), datetime(2026, 3, 29, 8, 0, tzinfo=PARIS)),
    ],
)
def test_the_digest_hour_is_local(settings, now, due):
    settings.TIME_ZONE = "Europe/Paris"
    settings.NEWSROOM_DIGEST_HOUR = 8
    at = next_digest_at(now)
    assert at == due
    assert at.utcoffset() == due.utcoffset()


def test_the_digest_names_each_story(commenter, daily, committed, jobs, morning):
    other = ArticleFactory()
    top = CommentFactory(article=other, author=daily)
    with committed():
        reply_to(top, by=commenter, body="Elsewhere")
    with time_machine.travel(morning, tick=False), committed():
        comment_digest_send(until=morning)
    assert other.headline in delivered()[0].body
