"""How a story's comments are open: its discussion mode, the tags' defaults, the guidelines.

The rules that read these (which mode applies, quiet hours) are ``articles.discussion``.
"""

from django.db import models
from django.db.models import Case, IntegerField, OuterRef, Subquery, Value, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from django_prose_editor.fields import ProseEditorField

from articles.html import BODY_EDITOR_EXTENSIONS, clean_body_html
from articles.models.rendering import (
    RENDERING_VERSION,
    RenderedHTMLField,
    article_body_html,
    html_version_field,
)


class DiscussionMode(models.TextChoices):
    """How readers may take part under a story, from the most open to the strictest."""

    OPEN = "open", _("Open: comments appear as the site's rules allow")
    PREMODERATED = "premoderated", _("Pre-moderated: every comment waits for a moderator")
    READ_ONLY = "read_only", _("Read-only: the thread is shown, no new comments")
    HIDDEN = "hidden", _("Hidden: no comments, no count, no form")


# Strictest last: an article inheriting from several tags takes the strictest default.
STRICTNESS = (
    DiscussionMode.OPEN,
    DiscussionMode.PREMODERATED,
    DiscussionMode.READ_ONLY,
    DiscussionMode.HIDDEN,
)
INHERIT = ""
ARTICLE_MODE_CHOICES = [
    (INHERIT, _("As its tags say (the strictest tag default), else open")),
    *DiscussionMode.choices,
]


class TagDiscussionDefault(models.Model):
    """The discussion mode a tag gives the stories that carry it and set none themselves."""

    tag = models.OneToOneField(
        "taggit.Tag",
        verbose_name=_("tag"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="discussion_default",
    )
    mode = models.CharField(_("discussion mode"), max_length=16, choices=DiscussionMode.choices)

    class Meta:
        verbose_name = _("tag discussion default")
        verbose_name_plural = _("tag discussion defaults")

    def __str__(self):
        return f"{self.tag}: {self.get_mode_display()}"


def strictest_tag_mode(article_ref=None) -> Subquery:
    """The strictest discussion default among an article's tags (None without one), as a
    subquery of the article query: listings and the article page learn it in their own
    query."""
    rank = Case(
        *(When(mode=mode, then=Value(n)) for n, mode in enumerate(STRICTNESS)),
        output_field=IntegerField(),
    )
    defaults = (
        TagDiscussionDefault.objects.filter(
            tag__articles_taggedarticle_items__content_object=article_ref or OuterRef("pk")
        )
        .annotate(rank=rank)
        .order_by("-rank")
        .values("mode")[:1]
    )
    return Subquery(defaults, output_field=models.CharField())


class CommunityGuidelines(models.Model):
    """The community guidelines page: one row, edited by editors in the admin. Until one
    is saved, the page shows the template's default text."""

    title = models.CharField(_("title"), max_length=200, default=_("Community guidelines"))
    body = ProseEditorField(
        _("guidelines"),
        config={"extensions": BODY_EDITOR_EXTENSIONS},
        sanitize=True,
        help_text=_("What commenters are asked to do, and what moderators remove."),
    )
    # Rendered by save() with the article body's renderer; the page prints this.
    body_html = RenderedHTMLField(_("rendered guidelines"))
    html_version = html_version_field()
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("community guidelines")
        verbose_name_plural = _("community guidelines")

    def __str__(self):
        return str(self.title)

    def save(self, *args, **kwargs):
        self.pk = 1
        self.body = clean_body_html(self.body)
        self.body_html = article_body_html(self.body)
        self.html_version = RENDERING_VERSION
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:guidelines")

    @classmethod
    def load(cls) -> "CommunityGuidelines | None":
        """The saved page, or None: the template's default text is shown."""
        return cls.objects.filter(pk=1).first()
