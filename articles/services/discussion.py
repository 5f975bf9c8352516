"""Discussion defaults of tags and the community guidelines: writes with side effects."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from taggit.models import Tag

from articles import caching
from articles.models import CommunityGuidelines, TagDiscussionDefault
from articles.models.discussion import DiscussionMode


@transaction.atomic
def tag_discussion_default_set(*, tag: Tag, mode: str, by=None) -> TagDiscussionDefault | None:
    """Give the stories with ``tag`` (that set no mode of their own) a discussion mode, or
    none with ``mode=''``; their pages are stale once this commits."""
    if by is not None and not by.has_perm("taggit.change_tag"):
        raise PermissionDenied(_("You cannot change tags."))
    current = TagDiscussionDefault.objects.filter(tag=tag).first()
    if (current.mode if current else "") == mode:
        return current
    if not mode:
        current.delete()
        caching.tag_changed(tag)
        return None
    default = current or TagDiscussionDefault(tag=tag)
    default.mode = DiscussionMode(mode)
    default.full_clean()
    default.save()
    # Article pages name their tags' page-cache tags, so this reaches them too.
    caching.tag_changed(tag)
    return default


@transaction.atomic
def guidelines_update(*, title: str, body: str, by=None) -> CommunityGuidelines:
    """Save the community guidelines page (rendered once, here); stale in the page cache
    once this commits."""
    if by is not None and not by.has_perm("articles.change_communityguidelines"):
        raise PermissionDenied(_("You cannot edit the community guidelines."))
    guidelines = CommunityGuidelines.load() or CommunityGuidelines()
    guidelines.title = title.strip()
    guidelines.body = body
    guidelines.full_clean()
    guidelines.save()
    caching.guidelines_changed()
    return guidelines
