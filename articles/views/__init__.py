"""Reader-facing views, one module per area."""

from articles.views.articles import ArticleDetailView, AuthorView, HomeView, TagView
from articles.views.search import search
from articles.views.share import share_on_mastodon

__all__ = [
    "ArticleDetailView",
    "AuthorView",
    "HomeView",
    "TagView",
    "search",
    "share_on_mastodon",
]
