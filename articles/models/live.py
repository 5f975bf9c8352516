"""Live blogs: a story of ``kind`` "live" carries timestamped updates, newest first.

An update's body is sanitized and rendered once, when it is saved (``articles.html``, the
renderers of ``articles.models.rendering``), like an article body; its page is the live
blog's, at its anchor ``#update-<pk>``.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from django_prose_editor.fields import ProseEditorField

from articles.html import BODY_EDITOR_EXTENSIONS, clean_body_html
from articles.models.rendering import (
    RENDERING_VERSION,
    RenderedHTMLField,
    article_body_html,
    html_version_field,
)


class LiveUpdateQuerySet(models.QuerySet):
    def newest_first(self):
        return self.order_by("-posted_at", "-pk")

    def shown_on(self, article):
        """The updates readers see under ``article`` (a published live blog's, all of them)."""
        return self.filter(article=article)


class LiveUpdate(models.Model):
    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="live_updates",
    )
    headline = models.CharField(
        _("headline"),
        max_length=200,
        blank=True,
        help_text=_("Optional: a few words over the update."),
    )
    body = ProseEditorField(
        _("text"),
        config={"extensions": BODY_EDITOR_EXTENSIONS},
        sanitize=True,
        help_text=_("Paragraphs, emphasis, links, lists and quotes."),
    )
    body_html = RenderedHTMLField(_("rendered text"))
    html_version = html_version_field()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("posted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="live_updates",
    )
    posted_at = models.DateTimeField(_("posted at"), default=timezone.now, editable=False)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True, editable=False)
    is_pinned = models.BooleanField(
        _("pinned"),
        default=False,
        help_text=_("Shown above the other updates, newest first, while it stays pinned."),
    )

    objects = LiveUpdateQuerySet.as_manager()

    class Meta:
        ordering = ("-posted_at", "-pk")
        verbose_name = _("live update")
        verbose_name_plural = _("live updates")
        # A live blog's page of updates, and the live notice's count, read a range of this.
        indexes = [
            models.Index(fields=("article", "-posted_at", "-id"), name="live_update_article_idx")
        ]

    def __str__(self):
        return self.headline or f"{self.article} · {self.posted_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        self.body = clean_body_html(self.body)
        self.body_html = article_body_html(self.body)
        self.html_version = RENDERING_VERSION
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "body", "body_html", "html_version"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        """The update's permalink: it sends the reader to the page of updates holding it,
        wherever newer updates have pushed it (``articles.views.live.update_permalink``)."""
        return reverse("articles:update", args=[self.pk])

    @property
    def anchor(self) -> str:
        return f"update-{self.pk}"

    @property
    def byline(self) -> str:
        """The name the poster writes under (their ``Author``), or "" without one."""
        profile = getattr(self.author, "author_profile", None) if self.author_id else None
        return profile.display_name if profile else ""
