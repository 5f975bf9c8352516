"""Writes with side effects, one module per entity; import them from ``articles.services``."""

from articles.services.articles import (
    TAG_MAX_LENGTH,
    article_create,
    article_set_authors,
    author_get_or_create,
    unique_slug,
)
from articles.services.workflow import (
    article_publish,
    article_record_slug_change,
    article_return_to_draft,
    article_submit,
    article_transition,
    article_unpublish,
    can_edit_article,
    can_edit_others,
    can_publish,
    can_restore_revision,
    can_view_article,
    correction_create,
    image_create,
    preview_link_create,
    preview_link_revoke,
)

__all__ = [
    "TAG_MAX_LENGTH",
    "article_create",
    "article_publish",
    "article_record_slug_change",
    "article_return_to_draft",
    "article_set_authors",
    "article_submit",
    "article_transition",
    "article_unpublish",
    "author_get_or_create",
    "can_edit_article",
    "can_edit_others",
    "can_publish",
    "can_restore_revision",
    "can_view_article",
    "correction_create",
    "image_create",
    "preview_link_create",
    "preview_link_revoke",
    "unique_slug",
]
