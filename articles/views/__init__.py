"""Reader-facing views, one module per area."""

from articles.views.articles import ArticleDetailView, AuthorView, HomeView, TagView

__all__ = ["ArticleDetailView", "AuthorView", "HomeView", "TagView"]
