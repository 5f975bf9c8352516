"""Every email is sent by a background job (newsroom/tasks.py), never inside the request."""

import logging
import time
from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

import pytest
import time_machine
from django_tasks import default_task_backend
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from newsroom import tasks
from tests.factories import CommentFactory
from tests.helpers import PRODUCTION, closed_port, post_comment, run_django

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker() -> None:
    """What ``manage.py db_worker --batch`` does: run every job that is due, then stop."""
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


@pytest.fixture
def dummy_tasks(settings):
    """Jobs are kept, not run: ``default_task_backend.results`` lists what was queued."""
    settings.TASKS = DUMMY
    yield default_task_backend
    default_task_backend.clear()


@pytest.fixture
def dead_smtp(settings):
    """SMTP to a loopback port nobody listens on."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = closed_port()
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 1


@pytest.mark.django_db
def test_a_reply_notification_is_queued_as_a_job_not_sent_in_the_request(
    client, article, commenter, stranger, dummy_tasks, django_capture_on_commit_callbacks
):
    answered = CommentFactory(article=article, author=stranger, body="Is it open?")
    client.force_login(commenter)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_comment(client, article, "Since Monday.", parent=answered)

    assert response.status_code == 302
    assert mail.outbox == []
    (job,) = dummy_tasks.results
    assert job.task.func is tasks.send_email.func
    assert job.kwargs["to"] == [stranger.email]
    assert "Since Monday." in job.kwargs["body"]
    assert job.kwargs["subject"]
    assert job.args == []


@pytest.mark.django_db
def test_nothing_is_queued_when_the_write_is_rolled_back(
    client, article, commenter, stranger, dummy_tasks, django_capture_on_commit_callbacks
):
    answered = CommentFactory(article=article, author=stranger)
    client.force_login(commenter)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post_comment(client, article, "Since Monday.", parent=answered)

    assert len(callbacks) >= 1  # queued only if the transaction commits
    assert dummy_tasks.results == []


@pytest.mark.django_db
def test_allauth_mail_is_a_job_and_names_the_site_not_the_host(
    client, reader, settings, dummy_tasks, django_capture_on_commit_callbacks
):
    settings.NEWSROOM_SITE_NAME = "The Eastport Courier"
    settings.NEWSROOM_BASE_URL = "https://news.example.org"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": reader.email})

    assert response.status_code == 302
    assert mail.outbox == []
    (job,) = dummy_tasks.results
    body = job.kwargs["body"]
    assert job.kwargs["to"] == [reader.email]
    assert job.kwargs["subject"]
    assert "Hello from The Eastport Courier!" in body
    assert "news.example.org" in body
    assert "testserver!" not in body
    assert "Hello from testserver" not in body


@pytest.mark.django_db
def test_allauth_mail_without_a_base_url_names_the_site_at_the_requests_host(
    client, reader, settings, django_capture_on_commit_callbacks
):
    settings.NEWSROOM_SITE_NAME = "The Eastport Courier"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": reader.email})

    (message,) = mail.outbox
    assert "Hello from The Eastport Courier!" in message.body
    assert "Thank you for using The Eastport Courier!\ntestserver" in message.body


@pytest.mark.django_db
def test_the_job_sends_the_html_alternative_and_headers():
    tasks.send_email.call(
        subject="Hello",
        body="Plain",
        to=["ada@example.com"],
        from_email="desk@example.org",
        html="<p>Rich</p>",
        headers={"X-Newsroom": "1"},
    )

    (message,) = mail.outbox
    assert (message.subject, message.body, message.from_email) == (
        "Hello",
        "Plain",
        "desk@example.org",
    )
    assert message.alternatives[0] == ("<p>Rich</p>", "text/html")
    assert message.extra_headers == {"X-Newsroom": "1"}


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_picks_up_the_job_and_sends_it(
    client, article, commenter, stranger, settings
):
    settings.TASKS = DATABASE
    answered = CommentFactory(article=article, author=stranger, body="Is it open?")
    client.force_login(commenter)

    post_comment(client, article, "Since Monday.", parent=answered)

    job = DBTaskResult.objects.get()
    assert (job.status, job.task_path) == ("READY", "newsroom.tasks.send_email")
    assert mail.outbox == []

    run_worker()

    job.refresh_from_db()
    assert job.status == "SUCCESSFUL"
    (message,) = mail.outbox
    assert message.to == [stranger.email]
    assert "Since Monday." in message.body


@pytest.mark.django_db(transaction=True)
def test_a_dead_mail_server_neither_slows_nor_fails_the_post_and_the_job_is_retried(
    client, article, commenter, stranger, settings, dead_smtp, caplog
):
    settings.TASKS = DATABASE
    answered = CommentFactory(article=article, author=stranger, body="Is it open?")
    client.force_login(commenter)

    started = time.monotonic()
    response = post_comment(client, article, "Since Monday.", parent=answered)
    elapsed = time.monotonic() - started

    assert response.status_code == 302
    assert "#comment-" in response["Location"]
    assert elapsed < 2  # no SMTP attempt in the request (a loaded CI box may be slow)

    with caplog.at_level(logging.WARNING, logger="newsroom.tasks"):
        run_worker()

    failed = DBTaskResult.objects.get(status="FAILED")
    assert "ConnectionRefusedError" in failed.traceback
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    assert retry.args_kwargs["kwargs"]["to"] == [stranger.email]
    wait = (retry.run_after - timezone.now()).total_seconds()
    assert tasks.RETRY_DELAYS[0] - 5 < wait <= tasks.RETRY_DELAYS[0]
    assert "failed (attempt 1 of 5" in caplog.text
    assert mail.outbox == []

    # Not before its time; then, the mail server back, the mail goes out once.
    run_worker()
    assert DBTaskResult.objects.get(pk=retry.pk).status == "READY"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(retry.run_after + timedelta(seconds=1), tick=False):
        run_worker()

    assert DBTaskResult.objects.get(pk=retry.pk).status == "SUCCESSFUL"
    assert [m.to for m in mail.outbox] == [[stranger.email]]


@pytest.mark.django_db
def test_retries_are_bounded(dummy_tasks, dead_smtp, caplog):
    kwargs = {"subject": "Hello", "body": "Plain", "to": ["ada@example.com"]}

    with pytest.raises(ConnectionRefusedError):
        tasks.send_email.call(**kwargs, attempt=tasks.MAX_ATTEMPTS - 1)
    (retry,) = dummy_tasks.results
    assert retry.kwargs["attempt"] == tasks.MAX_ATTEMPTS
    assert retry.task.run_after > timezone.now() + timedelta(seconds=tasks.RETRY_DELAYS[-1] - 5)

    with (
        caplog.at_level(logging.ERROR, logger="newsroom.tasks"),
        pytest.raises(ConnectionRefusedError),
    ):
        tasks.send_email.call(**kwargs, attempt=tasks.MAX_ATTEMPTS)
    assert len(dummy_tasks.results) == 1
    assert "failed 5 times" in caplog.text
    assert "not trying again" in caplog.text


@pytest.mark.django_db
def test_a_backend_that_cannot_delay_logs_the_failure_without_retrying(dead_smtp, caplog):
    """The immediate backend (development, tests) runs the job at once, and cannot run one
    later: the failure is logged, the request carries on."""
    with caplog.at_level(logging.ERROR, logger="newsroom.tasks"):
        result = tasks.send_email.enqueue(subject="Hello", body="Plain", to=["ada@example.com"])

    assert result.status == "FAILED"
    assert "cannot run a job later" in caplog.text


def test_production_needs_the_base_url_since_jobs_have_no_request():
    env = {**PRODUCTION, "NEWSROOM_BASE_URL": ""}
    result = run_django("", **env)

    assert result.returncode != 0
    assert "DJANGO_ENV=production needs NEWSROOM_BASE_URL" in result.stderr


def test_production_queues_jobs_in_the_database():
    code = "from django.conf import settings; print(settings.TASKS['default']['BACKEND'])"

    assert run_django(code, **PRODUCTION).stdout.strip() == "django_tasks_db.DatabaseBackend"
    assert run_django(code).stdout.strip() == "django_tasks.backends.immediate.ImmediateBackend"
