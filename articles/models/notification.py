from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PendingNotification(models.Model):
    """A reply or approval email a reader chose to get in their daily digest, waiting for
    it (``articles.services.notifications``): one per reader, comment and kind."""

    class Kind(models.TextChoices):
        REPLY = "reply", _("reply to their comment")
        APPROVED = "approved", _("their comment approved")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="pending_notifications",
    )
    comment = models.ForeignKey(
        "articles.Comment",
        verbose_name=_("comment"),
        on_delete=models.CASCADE,
        related_name="pending_notifications",
        help_text=_("The reply, or the approved comment."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # The digest that lists it: NEWSROOM_DIGEST_HOUR on the day it was made, or the next.
    due_at = models.DateTimeField(_("due at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ("created_at", "pk")
        verbose_name = _("pending notification")
        verbose_name_plural = _("pending notifications")
        constraints = [
            models.UniqueConstraint(
                fields=("recipient", "comment", "kind"), name="pending_notification_once"
            )
        ]
        indexes = [models.Index(fields=("sent_at", "due_at"), name="pending_notification_due_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.recipient} ({self.comment_id})"
