"""Tags (django-taggit's ``Tag``): writes with side effects."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from taggit.models import Tag

from articles import caching


def _check(by, action: str) -> None:
    if by is not None and not by.has_perm(f"taggit.{action}_tag"):
        raise PermissionDenied(_("You cannot change tags."))


@transaction.atomic
def tag_update(*, tag: Tag, by=None, **changes) -> Tag:
    """Rename a tag or change its slug; its page and the stories tagged with it show it.

    ``tag`` may already carry the changes (the admin's form applies them).
    """
    _check(by, "change")
    for name, value in changes.items():
        setattr(tag, name, value)
    tag.full_clean()
    tag.save()
    caching.tag_changed(tag)
    return tag


@transaction.atomic
def tag_delete(*, tag: Tag, by=None) -> None:
    """Delete a tag: the stories that had it no longer show it."""
    _check(by, "delete")
    caching.tag_changed(tag)
    tag.delete()
