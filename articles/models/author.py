from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from articles.models.image import author_photo_upload_to, validate_image_upload


class Author(models.Model):
    """A byline. Not always a staff account: wire services, guest writers, "Staff"."""

    display_name = models.CharField(_("display name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True, allow_unicode=True)
    bio = models.TextField(_("short bio"), max_length=600, blank=True)
    # Readers get this file as uploaded (no renditions): the library's checks apply to it.
    photo = models.ImageField(
        _("photo"),
        upload_to=author_photo_upload_to,
        blank=True,
        validators=[validate_image_upload],
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author_profile",
        help_text=_("Optional: the staff account that writes under this byline."),
    )

    class Meta:
        ordering = ("display_name",)
        verbose_name = _("author")
        verbose_name_plural = _("authors")

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("articles:author", kwargs={"slug": self.slug})
