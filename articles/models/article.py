from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from django_prose_editor.fields import ProseEditorField
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from articles.html import BODY_EDITOR_EXTENSIONS, clean_body_html
from articles.models.comment import Comment
from articles.models.counting import count_of
from articles.models.discussion import ARTICLE_MODE_CHOICES, INHERIT, strictest_tag_mode
from articles.models.rendering import (
    RENDERING_VERSION,
    RenderedHTMLField,
    article_body_html,
    html_version_field,
)

# The columns a listing (home, tag, author pages, feeds' cards) never prints: the largest.
LISTING_DEFERRED = ("body", "body_html")


def listing_prefetches() -> tuple:
    """What a card reads beside its row: bylines with their authors, tags, the hero
    image's renditions (``with_listing_data``)."""
    return (
        Prefetch("bylines", queryset=Byline.objects.select_related("author")),
        "tags",
        "hero_image__stored_renditions",
    )


def page_prefetches() -> tuple:
    """What the article page reads beside its row (``with_page_row``): a card's, and the
    share card's own picture's renditions. For ``prefetch_related_objects`` too."""
    return (*listing_prefetches(), "social_image__stored_renditions")


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """The one rule for what readers may see: published, not scheduled for later, not
        expired (``expires_at`` passed) and not killed. No cron: compared with now."""
        now = timezone.now()
        return self.filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now),
            status=Article.Status.PUBLISHED,
            published_at__lte=now,
            killed_at__isnull=True,
        )

    def killed(self):
        """Stories taken down (legal takedown): their addresses answer 410 Gone."""
        return self.filter(killed_at__isnull=False)

    def expiring(self):
        """Published stories readers see now that will expire later."""
        return self.published().filter(expires_at__isnull=False)

    def indexable(self):
        """Published stories search engines are asked to index (the sitemaps' list)."""
        return self.published().filter(is_noindex=False)

    def with_comment_count(self):
        """Annotate ``comment_count`` with visible comments, in the same query."""
        visible = Comment.objects.visible().filter(article=OuterRef("pk"))
        return self.annotate(comment_count=count_of(visible, by="article"))

    def with_discussion_shown(self):
        """Stories whose comments are not hidden (``articles.discussion``): a hidden
        thread's comments have no page of their own either (permalink, reply, report)."""
        from articles.models.discussion import DiscussionMode, TagDiscussionDefault

        hidden = DiscussionMode.HIDDEN
        hidden_by_a_tag = Exists(
            TagDiscussionDefault.objects.filter(
                tag__articles_taggedarticle_items__content_object=OuterRef("pk"), mode=hidden
            )
        )
        return self.exclude(discussion_mode=hidden).exclude(
            hidden_by_a_tag & Q(discussion_mode=INHERIT)
        )

    def with_discussion_mode(self):
        """Annotate ``tag_discussion_mode``, the strictest default of the story's tags, in
        the same query (``articles.discussion`` reads it)."""
        return self.annotate(tag_discussion_mode=strictest_tag_mode())

    def with_listing_row(self):
        """The row of what a card shows (its counts and joins), without the relations
        ``LISTING_PREFETCHES`` reads beside it, nor the columns it does not show: no body,
        stored or rendered (``LISTING_DEFERRED``)."""
        return (
            self.defer(*LISTING_DEFERRED)
            .with_comment_count()
            .with_discussion_mode()
            .select_related("hero_image", "section")
        )

    def with_listing_data(self):
        """Everything a card shows, in a fixed number of queries (the hero images'
        renditions in one for the whole page)."""
        return self.with_listing_row().prefetch_related(*listing_prefetches())

    def with_correction_flag(self):
        """Annotate ``has_corrections`` so pages query corrections only when there are some."""
        from articles.models.workflow import Correction

        return self.annotate(
            has_corrections=Exists(Correction.objects.filter(article=OuterRef("pk")))
        )

    def with_latest_comment_at(self):
        """Annotate ``latest_comment_at``, when the newest visible comment was posted (None
        without one), in the same query: where the page's live notice counts new ones from
        (``articles/views/live.py``)."""
        newest = (
            Comment.objects.visible()
            .filter(article=OuterRef("pk"))
            .order_by("-created_at")
            .values("created_at")[:1]
        )
        return self.annotate(latest_comment_at=Subquery(newest))

    def with_page_row(self):
        """The article page's row: what a card shows and the body, with the flags and times
        the page asks, not the relations ``page_prefetches()`` reads beside it (which the
        page's fragments need only when they are rendered, ``newsroom/fragments.py``)."""
        return (
            self.with_listing_row()
            .defer(None)
            .with_correction_flag()
            .with_latest_comment_at()
            # The share card's own picture, when it has one (no query without).
            .select_related("social_image")
        )

    def with_page_data(self):
        """Everything the article page shows, its comment form re-rendered with errors too:
        what a card shows, and the body."""
        return self.with_page_row().prefetch_related(*page_prefetches())

    def scheduled(self):
        """Published, but not yet: readers see these from ``published_at`` on."""
        return self.filter(
            status=Article.Status.PUBLISHED, published_at__gt=timezone.now(), killed_at__isnull=True
        )

    def latest_first(self):
        return self.order_by("-published_at", "-pk")


class TaggedArticleManager(models.Manager):
    def get_by_natural_key(self, article_id, tag_name):
        return self.get(content_object_id=article_id, tag__name=tag_name)


class TaggedArticle(TaggedItemBase):
    """Tags through a real foreign key, so joins and deletes stay in the database."""

    content_object = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="tagged_items"
    )

    # A story (by id: stories have no natural key) and the tag's name, as taggit's Tag is
    # known by its name: `dumpdata --natural-foreign --natural-primary` loads again.
    objects = TaggedArticleManager()

    class Meta:
        verbose_name = _("article tag")
        verbose_name_plural = _("article tags")
        constraints = [
            models.UniqueConstraint(fields=("content_object", "tag"), name="unique_article_tag")
        ]
        # A tag's stories without reading the stories: tag pages, related stories, sitemaps.
        indexes = [models.Index(fields=("tag", "content_object"), name="tagged_article_tag_idx")]

    def natural_key(self):
        return (self.content_object_id, self.tag.name)

    natural_key.dependencies = ["articles.article", "taggit.tag"]


class ArticleRevision(models.Model):
    """What a revision (``HistoricalArticle``) keeps beyond the article's own columns.

    Bylines and tags live in other tables, which django-simple-history does not follow
    for a through model saved by an inline; so each revision records them itself, as
    they stood when it was saved (see ``article_record_revision_relations``). None: not
    recorded (revisions made before this existed), so restoring one keeps the current ones.
    """

    # [{"author": pk, "name": display name then, "position": n}, ...]
    revision_bylines = models.JSONField(_("bylines"), null=True, blank=True, editable=False)
    revision_tags = models.JSONField(_("tags"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True


# What a story says to search engines and social networks, beside its headline and
# standfirst: one list for the admin form, its fieldset and the services.
SEARCH_AND_SOCIAL_FIELDS = (
    "seo_title",
    "seo_description",
    "social_headline",
    "social_image",
    "is_noindex",
    "is_kept_out_of_news",
)


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Unpublished")

    class Kind(models.TextChoices):
        STORY = "story", _("Story")
        # Timestamped updates under the text, newest first (articles/models/live.py).
        LIVE = "live", _("Live blog")

    headline = models.CharField(_("headline"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=220,
        unique=True,
        allow_unicode=True,
        # The admin prints help text as HTML, so no "<slug>" placeholder here.
        help_text=_(
            "The last part of the article's web address, after /articles/. Changed after "
            "publication, the old address keeps working."
        ),
    )
    standfirst = models.TextField(
        _("standfirst"),
        max_length=600,
        blank=True,
        help_text=_("The summary under the headline, also used on listings."),
    )
    # The editor's own sanitizer runs on form input; Article.save() runs ours on every save.
    body = ProseEditorField(
        _("body"),
        blank=True,
        config={"extensions": BODY_EDITOR_EXTENSIONS},
        sanitize=True,
        help_text=_("Paragraphs, subheadings, emphasis, links, lists and quotes."),
    )
    # What the page prints: the body sanitized, its library images swapped for responsive
    # renditions. Rendered by save(); re-rendered when an image it shows changes and by
    # ``manage.py render_html`` (see articles.models.rendering).
    body_html = RenderedHTMLField(_("rendered body"))
    html_version = html_version_field()
    hero_image = models.ForeignKey(
        "articles.Image",
        verbose_name=_("hero image"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hero_of",
        help_text=_("The picture at the top of the story, on listings and when shared."),
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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="created_articles",
        help_text=_("The staff account that owns the draft: writers edit only their own."),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="assigned_articles",
        help_text=_("Who works on the story now; set by editors, who may also set a due time."),
    )
    due_at = models.DateTimeField(_("due at"), null=True, blank=True, editable=False, db_index=True)
    is_commenting_open = models.BooleanField(
        _("comments open"),
        default=True,
        help_text=_("Untick to close the comments under this article."),
    )
    discussion_mode = models.CharField(
        _("discussion"),
        max_length=16,
        choices=ARTICLE_MODE_CHOICES,
        default=INHERIT,
        blank=True,
        help_text=_(
            "Open, pre-moderated (every comment held), read-only (the thread stays, no new "
            "comments) or hidden (no comments shown). Closed comments are read-only."
        ),
    )
    # Publishing with control (docs/editorial.md): no cron, published() compares with now.
    embargo_until = models.DateTimeField(
        _("embargoed until"),
        null=True,
        blank=True,
        help_text=_(
            "The story cannot be published or scheduled before this time (a source's "
            "embargo). Scheduling at or after it is allowed."
        ),
    )
    expires_at = models.DateTimeField(
        _("expires at"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("From this time on readers no longer see the story (scheduled unpublish)."),
    )
    killed_at = models.DateTimeField(_("killed at"), null=True, blank=True, editable=False)
    kill_reason = models.TextField(_("kill reason"), blank=True, editable=False)
    kill_notice = models.TextField(
        _("notice shown instead"),
        blank=True,
        editable=False,
        help_text=_("What readers read at the story's address once it is killed."),
    )
    kind = models.CharField(
        _("type"),
        max_length=8,
        choices=Kind.choices,
        default=Kind.STORY,
        help_text=_("A live blog carries timestamped updates, newest first, under its text."),
    )
    coverage_ended_at = models.DateTimeField(
        _("live coverage ended at"),
        null=True,
        blank=True,
        help_text=_("A live blog only: when the live coverage ended (empty while it goes on)."),
    )

    # Search and social: each empty field falls back to the story's own (articles.metadata).
    seo_title = models.CharField(
        _("search title"),
        max_length=200,
        blank=True,
        help_text=_("The page title search engines show. Empty: the headline."),
    )
    seo_description = models.TextField(
        _("meta description"),
        max_length=300,
        blank=True,
        help_text=_("The summary search engines show. Empty: the standfirst."),
    )
    social_headline = models.CharField(
        _("title when shared"),
        max_length=200,
        blank=True,
        help_text=_("The title of the card when the story is shared. Empty: the headline."),
    )
    social_image = models.ForeignKey(
        "articles.Image",
        verbose_name=_("social image"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="social_image_of",
        help_text=_("The picture of the card when the story is shared. Empty: the hero image."),
    )
    is_noindex = models.BooleanField(
        _("hide from search engines"),
        default=False,
        help_text=_("Tick to ask search engines not to index the story; it leaves the sitemaps."),
    )
    is_kept_out_of_news = models.BooleanField(
        _("keep out of Google News"),
        default=False,
        help_text=_("Tick to keep the story out of Google News and the news sitemap."),
    )

    section = models.ForeignKey(
        "articles.Section",
        verbose_name=_("section"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
        help_text=_("The story's primary section (World, Politics, ...); tags are for topics."),
    )

    tags = TaggableManager(through=TaggedArticle, blank=True, verbose_name=_("tags"))

    objects = ArticleQuerySet.as_manager()
    # Every save keeps a revision (django-simple-history), admin or not. Not of body_html:
    # it is derived from the body (a restore renders it again) and depends on the image
    # library as it is now, so an old copy would only be stale.
    history = HistoricalRecords(
        bases=[ArticleRevision], excluded_fields=["body_html", "html_version"]
    )

    class Meta:
        ordering = ("-published_at", "-pk")
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        permissions = [
            ("publish_article", _("Can publish, schedule and unpublish articles")),
            ("edit_others_article", _("Can edit every article, not only their own drafts")),
            ("restore_article_revision", _("Can see revisions of articles and restore them")),
        ]
        # Lists newest first read a range of this from a (published_at, id) position
        # (articles/pagination.py); id breaks ties, so the index gives the order whole.
        indexes = [
            models.Index(
                fields=("status", "-published_at", "-id"), name="article_status_pub_id_idx"
            ),
            # The last change to any published story (the sitemap index's lastmod).
            models.Index(fields=("status", "-updated_at"), name="article_status_updated_idx"),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        body = clean_body_html(self.body)
        # A save of other fields leaves the body alone, unless it was stored unsanitized
        # (by update() or SQL): then this save cleans it, and renders it again.
        if update_fields is None or "body" in update_fields or body != self.body:
            self.body = body
            self.body_html = article_body_html(body)
            self.html_version = RENDERING_VERSION
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "body", "body_html", "html_version"}
        super().save(*args, **kwargs)
        # Its times may be the next change of the reader pages (status, published_at,
        # expires_at): asked again rather than read as remembered.
        from articles.caching import forget_next_change

        forget_next_change()

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        errors = {}
        goes_out = self.published_at
        if self.status == self.Status.PUBLISHED and goes_out is None:
            goes_out = timezone.now()
        is_going_out = self.status == self.Status.PUBLISHED
        if is_going_out and self.embargo_until and goes_out < self.embargo_until:
            errors["published_at"] = _(
                "This story is embargoed until %(embargo)s: it cannot be published or "
                "scheduled before then. Schedule it at or after the embargo."
            ) % {"embargo": timezone.localtime(self.embargo_until).strftime("%Y-%m-%d %H:%M")}
        if self.expires_at and goes_out and self.expires_at <= goes_out:
            errors["expires_at"] = _("A story expires after its publication time.")
        if errors:
            raise ValidationError(errors)

    @property
    def ordered_authors(self) -> list:
        """Bylines in their printed order (uses the prefetch from ``with_listing_data``)."""
        return [byline.author for byline in self.bylines.all()]

    @property
    def is_live_blog(self) -> bool:
        return self.kind == self.Kind.LIVE

    @property
    def is_live_now(self) -> bool:
        """A live blog whose coverage goes on: the page asks for new updates."""
        return self.is_live_blog and self.coverage_ended_at is None

    @property
    def is_scheduled(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def is_embargoed(self) -> bool:
        return self.embargo_until is not None and self.embargo_until > timezone.now()

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_killed(self) -> bool:
        return self.killed_at is not None

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

    @property
    def is_discussion_hidden(self) -> bool:
        """Whether no comment, count or form is shown (``articles.discussion``)."""
        from articles.discussion import article_mode
        from articles.models.discussion import DiscussionMode

        return article_mode(self) == DiscussionMode.HIDDEN


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
        # An author's stories without reading the stories: author pages, sitemaps.
        indexes = [models.Index(fields=("author", "article"), name="byline_author_article_idx")]

    def __str__(self):
        return f"{self.author} on {self.article}"


def current_relations(article: Article) -> dict:
    """The article's bylines and tags as stored now, in the shape a revision keeps them."""
    bylines = Byline.objects.filter(article=article).select_related("author")
    tags = TaggedArticle.objects.filter(content_object=article).values_list("tag__name", flat=True)
    return {
        "revision_bylines": [
            {"author": b.author_id, "name": b.author.display_name, "position": b.position}
            for b in bylines
        ],
        "revision_tags": sorted(tags),
    }


@receiver(pre_create_historical_record)
def _keep_relations_on_revision(sender, instance, history_instance, **kwargs):
    # Saves outside the admin (services, commands) get the relations as they stand.
    if isinstance(instance, Article) and instance.pk:
        for name, value in current_relations(instance).items():
            setattr(history_instance, name, value)
