from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from articles.html import clean_body_html, safe_body_html
from articles.models.comment import Comment


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """The one rule for what readers may see: published, and not scheduled for later."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def with_comment_count(self):
        """Annotate ``comment_count`` with visible comments, in the same query."""
        visible = (
            Comment.objects.visible()
            .filter(article=OuterRef("pk"))
            .order_by()
            .values("article")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return self.annotate(comment_count=Coalesce(Subquery(visible), 0))

    def with_listing_data(self):
        """Everything a card or article page shows, in a fixed number of queries."""
        return self.with_comment_count().prefetch_related(
            Prefetch("bylines", queryset=Byline.objects.select_related("author")),
            "tags",
        )

    def latest_first(self):
        return self.order_by("-published_at", "-pk")


class TaggedArticle(TaggedItemBase):
    """Tags through a real foreign key, so joins and deletes stay in the database."""

    content_object = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="tagged_items"
    )

    class Meta:
        verbose_name = _("article tag")
        verbose_name_plural = _("article tags")
        constraints = [
            models.UniqueConstraint(fields=("content_object", "tag"), name="unique_article_tag")
        ]


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    headline = models.CharField(_("headline"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=220,
        unique=True,
        allow_unicode=True,
        help_text=_("The article's address: /articles/<slug>/."),
    )
    standfirst = models.TextField(
        _("standfirst"),
        max_length=600,
        blank=True,
        help_text=_("The summary under the headline, also used on listings."),
    )
    body = models.TextField(
        _("body"),
        blank=True,
        help_text=_("HTML; sanitized on every save to paragraphs, links, emphasis and lists."),
    )
    authors = models.ManyToManyField(
        "articles.Author",
        through="articles.Byline",
        related_name="articles",
        verbose_name=_("authors"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(
        _("published at"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("A future time schedules the article: readers see it from then on."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    is_commenting_open = models.BooleanField(
        _("comments open"),
        default=True,
        help_text=_("Untick to close the comments under this article."),
    )

    tags = TaggableManager(through=TaggedArticle, blank=True, verbose_name=_("tags"))

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ("-published_at", "-pk")
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [models.Index(fields=("status", "-published_at"), name="article_status_pub_idx")]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        self.body = clean_body_html(self.body)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" not in update_fields:
            kwargs["update_fields"] = {*update_fields, "body"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    @property
    def body_html(self) -> SafeString:
        return safe_body_html(self.body)

    @property
    def ordered_authors(self) -> list:
        """Bylines in their printed order (uses the prefetch from ``with_listing_data``)."""
        return [byline.author for byline in self.bylines.all()]

    @property
    def was_updated(self) -> bool:
        """Whether the story changed noticeably after it went out."""
        if not self.published_at:
            return False
        return self.updated_at - self.published_at > timedelta(minutes=5)

    @property
    def are_comments_open(self) -> bool:
        """Open unless an editor closed them or NEWSROOM_COMMENTS_CLOSE_AFTER_DAYS have passed."""
        days = settings.NEWSROOM_COMMENTS_CLOSE_AFTER_DAYS
        if days and self.published_at and timezone.now() > self.published_at + timedelta(days=days):
            return False
        return self.is_commenting_open


class Byline(models.Model):
    """An author's place on an article: bylines are printed in ``position`` order."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="bylines"
    )
    author = models.ForeignKey(
        "articles.Author",
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="bylines",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ("position", "pk")
        verbose_name = _("byline")
        verbose_name_plural = _("bylines")
        constraints = [
            models.UniqueConstraint(fields=("article", "author"), name="unique_byline_per_author")
        ]

    def __str__(self):
        return f"{self.author} on {self.article}"
