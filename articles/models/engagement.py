"""What readers do with each other's comments besides answering them: a reaction (one per
reader and comment, counted on ``Comment.reaction_count``) and ignoring a commenter."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Reaction(models.Model):
    """A reader's "Respect" (``NEWSROOM_REACTION_NAME``) for a comment: one per reader.

    The comment's ``reaction_count`` is kept by ``articles.services.engagement.comment_react``,
    so pages read no aggregate. A deleted account's reactions stay, without it, so the
    counts it added stay true."""

    comment = models.ForeignKey(
        "articles.Comment",
        verbose_name=_("comment"),
        on_delete=models.CASCADE,
        related_name="reactions",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reader"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="comment_reactions",
    )
    created_at = models.DateTimeField(_("reacted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        constraints = [
            models.UniqueConstraint(fields=("comment", "user"), name="one_reaction_per_reader")
        ]
        # The page asks "did this reader react to these comments?" by reader first.
        indexes = [models.Index(fields=("user", "comment"), name="reaction_reader_idx")]

    def __str__(self):
        return f"{self.user or '?'} on comment {self.comment_id}"


class IgnoredCommenter(models.Model):
    """A reader who no longer wants to read ``ignored``: their comments collapse for them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reader"),
        on_delete=models.CASCADE,
        related_name="ignored_commenters",
    )
    ignored = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ignored commenter"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(_("ignored since"), auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _("ignored commenter")
        verbose_name_plural = _("ignored commenters")
        constraints = [
            models.UniqueConstraint(fields=("user", "ignored"), name="ignore_a_commenter_once"),
            models.CheckConstraint(
                condition=~models.Q(user=models.F("ignored")), name="ignore_not_oneself"
            ),
        ]

    def __str__(self):
        return f"{self.user} ignores {self.ignored}"
