"""Reply and approval emails, the way each reader chose them on their profile.

``User.comment_email_delivery``: "instant" (the default, as before) sends each email once
the transaction commits; "daily" keeps a :class:`PendingNotification` instead, and one
email a day lists them all, at ``NEWSROOM_DIGEST_HOUR`` in ``DJANGO_TIME_ZONE``. Replies
still follow ``is_notified_of_replies`` (off: no email, instant or daily).

No cron: the first notification waiting for a day's digest queues the job that sends it,
a django-tasks job run after that hour (``newsroom.tasks.send_comment_digests``), as the
first report queues the moderators' report digest. The job is idempotent: it sends what
is due and not yet sent, marks it, and leaves out what a reader can no longer see (a
reply removed meanwhile, a story taken down), so a second job for the same hour, or one
that runs late, sends nothing twice.
"""

from datetime import datetime, timedelta
from itertools import groupby

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Comment, PendingNotification
from newsroom.absolute import absolute_url
from newsroom.tasks import queue_comment_digests_on_commit, send_email_on_commit

REPLY_TEMPLATE = "articles/email/comment_reply"
APPROVED_TEMPLATE = "articles/email/comment_moderated"
DIGEST_TEMPLATE = "articles/email/comment_digest"
# How much of a reply the digest quotes; the link leads to all of it.
DIGEST_EXCERPT_CHARS = 500


def _mail_on_commit(*, template: str, to: list[str], context: dict) -> None:
    # The same rendering as articles.services.comments' emails (subject on one line).
    if not to:
        return
    context = {"site_name": settings.NEWSROOM_SITE_NAME, **context}
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    body = render_to_string(f"{template}.txt", context)
    send_email_on_commit(subject=subject, body=body, to=to)


def _base_url(request: HttpRequest | None) -> str:
    """The site's address for a job's links: ``NEWSROOM_BASE_URL``, else the request's."""
    if settings.NEWSROOM_BASE_URL or request is None:
        return settings.NEWSROOM_BASE_URL
    return request.build_absolute_uri("/").removesuffix("/")


def wants_daily(user) -> bool:
    return user.comment_email_delivery == user.EmailDelivery.DAILY


def next_digest_at(now: datetime | None = None) -> datetime:
    """The next ``NEWSROOM_DIGEST_HOUR`` o'clock in ``DJANGO_TIME_ZONE`` after ``now``."""
    local = timezone.localtime(now or timezone.now())
    due = local.replace(hour=settings.NEWSROOM_DIGEST_HOUR, minute=0, second=0, microsecond=0)
    if due <= local:
        # Wall-clock arithmetic: the same hour tomorrow, across a change of summer time.
        due += timedelta(days=1)
    return due


def notify_reply(*, comment: Comment, recipient, request: HttpRequest | None = None) -> None:
    """Tell ``recipient`` that ``comment`` answers theirs: at once, or in their digest.
    The caller has checked that they want reply emails and have an address."""
    if wants_daily(recipient):
        notification_hold(
            recipient=recipient,
            comment=comment,
            kind=PendingNotification.Kind.REPLY,
            request=request,
        )
        return
    _mail_on_commit(
        template=REPLY_TEMPLATE,
        to=[recipient.email],
        context={
            "comment": comment,
            "recipient": recipient,
            "url": absolute_url(comment.get_absolute_url(), request),
            "profile_url": absolute_url(reverse("accounts:profile"), request),
        },
    )


def notify_approved(*, comment: Comment, request: HttpRequest | None = None) -> None:
    """Tell the author that a moderator approved their held comment: at once, or in their
    digest. The caller has checked that the comment has an author with an address."""
    author = comment.author
    if wants_daily(author):
        notification_hold(
            recipient=author,
            comment=comment,
            kind=PendingNotification.Kind.APPROVED,
            request=request,
        )
        return
    _mail_on_commit(
        template=APPROVED_TEMPLATE,
        to=[author.email],
        context={
            "comment": comment,
            "is_approved": True,
            "was_held": True,
            "url": absolute_url(comment.get_absolute_url(), request),
        },
    )


@transaction.atomic
def notification_hold(
    *, recipient, comment: Comment, kind: str, request: HttpRequest | None = None
) -> PendingNotification:
    """Keep a notification for ``recipient``'s next digest; the first one waiting for that
    digest queues the job that sends it. Holding the same one twice keeps one."""
    due_at = next_digest_at()
    has_job = PendingNotification.objects.filter(sent_at__isnull=True, due_at=due_at).exists()
    notification, _created = PendingNotification.objects.get_or_create(
        recipient=recipient, comment=comment, kind=kind, defaults={"due_at": due_at}
    )
    if not has_job:
        # Two first notifications at once may queue two jobs: the second finds nothing due.
        queue_comment_digests_on_commit(due_at=due_at, base_url=_base_url(request))
    return notification


def _is_still_news(notification: PendingNotification, published_ids: set[int]) -> bool:
    """Whether the reader can still read what the notification is about."""
    comment = notification.comment
    if comment.status != Comment.Status.VISIBLE or comment.article_id not in published_ids:
        return False
    if notification.kind == PendingNotification.Kind.REPLY:
        return notification.recipient.is_notified_of_replies
    return True


@transaction.atomic
def comment_digest_send(*, until: datetime | None = None, base_url: str = "") -> int:
    """Email every reader one digest of their notifications due by ``until`` (now) and not
    sent yet, mark them sent, and say how many emails went out. Run by
    ``newsroom.tasks.send_comment_digests``; links are on ``NEWSROOM_BASE_URL``, else on
    ``base_url`` (the site of the request that queued the job)."""

    def url(path: str) -> str:
        return (settings.NEWSROOM_BASE_URL or base_url) + path

    now = timezone.now()
    due = list(
        PendingNotification.objects.select_for_update(of=("self",))
        .filter(sent_at__isnull=True, due_at__lte=until or now)
        .select_related("recipient", "comment__article", "comment__author")
        .order_by("recipient_id", "created_at", "pk")
    )
    if not due:
        return 0
    PendingNotification.objects.filter(pk__in=[n.pk for n in due]).update(sent_at=now)
    published_ids = set(
        Article.objects.published()
        .filter(pk__in={n.comment.article_id for n in due})
        .values_list("pk", flat=True)
    )
    sent = 0
    profile_url = url(reverse("accounts:profile"))
    for _recipient_id, group in groupby(due, key=lambda n: n.recipient_id):
        notifications = [n for n in group if _is_still_news(n, published_ids)]
        if not notifications:
            continue
        recipient = notifications[0].recipient
        if not recipient.is_active or not recipient.email:
            continue
        entries = [
            {
                "kind": n.kind,
                "is_reply": n.kind == PendingNotification.Kind.REPLY,
                "comment": n.comment,
                "url": url(n.comment.get_absolute_url()),
            }
            for n in notifications
        ]
        _mail_on_commit(
            template=DIGEST_TEMPLATE,
            to=[recipient.email],
            context={
                "recipient": recipient,
                "entries": entries,
                "count": len(entries),
                "excerpt_chars": DIGEST_EXCERPT_CHARS,
                "profile_url": profile_url,
            },
        )
        sent += 1
    return sent
