"""What every reader page and the home page put first: sections, the breaking news banner
and the pinned lead story. Each is read from the shared cache (``newsroom.cache``), so a
page asks at most one query for it, and none once it is cached."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from newsroom.remembered import forget, remembered

_BREAKING_NEWS_CACHE_KEY = "newsroom:breaking-news:1"
_NAVIGATION_CACHE_KEY = "newsroom:section-navigation:1"
_LEAD_STORY_CACHE_KEY = "newsroom:lead-story:1"
# A safety net for a write that bypassed the services (a queryset update, SQL).
_CACHE_SECONDS = 300
# Cached when there is nothing to show.
_NOTHING = "nothing"


class Section(models.Model):
    """A desk of the paper (World, Politics, ...): each story has at most one, its primary
    section, with a front page and feeds. Tags stay for topics."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        allow_unicode=True,
        help_text=_("The last part of the section page's web address, after /sections/."),
    )
    description = models.TextField(
        _("description"),
        max_length=600,
        blank=True,
        help_text=_("One or two sentences under the section's name, and in its feed."),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Lower numbers come first in the navigation.")
    )
    is_in_navigation = models.BooleanField(
        _("in the site navigation"),
        default=True,
        help_text=_("Untick to keep the section out of the header's links."),
    )

    class Meta:
        ordering = ("position", "name")
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:section", kwargs={"slug": self.slug})

    @staticmethod
    def forget_navigation() -> None:
        forget(_NAVIGATION_CACHE_KEY)


def navigation_sections() -> list[Section]:
    """The sections in the site's header, in order: one query, none once cached."""
    return remembered(
        _NAVIGATION_CACHE_KEY,
        lambda: list(Section.objects.filter(is_in_navigation=True).only("name", "slug")),
        timeout=_CACHE_SECONDS,
    )


class BreakingNewsQuerySet(models.QuerySet):
    def current(self):
        """Banners that have not expired, newest first: the first is the one shown."""
        return self.filter(expires_at__gt=timezone.now()).order_by("-created_at", "-pk")


class BreakingNews(models.Model):
    """A site-wide banner at the top of every reader page until ``expires_at`` (no cron:
    each page compares with now, and no cached page outlives it). The newest unexpired
    one is shown; an editor clears it by letting it expire now."""

    text = models.CharField(
        _("text"), max_length=200, help_text=_("One short sentence, e.g. “Polls have closed”.")
    )
    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("story"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="breaking_news",
        help_text=_("A published story the banner links to (or give a web address)."),
    )
    url = models.URLField(
        _("web address"), blank=True, help_text=_("Where the banner links to, if not a story.")
    )
    expires_at = models.DateTimeField(
        _("shown until"), help_text=_("The banner disappears by itself at this time.")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="breaking_news",
    )

    objects = BreakingNewsQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _("breaking news banner")
        verbose_name_plural = _("breaking news banners")

    def __str__(self):
        return self.text

    def clean(self):
        errors = {}
        if self.article_id and self.url:
            errors["url"] = _("Link to a story or to a web address, not both.")
        if self.article_id:
            from articles.models.article import Article

            if not Article.objects.published().filter(pk=self.article_id).exists():
                errors["article"] = _("Only a published story can be linked from the banner.")
        if self.expires_at and self.expires_at <= timezone.now() and self._state.adding:
            errors["expires_at"] = _("A new banner must be shown until a time in the future.")
        if errors:
            raise ValidationError(errors)

    @property
    def link(self) -> str:
        if self.article_id:
            return self.article.get_absolute_url()
        return self.url

    @property
    def is_shown(self) -> bool:
        return self.expires_at > timezone.now()

    @staticmethod
    def forget() -> None:
        forget(_BREAKING_NEWS_CACHE_KEY)


def _banner_seconds(row) -> int:
    if isinstance(row, str):
        return _CACHE_SECONDS
    # Kept no longer than it is shown: then the next banner, or none, is read.
    return max(0, min(_CACHE_SECONDS, int((row.expires_at - timezone.now()).total_seconds())))


def breaking_news_shown() -> BreakingNews | None:
    """The banner every reader page shows now, or None: one query, none once cached."""
    row = remembered(
        _BREAKING_NEWS_CACHE_KEY,
        lambda: (
            # The linked story's address only: never its body.
            BreakingNews.objects.current()
            .select_related("article")
            .only("text", "url", "expires_at", "created_at", "article__slug")
            .first()
            or _NOTHING
        ),
        timeout=_banner_seconds,
    )
    if isinstance(row, str) or not row.is_shown:
        return None
    return row


class LeadStory(models.Model):
    """The story an editor pinned as the home page's lead: one row at most. Shown first
    while it is published and until ``pinned_until`` (when set); unpublishing it unpins it."""

    article = models.OneToOneField(
        "articles.Article",
        verbose_name=_("story"),
        on_delete=models.CASCADE,
        related_name="lead_pin",
    )
    pinned_until = models.DateTimeField(
        _("pinned until"),
        null=True,
        blank=True,
        help_text=_("Empty: pinned until unpinned or unpublished."),
    )
    pinned_at = models.DateTimeField(_("pinned at"), default=timezone.now, editable=False)
    pinned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pinned by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        verbose_name = _("pinned lead story")
        verbose_name_plural = _("pinned lead story")

    def __str__(self):
        return str(self.article)

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    def clean(self):
        if self.pinned_until and self.pinned_until <= timezone.now():
            raise ValidationError({"pinned_until": _("A pin must last until a future time.")})

    @property
    def is_active(self) -> bool:
        return self.pinned_until is None or self.pinned_until > timezone.now()

    @staticmethod
    def forget() -> None:
        forget(_LEAD_STORY_CACHE_KEY)


def _pin_seconds(row) -> int:
    if isinstance(row, str) or row.pinned_until is None:
        return _CACHE_SECONDS
    seconds = int((row.pinned_until - timezone.now()).total_seconds())
    return max(0, min(_CACHE_SECONDS, seconds))


def lead_story_pinned() -> LeadStory | None:
    """The pin in force now, or None (whether its story is still published is the home
    page's question): one query, none once cached."""
    row = remembered(
        _LEAD_STORY_CACHE_KEY,
        lambda: LeadStory.objects.filter(pk=1).first() or _NOTHING,
        timeout=_pin_seconds,
    )
    if isinstance(row, str) or not row.is_active:
        return None
    return row
