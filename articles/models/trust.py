"""What moderators decided about a commenter or an email domain, beside the word rules:
``CommenterTrust`` (a reader always pre-moderated, or trusted past the ladder) and
``EmailDomainRule`` (addresses at a domain held, or refused). The checks that read them are
``articles.moderation.checks``."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class CommenterTrust(models.Model):
    """A moderator's word on one reader, which the trust ladder obeys before counting."""

    class Level(models.TextChoices):
        TRUSTED = "trusted", _("Trusted: never held by the trust ladder")
        PREMODERATED = "premoderated", _("Always pre-moderate: every comment is held")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("commenter"),
        on_delete=models.CASCADE,
        related_name="comment_trust",
    )
    level = models.CharField(_("trust"), max_length=16, choices=Level.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    set_at = models.DateTimeField(_("set at"), auto_now=True)

    class Meta:
        ordering = ("-set_at",)
        verbose_name = _("commenter trust")
        verbose_name_plural = _("commenter trust")

    def __str__(self):
        return f"{self.user}: {self.get_level_display()}"


def normalized_domain(value: str) -> str:
    """``@Mail.Example.org.`` → ``mail.example.org``: how rules and addresses are compared."""
    return value.strip().lstrip("@").rstrip(".").casefold()


def validate_domain(value: str) -> None:
    domain = normalized_domain(value)
    labels = domain.split(".")
    if len(labels) < 2 or not all(labels) or any(" " in label or "@" in label for label in labels):
        raise ValidationError(
            _("Enter a domain such as example.org (without the part before the @)."),
            code="domain",
        )


class EmailDomainRule(models.Model):
    """Readers whose address is at ``domain`` (or one of its subdomains) have their comments
    held, or may not comment at all."""

    class Action(models.TextChoices):
        HOLD = "hold", _("Hold for moderation")
        REFUSE = "refuse", _("Refuse: these readers cannot comment")

    domain = models.CharField(
        _("email domain"),
        max_length=253,
        unique=True,
        validators=[validate_domain],
        help_text=_("For example example.org; its subdomains are included."),
    )
    action = models.CharField(_("action"), max_length=8, choices=Action.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ("domain",)
        verbose_name = _("email domain rule")
        verbose_name_plural = _("email domain rules")

    def __str__(self):
        return self.domain

    def save(self, *args, **kwargs):
        self.domain = normalized_domain(self.domain)
        super().save(*args, **kwargs)

    def matches(self, domain: str) -> bool:
        """Whether an address's (normalized) domain falls under this rule."""
        own = normalized_domain(self.domain)
        return domain == own or domain.endswith(f".{own}")
