"""Related stories: other published articles sharing the most tags, most recent first.

Ranked among a bounded set of candidates, not the whole archive: the newest
``CANDIDATES_PER_TAG`` published stories of each of the article's tags (each list one short
read of an index, ``article (status, published_at, id)`` or ``tagged article (tag,
article)``, whichever the planner finds shorter for that tag). So an article view costs
the same at 100,000 stories as at 1,000; the price is that a story sharing two tags but
older than the newest hundred of each is not offered, which for "related stories" under
a news article is the right way round.
"""

from django.db import connection
from django.db.models import Count, Q

from articles.models import Article

RELATED_LIMIT = 4
CANDIDATES_PER_TAG = 100
# An article with many tags looks for candidates under its first few (in the order
# shown): every tag costs one more index read.
MAX_TAGS = 8


def _candidates(others, tag_ids) -> Q:
    """The newest ``CANDIDATES_PER_TAG`` published stories of each tag, as a condition."""
    newest = [
        others.filter(tagged_items__tag_id=tag_id)
        .order_by("-published_at", "-pk")
        .values("pk")[:CANDIDATES_PER_TAG]
        for tag_id in tag_ids
    ]
    if connection.features.supports_slicing_ordering_in_compound:
        # One list (PostgreSQL): the planner reads the candidates first, then each by its
        # primary key. Conditions OR-ed together would make it scan the articles table.
        return Q(pk__in=newest[0].union(*newest[1:], all=True))
    # SQLite cannot limit the parts of a UNION; its archive is small enough for ORs.
    condition = Q()
    for candidates in newest:
        condition |= Q(pk__in=candidates)
    return condition


def related_articles(*, article: Article, limit: int = RELATED_LIMIT) -> list[Article]:
    """Up to ``limit`` published articles sharing tags with ``article``, in one query.

    Ranked by how many tags they share, then by recency. A story sharing no tag is not
    related, however recent: the list is shorter (or empty) rather than padded. Uses the
    article's prefetched tags when it has them (``with_listing_data``).
    """
    tag_ids = [tag.pk for tag in article.tags.all()][:MAX_TAGS]
    if not tag_ids:
        return []
    others = Article.objects.published().exclude(pk=article.pk)
    return list(
        others.filter(_candidates(others, tag_ids), tagged_items__tag_id__in=tag_ids)
        # Counted on (article, tag), which the unique index holds: no table read.
        .annotate(shared_tags=Count("tagged_items__tag_id"))
        .only("headline", "slug", "standfirst", "published_at")
        .order_by("-shared_tags", "-published_at", "-pk")[:limit]
    )
