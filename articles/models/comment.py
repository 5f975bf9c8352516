import hashlib
import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles.models.moderation import ModerationReason
from articles.models.rendering import (
    RENDERING_VERSION,
    RenderedHTMLField,
    comment_body_html,
    html_version_field,
)


def validate_comment_length(value: str) -> None:
    limit = settings.NEWSROOM_COMMENT_MAX_LENGTH
    if len(value) > limit:
        raise ValidationError(
            _("Comments are at most %(limit)d characters; this one has %(length)d."),
            code="max_length",
            params={"limit": limit, "length": len(value)},
        )


# Characters that print nothing though Unicode files them as letters or symbols: the
# Hangul fillers and the blank Braille pattern, favourites for posting "nothing".
_BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# Format (zero-width spaces and joiners, bidi marks), control, separator and combining marks.
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Cc", "Cs", "Zs", "Zl", "Zp", "Mn", "Me"})


def has_visible_text(value: str) -> bool:
    """Whether a reader would see anything of ``value`` on the page."""
    return any(
        not ch.isspace()
        and ch not in _BLANK_LOOKING
        and unicodedata.category(ch) not in _INVISIBLE_CATEGORIES
        for ch in value
    )


def validate_comment_has_text(value: str) -> None:
    if not has_visible_text(value):
        raise ValidationError(
            _("Your comment is empty: it has only spaces or invisible characters."),
            code="blank",
        )


def _shown_rule(user) -> Q:
    rule = Q(status=Comment.Status.VISIBLE)
    if user is not None and user.is_authenticated:
        rule |= Q(status=Comment.Status.PENDING, author=user)
    return rule


class CommentQuerySet(models.QuerySet):
    def visible(self):
        """The one rule for which comments readers see and count."""
        return self.filter(status=Comment.Status.VISIBLE)

    def shown_to(self, user):
        """What a reader finds in a thread: visible comments and their own held ones."""
        return self.filter(_shown_rule(user))

    def threads_shown_to(self, user):
        """Top-level comments of a thread list. One that is not shown (removed, spam, held)
        stays as a placeholder while replies under it are shown, so every visible comment
        has its place and the conversation remains readable."""
        has_replies = Exists(Comment.objects.shown_to(user).filter(parent=OuterRef("pk")))
        return (
            self.filter(parent__isnull=True)
            .alias(has_replies=has_replies)
            .filter(_shown_rule(user) | Q(has_replies=True))
        )


class Comment(models.Model):
    """A reader's comment under an article: plain text, one level of replies."""

    class Status(models.TextChoices):
        VISIBLE = "visible", _("Visible")
        PENDING = "pending", _("Awaiting moderation")
        REMOVED = "removed", _("Removed")
        SPAM = "spam", _("Spam")

    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("thread"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        help_text=_("The top-level comment this reply belongs under."),
    )
    replied_to = models.ForeignKey(
        "self",
        verbose_name=_("in reply to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The reply this one answers, when it answers a reply in the thread."),
    )
    body = models.TextField(_("comment"), validators=[validate_comment_length])
    # What the page prints, rendered by save() whenever the body is saved.
    body_html = RenderedHTMLField(_("rendered comment"))
    html_version = html_version_field()
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.VISIBLE, db_index=True
    )
    is_deleted_by_author = models.BooleanField(_("deleted by its author"), default=False)
    held_reason = models.CharField(_("why it was held"), max_length=200, blank=True)
    # The current removal by a moderator (the log keeps every one): what the statement of
    # reasons said, and when, which starts the time to appeal.
    removal_reason = models.CharField(
        _("removal reason"), max_length=16, choices=ModerationReason.choices, blank=True
    )
    removal_explanation = models.TextField(_("removal explanation"), blank=True)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    # A comment brought in from WordPress or Disqus: its author's name as recorded there
    # (they have no account here). Pages show it, marked as imported.
    imported_author_name = models.CharField(
        _("imported author name"), max_length=245, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    # How many readers reacted ("Respect"): kept by articles.services.engagement.comment_react
    # so that pages and the "best" order read no aggregate.
    reaction_count = models.PositiveIntegerField(_("reactions"), default=0, editable=False)
    # An editors' pick, chosen by a moderator (articles.services.engagement.comment_feature).
    featured_at = models.DateTimeField(_("featured at"), null=True, blank=True, editable=False)
    featured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("featured by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ("created_at", "pk")
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [
            models.Index(fields=("article", "status", "created_at")),
            models.Index(fields=("author", "-created_at"), name="comment_author_recent_idx"),
            # The moderation page's pending queue, read in id order: only the held rows.
            models.Index(
                fields=("id",),
                condition=models.Q(status="pending"),
                name="comment_pending_idx",
            ),
            # The "best" order: an article's threads by reactions, then oldest first.
            models.Index(
                "article",
                models.F("reaction_count").desc(),
                "created_at",
                "id",
                name="comment_best_threads_idx",
                condition=models.Q(parent__isnull=True),
            ),
            # An article's editors' picks, newest first.
            models.Index(
                fields=("article", "-featured_at"),
                name="comment_featured_idx",
                condition=models.Q(featured_at__isnull=False),
            ),
        ]
        permissions = [("moderate_comment", _("Can moderate comments"))]

    def __str__(self):
        return f"{self.author_name} on {self.article}"

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "body" in update_fields:
            self.body_html = comment_body_html(self.body)
            self.html_version = RENDERING_VERSION
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "body_html", "html_version"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        """The comment's permalink, which redirects to the article page holding it."""
        return reverse("articles:comment", kwargs={"pk": self.pk})

    @property
    def author_name(self) -> str:
        if self.author_id:
            return self.author.get_username()
        return self.imported_author_name or str(_("deleted user"))

    @property
    def is_imported(self) -> bool:
        return bool(self.imported_author_name)

    @property
    def anchor(self) -> str:
        return f"comment-{self.pk}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def is_removed(self) -> bool:
        return self.status in {self.Status.REMOVED, self.Status.SPAM}

    @property
    def is_featured(self) -> bool:
        return self.featured_at is not None


class CommentReport(models.Model):
    """A reader flags a comment for the moderators; one report per reader per comment."""

    class Reason(models.TextChoices):
        ABUSE = "abuse", _("Abusive or harassing")
        SPAM = "spam", _("Spam or advertising")
        OFF_TOPIC = "off_topic", _("Off topic")
        OTHER = "other", _("Something else")

    comment = models.ForeignKey(
        Comment, verbose_name=_("comment"), on_delete=models.CASCADE, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.CASCADE,
        related_name="comment_reports",
    )
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    note = models.TextField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    # Resolved by a moderator who kept the comment (comment_reports_dismiss), not by a
    # decision on it.
    is_dismissed = models.BooleanField(_("dismissed"), default=False)
    # Empty until the moderators' digest (articles.services.comments.report_digest_send)
    # has listed the report: the next digest lists what is still empty.
    mailed_at = models.DateTimeField(
        _("in the moderators' digest at"), null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("comment report")
        verbose_name_plural = _("comment reports")
        constraints = [
            models.UniqueConstraint(fields=("comment", "reporter"), name="one_report_per_reader")
        ]
        indexes = [
            # The reported queue and its count: the open reports only.
            models.Index(
                fields=("comment",),
                condition=models.Q(resolved_at__isnull=True),
                name="report_open_idx",
            ),
        ]

    def __str__(self):
        return f"{self.get_reason_display()}: {self.comment}"


class QuietHoursAction(models.TextChoices):
    HOLD = "hold", _("Hold every comment for a moderator")
    CLOSE = "close", _("Close comments until quiet hours end")


_SETTINGS_CACHE_KEY = "newsroom:moderation-settings:1"


class ModerationSettings(models.Model):
    """The site's moderation rules, editable in the admin. One row; until an editor saves it,
    the values come from the environment (NEWSROOM_COMMENT_* settings)."""

    class Mode(models.TextChoices):
        POST = "post", _("Post-moderation: comments appear at once")
        PRE = "pre", _("Pre-moderation: every comment waits for a moderator")

    mode = models.CharField(_("moderation"), max_length=8, choices=Mode.choices)
    # The trust ladder (articles.moderation.checks.check_trust): 1 is the old "hold a
    # commenter's first comment", 0 holds nobody for being new.
    approvals_before_trusted = models.PositiveSmallIntegerField(
        _("approved comments before a commenter is trusted"),
        default=0,
        help_text=_(
            "A commenter's comments are held until this many of theirs have been approved. "
            "0 holds nobody for being new; 1 holds a commenter's first comment."
        ),
    )
    rejections_for_premoderation = models.PositiveSmallIntegerField(
        _("removed comments that bring back pre-moderation"),
        default=3,
        help_text=_(
            "A commenter with this many removed or spam among their last decisions below is "
            "pre-moderated again, until approvals outweigh them. 0 turns this off."
        ),
    )
    rejections_window = models.PositiveSmallIntegerField(
        _("out of their last decisions"),
        default=5,
        help_text=_("How many of the commenter's latest moderation decisions are counted."),
    )
    max_links = models.PositiveSmallIntegerField(
        _("hold comments with more links than"),
        help_text=_("0 holds every comment with a link."),
    )
    # Quiet hours: when nobody moderates (articles.discussion), in settings.TIME_ZONE.
    is_quiet_hours_enabled = models.BooleanField(_("quiet hours"), default=False)
    quiet_hours_start = models.TimeField(
        _("quiet hours start"),
        null=True,
        blank=True,
        help_text=_("Local time (the site's time zone), e.g. 23:00."),
    )
    quiet_hours_end = models.TimeField(
        _("quiet hours end"),
        null=True,
        blank=True,
        help_text=_("Local time; before the start means the next morning, e.g. 06:00."),
    )
    quiet_hours_action = models.CharField(
        _("during quiet hours"),
        max_length=8,
        choices=QuietHoursAction.choices,
        default=QuietHoursAction.HOLD,
    )

    class Meta:
        verbose_name = _("comment moderation settings")
        verbose_name_plural = _("comment moderation settings")

    def __str__(self):
        return str(_("Comment moderation settings"))

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
        self.forget()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self.forget()
        return result

    @staticmethod
    def forget() -> None:
        from newsroom.remembered import forget

        forget(_SETTINGS_CACHE_KEY)

    def clean(self):
        errors = {}
        if self.rejections_for_premoderation > self.rejections_window:
            errors["rejections_for_premoderation"] = _(
                "At most the number of decisions counted (%(window)d); 0 turns it off."
            ) % {"window": self.rejections_window}
        if self.is_quiet_hours_enabled:
            start, end = self.quiet_hours_start, self.quiet_hours_end
            for name, value in (("quiet_hours_start", start), ("quiet_hours_end", end)):
                if value is None:
                    errors[name] = _("Quiet hours need a start and an end.")
            if not errors.keys() & {"quiet_hours_start", "quiet_hours_end"} and start == end:
                errors["quiet_hours_end"] = _(
                    "Quiet hours must end at another time than they start."
                )
        if errors:
            raise ValidationError(errors)

    @property
    def is_first_comment_held(self) -> bool:
        """The setting the trust ladder replaced: whether a newcomer's comments are held."""
        return self.approvals_before_trusted > 0

    @is_first_comment_held.setter
    def is_first_comment_held(self, value: bool) -> None:
        self.approvals_before_trusted = max(self.approvals_before_trusted, 1) if value else 0

    @classmethod
    def load(cls) -> "ModerationSettings":
        """The saved row, or the environment's defaults (not saved, so reads never write).

        Every article page asks (quiet hours) and every post: the row is kept in the shared
        cache (``newsroom.remembered``), forgotten whenever it is saved, so a page asks no
        query for it."""
        from newsroom.remembered import remembered

        row = remembered(_SETTINGS_CACHE_KEY, lambda: cls.objects.filter(pk=1).first())
        if row is not None:
            return row
        return cls(
            pk=1,
            mode=settings.NEWSROOM_COMMENT_MODERATION,
            approvals_before_trusted=settings.NEWSROOM_COMMENT_TRUSTED_AFTER,
            max_links=settings.NEWSROOM_COMMENT_MAX_LINKS,
        )


class WordRule(models.Model):
    """A word or phrase that holds or rejects a comment, matched on whole words."""

    class Action(models.TextChoices):
        HOLD = "hold", _("Hold for moderation")
        REVISE = "revise", _("Ask the author to revise (they may post it for review)")
        REJECT = "reject", _("Reject")

    phrase = models.CharField(
        _("word or phrase"),
        max_length=100,
        unique=True,
        help_text=_("Matched as whole words, ignoring case: 'ass' does not match 'class'."),
    )
    action = models.CharField(_("action"), max_length=8, choices=Action.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ("phrase",)
        verbose_name = _("word rule")
        verbose_name_plural = _("word rules")

    def __str__(self):
        return self.phrase

    def save(self, *args, **kwargs):
        self.phrase = " ".join(self.phrase.split())
        super().save(*args, **kwargs)

    def matches(self, text: str) -> bool:
        words = r"\s+".join(re.escape(word) for word in self.phrase.split())
        return re.search(rf"(?<!\w){words}(?!\w)", text, flags=re.IGNORECASE) is not None


def email_digest(address: str) -> str:
    """What a ban keeps of an email address: a SHA-256 of it, lowercased and without a
    ``+tag``, so every spelling that reaches the same mailbox gives the same digest."""
    local, _at, domain = address.strip().rpartition("@")
    normalized = f"{local.split('+', 1)[0]}@{domain}".casefold()
    return hashlib.sha256(normalized.encode()).hexdigest()


class CommenterBan(models.Model):
    """A reader who may no longer comment; optionally their past comments are hidden.

    The ban also keeps digests of the reader's email addresses (``BannedEmail``), so it
    outlives the account: deleting it and signing up again with the same address does not
    lift the ban."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("commenter"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comment_ban",
        help_text=_("Empty once the commenter deleted their account; the ban still holds."),
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    is_hiding_comments = models.BooleanField(
        _("hide their past comments"),
        default=False,
        help_text=_("Their visible and held comments are removed from the site."),
    )
    banned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("banned by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("banned at"), auto_now_add=True)

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("commenter ban")
        verbose_name_plural = _("commenter bans")

    def __str__(self):
        return str(self.user) if self.user_id else gettext("deleted account")


class BannedEmail(models.Model):
    """An email address of a banned commenter, kept only as ``email_digest()``."""

    ban = models.ForeignKey(
        CommenterBan, verbose_name=_("ban"), on_delete=models.CASCADE, related_name="emails"
    )
    digest = models.CharField(_("address digest"), max_length=64, db_index=True)

    class Meta:
        verbose_name = _("banned email address")
        verbose_name_plural = _("banned email addresses")
        constraints = [models.UniqueConstraint(fields=("ban", "digest"), name="one_digest_per_ban")]

    def __str__(self):
        return self.digest


class ModerationLogEntry(models.Model):
    """Who did what to which comment or commenter, and when."""

    class Action(models.TextChoices):
        APPROVE = "approve", _("Approved")
        REMOVE = "remove", _("Removed")
        SPAM = "spam", _("Marked as spam")
        BAN = "ban", _("Banned commenter")
        UNBAN = "unban", _("Lifted ban")
        SETTINGS = "settings", _("Changed settings")
        # A decision taken back: the comment returns to the status it had before it.
        UNDO = "undo", _("Undid a decision")
        TRUST = "trust", _("Set commenter trust")
        FEATURE = "feature", _("Featured as an editors' pick")
        UNFEATURE = "unfeature", _("No longer an editors' pick")
        DISMISS = "dismiss", _("Dismissed reports")
        SUSPEND = "suspend", _("Suspended commenter")
        WARN = "warn", _("Warned commenter")
        ACKNOWLEDGE = "acknowledge", _("Warning acknowledged")
        APPEAL = "appeal", _("Appealed a removal")
        UPHOLD = "uphold", _("Upheld a removal")
        REINSTATE = "reinstate", _("Reinstated on appeal")
        NOTE = "note", _("Wrote a note on a reader")

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderator"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    comment = models.ForeignKey(
        Comment,
        verbose_name=_("comment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="moderation_log",
    )
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("commenter"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    details = models.TextField(_("details"), blank=True)
    reason = models.CharField(
        _("reason"), max_length=16, choices=ModerationReason.choices, blank=True
    )
    explanation = models.TextField(_("explanation"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _("moderation log entry")
        verbose_name_plural = _("moderation log")

    def __str__(self):
        return f"{self.get_action_display()} by {self.moderator or '?'}"
