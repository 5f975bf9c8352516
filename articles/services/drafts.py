"""Autosaved drafts and edit presence: the writes behind "never lose work".

The admin's JSON endpoints (``articles/admin/drafts.py``) and its save path call these;
each asks ``ArticlePermissions`` first. A draft is never an article revision, and saving
one changes nothing a reader sees, so no page cache is touched.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import Article, ArticleDraft, EditPresence
from articles.models.drafts import DRAFT_FIELDS
from articles.permissions import ArticlePermissions


def _check_may_type(user, article: Article | None) -> None:
    permissions = ArticlePermissions(user, article)
    allowed = permissions.can_edit() if article is not None else permissions.can_create()
    if not allowed:
        raise PermissionDenied(_("You cannot edit this article."))


@transaction.atomic
def article_draft_save(
    *, user, article: Article | None, fields: dict, base_version: datetime | None = None
) -> ArticleDraft:
    """Keep what ``user`` has typed into the form of ``article`` (None: a new story),
    overwriting their previous draft of it; their expired drafts go at the same time."""
    _check_may_type(user, article)
    typed = {name: str(fields.get(name) or "") for name in DRAFT_FIELDS}
    ArticleDraft.objects.expired().filter(user=user).delete()
    draft, _created = ArticleDraft.objects.update_or_create(
        user=user,
        article=article,
        defaults={"fields": typed, "base_version": base_version, "saved_at": timezone.now()},
    )
    return draft


@transaction.atomic
def article_draft_discard(*, user, article: Article | None) -> int:
    """Forget ``user``'s draft of ``article`` (None: their new story's). Their own only."""
    deleted, _by_model = ArticleDraft.objects.filter(user=user, article=article).delete()
    return deleted


@transaction.atomic
def article_draft_clear(*, article: Article, user, added: bool = False) -> None:
    """After ``user`` saved ``article``: their draft of it is saved for real, so it goes
    (with their new-story draft when the save ``added`` it), they stop holding the story,
    and everyone's drafts older than ``NEWSROOM_DRAFT_DAYS`` are deleted."""
    article_draft_discard(user=user, article=article)
    if added:
        article_draft_discard(user=user, article=None)
    EditPresence.objects.filter(article=article, user=user).delete()
    ArticleDraft.objects.expired().delete()


def _lock(article: Article) -> EditPresence | None:
    # The article row serializes heartbeats and take-overs with the form's save, which
    # locks it too (ArticleAdminForm._stored): a take-over lands before or after a save.
    Article.objects.select_for_update().filter(pk=article.pk).values("pk").first()
    return EditPresence.objects.select_for_update().filter(article=article).first()


@transaction.atomic
def edit_presence_heartbeat(*, article: Article, user) -> EditPresence:
    """``user``'s form of ``article`` is open: they hold the story unless someone else
    does (heard from within ``NEWSROOM_PRESENCE_SECONDS``). The presence as it now is."""
    _check_may_type(user, article)
    now = timezone.now()
    presence = _lock(article)
    if presence is None:
        return EditPresence.objects.create(article=article, user=user, since=now, seen_at=now)
    if presence.user_id == user.pk:
        if not presence.is_live(now):
            presence.since = now
        presence.seen_at = now
        presence.save(update_fields=["since", "seen_at"])
    elif not presence.is_live(now):
        # The holder left without saying so (a closed laptop): the story is free.
        presence.user = user
        presence.since = presence.seen_at = now
        presence.taken_over_from = presence.taken_over_at = None
        presence.save()
    return presence


@transaction.atomic
def edit_presence_take_over(*, article: Article, by) -> EditPresence:
    """An editor takes the story from whoever holds it: the holder's form says so at its
    next heartbeat, and their save is refused with their text kept (``ArticleAdminForm``)."""
    permissions = ArticlePermissions(by, article)
    if not (permissions.can_edit() and permissions.can_publish()):
        raise PermissionDenied(_("Only editors can take over a story."))
    now = timezone.now()
    presence = _lock(article)
    if presence is None:
        return EditPresence.objects.create(article=article, user=by, since=now, seen_at=now)
    if presence.user_id != by.pk:
        if presence.is_live(now):
            presence.taken_over_from, presence.taken_over_at = presence.user, now
        else:
            presence.taken_over_from = presence.taken_over_at = None
        presence.user = by
        presence.since = now
    presence.seen_at = now
    presence.save()
    return presence


@transaction.atomic
def edit_presence_release(*, article: Article, user) -> None:
    """``user`` left the form (or saved): the story is free, if they held it."""
    EditPresence.objects.filter(article=article, user=user).delete()
