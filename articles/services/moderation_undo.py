"""Taking a moderation decision back: the moderation page's "Undo".

The log entry says what was decided (approve, remove, spam) but not the status the comment
had before: the page records that (and the reports the decision closed) when it acts, and
hands it back here. What is handed back is checked against the log, so a stale or forged
"previous status" cannot move a comment that something else has touched since.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from articles import caching
from articles.models import Comment, CommentReport, ModerationLogEntry
from articles.permissions import CommentPermissions
from articles.services.comments import MODERATION_STATUSES, comment_moderate

# The decision that brings a comment back to each status; "pending" has none, undo sets it.
STATUS_ACTIONS = {status: action for action, status in MODERATION_STATUSES.items()}


@transaction.atomic
def comment_moderation_undo(
    *,
    entry: ModerationLogEntry,
    by,
    previous_status: str,
    reopen_reports: Iterable[int] = (),
    request: HttpRequest | None = None,
) -> ModerationLogEntry:
    """Return ``entry``'s comment to ``previous_status`` (what it had before ``entry``'s
    decision), reopen the reports that decision closed, and log it as its own entry, which
    is returned. Refused (``ValidationError``) unless ``entry`` is the comment's latest
    decision and the comment still has the status that decision gave it."""
    if not CommentPermissions(by).can_moderate():
        raise PermissionDenied(_("Only moderators moderate comments."))
    try:
        decided = MODERATION_STATUSES[ModerationLogEntry.Action(entry.action)]
    except (KeyError, ValueError):
        raise ValidationError(_("Only approvals, removals and spam can be undone.")) from None
    if previous_status not in Comment.Status.values or previous_status == decided:
        raise ValidationError(_("There is no earlier status to go back to."))
    comment = (
        Comment.objects.select_for_update(of=("self",))
        .select_related("author", "article")
        .filter(pk=entry.comment_id)
        .first()
    )
    if comment is None:
        raise ValidationError(_("That comment no longer exists."))
    later = ModerationLogEntry.objects.filter(comment=comment, pk__gt=entry.pk).exists()
    if later or comment.status != decided:
        raise ValidationError(
            _("Comment %(pk)d has been moderated again since: nothing was undone.")
            % {"pk": comment.pk}
        )
    note = _("Undo of log entry %(pk)d.") % {"pk": entry.pk}
    action = STATUS_ACTIONS.get(previous_status)
    if action is not None:
        # The decision's own service: its mail, its cache invalidation, its log entry.
        comment_moderate(comments=[comment], by=by, action=action, request=request)
        undo_entry = comment.moderation_log.order_by("-pk").first()
        undo_entry.details = f"{undo_entry.details} {note}"
        undo_entry.save(update_fields=["details"])
    else:
        comment.status = previous_status
        comment.save(update_fields=["status"])
        caching.articles_changed([comment.article_id])
        undo_entry = ModerationLogEntry.objects.create(
            moderator=by,
            action=ModerationLogEntry.Action.UNDO,
            comment=comment,
            target_user_id=comment.author_id,
            details=_("Status %(old)s → %(new)s") % {"old": decided, "new": previous_status}
            + f" {note}",
        )
    # Reports the decision closed are open again, so a reported comment is back in its queue.
    CommentReport.objects.filter(
        comment=comment, pk__in=list(reopen_reports), resolved_at__isnull=False
    ).update(resolved_at=None)
    return undo_entry
