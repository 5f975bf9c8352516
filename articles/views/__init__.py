"""Reader-facing views, one module per area."""

from articles.views.articles import ArticleDetailView, AuthorView, HomeView, TagView
from articles.views.share import share_on_mastodon

__all__ = ["ArticleDetailView", "AuthorView", "HomeView", "TagView", "share_on_mastodon"]
