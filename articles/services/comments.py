"""Comments and their moderation: writes with side effects.

Views, admin actions and commands call these; each asks ``articles.permissions`` before it
writes (and raises ``PermissionDenied``), so no caller can skip a rule. Mail goes out only
once the transaction commits, its links absolute (``NEWSROOM_BASE_URL``, else the request's
host) and to a comment's permalink, which finds the page holding it; a background job sends
it (``newsroom.tasks``), so a slow or dead mail server never holds up the request.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from articles import caching
from articles.models import (
    Article,
    Comment,
    CommentReport,
    ModerationSettings,
)
from articles.models.comment import validate_comment_has_text
from articles.moderation.checks import CheckContext, held_reason_or_raise, run_checks
from articles.permissions import ArticlePermissions, CommentPermissions
from articles.roles import MODERATOR_ROLE
from articles.services import notifications
from newsroom.absolute import absolute_url
from newsroom.client_ip import client_ip
from newsroom.tasks import queue_report_digest_on_commit, send_email_on_commit


def _normalized(text: str) -> str:
    return " ".join(text.split()).casefold()


def _clean_body(body: str) -> str:
    return (body or "").replace("\r\n", "\n").strip()


def _check_text(body: str) -> None:
    try:
        validate_comment_has_text(body)
    except ValidationError as error:
        raise ValidationError({"body": error.messages}, code="blank") from None


def _hold_reason(
    *,
    author,
    article: Article,
    body: str,
    parent: Comment | None = None,
    is_edit: bool = False,
    post_anyway: bool = False,
    request: HttpRequest | None = None,
) -> str:
    """Run the pre-check chain (``articles.moderation``): why the comment is held, or '';
    a rejection raises ``ValidationError``, a request to revise ``RevisionRequested``."""
    ctx = CheckContext(
        author=author,
        article=article,
        body=body,
        parent=parent,
        is_edit=is_edit,
        moderation=ModerationSettings.load(),
        client_ip=client_ip(request) if request is not None else "",
        user_agent=request.headers.get("User-Agent", "") if request is not None else "",
        referrer=request.headers.get("Referer", "") if request is not None else "",
        site_url=absolute_url("/", request).removesuffix("/")
        if request is not None or settings.NEWSROOM_BASE_URL
        else "",
    )
    return held_reason_or_raise(run_checks(ctx, post_anyway=post_anyway))


def _mail_on_commit(*, template: str, to: list[str], context: dict) -> None:
    if not to:
        return
    context = {"site_name": settings.NEWSROOM_SITE_NAME, **context}
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    body = render_to_string(f"{template}.txt", context)
    send_email_on_commit(subject=subject, body=body, to=to)


def _notify_reply(comment: Comment, request: HttpRequest | None) -> None:
    answered = comment.replied_to or comment.parent
    if answered is None or answered.author_id is None or answered.author_id == comment.author_id:
        return
    recipient = answered.author
    if not recipient.is_notified_of_replies or not recipient.email:
        return
    notifications.notify_reply(comment=comment, recipient=recipient, request=request)


@transaction.atomic
def comment_create(
    *,
    article: Article,
    author,
    body: str,
    parent: Comment | None = None,
    request: HttpRequest | None = None,
    post_anyway: bool = False,
) -> Comment:
    """Post a comment or reply; held for moderation when the pre-check chain says so.
    ``post_anyway``: the author was asked to revise and posts it for review instead."""
    permissions = ArticlePermissions(author, article)
    if permissions.comment_refusal:
        raise PermissionDenied(permissions.comment_refusal_message)
    body = _clean_body(body)
    _check_text(body)
    replied_to = None
    if parent is not None:
        if parent.article_id != article.pk:
            raise ValidationError(_("That comment is no longer open for replies."))
        parent_permissions = CommentPermissions(author, parent, article_permissions=permissions)
        if refusal := parent_permissions.reply_refusal():
            raise ValidationError(refusal)
        if parent.parent_id:
            # One level of replies: answering a reply joins its thread and names who it answers.
            replied_to, parent = parent, parent.parent
    # One post at a time per reader: a double click's two requests would otherwise both
    # find no duplicate before either is saved. A row lock on PostgreSQL; SQLite, for
    # development, ignores it.
    get_user_model().objects.select_for_update().filter(pk=author.pk).first()
    last = Comment.objects.filter(author=author, article=article).order_by("-pk").first()
    # A duplicate says the same in the same place; a reposted withdrawn comment is not one,
    # nor "Thank you" to two different people.
    if (
        last
        and body
        and not last.is_deleted_by_author
        and (last.parent_id, last.replied_to_id)
        == (getattr(parent, "pk", None), getattr(replied_to, "pk", None))
        and _normalized(last.body) == _normalized(body)
    ):
        raise ValidationError(
            {"body": _("You have just posted this comment; it was not posted twice.")},
            code="duplicate",
        )
    comment = Comment(article=article, author=author, body=body, parent=parent)
    comment.replied_to = replied_to
    comment.full_clean()
    comment.held_reason = _hold_reason(
        author=author,
        article=article,
        body=body,
        parent=parent,
        post_anyway=post_anyway,
        request=request,
    )
    comment.status = Comment.Status.PENDING if comment.held_reason else Comment.Status.VISIBLE
    comment.save()
    if comment.status == Comment.Status.VISIBLE:
        _notify_reply(comment, request)
        caching.articles_changed([article.pk])
    return comment


@transaction.atomic
def comment_edit(
    *,
    comment: Comment,
    by,
    body: str,
    post_anyway: bool = False,
    request: HttpRequest | None = None,
) -> Comment:
    """The author corrects their comment inside the edit window; the checks run again."""
    if refusal := CommentPermissions(by, comment).edit_refusal():
        raise PermissionDenied(refusal)
    body = _clean_body(body)
    _check_text(body)
    if body == comment.body:
        return comment
    comment.body = body
    comment.full_clean()
    held_reason = _hold_reason(
        author=by,
        article=comment.article,
        body=body,
        parent=comment.parent,
        is_edit=True,
        post_anyway=post_anyway,
        request=request,
    )
    if held_reason and comment.status == Comment.Status.VISIBLE:
        # Editing must not slip words or links past the rules that applied when posting.
        comment.status = Comment.Status.PENDING
        comment.held_reason = held_reason
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "status", "held_reason", "edited_at"])
    caching.articles_changed([comment.article_id])
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment, by) -> Comment:
    """The author withdraws their comment; replies under it stay, under a placeholder."""
    if refusal := CommentPermissions(by, comment).delete_refusal():
        raise PermissionDenied(refusal)
    comment.status = Comment.Status.REMOVED
    comment.is_deleted_by_author = True
    comment.save(update_fields=["status", "is_deleted_by_author"])
    caching.articles_changed([comment.article_id])
    return comment


def moderators():
    """Active accounts that moderate: the Moderator group and superusers."""
    from accounts.models import User

    return User.objects.filter(
        Q(groups__name=MODERATOR_ROLE) | Q(is_superuser=True), is_active=True
    ).distinct()


@transaction.atomic
def comment_report(
    *,
    comment: Comment,
    by,
    reason: str,
    note: str = "",
    request: HttpRequest | None = None,
) -> CommentReport:
    """A reader flags a comment once; the moderators get it in their next digest."""
    if refusal := CommentPermissions(by, comment).report_refusal():
        raise PermissionDenied(refusal)
    report = CommentReport(comment=comment, reporter=by, reason=reason, note=note.strip())
    report.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        raise ValidationError(
            _("You have already reported this comment; the moderators will look at it."),
            code="duplicate",
        ) from None
    _join_report_digest(report, base_url=absolute_url("/", request).removesuffix("/"))
    return report


def _join_report_digest(report: CommentReport, *, base_url: str) -> None:
    """Make sure a digest job will list ``report``: the first report of a window queues one;
    the reports after it, while it is due, join it."""
    now = timezone.now()
    window = timedelta(minutes=settings.NEWSROOM_REPORT_DIGEST_MINUTES)
    # Locked, so a digest being sent meanwhile either lists this report or has marked these
    # rows when we read them (then none is waiting, and this report queues the next digest).
    waiting = list(
        CommentReport.objects.select_for_update()
        .filter(mailed_at__isnull=True)
        .exclude(pk=report.pk)
        .values_list("created_at", flat=True)
    )
    # A waiting report younger than the window has a digest due; an older one's digest is
    # late (a stopped worker): another is queued, and finds what the first did not send.
    if not any(created_at > now - window for created_at in waiting):
        queue_report_digest_on_commit(base_url=base_url)


@transaction.atomic
def report_digest_send(*, base_url: str = "") -> int:
    """Email every moderator one list of the reports no digest has listed yet, mark them,
    and say how many were listed. Run by ``newsroom.tasks.send_report_digest``; links are
    on ``NEWSROOM_BASE_URL``, else on ``base_url`` (the reporting request's site)."""

    def url(path: str) -> str:
        return (settings.NEWSROOM_BASE_URL or base_url) + path

    reports = list(
        CommentReport.objects.select_for_update(of=("self",))
        .filter(mailed_at__isnull=True)
        .select_related("reporter", "comment__author", "comment__article")
        .order_by("created_at", "pk")
    )
    if reports:
        CommentReport.objects.filter(pk__in=[report.pk for report in reports]).update(
            mailed_at=timezone.now()
        )
        entries = [
            {
                "report": report,
                "comment": report.comment,
                "url": url(report.comment.get_absolute_url()),
                "admin_url": url(
                    reverse("admin:articles_comment_change", args=[report.comment_id])
                ),
            }
            for report in reports
        ]
        queue_url = url(reverse("admin:articles_comment_changelist") + "?reported=open")
        for moderator in moderators():
            # Every moderator is told: reports are their work, not a notice they opt into.
            _mail_on_commit(
                template="articles/email/report_digest",
                to=[moderator.email] if moderator.email else [],
                context={"entries": entries, "count": len(entries), "queue_url": queue_url},
            )
    # A report saved while this ran (it waited on these rows) found nothing waiting only if
    # these were already marked; one that read them before was not listed: queue its digest.
    if CommentReport.objects.filter(mailed_at__isnull=True).exists():
        queue_report_digest_on_commit(base_url=base_url)
    return len(reports)


# Moderation (comment_moderate, bans, suspensions, warnings, appeals) lives in
# articles/services/moderation.py; these names stay importable from here.
from articles.services.moderation import (  # noqa: E402
    MODERATION_STATUSES,
    comment_moderate,
    commenter_ban,
    commenter_ban_remember_emails,
    commenter_unban,
)

__all__ = [
    "MODERATION_STATUSES",
    "comment_create",
    "comment_delete",
    "comment_edit",
    "comment_moderate",
    "comment_report",
    "commenter_ban",
    "commenter_ban_remember_emails",
    "commenter_unban",
    "moderators",
    "report_digest_send",
]
