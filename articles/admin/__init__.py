"""The newsroom admin, one module per area; importing registers them."""

from articles.admin import (  # noqa: F401
    articles,
    comments,
    discussion,
    frontpage,
    images,
    moderation,
    rules,
    tags,
)
