"""Where an old site's address leads now (``LegacyRedirect``, written by the importers).

Asked only for requests that found nothing here (a 404) and for ``/?p=123``, WordPress's
own short links; so a site that imported nothing pays nothing."""

import re

from django.db.models import Q
from django.http import QueryDict
from django.urls import reverse

from articles.models import Article, LegacyRedirect

# WordPress's feed addresses: /feed/, /feed/rss2/, /category/x/feed/atom/, /comments/feed/.
_FEED_SUFFIX = re.compile(r"^(?P<base>.*/)feed/(?:(?:rss2?|rdf|atom)/)?$")
# Later pages of a listing there: /page/3/, /category/x/page/3/.
_PAGE_SUFFIX = re.compile(r"^(?P<base>.*/)page/\d+/$")
QUERY_KEYS = ("p", "page_id", "feed")


class Gone(Exception):
    """The old address is a killed story's: it answers 410, as the story's own does."""

    def __init__(self, article: Article):
        super().__init__(article.pk)
        self.article = article


def _target(redirect: LegacyRedirect, *, feed: bool) -> str | None:
    if redirect.article_id:
        # Only a story readers may see: an old link must not reveal a draft's address.
        if not Article.objects.published().filter(pk=redirect.article_id).exists():
            killed = Article.objects.killed().filter(pk=redirect.article_id)
            if killed := killed.only("kill_notice").first():
                raise Gone(killed)
            return None
        return redirect.article.get_absolute_url()
    if redirect.tag_id:
        name = "articles:tag-feed" if feed else "articles:tag"
        return reverse(name, kwargs={"slug": redirect.tag.slug})
    if redirect.author_id:
        name = "articles:author-feed" if feed else "articles:author"
        return reverse(name, kwargs={"slug": redirect.author.slug})
    return None


def legacy_target(path: str, query: QueryDict) -> str | None:
    """The address that now shows what ``path`` (with ``query``) showed on the old site.
    Raises ``Gone`` for a killed story's old address."""
    if path == "/":
        if post := query.get("p") or query.get("page_id"):
            redirect = (
                LegacyRedirect.objects.filter(path=f"/?p={post}").select_related("article").first()
            )
            return _target(redirect, feed=False) if redirect else None
        if query.get("feed"):
            return reverse("articles:feed")
        return None
    path = path if path.endswith("/") else f"{path}/"
    feed = False
    if match := _FEED_SUFFIX.match(path):
        path, feed = match["base"], True
        if path in ("/", "/comments/"):
            return reverse("articles:feed")
    elif match := _PAGE_SUFFIX.match(path):
        path = match["base"]
        if path == "/":
            return reverse("articles:home")
    redirect = (
        LegacyRedirect.objects.filter(Q(path=path) | Q(path=path.lower()))
        .select_related("article", "tag", "author")
        .first()
    )
    if redirect is None:
        return None
    if feed and redirect.article_id:
        feed = False  # a story's comment feed: the story itself
    return _target(redirect, feed=feed)
