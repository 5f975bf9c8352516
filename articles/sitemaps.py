"""Sitemaps for search engines: articles, sections, tags, authors and a Google News sitemap.

Built on django.contrib.sitemaps; every list starts from ``Article.objects.published()``,
stories from ``indexable()`` (a story marked "hide from search engines" is left out, and
one kept out of Google News leaves the news sitemap).
URLs use ``NEWSROOM_BASE_URL`` when it is set, like the feeds and share links. Sitemaps
hold at most 5,000 stories or 10,000 tags or authors each (the index lists their pages),
read only the columns they print, and cost the same at any page (docs/PERFORMANCE.md).
"""

from datetime import timedelta
from functools import partial
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Exists, Max, OuterRef
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone

from taggit.models import Tag

from articles.caching import listing
from articles.models import Article, Author, Section
from articles.pagination import PositionPaginator

# Google News only reads stories from the last two days, and at most 1,000 of them.
NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000
# Every article sitemap under 2 MB, even with slugs of the longest (220 characters, about
# 330 bytes a URL): 5,000 a page. Typical slugs make pages of about 0.8 MB.
ARTICLES_PER_SITEMAP = 5_000
LIST_PAGES_PER_SITEMAP = 10_000


class NewsroomSitemap(Sitemap):
    def get_protocol(self, protocol=None):
        if settings.NEWSROOM_BASE_URL:
            return urlsplit(settings.NEWSROOM_BASE_URL).scheme
        return super().get_protocol(protocol)

    def get_domain(self, site=None):
        if settings.NEWSROOM_BASE_URL:
            base = urlsplit(settings.NEWSROOM_BASE_URL)
            return base.netloc + base.path
        return super().get_domain(site)


class ArticleSitemap(NewsroomSitemap):
    """Every published story, 5,000 to a sitemap (under 2 MB each), pages read from a
    position rather than skipped to (``PositionPaginator``)."""

    limit = ARTICLES_PER_SITEMAP

    @property
    def paginator(self):
        return PositionPaginator(self._items(), self.limit)

    def items(self):
        return (
            Article.objects.indexable()
            .annotate(last_changed_at=Greatest("updated_at", "published_at"))
            .only("slug", "published_at", "updated_at")
            .latest_first()
        )

    def lastmod(self, article):
        return article.last_changed_at

    def get_latest_lastmod(self):
        # The greatest of the two greatest, each the end of an index, rather than the
        # greatest of each row's pair, which reads every row.
        latest = Article.objects.indexable().aggregate(
            updated=Max("updated_at"), published=Max("published_at")
        )
        return max(filter(None, latest.values()), default=None)


def _latest_publication():
    return Article.objects.published().aggregate(latest=Max("published_at"))["latest"]


# Tag and author pages are lists, and say no lastmod: when each last changed is the newest
# of its stories, which only a read of every tagged story (every byline) can say, for
# every request of the sitemap. Crawlers revisit lists on their own; the index still
# says when the newest story appeared.


class TagSitemap(NewsroomSitemap):
    """Tags that at least one published story uses (as the tag pages themselves)."""

    limit = LIST_PAGES_PER_SITEMAP

    def items(self):
        stories = Article.objects.published().filter(tagged_items__tag_id=OuterRef("pk"))
        return Tag.objects.filter(Exists(stories)).only("slug").order_by("slug")

    def location(self, tag):
        return reverse("articles:tag", kwargs={"slug": tag.slug})

    def get_latest_lastmod(self):
        return _latest_publication()


class AuthorSitemap(NewsroomSitemap):
    """Bylines with at least one published story."""

    limit = LIST_PAGES_PER_SITEMAP

    def items(self):
        stories = Article.objects.published().filter(bylines__author_id=OuterRef("pk"))
        return Author.objects.filter(Exists(stories)).only("slug").order_by("slug")

    def get_latest_lastmod(self):
        return _latest_publication()


class SectionSitemap(NewsroomSitemap):
    """Every section's front page (a few dozen at most)."""

    def items(self):
        return Section.objects.only("slug").order_by("position", "pk")

    def get_latest_lastmod(self):
        return _latest_publication()


class NewsSitemap(NewsroomSitemap):
    """Stories published in the last 48 hours, with the news: tags Google News reads."""

    limit = NEWS_LIMIT

    def items(self):
        return (
            Article.objects.indexable()
            .filter(published_at__gte=timezone.now() - NEWS_WINDOW, is_kept_out_of_news=False)
            .only("slug", "headline", "published_at")
            .latest_first()
        )

    def lastmod(self, article):
        return article.published_at


SITEMAPS = {
    "articles": ArticleSitemap,
    "news": NewsSitemap,
    "sections": SectionSitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
}


@partial(listing, is_html=False)
def index(request):
    """The sitemap index, on ``NEWSROOM_BASE_URL`` when it is set."""
    response = sitemap_views.index(
        request,
        sitemaps=SITEMAPS,
        template_name="sitemaps/index.xml",
        sitemap_url_name="sitemap-section",
    )
    if settings.NEWSROOM_BASE_URL:
        # Django's index builds its links from the request's host; point them at ours.
        for item in response.context_data["sitemaps"]:
            location = urlsplit(item.location)
            query = f"?{location.query}" if location.query else ""
            item.location = settings.NEWSROOM_BASE_URL + location.path + query
    return response


@partial(listing, is_html=False)
def section(request, section):
    template = "sitemaps/news.xml" if section == "news" else "sitemaps/sitemap.xml"
    return sitemap_views.sitemap(
        request, sitemaps=SITEMAPS, section=section, template_name=template
    )
