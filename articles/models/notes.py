"""Editorial notes: what the desk says about a story, never shown to readers."""

import re

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# "@username", as Django's username validator allows it (letters, digits and @.+-_), not
# preceded by a word character (so "ed@example.org" mentions nobody), a trailing full stop
# or comma left out ("ask @mara.").
MENTION_PATTERN = re.compile(r"(?<![\w@.+-])@([\w.@+-]*[\w+-])")
NOTE_MAX_LENGTH = 4000


def mentioned_usernames(text: str) -> list[str]:
    """The usernames ``text`` mentions, in order, each once."""
    return list(dict.fromkeys(MENTION_PATTERN.findall(text)))


class EditorialNoteQuerySet(models.QuerySet):
    def threads(self):
        """Top-level notes oldest first, each with its replies and authors, in two queries."""
        return (
            self.filter(parent__isnull=True)
            .select_related("author")
            .prefetch_related(
                models.Prefetch("replies", queryset=EditorialNote.objects.select_related("author"))
            )
            .order_by("created_at", "pk")
        )


class EditorialNote(models.Model):
    """A note on a story for the people working on it; one level of replies."""

    class Kind(models.TextChoices):
        NOTE = "note", _("Note")
        RETURNED = "returned", _("Returned to the writer")

    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="editorial_notes",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="editorial_notes",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("in reply to"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.NOTE)
    text = models.TextField(_("note"), max_length=NOTE_MAX_LENGTH)
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mentions"),
        blank=True,
        related_name="editorial_mentions",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    objects = EditorialNoteQuerySet.as_manager()

    class Meta:
        ordering = ("created_at", "pk")
        verbose_name = _("editorial note")
        verbose_name_plural = _("editorial notes")
        indexes = [
            models.Index(fields=("article", "kind", "-created_at"), name="note_article_kind_idx")
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.article}"
