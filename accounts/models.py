from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """The site's user, staff and commenters alike: custom from the first migration to grow."""

    def __str__(self):
        return self.get_username()
