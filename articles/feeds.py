"""RSS 2.0 and Atom feeds of the latest published stories: all, per tag, author, section.

Built on django.contrib.syndication. Links are absolute on ``NEWSROOM_BASE_URL`` when set
(else on the request's host). Feed generators are extended to print every byline (RSS
``dc:creator``, Atom ``author``) and the lead image (``media:content`` and an enclosure).
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from taggit.models import Tag

from articles.metadata import (
    article_description,
    article_image,
    article_modified_at,
    site_description,
)
from articles.models import Article, Author, Section
from newsroom.absolute import absolute_url

DC_NS = "http://purl.org/dc/elements/1.1/"
MEDIA_NS = "http://search.yahoo.com/mrss/"


class NewsRssFeed(Rss201rev2Feed):
    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:dc": DC_NS, "xmlns:media": MEDIA_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for author in item["authors"]:
            handler.addQuickElement("dc:creator", author["name"])
        image = item["image"]
        if image:
            attrs = {"url": image.url, "medium": "image", "type": image.mime_type}
            if image.width and image.height:
                attrs.update(width=str(image.width), height=str(image.height))
            handler.startElement("media:content", attrs)
            if image.alt:
                handler.addQuickElement("media:description", image.alt, {"type": "plain"})
            handler.endElement("media:content")


class NewsAtomFeed(Atom1Feed):
    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for author in item["authors"]:
            handler.startElement("author", {})
            handler.addQuickElement("name", author["name"])
            handler.addQuickElement("uri", author["url"])
            handler.endElement("author")


@dataclass
class FeedSource:
    """What one feed request is about; carries the request so links can be absolute."""

    request: HttpRequest
    tag: Tag | None = None
    author: Author | None = None
    section: Section | None = None

    def url(self, path: str) -> str:
        return absolute_url(path, self.request)


class LatestArticlesFeed(Feed):
    feed_type = NewsRssFeed
    # Feed readers poll; tell them how long to wait (minutes).
    ttl = 15

    def get_object(self, request, *args, **kwargs):
        return FeedSource(request=request)

    def articles(self, source: FeedSource):
        return Article.objects.published()

    def items(self, source: FeedSource):
        # The body, not its rendering: a story without a standfirst is described by the
        # opening of its body (article_description).
        articles = list(
            self.articles(source)
            .with_listing_data()
            .defer(None)
            .defer("body_html")
            .latest_first()[: settings.NEWSROOM_FEED_ITEMS]
        )
        for article in articles:
            article.absolute_url = source.url(article.get_absolute_url())
            article.feed_authors = [
                {"name": author.display_name, "url": source.url(author.get_absolute_url())}
                for author in article.ordered_authors
            ]
            article.feed_image = article_image(article, source.request)
        return articles

    def title(self, source: FeedSource):
        return settings.NEWSROOM_SITE_NAME

    def description_text(self, source: FeedSource) -> str:
        return site_description()

    def description(self, source: FeedSource):
        # Readers take an RSS channel's description as HTML, as its items': escaped once.
        return escape(self.description_text(source))

    def subtitle(self, source: FeedSource):
        # Atom's subtitle is text (Django writes no type): as it is.
        return self.description_text(source)

    def link(self, source: FeedSource):
        return source.url(reverse("articles:home"))

    def feed_url(self, source: FeedSource):
        return source.url(source.request.path)

    def author_name(self, source: FeedSource):
        # Atom needs an author for the feed; each entry names its own bylines too.
        return settings.NEWSROOM_SITE_NAME

    def feed_guid(self, source: FeedSource):
        return self.feed_url(source)

    def item_title(self, item: Article):
        return item.headline

    def item_description(self, item: Article):
        # RSS descriptions are HTML: a standfirst is text, so it is escaped once here.
        return escape(article_description(item))

    def item_link(self, item: Article):
        return item.absolute_url

    def item_guid(self, item: Article):
        return item.absolute_url

    def item_pubdate(self, item: Article):
        return item.published_at

    def item_updateddate(self, item: Article):
        return article_modified_at(item)

    def item_categories(self, item: Article):
        return sorted(tag.name for tag in item.tags.all())

    def item_enclosures(self, item: Article):
        image = item.feed_image
        if not image:
            return []
        return [Enclosure(image.url, str(image.length), image.mime_type)]

    def item_extra_kwargs(self, item: Article):
        return {"authors": item.feed_authors, "image": item.feed_image}


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = NewsAtomFeed


class TagFeed(LatestArticlesFeed):
    def get_object(self, request, slug):
        tag = get_object_or_404(Tag, slug=slug)
        # As on the tag page: a tag only drafts use is not public yet.
        if not Article.objects.published().filter(tags=tag).exists():
            raise Http404("No published article has this tag.")
        return FeedSource(request=request, tag=tag)

    def articles(self, source: FeedSource):
        return Article.objects.published().filter(tags=source.tag)

    def title(self, source: FeedSource):
        return _("%(site)s: %(tag)s") % {"site": settings.NEWSROOM_SITE_NAME, "tag": source.tag}

    def description_text(self, source: FeedSource) -> str:
        return _("The latest stories tagged %(tag)s.") % {"tag": source.tag}

    def link(self, source: FeedSource):
        return source.url(reverse("articles:tag", kwargs={"slug": source.tag.slug}))


class TagAtomFeed(TagFeed):
    feed_type = NewsAtomFeed


class AuthorFeed(LatestArticlesFeed):
    def get_object(self, request, slug):
        return FeedSource(request=request, author=get_object_or_404(Author, slug=slug))

    def articles(self, source: FeedSource):
        return Article.objects.published().filter(bylines__author=source.author)

    def title(self, source: FeedSource):
        return _("%(site)s: %(author)s") % {
            "site": settings.NEWSROOM_SITE_NAME,
            "author": source.author.display_name,
        }

    def description_text(self, source: FeedSource) -> str:
        return _("The latest stories by %(author)s.") % {"author": source.author.display_name}

    def link(self, source: FeedSource):
        return source.url(source.author.get_absolute_url())


class AuthorAtomFeed(AuthorFeed):
    feed_type = NewsAtomFeed


class SectionFeed(LatestArticlesFeed):
    def get_object(self, request, slug):
        return FeedSource(request=request, section=get_object_or_404(Section, slug=slug))

    def articles(self, source: FeedSource):
        return Article.objects.published().filter(section=source.section)

    def title(self, source: FeedSource):
        return _("%(site)s: %(section)s") % {
            "site": settings.NEWSROOM_SITE_NAME,
            "section": source.section.name,
        }

    def description_text(self, source: FeedSource) -> str:
        return source.section.description or _("The latest stories in %(section)s.") % {
            "section": source.section.name
        }

    def link(self, source: FeedSource):
        return source.url(source.section.get_absolute_url())


class SectionAtomFeed(SectionFeed):
    feed_type = NewsAtomFeed
