"""What an editor has typed but not saved, and who has a story open in the admin.

``ArticleDraft``: the article form's typed fields, autosaved every few seconds, one row per
person and story (or per person for a story not saved yet), overwritten each time. Never a
revision: django-simple-history does not track it, so autosaving floods no history.

``EditPresence``: who is editing a story now, kept fresh by the form's heartbeats. It lives
in the database, not in the cache: every app server must see the same holder, a take-over
must refuse the displaced editor's save in the save's own transaction (a cache entry can
vanish, be evicted, or be unreachable while the database still answers), and the article
list reads every row's holder in its one query (a join), not one cache lookup per row.
A heartbeat every 30 seconds per open form is one small UPDATE.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The form fields an autosave keeps: what a person types (the rest are choices, not text).
DRAFT_FIELDS = ("headline", "slug", "standfirst", "body", "tags")


def person_name(user) -> str:
    """How the admin names a colleague: their full name, or their username."""
    return user.get_full_name() or user.get_username()


class ArticleDraftQuerySet(models.QuerySet):
    def _cutoff(self):
        return timezone.now() - timedelta(days=settings.NEWSROOM_DRAFT_DAYS)

    def current(self):
        """Drafts young enough to offer back (``NEWSROOM_DRAFT_DAYS``)."""
        return self.filter(saved_at__gte=self._cutoff())

    def expired(self):
        return self.filter(saved_at__lt=self._cutoff())


class ArticleDraft(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="article_drafts",
    )
    # None: a story its writer has not saved yet (one such draft per person).
    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="drafts",
    )
    # {"headline": ..., "slug": ..., "standfirst": ..., "body": ..., "tags": ...}, as typed.
    fields = models.JSONField(_("typed fields"), default=dict)
    # The article's updated_at when the form was opened: what the draft was typed on.
    base_version = models.DateTimeField(_("typed on the version of"), null=True, blank=True)
    saved_at = models.DateTimeField(_("saved at"), db_index=True)

    objects = ArticleDraftQuerySet.as_manager()

    class Meta:
        verbose_name = _("autosaved draft")
        verbose_name_plural = _("autosaved drafts")
        constraints = [
            models.UniqueConstraint(
                fields=("user", "article"),
                condition=models.Q(article__isnull=False),
                name="unique_article_draft_per_user",
            ),
            models.UniqueConstraint(
                fields=("user",),
                condition=models.Q(article__isnull=True),
                name="unique_new_article_draft_per_user",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.article_id or 'new'} · {self.saved_at:%Y-%m-%d %H:%M}"

    def field(self, name: str) -> str:
        value = self.fields.get(name, "")
        return value if isinstance(value, str) else ""


class EditPresenceQuerySet(models.QuerySet):
    def live(self):
        """Holders heard from within ``NEWSROOM_PRESENCE_SECONDS``: the others have left."""
        cutoff = timezone.now() - timedelta(seconds=settings.NEWSROOM_PRESENCE_SECONDS)
        return self.filter(seen_at__gte=cutoff)


class EditPresence(models.Model):
    """Who has a story's form open to edit it, since when, and whom they took it over from."""

    article = models.OneToOneField(
        "articles.Article",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="edit_presence",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("editing"),
        on_delete=models.CASCADE,
        related_name="edit_presences",
    )
    since = models.DateTimeField(_("editing since"))
    seen_at = models.DateTimeField(_("last heartbeat at"))
    # Set by "Take over": that person's next save is refused (their text kept).
    taken_over_from = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken over from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    taken_over_at = models.DateTimeField(_("taken over at"), null=True, blank=True)

    objects = EditPresenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("edit presence")
        verbose_name_plural = _("edit presences")

    def __str__(self):
        return f"{self.user} editing {self.article_id} since {self.since:%H:%M}"

    def is_live(self, now=None) -> bool:
        now = now or timezone.now()
        return self.seen_at >= now - timedelta(seconds=settings.NEWSROOM_PRESENCE_SECONDS)
