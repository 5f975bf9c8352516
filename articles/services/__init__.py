"""Writes with side effects, one module per entity; import them from ``articles.services``."""

from articles.services.articles import (
    TAG_MAX_LENGTH,
    article_create,
    article_publish,
    article_set_authors,
    author_get_or_create,
    unique_slug,
)

__all__ = [
    "TAG_MAX_LENGTH",
    "article_create",
    "article_publish",
    "article_set_authors",
    "author_get_or_create",
    "unique_slug",
]
