"""A scheduled update of a live story: a later version that replaces it at a set time."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from django_prose_editor.fields import ProseEditorField

from articles.html import BODY_EDITOR_EXTENSIONS


class ScheduledUpdateQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(applied_at__isnull=True)

    def due(self):
        """Pending updates whose time has come (read from ``scheduled_update_due_idx``)."""
        return self.pending().filter(publish_at__lte=timezone.now())


class ScheduledUpdate(models.Model):
    """The headline, standfirst, body and tags a live story takes at ``publish_at``.

    No cron: whichever comes first applies it through ``article_update`` (a revision, the
    caches made stale): a reader's request after the time (``apply_due_updates``), the
    job queued for the time, or ``manage.py apply_scheduled_updates``. ``applied_at`` is
    set once, by whoever claims the row first (``scheduled_updates_apply_due``).
    """

    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="scheduled_updates",
    )
    headline = models.CharField(_("headline"), max_length=200)
    standfirst = models.TextField(_("standfirst"), max_length=600, blank=True)
    body = ProseEditorField(
        _("body"), blank=True, config={"extensions": BODY_EDITOR_EXTENSIONS}, sanitize=True
    )
    tags = models.JSONField(
        _("tags"), default=list, blank=True, help_text=_("The story's tags from then on.")
    )
    publish_at = models.DateTimeField(
        _("publish at"), help_text=_("Readers see the live version until then, this one after.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="scheduled_updates",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True, editable=False)
    failure = models.CharField(
        _("why it was not published"), max_length=300, blank=True, editable=False
    )

    objects = ScheduledUpdateQuerySet.as_manager()

    class Meta:
        ordering = ("publish_at", "pk")
        verbose_name = _("scheduled update")
        verbose_name_plural = _("scheduled updates")
        indexes = [
            # "When is the next one due?" (remembered in the cache until a row changes):
            # only pending rows are indexed.
            models.Index(
                fields=("publish_at",),
                name="scheduled_update_due_idx",
                condition=Q(applied_at__isnull=True),
            )
        ]

    def __str__(self):
        return f"{self.article} at {self.publish_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        forget_next_update()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        forget_next_update()
        return result


NEXT_UPDATE_KEY = "newsroom:next-scheduled-update:1"


def next_update_at() -> float | None:
    """When the first pending update is due (a timestamp), or None: every uncached reader
    page asks, so it is remembered in the shared cache until an update is saved, applied
    or deleted (``forget_next_update``)."""
    from newsroom.remembered import remembered

    def first_pending():
        at = (
            ScheduledUpdate.objects.pending()
            .order_by("publish_at")
            .values_list("publish_at", flat=True)
            .first()
        )
        return at.timestamp() if at else None

    return remembered(NEXT_UPDATE_KEY, first_pending)


def forget_next_update() -> None:
    """An update was saved, applied or deleted: when the next one is due is asked again, and
    so is the next change of any page (``articles.caching.next_change_at``)."""
    from articles.caching import forget_next_change
    from newsroom.remembered import forget

    forget(NEXT_UPDATE_KEY)
    forget_next_change()
