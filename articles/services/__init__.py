"""Writes with side effects, one module per entity; import them from ``articles.services``."""

from articles.services.articles import (
    TAG_MAX_LENGTH,
    UNCHANGED,
    article_create,
    article_record_slug_change,
    article_restore_revision,
    article_set_authors,
    article_update,
    author_get_or_create,
    author_update,
    unique_slug,
)
from articles.services.comments import (
    comment_create,
    comment_delete,
    comment_edit,
    comment_moderate,
    comment_report,
    commenter_ban,
    commenter_ban_remember_emails,
    commenter_unban,
)
from articles.services.discussion import guidelines_update, tag_discussion_default_set
from articles.services.drafts import (
    article_draft_clear,
    article_draft_discard,
    article_draft_save,
    edit_presence_heartbeat,
    edit_presence_release,
    edit_presence_take_over,
)
from articles.services.engagement import (
    comment_feature,
    comment_react,
    commenter_ignore,
    commenter_unignore,
)
from articles.services.images import (
    article_repoint_library_images,
    image_create,
    image_delete,
    image_update,
)
from articles.services.live import live_update_create, live_update_delete, live_update_edit
from articles.services.moderation_undo import comment_moderation_undo
from articles.services.rendering import article_rerender, comment_rerender
from articles.services.trust import commenter_trust_set
from articles.services.workflow import (
    article_publish,
    article_return_to_draft,
    article_submit,
    article_transition,
    article_unpublish,
    correction_create,
    preview_link_create,
    preview_link_revoke,
)

__all__ = [
    "TAG_MAX_LENGTH",
    "UNCHANGED",
    "article_create",
    "article_draft_clear",
    "article_draft_discard",
    "article_draft_save",
    "article_publish",
    "article_record_slug_change",
    "article_repoint_library_images",
    "article_rerender",
    "article_restore_revision",
    "article_return_to_draft",
    "article_set_authors",
    "article_submit",
    "article_transition",
    "article_unpublish",
    "article_update",
    "author_get_or_create",
    "author_update",
    "comment_create",
    "comment_delete",
    "comment_edit",
    "comment_feature",
    "comment_moderate",
    "comment_moderation_undo",
    "comment_react",
    "comment_report",
    "comment_rerender",
    "commenter_ban",
    "commenter_ban_remember_emails",
    "commenter_ignore",
    "commenter_trust_set",
    "commenter_unban",
    "commenter_unignore",
    "correction_create",
    "edit_presence_heartbeat",
    "edit_presence_release",
    "edit_presence_take_over",
    "guidelines_update",
    "image_create",
    "image_delete",
    "image_update",
    "live_update_create",
    "live_update_delete",
    "live_update_edit",
    "preview_link_create",
    "preview_link_revoke",
    "tag_discussion_default_set",
    "unique_slug",
]
