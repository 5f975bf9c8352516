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
from articles.models.discussion import (
    CommunityGuidelines,
    DiscussionMode,
    TagDiscussionDefault,
)
from articles.models.drafts import ArticleDraft, EditPresence
from articles.models.engagement import IgnoredCommenter, Reaction
from articles.models.frontpage import (
    BreakingNews,
    LeadStory,
    Section,
    breaking_news_shown,
    lead_story_pinned,
    navigation_sections,
)
from articles.models.image import RENDITION_WIDTHS, Image, ImageRendition, Rendition
from articles.models.imports import ImportRecord, LegacyRedirect
from articles.models.live import LiveUpdate, LiveUpdateQuerySet
from articles.models.moderation import (
    Appeal,
    CommenterSuspension,
    CommenterWarning,
    ModerationReason,
    ReaderNote,
)
from articles.models.notes import EditorialNote, EditorialNoteQuerySet
from articles.models.notification import PendingNotification
from articles.models.scheduling import ScheduledUpdate, ScheduledUpdateQuerySet
from articles.models.trust import CommenterTrust, EmailDomainRule
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
    "Appeal",
    "Article",
    "ArticleDraft",
    "ArticleEvent",
    "ArticleQuerySet",
    "Author",
    "BannedEmail",
    "BreakingNews",
    "Byline",
    "Comment",
    "CommentQuerySet",
    "CommentReport",
    "CommenterBan",
    "CommenterSuspension",
    "CommenterTrust",
    "CommenterWarning",
    "CommunityGuidelines",
    "Correction",
    "CorrectionQuerySet",
    "DiscussionMode",
    "EditPresence",
    "EditorialNote",
    "EditorialNoteQuerySet",
    "EmailDomainRule",
    "IgnoredCommenter",
    "Image",
    "ImageRendition",
    "ImportRecord",
    "LeadStory",
    "LegacyRedirect",
    "LiveUpdate",
    "LiveUpdateQuerySet",
    "ModerationLogEntry",
    "ModerationReason",
    "ModerationSettings",
    "PendingNotification",
    "PreviewLink",
    "PreviewLinkQuerySet",
    "Reaction",
    "ReaderNote",
    "Rendition",
    "ScheduledUpdate",
    "ScheduledUpdateQuerySet",
    "Section",
    "SlugRedirect",
    "TagDiscussionDefault",
    "TaggedArticle",
    "WordRule",
    "breaking_news_shown",
    "lead_story_pinned",
    "navigation_sections",
]
