from articles.models.article import Article, ArticleQuerySet, Byline, TaggedArticle
from articles.models.author import Author
from articles.models.comment import (
    Comment,
    CommenterBan,
    CommentQuerySet,
    CommentReport,
    ModerationLogEntry,
    ModerationSettings,
    WordRule,
)

__all__ = [
    "Article",
    "ArticleQuerySet",
    "Author",
    "Byline",
    "Comment",
    "CommentQuerySet",
    "CommentReport",
    "CommenterBan",
    "ModerationLogEntry",
    "ModerationSettings",
    "TaggedArticle",
    "WordRule",
]
