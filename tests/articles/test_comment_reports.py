"""Reporting comments: a limit on how fast a reader reports, and one digest email per
moderator however many reports arrive (newsroom.tasks.send_report_digest)."""

from datetime import timedelta

from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import timezone

import pytest
import time_machine
from django_tasks_db.models import DBTaskResult
from pytest_django.asserts import assertContains

from articles.models import CommentReport
from articles.roles import MODERATOR_ROLE
from articles.services import comment_report
from articles.services.comments import report_digest_send
from tests.factories import CommentFactory, UserFactory, VerifiedUserFactory
from tests.test_faults import redis_down  # noqa: F401 - the fixture
from tests.test_tasks import DATABASE, run_worker

pytestmark = pytest.mark.django_db

DIGEST_TASK = "newsroom.tasks.send_report_digest"


def report_url(comment) -> str:
    return reverse("articles:comment-report", kwargs={"pk": comment.pk})


@pytest.fixture
def moderators(db):
    """Two moderators with an address (the group's and a superuser) and one without."""
    # get_or_create: a transactional test before this one may have flushed the group the
    # accounts migration makes.
    group, _ = Group.objects.get_or_create(name=MODERATOR_ROLE)
    moderator = UserFactory(username="moderator", email="moderator@example.com", is_staff=True)
    moderator.groups.add(group)
    boss = UserFactory(username="boss", email="boss@example.com", is_superuser=True)
    silent = UserFactory(username="silent", email="")
    silent.groups.add(group)
    return [moderator, boss]


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_30_reports_sends_each_moderator_one_digest_naming_all_of_them(
    client, article, stranger, moderators, settings
):
    settings.TASKS = DATABASE
    settings.NEWSROOM_REPORT_DIGEST_MINUTES = 10
    comments = CommentFactory.create_batch(3, article=article, author=stranger)
    readers = [VerifiedUserFactory(username=f"reader{n:02d}") for n in range(30)]

    for n, reader in enumerate(readers):
        client.force_login(reader)
        response = client.post(
            report_url(comments[n % 3]), {"reason": "abuse", "note": f"Note number {n:02d}"}
        )
        assert response.status_code == 302

    assert CommentReport.objects.count() == 30
    (digest,) = DBTaskResult.objects.filter(task_path=DIGEST_TASK)
    wait = (digest.run_after - timezone.now()).total_seconds()
    assert 9 * 60 < wait <= 10 * 60
    run_worker()  # not due yet
    assert mail.outbox == []

    with time_machine.travel(digest.run_after + timedelta(seconds=1), tick=False):
        run_worker()

    assert sorted(message.to[0] for message in mail.outbox) == [
        "boss@example.com",
        "moderator@example.com",
    ]
    for message in mail.outbox:
        assert message.subject == "30 comment reports to review"
        for n, reader in enumerate(readers):
            assert f"{reader.username} reported a comment as: Abusive or harassing." in message.body
            assert f"Note number {n:02d}" in message.body
        for comment in comments:
            assert f"/comments/{comment.pk}/" in message.body
        assert "Harbour bridge reopens" in message.body
    assert not CommentReport.objects.filter(mailed_at__isnull=True).exists()
    assert DBTaskResult.objects.filter(task_path=DIGEST_TASK).get().status == "SUCCESSFUL"

    # The next report starts the next window, and its digest lists only it.
    late = VerifiedUserFactory(username="late")
    client.force_login(late)
    with time_machine.travel(digest.run_after + timedelta(minutes=1), tick=False):
        assert client.post(report_url(comments[0]), {"reason": "spam"}).status_code == 302
        following = DBTaskResult.objects.get(task_path=DIGEST_TASK, status="READY")
    mail.outbox.clear()
    with time_machine.travel(following.run_after + timedelta(seconds=1), tick=False):
        run_worker()
    assert len(mail.outbox) == 2
    assert mail.outbox[0].subject == "1 comment report to review"
    assert "late reported a comment as: Spam or advertising." in mail.outbox[0].body
    assert "reader00" not in mail.outbox[0].body


def test_a_digest_lists_only_what_no_digest_listed_and_an_empty_one_sends_nothing(
    article, stranger, commenter, moderators, settings, django_capture_on_commit_callbacks
):
    settings.NEWSROOM_BASE_URL = "https://news.example.org"
    comment = CommentFactory(article=article, author=stranger, body="Buy cheap watches")
    with django_capture_on_commit_callbacks(execute=True):
        comment_report(comment=comment, by=commenter, reason="spam")
    assert len(mail.outbox) == 2  # the immediate backend runs the digest at once
    assert "Buy cheap watches" in mail.outbox[0].body
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert report_digest_send() == 0

    assert mail.outbox == []


def test_a_report_made_while_a_digest_is_late_queues_another(
    article, stranger, commenter, moderators, settings, django_capture_on_commit_callbacks
):
    """A digest whose worker stopped must not keep every later report waiting for it."""
    settings.NEWSROOM_BASE_URL = "https://news.example.org"
    settings.NEWSROOM_REPORT_DIGEST_MINUTES = 10
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    first, second, third = CommentFactory.create_batch(3, article=article, author=stranger)
    with django_capture_on_commit_callbacks(execute=True):
        comment_report(comment=first, by=commenter, reason="spam")
    with django_capture_on_commit_callbacks(execute=True):
        comment_report(comment=second, by=commenter, reason="spam")
    assert len(default_task_backend.results) == 1  # the second joins the first's digest

    with (
        time_machine.travel(timezone.now() + timedelta(minutes=11), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        comment_report(comment=third, by=commenter, reason="spam")
    assert len(default_task_backend.results) == 2
    default_task_backend.clear()


def test_the_sixth_report_in_a_minute_is_refused_with_a_message_and_nothing_stored_or_sent(
    client, article, stranger, commenter, moderators, settings, django_capture_on_commit_callbacks
):
    settings.NEWSROOM_COMMENT_REPORT_RATE = "5/m"
    comments = CommentFactory.create_batch(6, article=article, author=stranger)
    client.force_login(commenter)

    for comment in comments[:5]:
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(report_url(comment), {"reason": "spam"}).status_code == 302
    assert len(mail.outbox) == 2 * 5  # immediate backend: a digest of one, per report
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(report_url(comments[5]), {"reason": "spam", "note": "Sixth"})

    assert response.status_code == 429
    assertContains(
        response, "You are sending reports faster than the site allows.", status_code=429
    )
    assertContains(response, "Sixth", status_code=429)  # the note is given back
    assert not CommentReport.objects.filter(comment=comments[5]).exists()
    assert CommentReport.objects.count() == 5
    assert callbacks == []
    assert len(mail.outbox) == 10
    # Another reader has their own limit.
    client.force_login(VerifiedUserFactory(username="other"))
    assert client.post(report_url(comments[5]), {"reason": "spam"}).status_code == 302


def test_without_redis_a_report_is_refused_not_waved_through(
    client,
    article,
    stranger,
    commenter,
    redis_down,  # noqa: F811
):
    comment = CommentFactory(article=article, author=stranger)
    client.force_login(commenter)

    response = client.post(report_url(comment), {"reason": "abuse", "note": "Rude"})

    assert response.status_code == 503
    assertContains(response, "We cannot check the reporting limit right now", status_code=503)
    assert not CommentReport.objects.exists()


def test_the_digest_links_are_on_the_base_url_when_it_is_set(
    article, stranger, commenter, moderators, settings, django_capture_on_commit_callbacks
):
    settings.NEWSROOM_BASE_URL = "https://news.example.org"
    comment = CommentFactory(article=article, author=stranger)
    with django_capture_on_commit_callbacks(execute=True):
        comment_report(comment=comment, by=commenter, reason="off_topic")

    body = mail.outbox[0].body
    assert f"https://news.example.org/comments/{comment.pk}/" in body
    assert f"https://news.example.org/admin/articles/comment/{comment.pk}/change/" in body
    assert "https://news.example.org/admin/articles/comment/?reported=open" in body


def test_a_report_saved_while_a_digest_is_being_sent_gets_the_next_digest(
    article,
    stranger,
    commenter,
    moderators,
    settings,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    """The digest read the waiting reports before this one was saved: it queues the next
    digest, so the report is never left waiting for a job that will not come."""
    from django_tasks import default_task_backend

    from articles.models import CommentReport as Report
    from articles.services import comments as service

    settings.NEWSROOM_BASE_URL = "https://news.example.org"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    first, second = CommentFactory.create_batch(2, article=article, author=stranger)
    Report.objects.create(comment=first, reporter=commenter, reason="spam")
    listed_moderators = service.moderators

    def moderators_while_a_report_arrives():
        Report.objects.create(comment=second, reporter=commenter, reason="abuse")
        return listed_moderators()

    monkeypatch.setattr(service, "moderators", moderators_while_a_report_arrives)

    with django_capture_on_commit_callbacks(execute=True):
        assert report_digest_send() == 1

    (job,) = [r for r in default_task_backend.results if r.task.name == "send_report_digest"]
    assert job.kwargs == {"base_url": ""}
    assert Report.objects.get(comment=second).mailed_at is None
    default_task_backend.clear()
