"""Related stories: other published articles sharing the most tags, most recent first."""

from django.db.models import Count

from articles.models import Article

RELATED_LIMIT = 4


def related_articles(*, article: Article, limit: int = RELATED_LIMIT) -> list[Article]:
    """Up to ``limit`` published articles sharing tags with ``article``, in one query.

    Ranked by how many tags they share, then by recency. A story sharing no tag is not
    related, however recent: the list is shorter (or empty) rather than padded. Uses the
    article's prefetched tags when it has them (``with_listing_data``).
    """
    tag_ids = [tag.pk for tag in article.tags.all()]
    if not tag_ids:
        return []
    return list(
        Article.objects.published()
        .exclude(pk=article.pk)
        .filter(tagged_items__tag_id__in=tag_ids)
        .annotate(shared_tags=Count("tagged_items"))
        .only("headline", "slug", "standfirst", "published_at")
        .order_by("-shared_tags", "-published_at", "-pk")[:limit]
    )
