"""Live blogs' updates: post, edit and delete, the admin's "Post update" page and scripts alike.

Each asks ``ArticlePermissions`` first (``by=None``: a trusted caller, such as a command)
and raises ``PermissionDenied``; the body is checked with ``full_clean()`` and rendered by
``LiveUpdate.save()``. A change makes the story's pages stale once the transaction commits
(``caching.articles_changed``): its own page, which lists the updates and answers the live
notice, and the lists whose cards show it.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles import caching
from articles.models import Article, LiveUpdate
from articles.permissions import ArticlePermissions


def _check(by, article: Article, update: LiveUpdate | None = None) -> None:
    if by is None:
        return
    permissions = ArticlePermissions(by, article)
    allowed = (
        permissions.can_post_update() if update is None else permissions.can_change_update(update)
    )
    if not allowed:
        raise PermissionDenied(_("You may not change the updates of this live blog."))


@transaction.atomic
def live_update_create(
    *, article: Article, by, body: str, headline: str = "", is_pinned: bool = False
) -> LiveUpdate:
    if article.kind != Article.Kind.LIVE:
        raise ValidationError(_("Only a live blog takes updates."))
    _check(by, article)
    update = LiveUpdate(
        article=article, author=by, headline=headline.strip(), body=body, is_pinned=is_pinned
    )
    update.full_clean()
    update.save()
    caching.articles_changed([article.pk])
    return update


@transaction.atomic
def live_update_edit(
    *, update: LiveUpdate, by, body: str, headline: str = "", is_pinned: bool | None = None
) -> LiveUpdate:
    """Change an update's text and headline (``is_pinned``: pin or unpin it; None: as it is)."""
    _check(by, update.article, update)
    if is_pinned is not None:
        update.is_pinned = is_pinned
    update.headline = headline.strip()
    update.body = body
    update.edited_at = timezone.now()
    update.full_clean()
    update.save()
    caching.articles_changed([update.article_id])
    return update


@transaction.atomic
def live_update_delete(*, update: LiveUpdate, by) -> None:
    _check(by, update.article, update)
    article_id = update.article_id
    update.delete()
    caching.articles_changed([article_id])
