"""The newsroom admin, one module per area; importing registers them."""

from articles.admin import articles, comments  # noqa: F401
