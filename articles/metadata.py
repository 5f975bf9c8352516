"""What search engines, feed readers and social networks read about a page.

One module builds it all (descriptions, images, JSON-LD) so the page head, the feeds and
the sitemaps agree with each other and with what the reader sees.
"""

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from html import unescape

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext

from PIL import Image as PillowImage
from PIL import UnidentifiedImageError

from newsroom.absolute import absolute_url

DESCRIPTION_MAX_LENGTH = 300


@dataclass(frozen=True)
class ImageInfo:
    """An image as metadata needs it: absolute URL, pixel size, alt text, file type and size."""

    url: str
    width: int | None
    height: int | None
    alt: str
    mime_type: str = "image/jpeg"
    length: int = 0


# Social networks' large cards are 1200 px wide; Google wants at least 1200 px too.
SOCIAL_IMAGE_WIDTH = 1200


def _absolute_media_url(url: str, request=None) -> str:
    # Remote storage (S3, a CDN domain) already gives full URLs.
    if url.startswith(("https://", "http://")):
        return url
    if url.startswith("//"):
        return "https:" + url
    return absolute_url(url, request)


def _image_info(image, request=None) -> ImageInfo | None:
    info = None
    rendition = image.rendition(SOCIAL_IMAGE_WIDTH) if image else None
    if rendition:
        info = ImageInfo(
            url=_absolute_media_url(rendition.url, request),
            width=rendition.width,
            height=rendition.height,
            alt=image.alt_text,
            mime_type="image/webp",
            # Its size in bytes would mean opening the file in the storage for every feed
            # item; RSS says 0 when the length is not known.
            length=0,
        )
    return info


def article_image(article, request=None) -> ImageInfo | None:
    """The article's hero image for JSON-LD and feed enclosures.

    Its 1200 px WebP rendition (smaller when the original is), or None without a hero
    image or when the rendition cannot be made. Load ``hero_image`` with the article
    (``select_related``); the answer is kept on the article, as the page asks twice.
    """
    cached = getattr(article, "_newsroom_hero_info", False)
    if cached is not False:
        return cached
    info = _image_info(article.hero_image, request)
    article._newsroom_hero_info = info
    return info


def article_social_image(article, request=None) -> ImageInfo | None:
    """og:image and twitter:image: the story's social image, else its hero image."""
    if article.social_image_id:
        cached = getattr(article, "_newsroom_social_image", False)
        if cached is False:
            cached = article._newsroom_social_image = _image_info(article.social_image, request)
        if cached:
            return cached
    return article_image(article, request)


# Where one block of the body ends and the next begins, words need a space between them.
_BLOCK_BOUNDARY = re.compile(
    r"<(?:/?(?:p|h[1-6]|li|ul|ol|blockquote|figure|figcaption|pre)|br|hr)\b[^>]*>"
)


def body_text(html: str) -> str:
    """The body as plain text: tags dropped, entities decoded, whitespace collapsed."""
    return " ".join(unescape(strip_tags(_BLOCK_BOUNDARY.sub(" ", html or ""))).split())


def article_description(article) -> str:
    """The standfirst, or the opening of the body when there is none; plain text."""
    text = article.standfirst or body_text(article.body)
    return Truncator(" ".join(text.split())).chars(DESCRIPTION_MAX_LENGTH)


def article_title(article) -> str:
    """The page's title (before the site's name): the search title, else the headline."""
    return article.seo_title or article.headline


def article_meta_description(article) -> str:
    """The meta and og:/twitter: description: the editor's own, else the standfirst (or
    the opening of the body)."""
    if article.seo_description:
        return " ".join(article.seo_description.split())
    return article_description(article)


def article_social_headline(article) -> str:
    """og:title and twitter:title: the social headline, else the headline."""
    return article.social_headline or article.headline


# Every indexable story lets search engines show its pictures large (Google Discover).
INDEXABLE_ROBOTS = "max-image-preview:large"


def article_robots(article) -> str:
    """The article page's meta robots: ``noindex`` for a story hidden from search engines."""
    return "noindex" if article.is_noindex else INDEXABLE_ROBOTS


def article_corrections(article) -> list:
    """The story's corrections, oldest first, read once for the page (its list at the
    foot and its JSON-LD): none, and no query, without ``has_corrections``."""
    cached = getattr(article, "_newsroom_corrections", None)
    if cached is None:
        has = getattr(article, "has_corrections", None)
        cached = [] if has is False else list(article.corrections.all())
        article._newsroom_corrections = cached
    return cached


def corrections_json_ld(corrections) -> list[dict]:
    """Corrections and clarifications as schema.org CorrectionComments."""
    return [
        {
            "@type": "CorrectionComment",
            "text": " ".join(correction.text.split()),
            "datePublished": correction.created_at.isoformat(),
        }
        for correction in corrections
    ]


def article_modified_at(article):
    """When the page last changed: a story saved before its scheduled time changed then."""
    if article.published_at and article.updated_at:
        return max(article.updated_at, article.published_at)
    return article.updated_at or article.published_at


def site_description() -> str:
    return settings.NEWSROOM_SITE_DESCRIPTION or gettext("The latest stories from %(site)s.") % {
        "site": settings.NEWSROOM_SITE_NAME
    }


# Formats Google reads for a publisher logo (not SVG).
RASTER_FORMATS = frozenset({"PNG", "JPEG", "GIF", "WEBP"})


@lru_cache(maxsize=8)
def _raster_size(static_path: str) -> tuple[int, int] | None:
    """Pixel size of a raster image among the static files, or None if there is none."""
    try:
        found = finders.find(static_path)
        file = open(found, "rb") if found else staticfiles_storage.open(static_path)  # noqa: SIM115
        with file, PillowImage.open(file) as image:
            return image.size if image.format in RASTER_FORMATS else None
    except (OSError, ValueError, UnidentifiedImageError, SuspiciousFileOperation):
        return None


def publisher_logo(request=None) -> dict | None:
    """The ``NEWSROOM_PUBLISHER_LOGO`` static file as a schema.org ImageObject, if it is one."""
    path = settings.NEWSROOM_PUBLISHER_LOGO
    size = _raster_size(path) if path else None
    if size is None:
        return None
    return {
        "@type": "ImageObject",
        "url": absolute_url(static(path), request),
        "width": size[0],
        "height": size[1],
    }


# How much of a comment's text its schema.org Comment carries; its permalink has the rest.
COMMENT_TEXT_MAX_LENGTH = 500


# A pk no comment has: the permalink is reversed once a page, then each comment's put in.
_PLACEHOLDER_PK = 987654321


def comment_json_ld(comment, request=None, *, path: str | None = None) -> dict:
    """A visible comment as a schema.org Comment (its text plain, from the stored HTML);
    ``path``: its permalink, when the caller made it already."""
    return {
        "@type": "Comment",
        "author": {"@type": "Person", "name": comment.author_name},
        "dateCreated": comment.created_at.isoformat(),
        "text": Truncator(body_text(comment.body_html)).chars(COMMENT_TEXT_MAX_LENGTH),
        "url": absolute_url(path or comment.get_absolute_url(), request),
    }


def comments_json_ld(comments, request=None) -> list[dict]:
    """``comments`` as schema.org Comments, with one ``reverse()`` for them all."""
    placeholder = str(_PLACEHOLDER_PK)
    head, tail = reverse("articles:comment", kwargs={"pk": _PLACEHOLDER_PK}).split(placeholder)
    return [comment_json_ld(c, request, path=f"{head}{c.pk}{tail}") for c in comments]


def shown_comments(comment_page, limit: int) -> list:
    """The first ``limit`` visible comments of the page of threads the reader is shown, in
    the page's order: read with the page (``selectors.comment_page``), so no query more.
    Removed, spam and held comments (a reader's own) are left out."""
    if comment_page is None or limit <= 0:
        return []
    comments = []
    for thread in comment_page.threads:
        for entry in thread.entries:
            if entry.comment.status == entry.comment.Status.VISIBLE:
                comments.append(entry.comment)
                if len(comments) == limit:
                    return comments
    return comments


def live_update_json_ld(update, request=None) -> dict:
    """A live blog's update as a schema.org BlogPosting, at its permalink."""
    data = {
        "@type": "BlogPosting",
        "headline": update.headline or Truncator(body_text(update.body_html)).chars(110),
        "datePublished": update.posted_at.isoformat(),
        "articleBody": body_text(update.body_html),
        "url": absolute_url(update.get_absolute_url(), request),
    }
    if update.edited_at:
        data["dateModified"] = update.edited_at.isoformat()
    if update.byline:
        data["author"] = {"@type": "Person", "name": update.byline}
    return data


def article_json_ld(article, request=None, comment_page=None, live_updates=None) -> dict:
    """A schema.org NewsArticle for the article page; ``comment_count`` must be annotated.

    With the page's ``comment_page``, its first ``NEWSROOM_JSONLD_COMMENTS`` visible comments
    are the NewsArticle's ``comment``; ``commentCount`` counts every visible one. A live blog
    is a ``LiveBlogPosting``: its coverage times, and the updates the page shows
    (``live_updates``, a ``selectors.LiveUpdatePage``) as its ``liveBlogUpdate``.
    """
    url = absolute_url(article.get_absolute_url(), request)
    data = {
        "@context": "https://schema.org",
        "@type": "LiveBlogPosting" if article.is_live_blog else "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.headline,
        "description": article_description(article),
        "datePublished": article.published_at.isoformat() if article.published_at else None,
        "dateModified": article_modified_at(article).isoformat(),
        "author": [
            {
                "@type": "Person",
                "name": author.display_name,
                "url": absolute_url(author.get_absolute_url(), request),
            }
            for author in article.ordered_authors
        ],
        "publisher": {
            "@type": "Organization",
            "name": settings.NEWSROOM_SITE_NAME,
            "url": absolute_url(reverse("articles:home"), request),
        },
        "keywords": sorted(tag.name for tag in article.tags.all()),
        # The primary section (select_related by with_listing_data: no query).
        "articleSection": article.section.name if article.section_id else None,
        # A hidden thread is not advertised (articles.discussion).
        "commentCount": None if article.is_discussion_hidden else article.comment_count,
        "isAccessibleForFree": True,
    }
    if article.is_live_blog:
        data["coverageStartTime"] = data["datePublished"]
        if article.coverage_ended_at:
            data["coverageEndTime"] = article.coverage_ended_at.isoformat()
        updates = live_updates.shown if live_updates is not None else []
        data["liveBlogUpdate"] = [live_update_json_ld(u, request) for u in updates]
        if updates:
            newest = max(u.edited_at or u.posted_at for u in updates)
            data["dateModified"] = max(article_modified_at(article), newest).isoformat()
    # A hidden thread's comments are not published in the page's data either.
    hidden = article.is_discussion_hidden
    comments = [] if hidden else shown_comments(comment_page, settings.NEWSROOM_JSONLD_COMMENTS)
    if comments:
        data["comment"] = comments_json_ld(comments, request)
    corrections = article_corrections(article)
    if corrections:
        data["correction"] = corrections_json_ld(corrections)
    logo = publisher_logo(request)
    if logo:
        data["publisher"]["logo"] = logo
    image = article_image(article, request)
    if image:
        data["image"] = {
            "@type": "ImageObject",
            "url": image.url,
            "width": image.width,
            "height": image.height,
            "caption": image.alt,
        }
    return {key: value for key, value in data.items() if value is not None}


# The characters that could end a <script> element or start an HTML comment inside it,
# as JSON escapes: the data reads the same, the HTML parser never sees "</script>".
_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld_script(data: dict) -> SafeString:
    """``data`` in a ``<script type="application/ld+json">``, safe from any text in it."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=False).translate(_JSON_SCRIPT_ESCAPES)
    # U+2028/U+2029 are valid JSON but end a line in older JavaScript parsers.
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308
