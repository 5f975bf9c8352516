"""Reactions, editors' picks and ignored commenters: writes with side effects.

Each asks ``articles.permissions`` before it writes (and raises ``PermissionDenied``); the
reader views, the moderation page and scripts call these. A reaction or a pick changes
what the article's cached anonymous page shows: only that page is made stale
(``caching.article_page_changed``), not the lists (their cards show no reactions), so a
popular thread's reactions cost one page render each, not the home page's.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from articles import caching
from articles.models import Comment, IgnoredCommenter, ModerationLogEntry, Reaction
from articles.permissions import CommentPermissions


@transaction.atomic
def comment_react(*, comment: Comment, by, on: bool | None = None) -> tuple[bool, int]:
    """Give (``on=True``), take back (``on=False``) or toggle (``None``) ``by``'s reaction to
    ``comment``; answers whether they now react to it and the comment's count.

    Safe when two requests race (a double click, two tabs): the unique constraint decides
    which insert or delete happened, and only a change that happened moves the count, by
    an ``UPDATE ... SET reaction_count = reaction_count ± 1`` that locks the row."""
    if refusal := CommentPermissions(by, comment).react_refusal():
        raise PermissionDenied(refusal)
    mine = Reaction.objects.filter(comment=comment, user=by)
    if on is None:
        on = not mine.exists()
    changed = False
    if on:
        try:
            with transaction.atomic():
                Reaction.objects.create(comment=comment, user=by)
        except IntegrityError:
            pass  # given already, by this request's twin
        else:
            changed = True
            Comment.objects.filter(pk=comment.pk).update(reaction_count=F("reaction_count") + 1)
    else:
        deleted, _rows = mine.delete()
        if deleted:
            changed = True
            Comment.objects.filter(pk=comment.pk, reaction_count__gt=0).update(
                reaction_count=F("reaction_count") - 1
            )
    comment.reaction_count = (
        Comment.objects.filter(pk=comment.pk).values_list("reaction_count", flat=True).get()
    )
    if changed:
        caching.article_page_changed(comment.article_id)
    return on, comment.reaction_count


@transaction.atomic
def comment_feature(*, comment: Comment, by, featured: bool) -> Comment:
    """Make ``comment`` an editors' pick (shown above the article's thread) or no longer
    one; logged in the moderation log. ``by=None``: a trusted caller (a command)."""
    if by is not None and not CommentPermissions(by, comment).can_feature():
        raise PermissionDenied(_("Only moderators choose editors' picks."))
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if featured and comment.status != Comment.Status.VISIBLE:
        raise ValidationError(_("Only a visible comment can be an editors' pick."))
    if featured == comment.is_featured:
        return comment
    comment.featured_at = timezone.now() if featured else None
    comment.featured_by = by if featured else None
    comment.save(update_fields=["featured_at", "featured_by"])
    Action = ModerationLogEntry.Action
    ModerationLogEntry.objects.create(
        moderator=by,
        action=Action.FEATURE if featured else Action.UNFEATURE,
        comment=comment,
        target_user_id=comment.author_id,
    )
    caching.article_page_changed(comment.article_id)
    return comment


@transaction.atomic
def commenter_ignore(*, by, commenter) -> IgnoredCommenter:
    """``by`` no longer wants to read ``commenter``: their comments collapse for ``by``."""
    if by is None or not by.is_authenticated:
        raise PermissionDenied(_("Log in to ignore a commenter."))
    if commenter is None or commenter.pk == by.pk:
        raise ValidationError(_("You cannot ignore yourself."))
    ignored, _created = IgnoredCommenter.objects.get_or_create(user=by, ignored=commenter)
    return ignored


@transaction.atomic
def commenter_unignore(*, by, commenter) -> bool:
    """``by`` reads ``commenter`` again; answers whether they had ignored them."""
    if by is None or not by.is_authenticated:
        raise PermissionDenied(_("Log in to ignore a commenter."))
    deleted, _rows = IgnoredCommenter.objects.filter(user=by, ignored=commenter).delete()
    return bool(deleted)
