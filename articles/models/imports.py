"""What came in from another system (WordPress, Disqus): where each thing came from, so a
second run updates rather than duplicates, and the old site's addresses that must keep
working."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportRecord(models.Model):
    """One object brought in from ``source`` (e.g. ``wordpress:https://old.example.com``),
    keyed by its id there. ``digest`` is a hash of what the export said last time: a second
    run with the same digest leaves the object (and any edit made here since) alone."""

    class Kind(models.TextChoices):
        ARTICLE = "article", _("article")
        COMMENT = "comment", _("comment")
        IMAGE = "image", _("image")

    source = models.CharField(_("source"), max_length=300)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    external_id = models.CharField(_("id at the source"), max_length=300)
    digest = models.CharField(_("digest"), max_length=64, blank=True)
    article = models.OneToOneField(
        "articles.Article",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="import_record",
    )
    comment = models.OneToOneField(
        "articles.Comment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="import_record",
    )
    image = models.OneToOneField(
        "articles.Image",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="import_record",
    )
    # An article's address on the old site (scheme and host dropped): Disqus threads and
    # other exports name stories by it.
    original_path = models.CharField(_("address at the source"), max_length=500, blank=True)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("import record")
        verbose_name_plural = _("import records")
        constraints = [
            models.UniqueConstraint(
                fields=("source", "kind", "external_id"), name="import_record_unique_key"
            )
        ]
        indexes = [models.Index(fields=("kind", "original_path"), name="import_record_path_idx")]

    def __str__(self):
        return f"{self.source} {self.kind} {self.external_id}"


class LegacyRedirect(models.Model):
    """An address of the old site (``/2019/03/04/harbour-bridge/``, ``/?p=123``,
    ``/category/news/``) that answers with a 301 to what it showed there: an article, a tag
    or an author page. Pointing at the object, not at a path, keeps it right when a slug
    changes here."""

    path = models.CharField(_("old address"), max_length=500, unique=True)
    article = models.ForeignKey(
        "articles.Article",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="legacy_redirects",
    )
    tag = models.ForeignKey(
        "taggit.Tag",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="legacy_redirects",
    )
    author = models.ForeignKey(
        "articles.Author",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="legacy_redirects",
    )
    source = models.CharField(_("source"), max_length=300)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("old address")
        verbose_name_plural = _("old addresses")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(article__isnull=False, tag__isnull=True, author__isnull=True)
                    | models.Q(article__isnull=True, tag__isnull=False, author__isnull=True)
                    | models.Q(article__isnull=True, tag__isnull=True, author__isnull=False)
                ),
                name="legacy_redirect_one_target",
            )
        ]

    def __str__(self):
        return self.path
