"""The editorial record around an article: who moved it, old addresses, corrections, previews."""

import uuid

from django.conf import settings
from django.core import signing
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PREVIEW_SIGNING_SALT = "articles.preview-link"


class ArticleEvent(models.Model):
    """One workflow step: who did what to which article, and when."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        SUBMITTED = "submitted", _("Submitted for review")
        RETURNED = "returned", _("Returned to draft")
        PUBLISHED = "published", _("Published")
        SCHEDULED = "scheduled", _("Scheduled")
        UNPUBLISHED = "unpublished", _("Unpublished")
        CORRECTED = "corrected", _("Correction appended")
        REVERTED = "reverted", _("Revision restored")
        ASSIGNED = "assigned", _("Assigned")
        UPDATE_SCHEDULED = "update_scheduled", _("Update scheduled")
        UPDATE_APPLIED = "update_applied", _("Scheduled update published")
        KILLED = "killed", _("Killed (legal takedown)")
        KILL_LIFTED = "kill_lifted", _("Kill lifted")
        PINNED = "pinned", _("Pinned as the home page's lead")
        UNPINNED = "unpinned", _("Unpinned from the home page")

    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="article_events",
    )
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ("-at", "-pk")
        verbose_name = _("workflow event")
        verbose_name_plural = _("workflow events")

    def __str__(self):
        return f"{self.get_action_display()}: {self.article}"


class CorrectionQuerySet(models.QuerySet):
    def on_published_articles(self):
        """Corrections readers may see: those on articles they may see."""
        from articles.models.article import Article

        return self.filter(article__in=Article.objects.published())


class Correction(models.Model):
    """A dated note appended to a published story; never edited away."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Correction")
        CLARIFICATION = "clarification", _("Clarification")

    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="corrections",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.CORRECTION)
    text = models.TextField(
        _("text"),
        max_length=2000,
        help_text=_("What was wrong and what is right, e.g. “An earlier version misspelled…”."),
    )
    created_at = models.DateTimeField(_("dated"), default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="corrections",
    )

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ("created_at", "pk")
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.article}"


class SlugRedirect(models.Model):
    """An address a published article used to have; it answers with a 301 to the new one."""

    old_slug = models.SlugField(_("old slug"), max_length=220, unique=True, allow_unicode=True)
    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="slug_redirects",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("slug redirect")
        verbose_name_plural = _("slug redirects")

    def __str__(self):
        return f"{self.old_slug} → {self.article.slug}"


class PreviewLinkQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class PreviewLink(models.Model):
    """A signed, expiring, revocable link that shows an unpublished article to anyone."""

    key = models.UUIDField(_("key"), default=uuid.uuid4, unique=True, editable=False)
    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="preview_links",
    )
    note = models.CharField(
        _("for"), max_length=120, blank=True, help_text=_("Who the link is for, e.g. “lawyer”.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="preview_links",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _("preview link")
        verbose_name_plural = _("preview links")

    def __str__(self):
        return f"{self.article} ({self.note or self.key})"

    def get_absolute_url(self):
        return reverse("articles:preview-link", kwargs={"token": self.token})

    @property
    def token(self) -> str:
        return signing.Signer(salt=PREVIEW_SIGNING_SALT).sign(str(self.key))

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @classmethod
    def key_from_token(cls, token: str) -> str | None:
        """The key a token carries, or None when the signature does not match."""
        try:
            return signing.Signer(salt=PREVIEW_SIGNING_SALT).unsign(token)
        except signing.BadSignature:
            return None
