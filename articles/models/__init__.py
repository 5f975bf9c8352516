from articles.models.article import Article, ArticleQuerySet, Byline, TaggedArticle
from articles.models.author import Author
from articles.models.comment import Comment, CommentQuerySet

__all__ = [
    "Article",
    "ArticleQuerySet",
    "Author",
    "Byline",
    "Comment",
    "CommentQuerySet",
    "TaggedArticle",
]
