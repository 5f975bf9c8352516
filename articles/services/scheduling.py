"""Scheduled updates of live stories: prepared now, published at a set time, no cron.

A due update is applied by whoever comes first after its time, each through the same
service: a reader's request (``articles.views.scheduling.apply_due_updates``, inside the
page cache, so only an uncached page asks, and it asks the cache when the next one is due
(``ScheduledUpdate`` ``next_update_at``), no query until then), the django-tasks job
queued for its time (``newsroom.tasks.apply_scheduled_updates``) and ``manage.py
apply_scheduled_updates``. Each update is claimed by a conditional UPDATE of its
``applied_at`` in the transaction that applies it (rows locked by another app server are
skipped, ``skip_locked``), so it is applied exactly once however many ask at the same time.
"""

import logging
import time
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import Article, ArticleEvent, ScheduledUpdate
from articles.models.scheduling import forget_next_update, next_update_at
from articles.permissions import ArticlePermissions
from articles.services.tags import tag_names_clean

logger = logging.getLogger(__name__)


@transaction.atomic
def article_schedule_update(
    *,
    article: Article,
    by,
    publish_at: datetime,
    headline: str,
    standfirst: str = "",
    body: str = "",
    tags=(),
) -> ScheduledUpdate:
    """Prepare a new version of a published story that readers get from ``publish_at``."""
    if by is not None and not ArticlePermissions(by, article).can_schedule_update():
        raise PermissionDenied(_("Only editors can schedule an update of a story."))
    if article.status != Article.Status.PUBLISHED or article.killed_at is not None:
        raise ValidationError(_("Only a published story can have a scheduled update."))
    if publish_at is None or publish_at <= timezone.now():
        raise ValidationError({"publish_at": _("Choose a time in the future.")})
    try:
        tag_names = tag_names_clean(tags)
    except ValidationError as error:
        raise ValidationError({"tags": error.messages}) from None
    update = ScheduledUpdate(
        article=article,
        publish_at=publish_at,
        headline=headline.strip(),
        standfirst=standfirst.strip(),
        body=body,
        tags=tag_names,
        created_by=by,
    )
    update.full_clean()
    update.save()
    ArticleEvent.objects.create(
        article=article,
        action=ArticleEvent.Action.UPDATE_SCHEDULED,
        by=by,
        note=publish_at.isoformat(),
    )
    _queue_on_commit(publish_at)
    # The story's pages are kept no longer than the update's time (articles.caching); the
    # pages already kept were stored with the older bound, so they are made stale now.
    from articles import caching

    caching.article_changed(article)
    return update


@transaction.atomic
def scheduled_update_cancel(*, update: ScheduledUpdate, by) -> None:
    if by is not None and not ArticlePermissions(by, update.article).can_schedule_update():
        raise PermissionDenied(_("Only editors can cancel a scheduled update."))
    if update.applied_at is not None:
        raise ValidationError(_("This update has been published already."))
    update.delete()


def _queue_on_commit(publish_at: datetime) -> None:
    from newsroom.tasks import apply_scheduled_updates

    def enqueue():
        job = apply_scheduled_updates
        if job.get_backend().supports_defer:
            job = job.using(run_after=publish_at)
        job.enqueue()

    transaction.on_commit(enqueue, robust=True)


def scheduled_update_apply(*, update: ScheduledUpdate) -> bool:
    """Apply one due update, in its own transaction; False when someone else did first."""
    from articles.services.articles import article_update

    with transaction.atomic():
        claimed = ScheduledUpdate.objects.filter(pk=update.pk, applied_at__isnull=True).update(
            applied_at=timezone.now()
        )
        if not claimed:
            return False
        # The remembered "next one due" is this one: the next reader asks again.
        forget_next_update()
        article = Article.objects.get(pk=update.article_id)
        if article.status != Article.Status.PUBLISHED or article.killed_at is not None:
            # Unpublished or killed meanwhile: nothing to publish; the row says why.
            _fail(update, _("Not published: the story was no longer live."))
            return True
        try:
            with transaction.atomic():
                article_update(
                    article=article,
                    by=None,
                    headline=update.headline,
                    standfirst=update.standfirst,
                    body=update.body,
                    tags=update.tags,
                )
        except ValidationError as error:
            # Say so once, and never again on every reader's request.
            _fail(update, " ".join(error.messages))
            return True
        ArticleEvent.objects.create(
            article=article,
            action=ArticleEvent.Action.UPDATE_APPLIED,
            by=update.created_by,
            note=update.publish_at.isoformat(),
        )
    return True


def _fail(update: ScheduledUpdate, message: str) -> None:
    logger.warning("Scheduled update %s of story %s: %s", update.pk, update.article_id, message)
    ScheduledUpdate.objects.filter(pk=update.pk).update(failure=message[:300])


def scheduled_updates_apply_due() -> int:
    """Apply every due update (each in its own transaction); how many this call applied.
    Asks no query while the next pending update (remembered in the cache) is not due."""
    due_at = next_update_at()
    if due_at is None or due_at > time.time():
        return 0
    applied = 0
    while True:
        with transaction.atomic():
            update = (
                ScheduledUpdate.objects.due()
                .select_for_update(skip_locked=True)
                .order_by("publish_at", "pk")
                .first()
            )
            if update is None:
                return applied
            if scheduled_update_apply(update=update):
                applied += 1
