"""Moderation: decisions on comments and on commenters, each logged (``ModerationLogEntry``,
append-only) and, where it touches a reader, told to them by email.

- ``comment_moderate``: approve, remove (with a ``ModerationReason``) or mark as spam; the
  author of a removed comment gets a statement of reasons with a link to appeal.
- ``appeal_create`` / ``appeal_decide``: the author asks for a second look, a moderator
  upholds or reinstates (through ``comment_moderate``, so the page cache follows).
- ``comment_reports_dismiss``: the comment stays, its open reports are closed.
- ``commenter_ban`` / ``commenter_unban``, ``commenter_suspend`` (until a time, ending by
  itself), ``commenter_warn`` / ``commenter_warning_acknowledge``, ``reader_note_add``.

``by=None`` is a trusted caller (a management command): rights are not asked.
"""

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from articles import caching
from articles.models import (
    Appeal,
    BannedEmail,
    Comment,
    CommenterBan,
    CommenterSuspension,
    CommenterWarning,
    ModerationLogEntry,
    ModerationReason,
    ReaderNote,
)
from articles.models.comment import email_digest
from articles.permissions import CommentPermissions
from articles.services import notifications
from articles.services.comments import _mail_on_commit, _notify_reply, moderators
from newsroom.absolute import absolute_url

Action = ModerationLogEntry.Action

MODERATION_STATUSES = {
    Action.APPROVE: Comment.Status.VISIBLE,
    Action.REMOVE: Comment.Status.REMOVED,
    Action.SPAM: Comment.Status.SPAM,
}


def _check_moderator(by) -> None:
    if by is not None and not CommentPermissions(by).can_moderate():
        raise PermissionDenied(_("Only moderators moderate comments."))


def _log(*, by, action: str, comment: Comment | None = None, user=None, **fields):
    return ModerationLogEntry.objects.create(
        moderator=by,
        action=action,
        comment=comment,
        target_user=user if user is not None else getattr(comment, "author", None),
        **fields,
    )


def guidelines_url(request: HttpRequest | None = None) -> str:
    """The community guidelines' absolute address (``articles:guidelines``)."""
    return absolute_url(reverse("articles:guidelines"), request)


def _removal_reason(action: str, reason: str) -> str:
    if action == Action.SPAM:
        return reason or ModerationReason.SPAM
    if action != Action.REMOVE:
        return ""
    if not reason:
        raise ValidationError(
            {"reason": _("Choose why the comment is removed: its author is told the reason.")},
            code="required",
        )
    return reason


@transaction.atomic
def comment_moderate(
    *,
    comments: Iterable[Comment],
    by,
    action: str,
    reason: str = "",
    explanation: str = "",
    request: HttpRequest | None = None,
) -> int:
    """Approve, remove (``reason`` required) or mark as spam; logged with the reason,
    reports resolved, authors told (a removal with its statement of reasons)."""
    _check_moderator(by)
    status = MODERATION_STATUSES[Action(action)]
    if reason and reason not in ModerationReason.values:
        raise ValidationError({"reason": _("That is not a reason this site uses.")})
    reason = _removal_reason(action, reason)
    explanation = (explanation or "").strip()
    is_removal = status != Comment.Status.VISIBLE
    changed, articles, now = 0, set(), timezone.now()
    for comment in comments:
        previous = comment.status
        if previous == status:
            continue
        comment.status = status
        comment.removal_reason = reason
        comment.removal_explanation = explanation if is_removal else ""
        comment.removed_at = now if is_removal else None
        comment.save(
            update_fields=["status", "removal_reason", "removal_explanation", "removed_at"]
        )
        articles.add(comment.article_id)
        comment.reports.filter(resolved_at__isnull=True).update(resolved_at=now)
        _log(
            by=by,
            action=action,
            comment=comment,
            reason=reason,
            explanation=comment.removal_explanation,
            details=_("Status %(old)s → %(new)s") % {"old": previous, "new": status},
        )
        changed += 1
        author = comment.author if comment.author_id else None
        if author is None or not author.email:
            pass
        elif status == Comment.Status.REMOVED:
            # The commenter hears of every decision on their words, except a spammer of spam.
            _statement_of_reasons(comment, was_held=previous == Comment.Status.PENDING,
                                  request=request)  # fmt: skip
        elif previous == Comment.Status.PENDING and status == Comment.Status.VISIBLE:
            # At once or in the author's daily digest, as they chose.
            notifications.notify_approved(comment=comment, request=request)
        if previous == Comment.Status.PENDING and status == Comment.Status.VISIBLE:
            _notify_reply(comment, request)
    caching.articles_changed(articles)
    return changed


def _statement_of_reasons(comment: Comment, *, was_held: bool, request) -> None:
    _mail_on_commit(
        template="articles/email/comment_removed",
        to=[comment.author.email],
        context={
            "comment": comment,
            "was_held": was_held,
            "reason": comment.get_removal_reason_display(),
            "explanation": comment.removal_explanation,
            "guidelines_url": guidelines_url(request),
            "appeal_url": absolute_url(
                reverse("articles:comment-appeal", kwargs={"pk": comment.pk}), request
            ),
            "appeal_days": settings.NEWSROOM_APPEAL_DAYS,
        },
    )


# Appeals -------------------------------------------------------------------------------


@transaction.atomic
def appeal_create(*, comment: Comment, by, text: str, request: HttpRequest | None = None):
    """The author asks for a second look at their removed comment: once per removal,
    within ``NEWSROOM_APPEAL_DAYS``; the moderators are told."""
    if refusal := CommentPermissions(by, comment).appeal_refusal():
        raise PermissionDenied(refusal)
    text = (text or "").replace("\r\n", "\n").strip()
    appeal = Appeal(comment=comment, author=by, removal_at=comment.removed_at, text=text)
    appeal.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            appeal.save()
    except IntegrityError:
        raise ValidationError(
            _("You have already appealed this removal; a moderator will answer you by email."),
            code="duplicate",
        ) from None
    _log(by=by, action=Action.APPEAL, comment=comment, details=text[:500])
    admin_url = absolute_url(reverse("admin:articles_appeal_change", args=[appeal.pk]), request)
    for moderator in moderators():
        _mail_on_commit(
            template="articles/email/appeal_received",
            to=[moderator.email] if moderator.email else [],
            context={"appeal": appeal, "comment": comment, "admin_url": admin_url},
        )
    return appeal


def _remover_id(comment: Comment) -> int | None:
    entry = (
        ModerationLogEntry.objects.filter(comment=comment, action__in=[Action.REMOVE, Action.SPAM])
        .order_by("-created_at", "-pk")
        .values_list("moderator_id", flat=True)
        .first()
    )
    return entry


def appeal_decide_refusal(*, appeal: Appeal, by) -> str | None:
    """Why ``by`` may not decide ``appeal``, or None: moderators decide open appeals, and
    not of their own removal while another moderator can."""
    if by is not None and not CommentPermissions(by).can_moderate():
        return _("Only moderators decide appeals.")
    if not appeal.is_open:
        return _("This appeal has already been decided.")
    if (
        by is not None
        and _remover_id(appeal.comment) == by.pk
        and moderators().exclude(pk=by.pk).exists()
    ):
        return _("You removed this comment: another moderator decides its appeal.")
    return None


@transaction.atomic
def appeal_decide(
    *,
    appeal: Appeal,
    by,
    outcome: str,
    note: str = "",
    request: HttpRequest | None = None,
) -> Appeal:
    """Uphold the removal or reinstate the comment; logged, and the author is told."""
    # Locked, so two moderators deciding at once decide once.
    appeal = (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("comment__author", "comment__article", "author")
        .get(pk=appeal.pk)
    )
    if refusal := appeal_decide_refusal(appeal=appeal, by=by):
        raise PermissionDenied(refusal)
    if outcome not in (Appeal.Outcome.UPHELD, Appeal.Outcome.REINSTATED):
        raise ValidationError({"outcome": _("Choose to uphold the removal or reinstate.")})
    comment = appeal.comment
    if outcome == Appeal.Outcome.REINSTATED:
        comment_moderate(comments=[comment], by=by, action=Action.APPROVE, request=request)
    appeal.outcome = outcome
    appeal.decision_note = (note or "").strip()
    appeal.decided_by = by
    appeal.decided_at = timezone.now()
    appeal.save(update_fields=["outcome", "decision_note", "decided_by", "decided_at"])
    _log(
        by=by,
        action=Action.REINSTATE if outcome == Appeal.Outcome.REINSTATED else Action.UPHOLD,
        comment=comment,
        user=appeal.author,
        reason=comment.removal_reason,
        explanation=appeal.decision_note,
        details=_("Appeal %(pk)d") % {"pk": appeal.pk},
    )
    if appeal.author.email:
        _mail_on_commit(
            template="articles/email/appeal_decided",
            to=[appeal.author.email],
            context={
                "appeal": appeal,
                "comment": comment,
                "is_reinstated": outcome == Appeal.Outcome.REINSTATED,
                "url": absolute_url(comment.get_absolute_url(), request),
                "guidelines_url": guidelines_url(request),
            },
        )
    return appeal


# Reports -------------------------------------------------------------------------------


@transaction.atomic
def comment_reports_dismiss(*, comment: Comment, by, note: str = "") -> int:
    """Keep the comment and close its open reports (it leaves the "reported" queue);
    says how many were dismissed."""
    _check_moderator(by)
    dismissed = comment.reports.filter(resolved_at__isnull=True).update(
        resolved_at=timezone.now(), is_dismissed=True
    )
    if dismissed:
        _log(
            by=by,
            action=Action.DISMISS,
            comment=comment,
            explanation=(note or "").strip(),
            details=_("%(count)d open reports dismissed.") % {"count": dismissed},
        )
    return dismissed


# Commenters ----------------------------------------------------------------------------


def _check_target(user, by) -> None:
    if user.pk == getattr(by, "pk", None):
        raise ValidationError(_("You cannot do this to your own account."))


def commenter_ban_remember_emails(*, ban: CommenterBan) -> None:
    """Keep digests of the banned commenter's email addresses, so the ban outlives the
    account. Called when banning and again when the account is deleted (it may have
    gained addresses since)."""
    from allauth.account.models import EmailAddress

    user = ban.user
    addresses = {
        user.email,
        *EmailAddress.objects.filter(user=user).values_list("email", flat=True),
    }
    BannedEmail.objects.bulk_create(
        [BannedEmail(ban=ban, digest=email_digest(address)) for address in addresses if address],
        ignore_conflicts=True,
    )


@transaction.atomic
def commenter_ban(*, user, by, reason: str = "", hide_comments: bool = False) -> CommenterBan:
    """Stop ``user`` commenting; with ``hide_comments`` their shown comments are removed."""
    if user.pk == getattr(by, "pk", None):
        raise ValidationError(_("You cannot ban yourself."))
    ban, _created = CommenterBan.objects.update_or_create(
        user=user,
        defaults={"reason": reason, "is_hiding_comments": hide_comments, "banned_by": by},
    )
    commenter_ban_remember_emails(ban=ban)
    hidden = 0
    if hide_comments:
        shown = Comment.objects.filter(
            author=user, status__in=[Comment.Status.VISIBLE, Comment.Status.PENDING]
        )
        caching.articles_changed(shown.values_list("article_id", flat=True).distinct())
        hidden = shown.update(status=Comment.Status.REMOVED)
    _log(
        by=by,
        action=Action.BAN,
        user=user,
        details=_("Reason: %(reason)s. Comments hidden: %(hidden)d.")
        % {"reason": reason or "-", "hidden": hidden},
    )
    return ban


@transaction.atomic
def commenter_unban(*, ban: CommenterBan, by) -> None:
    """Let the commenter comment again, with this account or a new one at the same address
    (comments hidden by the ban stay removed)."""
    _log(
        by=by,
        action=Action.UNBAN,
        user=ban.user,
        details=_("Ban of %(commenter)s, from %(date)s.")
        % {"commenter": ban, "date": ban.created_at.date().isoformat()},
    )
    ban.delete()


@transaction.atomic
def commenter_suspend(
    *, user, by, until, reason: str, request: HttpRequest | None = None
) -> CommenterSuspension:
    """``user`` may not comment (nor report) until ``until``; nothing has to lift it. They
    are emailed the reason and the end (its links on ``request``'s host, or, outside a
    request, on ``NEWSROOM_BASE_URL``)."""
    _check_moderator(by)
    _check_target(user, by)
    if until <= timezone.now():
        raise ValidationError({"until": _("A suspension ends in the future.")})
    suspension = CommenterSuspension(user=user, until=until, reason=(reason or "").strip())
    suspension.suspended_by = by
    suspension.full_clean()
    suspension.save()
    _log(
        by=by,
        action=Action.SUSPEND,
        user=user,
        explanation=suspension.reason,
        details=_("Until %(until)s.") % {"until": until.isoformat(timespec="minutes")},
    )
    if user.email:
        # The statement of reasons for a restriction of the account, as for a removal.
        _mail_on_commit(
            template="articles/email/commenter_suspended",
            to=[user.email],
            context={
                "until": timezone.localtime(until),
                "reason": suspension.reason,
                "guidelines_url": guidelines_url(request),
            },
        )
    return suspension


@transaction.atomic
def commenter_warn(*, user, by, message: str) -> CommenterWarning:
    """Send ``user`` a warning they read and acknowledge before they comment again."""
    _check_moderator(by)
    _check_target(user, by)
    warning = CommenterWarning(user=user, message=(message or "").strip(), warned_by=by)
    warning.full_clean()
    warning.save()
    _log(by=by, action=Action.WARN, user=user, explanation=warning.message)
    return warning


@transaction.atomic
def commenter_warning_acknowledge(*, warning: CommenterWarning, by) -> CommenterWarning:
    """The warned reader says they have read it; they may comment again."""
    if getattr(by, "pk", None) != warning.user_id:
        raise PermissionDenied(_("This warning is not addressed to you."))
    updated = CommenterWarning.objects.filter(pk=warning.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now()
    )
    warning.refresh_from_db(fields=["acknowledged_at"])
    if updated:
        _log(by=by, action=Action.ACKNOWLEDGE, user=by, details=_("Warning %(pk)d") % {
            "pk": warning.pk})  # fmt: skip
    return warning


@transaction.atomic
def reader_note_add(*, user, by, text: str) -> ReaderNote:
    """A moderator's note on a reader, for the moderators who come after."""
    _check_moderator(by)
    note = ReaderNote(user=user, text=(text or "").strip(), by=by)
    note.full_clean()
    note.save()
    return note
