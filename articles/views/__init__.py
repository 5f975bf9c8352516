"""Reader-facing views, one module per area."""

from articles.views.articles import ArticleDetailView, AuthorView, HomeView, TagView
from articles.views.comments import (
    delete_comment,
    edit_comment,
    post_comment,
    reply_comment,
    report_comment,
)

__all__ = [
    "ArticleDetailView",
    "AuthorView",
    "HomeView",
    "TagView",
    "delete_comment",
    "edit_comment",
    "post_comment",
    "reply_comment",
    "report_comment",
]
