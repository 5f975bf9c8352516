from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.display_names import username_skeletons


class User(AbstractUser):
    """The site's user, staff and commenters alike; ``username`` is the public display name."""

    class EmailDelivery(models.TextChoices):
        INSTANT = "instant", _("One email each, as it happens")
        DAILY = "daily", _("One daily digest")

    is_notified_of_replies = models.BooleanField(
        _("email me when someone replies to my comments"), default=True
    )
    # How reply and approval emails reach the reader (articles.services.notifications).
    comment_email_delivery = models.CharField(
        _("reply and approval emails"),
        max_length=16,
        choices=EmailDelivery.choices,
        default=EmailDelivery.INSTANT,
    )
    # Look-alike keys of the display name (accounts.display_names), filled by save().
    username_skeleton = models.CharField(
        _("display name skeleton"),
        max_length=64,
        blank=True,
        editable=False,
        db_index=True,
        help_text=_("SHA-256 of the name's Unicode TR39 skeleton, as written."),
    )
    username_skeleton_folded = models.CharField(
        _("case-folded display name skeleton"),
        max_length=64,
        blank=True,
        editable=False,
        db_index=True,
        help_text=_("SHA-256 of the TR39 skeleton of the case-folded name."),
    )

    def __str__(self):
        return self.get_username()

    def save(self, *args, **kwargs):
        self.username_skeleton, self.username_skeleton_folded = username_skeletons(self.username)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "username" in update_fields:
            kwargs["update_fields"] = {
                *update_fields,
                "username_skeleton",
                "username_skeleton_folded",
            }
        super().save(*args, **kwargs)
