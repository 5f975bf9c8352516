"""The editorial workflow: an article's moves between statuses, corrections, previews.

Every transition asks ``articles.permissions`` on the server and leaves an
``ArticleEvent``, whether it comes from the admin form, an admin action or a command.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles import caching
from articles.models import Article, ArticleEvent, Correction, PreviewLink
from articles.permissions import ArticlePermissions

Status = Article.Status

# The moves the workflow allows, from each status. Publishing a published article again
# moves its publication time (rescheduling).
TRANSITIONS = {
    Status.DRAFT: {Status.IN_REVIEW, Status.PUBLISHED},
    Status.IN_REVIEW: {Status.DRAFT, Status.PUBLISHED},
    Status.PUBLISHED: {Status.PUBLISHED, Status.UNPUBLISHED},
    Status.UNPUBLISHED: {Status.PUBLISHED, Status.DRAFT},
}


def transition_error(current: str, to: str) -> str | None:
    """Why ``current`` cannot move to ``to``, or None when it can."""
    if to == current or to in TRANSITIONS.get(current, ()):
        return None
    return _("A %(current)s article cannot become %(to)s.") % {
        "current": Status(current).label.lower(),
        "to": Status(to).label.lower(),
    }


def _record(article: Article, action: str, by, note: str = "") -> ArticleEvent:
    return ArticleEvent.objects.create(article=article, action=action, by=by, note=note)


def embargo_error(article: Article, published_at: datetime | None) -> str | None:
    """Why ``article`` cannot go out at ``published_at`` (now when None), or None."""
    when = published_at or timezone.now()
    if article.embargo_until is None or when >= article.embargo_until:
        return None
    return _(
        "This story is embargoed until %(embargo)s: it cannot be published or scheduled "
        "before then. Schedule it at or after the embargo."
    ) % {"embargo": timezone.localtime(article.embargo_until).strftime("%Y-%m-%d %H:%M")}


def _save_status(article: Article, *, was: str) -> None:
    article.full_clean()
    article.save(update_fields=["status", "published_at", "updated_at"])
    caching.article_changed(article, was_public=was == Status.PUBLISHED)
    if was == Status.PUBLISHED and article.status != Status.PUBLISHED:
        from articles.services.frontpage import lead_story_release

        lead_story_release(article=article)


@transaction.atomic
def article_submit(*, article: Article, by) -> Article:
    """A writer hands a draft to the editors."""
    if not ArticlePermissions(by, article).can_edit():
        raise PermissionDenied(_("You cannot submit this article."))
    if article.status != Status.DRAFT:
        raise ValidationError(_("Only a draft can be submitted for review."))
    was, article.status = article.status, Status.IN_REVIEW
    _save_status(article, was=was)
    _record(article, ArticleEvent.Action.SUBMITTED, by)
    return article


@transaction.atomic
def article_return_to_draft(*, article: Article, by, note: str = "") -> Article:
    """An editor sends an article in review back to its writer (``note``: the event's)."""
    if not ArticlePermissions(by, article).can_publish():
        raise PermissionDenied(_("Only editors can return an article to draft."))
    if article.status not in (Status.IN_REVIEW, Status.UNPUBLISHED):
        raise ValidationError(_("Only an article in review or unpublished can go back to draft."))
    was, article.status = article.status, Status.DRAFT
    _save_status(article, was=was)
    _record(article, ArticleEvent.Action.RETURNED, by, note=note)
    return article


@transaction.atomic
def article_publish(*, article: Article, by=None, published_at: datetime | None = None) -> Article:
    """Publish now, or schedule for a future ``published_at`` (readers see it from then).

    ``by=None`` is a trusted caller such as a management command; a user must be an editor.
    """
    if by is not None and not ArticlePermissions(by, article).can_publish():
        raise PermissionDenied(_("Only editors can publish or schedule articles."))
    if published_at is None and article.status == Status.UNPUBLISHED:
        # Republishing after a takedown goes out now, not at the old time.
        published_at = timezone.now()
    when = published_at or article.published_at or timezone.now()
    if error := embargo_error(article, when):
        raise ValidationError({"published_at": error})
    was, article.status = article.status, Status.PUBLISHED
    article.published_at = when
    _save_status(article, was=was)
    scheduled = article.published_at > timezone.now()
    _record(
        article,
        ArticleEvent.Action.SCHEDULED if scheduled else ArticleEvent.Action.PUBLISHED,
        by,
        note=article.published_at.isoformat() if scheduled else "",
    )
    return article


@transaction.atomic
def article_unpublish(*, article: Article, by) -> Article:
    """Take a published (or scheduled) article off the site; its address answers 404."""
    if not ArticlePermissions(by, article).can_publish():
        raise PermissionDenied(_("Only editors can unpublish articles."))
    if article.status != Status.PUBLISHED:
        raise ValidationError(_("Only a published or scheduled article can be unpublished."))
    was, article.status = article.status, Status.UNPUBLISHED
    _save_status(article, was=was)
    _record(article, ArticleEvent.Action.UNPUBLISHED, by)
    return article


@transaction.atomic
def article_transition(
    *, article: Article, to: str, by, published_at: datetime | None = None
) -> Article:
    """Move an article to status ``to`` through the matching service."""
    if to == article.status and to != Status.PUBLISHED:
        return article
    if error := transition_error(article.status, to):
        raise ValidationError(error)
    if to == Status.IN_REVIEW:
        return article_submit(article=article, by=by)
    if to == Status.DRAFT:
        return article_return_to_draft(article=article, by=by)
    if to == Status.PUBLISHED:
        return article_publish(article=article, by=by, published_at=published_at)
    if to == Status.UNPUBLISHED:
        return article_unpublish(article=article, by=by)
    raise ValidationError(_("Unknown status: %(status)s") % {"status": to})


@transaction.atomic
def correction_create(*, article: Article, by, text: str, kind: str = Correction.Kind.CORRECTION):
    """Append a dated correction or clarification to a published article."""
    if not ArticlePermissions(by, article).can_add_correction():
        raise PermissionDenied(_("Only editors can append corrections."))
    if article.status != Status.PUBLISHED:
        raise ValidationError(_("Corrections are appended to published articles."))
    correction = Correction(article=article, kind=kind, text=text.strip(), created_by=by)
    correction.full_clean()
    correction.save()
    caching.article_changed(article)
    _record(article, ArticleEvent.Action.CORRECTED, by, note=correction.get_kind_display())
    return correction


@transaction.atomic
def preview_link_create(
    *, article: Article, by, note: str = "", hours: int | None = None
) -> PreviewLink:
    """A signed link that shows the article to someone without an account until it expires."""
    if not ArticlePermissions(by, article).can_create_preview_link():
        raise PermissionDenied(_("Only editors can create preview links."))
    hours = hours or settings.NEWSROOM_PREVIEW_LINK_HOURS
    link = PreviewLink(
        article=article,
        note=note.strip(),
        created_by=by,
        expires_at=timezone.now() + timedelta(hours=hours),
    )
    link.full_clean()
    link.save()
    return link


@transaction.atomic
def preview_link_revoke(*, link: PreviewLink, by) -> PreviewLink:
    if not ArticlePermissions(by, link.article).can_revoke_preview_link():
        raise PermissionDenied(_("Only editors can revoke preview links."))
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return link


@transaction.atomic
def article_kill(*, article: Article, by, reason: str, notice: str = "") -> Article:
    """Take a story down for legal reasons, at once: its addresses answer 410 Gone with
    ``notice`` (or a short standard one), every list, feed, sitemap, search and related
    list drops it, its comments are no longer shown. The row, its revisions and comments
    stay for the legal record; ``reason`` is required and logged."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    if not ArticlePermissions(by, article).can_kill():
        raise PermissionDenied(_("Only editors can kill a story."))
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"kill_reason": _("Say why the story is killed: it is logged.")})
    if article.killed_at is not None:
        raise ValidationError(_("This story is already killed."))
    article.killed_at = timezone.now()
    article.kill_reason = reason
    article.kill_notice = (notice or "").strip()
    article.save(update_fields=["killed_at", "kill_reason", "kill_notice", "updated_at"])
    # Every page that showed it: its own, its tags' and authors' (and the related stories
    # of stories sharing a tag), and every list.
    caching.article_changed(article, was_public=True)
    _record(article, ArticleEvent.Action.KILLED, by, note=reason[:200])
    return article


@transaction.atomic
def article_kill_lift(*, article: Article, by, note: str = "") -> Article:
    """Undo a kill (an editor's decision, logged): the story is back as it was."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    if not ArticlePermissions(by, article).can_kill():
        raise PermissionDenied(_("Only editors can lift a kill."))
    if article.killed_at is None:
        raise ValidationError(_("This story is not killed."))
    article.killed_at = None
    article.save(update_fields=["killed_at", "updated_at"])
    caching.article_changed(article, was_public=True)
    _record(article, ArticleEvent.Action.KILL_LIFTED, by, note=(note or "").strip()[:200])
    return article
