from articles.models.article import Article, ArticleQuerySet, Byline, TaggedArticle
from articles.models.author import Author
from articles.models.comment import (
    BannedEmail,
    Comment,
    CommenterBan,
    CommentQuerySet,
    CommentReport,
    ModerationLogEntry,
    ModerationSettings,
    WordRule,
)
from articles.models.image import RENDITION_WIDTHS, Image, ImageRendition, Rendition
from articles.models.imports import ImportRecord, LegacyRedirect
from articles.models.notification import PendingNotification
from articles.models.scheduling import ScheduledUpdate, ScheduledUpdateQuerySet
from articles.models.workflow import (
    ArticleEvent,
    Correction,
    CorrectionQuerySet,
    PreviewLink,
    PreviewLinkQuerySet,
    SlugRedirect,
)

__all__ = [
    "RENDITION_WIDTHS",
    "Article",
    "ArticleEvent",
    "ArticleQuerySet",
    "Author",
    "BannedEmail",
    "Byline",
    "Comment",
    "CommentQuerySet",
    "CommentReport",
    "CommenterBan",
    "Correction",
    "CorrectionQuerySet",
    "Image",
    "ImageRendition",
    "ImportRecord",
    "LegacyRedirect",
    "ModerationLogEntry",
    "ModerationSettings",
    "PendingNotification",
    "PreviewLink",
    "PreviewLinkQuerySet",
    "Rendition",
    "ScheduledUpdate",
    "ScheduledUpdateQuerySet",
    "SlugRedirect",
    "TaggedArticle",
    "WordRule",
]
