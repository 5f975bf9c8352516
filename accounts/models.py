from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """The site's user, staff and commenters alike; ``username`` is the public display name."""

    is_notified_of_replies = models.BooleanField(
        _("email me when someone replies to my comments"), default=True
    )

    def __str__(self):
        return self.get_username()
