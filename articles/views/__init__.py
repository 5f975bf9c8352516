"""Reader-facing views, one module per area."""

from articles.views.appeals import acknowledge_warning, appeal_comment
from articles.views.articles import (
    ArticleDetailView,
    AuthorView,
    HomeView,
    SectionView,
    TagView,
)
from articles.views.comments import (
    comment_permalink,
    delete_comment,
    edit_comment,
    post_comment,
    reply_comment,
    report_comment,
)
from articles.views.corrections import CorrectionsView
from articles.views.engagement import (
    feature_comment,
    ignore_commenter,
    ignored_commenters,
    react_comment,
)
from articles.views.guidelines import community_guidelines
from articles.views.live import live_comments, live_updates, update_permalink
from articles.views.preview import PreviewLinkView, StaffPreviewView
from articles.views.search import search
from articles.views.share import share_on_mastodon

__all__ = [
    "ArticleDetailView",
    "AuthorView",
    "CorrectionsView",
    "HomeView",
    "PreviewLinkView",
    "SectionView",
    "StaffPreviewView",
    "TagView",
    "acknowledge_warning",
    "appeal_comment",
    "comment_permalink",
    "community_guidelines",
    "delete_comment",
    "edit_comment",
    "feature_comment",
    "ignore_commenter",
    "ignored_commenters",
    "live_comments",
    "live_updates",
    "post_comment",
    "react_comment",
    "reply_comment",
    "report_comment",
    "search",
    "share_on_mastodon",
    "update_permalink",
]
