"""Writes with side effects, one module per entity; import them from ``articles.services``."""

from articles.services.articles import (
    TAG_MAX_LENGTH,
    article_create,
    article_publish,
    article_set_authors,
    author_get_or_create,
    unique_slug,
)
from articles.services.comments import (
    BLOCKED_MESSAGES,
    MODERATOR_GROUP,
    Blocked,
    comment_create,
    comment_delete,
    comment_edit,
    comment_moderate,
    comment_report,
    commenter_ban,
    commenter_unban,
    commenting_blocked_reason,
)

__all__ = [
    "BLOCKED_MESSAGES",
    "MODERATOR_GROUP",
    "TAG_MAX_LENGTH",
    "Blocked",
    "article_create",
    "article_publish",
    "article_set_authors",
    "author_get_or_create",
    "comment_create",
    "comment_delete",
    "comment_edit",
    "comment_moderate",
    "comment_report",
    "commenter_ban",
    "commenter_unban",
    "commenting_blocked_reason",
    "unique_slug",
]
