"""The editorial workflow: who may do what to an article, and the transitions themselves.

Every transition checks the role on the server and leaves an ``ArticleEvent``, whether
it comes from the admin form, an admin action or a management command.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import (
    Article,
    ArticleEvent,
    Author,
    Byline,
    Correction,
    PreviewLink,
    SlugRedirect,
)
from articles.models.article import current_relations

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


# Who may do what. The admin, the preview views and the services all ask these.


def can_publish(user) -> bool:
    return user.is_active and user.has_perm("articles.publish_article")


def can_edit_others(user) -> bool:
    return user.is_active and user.has_perm("articles.edit_others_article")


def can_view_article(user, article: Article) -> bool:
    """Staff with the view right see their own articles; editors see every article."""
    if not (user.is_active and user.is_staff and user.has_perm("articles.view_article")):
        return False
    return can_edit_others(user) or article.created_by_id == user.pk


def can_edit_article(user, article: Article) -> bool:
    """Editors edit every article; writers only their own drafts."""
    if not (user.is_active and user.is_staff and user.has_perm("articles.change_article")):
        return False
    if can_edit_others(user):
        return True
    return article.created_by_id == user.pk and article.status == Status.DRAFT


def can_restore_revision(user, article: Article) -> bool:
    return can_edit_article(user, article) and user.has_perm("articles.restore_article_revision")


def _record(article: Article, action: str, by, note: str = "") -> ArticleEvent:
    return ArticleEvent.objects.create(article=article, action=action, by=by, note=note)


def _save_status(article: Article) -> None:
    article.full_clean()
    article.save(update_fields=["status", "published_at", "updated_at"])


@transaction.atomic
def article_submit(*, article: Article, by) -> Article:
    """A writer hands a draft to the editors."""
    if not can_edit_article(by, article):
        raise PermissionDenied(_("You cannot submit this article."))
    if article.status != Status.DRAFT:
        raise ValidationError(_("Only a draft can be submitted for review."))
    article.status = Status.IN_REVIEW
    _save_status(article)
    _record(article, ArticleEvent.Action.SUBMITTED, by)
    return article


@transaction.atomic
def article_return_to_draft(*, article: Article, by) -> Article:
    """An editor sends an article in review back to its writer."""
    if not can_publish(by):
        raise PermissionDenied(_("Only editors can return an article to draft."))
    if article.status not in (Status.IN_REVIEW, Status.UNPUBLISHED):
        raise ValidationError(_("Only an article in review or unpublished can go back to draft."))
    article.status = Status.DRAFT
    _save_status(article)
    _record(article, ArticleEvent.Action.RETURNED, by)
    return article


@transaction.atomic
def article_publish(*, article: Article, by=None, published_at: datetime | None = None) -> Article:
    """Publish now, or schedule for a future ``published_at`` (readers see it from then).

    ``by=None`` is a trusted caller such as a management command; a user must be an editor.
    """
    if by is not None and not can_publish(by):
        raise PermissionDenied(_("Only editors can publish or schedule articles."))
    if published_at is None and article.status == Status.UNPUBLISHED:
        # Republishing after a takedown goes out now, not at the old time.
        published_at = timezone.now()
    article.status = Status.PUBLISHED
    article.published_at = published_at or article.published_at or timezone.now()
    _save_status(article)
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
    if not can_publish(by):
        raise PermissionDenied(_("Only editors can unpublish articles."))
    if article.status != Status.PUBLISHED:
        raise ValidationError(_("Only a published or scheduled article can be unpublished."))
    article.status = Status.UNPUBLISHED
    _save_status(article)
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
def article_record_slug_change(*, article: Article, old_slug: str) -> SlugRedirect | None:
    """Keep a published article's old address working as a 301 to the new one."""
    SlugRedirect.objects.filter(old_slug=article.slug).delete()
    if not old_slug or old_slug == article.slug or article.published_at is None:
        return None
    if article.status not in (Status.PUBLISHED, Status.UNPUBLISHED):
        return None
    redirect, _created = SlugRedirect.objects.update_or_create(
        old_slug=old_slug, defaults={"article": article}
    )
    return redirect


@transaction.atomic
def article_record_revision_relations(*, article: Article) -> None:
    """Write the current bylines and tags onto the article's latest revision.

    For the admin, which saves bylines and tags after the article row (and so after
    the revision was made).
    """
    latest = article.history.order_by("-history_date", "-history_id").first()
    if latest is not None:
        article.history.filter(history_id=latest.history_id).update(**current_relations(article))


@transaction.atomic
def article_restore_relations(*, article: Article, revision, by) -> None:
    """Give ``article`` the bylines and tags ``revision`` recorded.

    A revision that recorded none (made before revisions kept them) changes nothing, and
    an author deleted since is left out; if no author is left the bylines stay as they are,
    since an article always has one.
    """
    if not can_restore_revision(by, article):
        raise PermissionDenied(_("You cannot restore revisions of this article."))
    if revision.revision_bylines:
        recorded = {b["author"]: b["position"] for b in revision.revision_bylines}
        authors = Author.objects.filter(pk__in=recorded).values_list("pk", flat=True)
        bylines = [Byline(article=article, author_id=pk, position=recorded[pk]) for pk in authors]
        if bylines:
            article.bylines.all().delete()
            Byline.objects.bulk_create(bylines)
    if revision.revision_tags is not None:
        article.tags.set(revision.revision_tags)
    article_record_revision_relations(article=article)


@transaction.atomic
def correction_create(*, article: Article, by, text: str, kind: str = Correction.Kind.CORRECTION):
    """Append a dated correction or clarification to a published article."""
    if not (can_publish(by) and by.has_perm("articles.add_correction")):
        raise PermissionDenied(_("Only editors can append corrections."))
    if article.status != Status.PUBLISHED:
        raise ValidationError(_("Corrections are appended to published articles."))
    correction = Correction(article=article, kind=kind, text=text.strip(), created_by=by)
    correction.full_clean()
    correction.save()
    _record(article, ArticleEvent.Action.CORRECTED, by, note=correction.get_kind_display())
    return correction


@transaction.atomic
def preview_link_create(
    *, article: Article, by, note: str = "", hours: int | None = None
) -> PreviewLink:
    """A signed link that shows the article to someone without an account until it expires."""
    if not (can_publish(by) and by.has_perm("articles.add_previewlink")):
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
    if not (can_publish(by) and by.has_perm("articles.change_previewlink")):
        raise PermissionDenied(_("Only editors can revoke preview links."))
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return link
