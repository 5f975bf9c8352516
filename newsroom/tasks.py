"""Background jobs: every email the site sends goes out from one, never inside a request.

A view or service renders its message while it has the request (its links, its language)
and calls :func:`send_email_on_commit`; once the transaction commits, the job is queued on
the ``TASKS`` backend (django-tasks: the database in production, run by ``manage.py
db_worker`` beside gunicorn, see docs/DEPLOY.md). A mail server that is down costs the
reader nothing: the job fails, is logged with its traceback, and is queued again later.

django-tasks has no retries of its own (0.12): a failed sending queues a new job with a
later ``run_after`` and ``attempt`` one higher, up to ``MAX_ATTEMPTS``; each failed job
stays recorded as failed.

Comment reports are not mailed one by one: the first report queues
:func:`send_report_digest` a few minutes later (``NEWSROOM_REPORT_DIGEST_MINUTES``), and
every report made meanwhile joins the one email each moderator gets. Readers who chose
daily reply and approval emails get :func:`send_comment_digests`, queued by the first
notification waiting for a day's digest to run at ``NEWSROOM_DIGEST_HOUR``.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from django_tasks import task

logger = logging.getLogger(__name__)

# Seconds to wait after each failed attempt: a minute, five, twenty-five, two hours; the
# fifth failure is the last (about two and a half hours after the first).
RETRY_DELAYS = (60, 5 * 60, 25 * 60, 2 * 60 * 60)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


@task()
def send_email(
    *,
    subject: str,
    body: str,
    to: list[str],
    from_email: str | None = None,
    html: str | None = None,
    headers: dict[str, str] | None = None,
    attempt: int = 1,
) -> None:
    """Send one message (``html`` as its HTML alternative); on failure, queue the next try."""
    message = EmailMultiAlternatives(subject, body, from_email, to, headers=headers)
    if html:
        message.attach_alternative(html, "text/html")
    try:
        message.send()
    except Exception as error:
        _retry_later(
            error,
            attempt=attempt,
            kwargs={
                "subject": subject,
                "body": body,
                "to": to,
                "from_email": from_email,
                "html": html,
                "headers": headers,
            },
        )
        raise  # the job is recorded as failed, with its traceback


def _retry_later(error: Exception, *, attempt: int, kwargs: dict) -> None:
    recipients = ", ".join(kwargs["to"])
    if attempt >= MAX_ATTEMPTS:
        logger.error(
            "Email %r to %s failed %d times (%s: %s); not trying again.",
            kwargs["subject"],
            recipients,
            attempt,
            type(error).__name__,
            error,
        )
        return
    if not send_email.get_backend().supports_defer:
        logger.error(
            "Email %r to %s failed (%s: %s); the task backend cannot run a job later, so it "
            "is not tried again.",
            kwargs["subject"],
            recipients,
            type(error).__name__,
            error,
        )
        return
    run_after = timezone.now() + timedelta(seconds=RETRY_DELAYS[attempt - 1])
    send_email.using(run_after=run_after).enqueue(**kwargs, attempt=attempt + 1)
    logger.warning(
        "Email %r to %s failed (attempt %d of %d, %s: %s); trying again at %s.",
        kwargs["subject"],
        recipients,
        attempt,
        MAX_ATTEMPTS,
        type(error).__name__,
        error,
        run_after.isoformat(timespec="seconds"),
    )


def send_email_on_commit(
    *,
    subject: str,
    body: str,
    to: list[str],
    from_email: str | None = None,
    html: str | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    """Queue :func:`send_email` once the current transaction commits (at once outside one),
    so a rolled-back write sends nothing and a job never runs before the rows it names."""
    if not to:
        return
    kwargs = {
        "subject": subject,
        "body": body,
        "to": list(to),
        "from_email": from_email,
        "html": html,
        "headers": headers or None,
    }
    transaction.on_commit(lambda: send_email.enqueue(**kwargs), robust=True)


@task()
def send_report_digest(*, base_url: str = "") -> None:
    """Email each moderator one list of the comment reports no digest has listed yet."""
    # The reports are the articles app's; imported here, as this module is imported by it.
    from articles.services.comments import report_digest_send

    report_digest_send(base_url=base_url)


def queue_report_digest_on_commit(*, base_url: str = "") -> None:
    """Queue :func:`send_report_digest` to run ``NEWSROOM_REPORT_DIGEST_MINUTES`` after this
    transaction commits (at once on a backend that cannot run a job later), so the reports
    made meanwhile join the same email."""
    delay = timedelta(minutes=settings.NEWSROOM_REPORT_DIGEST_MINUTES)

    def enqueue():
        job = send_report_digest
        if delay and job.get_backend().supports_defer:
            job = job.using(run_after=timezone.now() + delay)
        job.enqueue(base_url=base_url)

    transaction.on_commit(enqueue, robust=True)


@task()
def send_comment_digests(*, until: str, base_url: str = "") -> None:
    """Email each reader who chose daily emails one digest of what is due by ``until``."""
    from articles.services.notifications import comment_digest_send

    comment_digest_send(until=datetime.fromisoformat(until), base_url=base_url)


def queue_comment_digests_on_commit(*, due_at: datetime, base_url: str = "") -> None:
    """Queue :func:`send_comment_digests` to run at ``due_at`` once this transaction commits
    (at once on a backend that cannot run a job later: the digest then goes out at once)."""

    def enqueue():
        job = send_comment_digests
        if job.get_backend().supports_defer:
            job = job.using(run_after=due_at)
        job.enqueue(until=due_at.isoformat(), base_url=base_url)

    transaction.on_commit(enqueue, robust=True)


@task()
def apply_scheduled_updates() -> None:
    """Publish the scheduled updates of live stories that are due (queued for each one's
    time, so an update goes out even if no reader asks for a page)."""
    from articles.services.scheduling import scheduled_updates_apply_due

    scheduled_updates_apply_due()
