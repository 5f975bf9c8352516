"""What each reader page shows, in page-cache tags, and what a change makes stale.

The tags (``newsroom/page_cache.py`` keeps the mechanism):

- ``article-<pk>``: an article's own page (its text, corrections, comments, count).
- ``tag-<pk>``: the tag's page and feed, and the "related stories" of articles with the tag.
- ``author-<pk>``: the author's page and feed, and the bylines of the author's articles.
- ``section-<pk>``: the section's page (which names ``site`` too; its feeds name ``site``).
- ``guidelines``: the community guidelines page.
- ``site``: every list of stories: home, feeds, sitemaps, search, corrections.

A change to an article that readers can see (or could, before the change) makes its own
tag, its tags' (before and after), its authors' (before and after) and ``site`` stale:
:func:`article_changed`, called by the services once their transaction commits. What
changes by itself at a set time needs no call: no page is kept past the next such time
(:func:`next_change_at`): a story scheduled for later appearing, a story expiring
(``expires_at``), a scheduled update of a live story going out (the first request after
it applies it, ``articles.views.scheduling``); and no HTML page past the breaking news
banner's expiry (:func:`page_change_at`). Setting or clearing the banner, or editing a
section (the navigation), makes every page stale. A commenter renamed, made staff (or no
longer), or deleted makes the pages of the stories they commented on stale
(:func:`commenter_changed`, from ``accounts.services``).
"""

import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from newsroom import page_cache

SITE = "site"
# The community guidelines page (articles:guidelines).
GUIDELINES = "guidelines"


def article_key(pk) -> str:
    return f"article-{pk}"


def tag_key(pk) -> str:
    return f"tag-{pk}"


def author_key(pk) -> str:
    return f"author-{pk}"


def section_key(pk) -> str:
    return f"section-{pk}"


def article_page_tags(article) -> list[str]:
    """The tags of an article's page (uses ``with_listing_data``'s prefetches)."""
    return [
        article_key(article.pk),
        *(tag_key(tag.pk) for tag in article.tags.all()),
        *(author_key(byline.author_id) for byline in article.bylines.all()),
        *([section_key(article.section_id)] if article.section_id else []),
    ]


# The article page's fragments printed from the story's relations (bylines, tags, pictures):
# when one is missing, the view reads them (``page_prefetches``) before rendering.
FRAGMENTS_OF_RELATIONS = frozenset({"page-tags", "meta", "text", "more", "footer"})


def article_fragments(request, article):
    """The parts of ``article``'s page kept between renders (``newsroom/fragments.py``), read
    in one round trip: its page-cache tags, its metadata, its text, its corrections and
    related stories (kept no later than the next scheduled change, as the page), its tags and
    share row, and for an anonymous reader its comment threads. Each is named by the page's
    tags (``article_page_tags``, asked when one is stored, once its relations are read) and
    keyed by what else changes it: the address the page is on (absolute URLs), the reader's
    order and page of comments, the page of a live blog's updates."""
    from articles.selectors import (
        ORDER_PARAMETER,
        PAGE_PARAMETER,
        SHARED_HEADS,
        SHARED_ROWS,
        UPDATES_PARAMETER,
        comment_order,
        requested_page,
    )
    from newsroom.fragments import Fragment, FragmentSet

    query = request.GET
    order = comment_order(query.get(ORDER_PARAMETER))
    page = requested_page(query.get(PAGE_PARAMETER))
    updates = query.get(UPDATES_PARAMETER, "")[:100]
    site = settings.NEWSROOM_BASE_URL or request.build_absolute_uri("/")
    pk = article.pk

    def tags():
        return article_page_tags(article)

    fragments = {
        "page-tags": Fragment(f"article-tags:{pk}", tags),
        "meta": Fragment(f"article-meta:{pk}:{site}:{order}:{page}:{updates}", tags),
        "text": Fragment(f"article-text:{pk}", tags),
        "more": Fragment(f"article-more:{pk}", tags, expires_at=next_change_at),
        "footer": Fragment(f"article-footer:{pk}:{site}", tags),
        # A page of threads as anonymous readers read it (articles.selectors.comment_page):
        # a logged-in reader's page reads it too, with what is the reader's own.
        SHARED_ROWS: Fragment(f"article-rows:{pk}:{order}:{page}", tags),
        SHARED_HEADS: Fragment(f"article-heads:{pk}:{order}:{page}", tags),
    }
    if not request.user.is_authenticated:
        fragments["threads"] = Fragment(f"article-threads:{pk}:{order}:{page}", tags)
    return FragmentSet(fragments).load()


def relation_keys(article) -> set[str]:
    """The tags and authors ``article`` has now, and the section the instance names, as
    page-cache tags (two small queries)."""
    from articles.models import Byline, TaggedArticle

    tags = TaggedArticle.objects.filter(content_object=article).values_list("tag_id", flat=True)
    authors = Byline.objects.filter(article=article).values_list("author_id", flat=True)
    sections = [section_key(article.section_id)] if article.section_id else []
    return {*(tag_key(pk) for pk in tags), *(author_key(pk) for pk in authors), *sections}


def _invalidate_on_commit(keys: set[str]) -> None:
    # After the commit: a page rendered before it would otherwise be stored again as new.
    transaction.on_commit(lambda: page_cache.invalidate(*keys), robust=True)


def article_changed(article, *, was_public: bool = True, before: set[str] = frozenset()) -> None:
    """Readers' pages showing ``article`` are stale once this transaction commits.

    ``before``: the ``relation_keys`` it had before the change (tags or bylines removed).
    ``was_public``: whether readers could see it before; a draft that stays a draft, and
    that nobody saw, makes nothing stale.
    """
    from articles.models import Article

    is_public = article.status == Article.Status.PUBLISHED
    if not (was_public or is_public):
        return
    _invalidate_on_commit({article_key(article.pk), SITE, *relation_keys(article), *before})


def articles_changed(article_ids) -> None:
    """These articles' pages, and the lists showing their cards (which count comments and
    name tags), are stale once this transaction commits: comments shown, changed or hidden
    under them, their tags merged. Two queries, however many articles."""
    from articles.models import Byline, TaggedArticle

    article_ids = set(article_ids)
    if not article_ids:
        return
    tags = TaggedArticle.objects.filter(content_object_id__in=article_ids).values_list(
        "tag_id", flat=True
    )
    authors = Byline.objects.filter(article_id__in=article_ids).values_list("author_id", flat=True)
    _invalidate_on_commit(
        {
            SITE,
            *(article_key(pk) for pk in article_ids),
            *(tag_key(pk) for pk in tags),
            *(author_key(pk) for pk in authors),
        }
    )


def article_page_changed(article_id) -> None:
    """Only the article's own page is stale once this transaction commits: what no card or
    list shows changed (a comment's reactions, the editors' picks). No query."""
    _invalidate_on_commit({article_key(article_id)})


def commenter_changed(user) -> None:
    """What every comment of ``user`` prints changed (their name, their "Staff" badge, or the
    account is going and its comments will be signed "deleted user"): the pages of the
    stories they commented on are stale once this transaction commits. One query, before
    the change: a deleted account's comments no longer name it."""
    from articles.models import Comment

    article_ids = Comment.objects.filter(author=user).values_list("article_id", flat=True)
    _invalidate_on_commit({article_key(pk) for pk in article_ids.distinct()})


def author_changed(author) -> None:
    _invalidate_on_commit({author_key(author.pk), SITE})


def tag_changed(tag) -> None:
    _invalidate_on_commit({tag_key(tag.pk), SITE})


def site_changed() -> None:
    """Only the lists of stories are stale (the home page's pinned lead changed)."""
    _invalidate_on_commit({SITE})


def guidelines_changed() -> None:
    _invalidate_on_commit({GUIDELINES})


def moderation_settings_changed() -> None:
    """Quiet hours changed: every article page may show its comments otherwise."""
    everything_changed()


def everything_changed() -> None:
    """Every stored page is stale (after a re-render of every body, say)."""
    _invalidate_on_commit({page_cache.EVERYTHING})


# next_change_at(), remembered in the shared cache (newsroom/remembered.py) until a story or
# a scheduled update is saved (Article.save, ScheduledUpdate.save and .delete) or the moment
# comes. Remembered too early is harmless (pages are kept less long); a write bypassing
# save() (a queryset update) is covered by the timeout.
NEXT_CHANGE_KEY = "newsroom:next-change:1"
_NEXT_CHANGE_SECONDS = 300


def next_change_at() -> float | None:
    """When the next scheduled change happens (a timestamp), or None: a scheduled story
    appears, a story expires, a scheduled update goes out. No list of stories, and no
    "related stories", is kept past it. Every uncached reader page asks: remembered in the
    shared cache (``NEXT_CHANGE_KEY``), else one query."""
    from newsroom.remembered import remembered

    def until(at) -> int:
        if at is None:
            return _NEXT_CHANGE_SECONDS
        return min(_NEXT_CHANGE_SECONDS, int(at - time.time()))

    return remembered(NEXT_CHANGE_KEY, _first_change_at, timeout=until)


def forget_next_change() -> None:
    """A story or a scheduled update changed: ``next_change_at`` is asked again."""
    from newsroom.remembered import forget

    forget(NEXT_CHANGE_KEY)


def _first_change_at() -> float | None:
    """``next_change_at`` from the database. One query: the union of the three future
    moments, each part read through its own index (what is scheduled is few rows), the
    first kept."""
    from articles.models import Article, ScheduledUpdate

    now = timezone.now()
    scheduled = Article.objects.scheduled().order_by().values_list("published_at", flat=True)
    expiring = (
        Article.objects.expiring()
        .filter(expires_at__gt=now)
        .order_by()
        .values_list("expires_at", flat=True)
    )
    updates = (
        ScheduledUpdate.objects.pending()
        .filter(publish_at__gt=now)
        .order_by()
        .values_list("publish_at", flat=True)
    )
    first = scheduled.union(expiring, updates, all=True).order_by("published_at")[:1]
    at = next(iter(first), None)
    return at.timestamp() if at else None


def banner_expires_at() -> float | None:
    """When the breaking news banner every HTML page shows goes (from the shared cache)."""
    from articles.models import breaking_news_shown

    banner = breaking_news_shown()
    return banner.expires_at.timestamp() if banner is not None else None


def page_change_at() -> float | None:
    """``next_change_at``, or the banner's expiry if sooner: no HTML reader page (they all
    print the banner) is kept past either. Feeds and sitemaps ask ``next_change_at``."""
    moments = [next_change_at(), banner_expires_at()]
    return min(filter(None, moments), default=None)


def article_page_expires_at(article, *, discussion=None) -> float | None:
    """The next moment the article's page changes by itself: a story appearing (related
    stories), its comments closing after ``NEWSROOM_COMMENTS_CLOSE_AFTER_DAYS``, or quiet
    hours starting or ending (``discussion``: the page's ``articles.discussion``
    ``Discussion``, asked again when not given)."""
    from articles.discussion import discussion_for

    moments = [page_change_at()]
    days = settings.NEWSROOM_COMMENTS_CLOSE_AFTER_DAYS
    if days and article.published_at and article.is_commenting_open:
        moments.append((article.published_at + timedelta(days=days)).timestamp())
    changes_at = (discussion or discussion_for(article)).changes_at
    if changes_at is not None:
        moments.append(changes_at.timestamp())
    now = time.time()
    future = [moment for moment in moments if moment is not None and moment > now]
    return min(future) if future else None


def listing(view, *, is_html: bool = True):
    """A page of stories every anonymous reader shares (home, feeds, sitemaps, search,
    corrections): kept whole until a story changes (``site``) or the next scheduled change
    (:func:`next_change_at`), or (``is_html``: a page with the banner) the banner expires;
    rendered again, it applies the scheduled updates due first."""
    from articles.views.scheduling import apply_due_updates

    expires = page_change_at if is_html else next_change_at
    return page_cache.reader_page(apply_due_updates(view), tags=[SITE], expires=expires)
