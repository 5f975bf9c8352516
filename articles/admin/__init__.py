"""The newsroom admin, one module per area; importing registers them."""

from articles.admin import articles, images  # noqa: F401
