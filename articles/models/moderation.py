"""What moderators decide about readers beyond one comment: appeals of a removal,
suspensions, warnings and notes (issue 12, "Reasons, appeals, suspensions")."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ModerationReason(models.TextChoices):
    """Why a comment was removed: the statement of reasons the author is sent names one."""

    ABUSIVE = "abusive", _("Abusive or insulting")
    HARASSMENT = "harassment", _("Harassment")
    HATE = "hate", _("Hate speech")
    SPAM = "spam", _("Spam or advertising")
    OFF_TOPIC = "off_topic", _("Off topic")
    MISINFORMATION = "misinformation", _("Misinformation")
    ILLEGAL = "illegal", _("Illegal content")
    PERSONAL_DATA = "personal_data", _("Someone's personal data")
    OTHER = "other", _("Another reason (explained)")


class AppealQuerySet(models.QuerySet):
    def open(self):
        return self.filter(outcome=Appeal.Outcome.OPEN)


class Appeal(models.Model):
    """A commenter asks for a second look at the removal of their comment: one per removal."""

    class Outcome(models.TextChoices):
        OPEN = "open", _("Awaiting a decision")
        UPHELD = "upheld", _("Removal upheld")
        REINSTATED = "reinstated", _("Comment reinstated")

    comment = models.ForeignKey(
        "articles.Comment",
        verbose_name=_("comment"),
        on_delete=models.CASCADE,
        related_name="appeals",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("appealed by"),
        on_delete=models.CASCADE,
        related_name="comment_appeals",
    )
    # The removal appealed (the comment's removed_at then): a comment reinstated and removed
    # again may be appealed again, each removal once.
    removal_at = models.DateTimeField(_("removed at"), editable=False)
    text = models.TextField(_("why the comment should be reinstated"), max_length=2000)
    created_at = models.DateTimeField(_("appealed at"), auto_now_add=True, db_index=True)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.OPEN, db_index=True
    )
    decision_note = models.TextField(_("note to the commenter"), blank=True, max_length=2000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = AppealQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        constraints = [
            models.UniqueConstraint(fields=("comment", "removal_at"), name="one_appeal_per_removal")
        ]

    def __str__(self):
        return f"{self.get_outcome_display()}: {self.comment_id}"

    @property
    def is_open(self) -> bool:
        return self.outcome == self.Outcome.OPEN


class CommenterSuspension(models.Model):
    """A reader who may not comment until ``until``; it ends by itself (asked against now)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("commenter"),
        on_delete=models.CASCADE,
        related_name="comment_suspensions",
    )
    until = models.DateTimeField(_("suspended until"))
    reason = models.CharField(_("reason"), max_length=300)
    suspended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("suspended by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("suspended at"), auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _("commenter suspension")
        verbose_name_plural = _("commenter suspensions")
        indexes = [models.Index(fields=("user", "-until"), name="suspension_user_until_idx")]

    def __str__(self):
        return f"{self.user} until {self.until:%Y-%m-%d %H:%M}"

    @property
    def is_current(self) -> bool:
        return self.until > timezone.now()


class CommenterWarning(models.Model):
    """A message the reader must acknowledge before they comment again."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("commenter"),
        on_delete=models.CASCADE,
        related_name="comment_warnings",
    )
    message = models.TextField(_("message to the commenter"), max_length=2000)
    warned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("warned by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("warned at"), auto_now_add=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _("commenter warning")
        verbose_name_plural = _("commenter warnings")
        indexes = [
            models.Index(
                fields=("user",),
                condition=models.Q(acknowledged_at__isnull=True),
                name="warning_unacknowledged_idx",
            )
        ]

    def __str__(self):
        return f"{self.user}: {self.message[:40]}"


class ReaderNote(models.Model):
    """What a moderator wants the next moderator to know about a reader; staff only."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reader"),
        on_delete=models.CASCADE,
        related_name="moderator_notes",
    )
    text = models.TextField(_("note"), max_length=2000)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        ordering = ("-at", "-pk")
        verbose_name = _("note on a reader")
        verbose_name_plural = _("notes on readers")
        indexes = [models.Index(fields=("user", "-at"), name="readernote_user_at_idx")]

    def __str__(self):
        return self.text[:60]
