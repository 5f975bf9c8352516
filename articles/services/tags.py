"""Tags (django-taggit's ``Tag``): writes with side effects, and which names a tag may have."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from taggit.models import Tag, TaggedItem

from articles import caching
from articles.models import TaggedArticle

TAG_MAX_LENGTH = Tag._meta.get_field("name").max_length


def tag_names_clean(names: Iterable[str]) -> list[str]:
    """The tag names a story may take: blanks and repeats dropped; a name over
    ``TAG_MAX_LENGTH`` or with no letter or digit to make its address from (``"!!!"``, whose
    slug would be empty: a tag page that cannot be linked) is a ValidationError."""
    names = list(dict.fromkeys(name.strip() for name in names if name and name.strip()))
    too_long = [name for name in names if len(name) > TAG_MAX_LENGTH]
    if too_long:
        raise ValidationError(
            _("Tags are at most %(max)d characters: %(tags)s")
            % {"max": TAG_MAX_LENGTH, "tags": ", ".join(too_long)},
            code="tag_length",
        )
    # taggit's own slugify, which its save() uses for a new tag.
    unaddressable = [name for name in names if not Tag().slugify(name).strip("-_")]
    if unaddressable:
        raise ValidationError(
            _("A tag needs at least one letter or digit: %(tags)s")
            % {"tags": ", ".join(unaddressable)},
            code="tag_slug",
        )
    return names


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


def _tagged_article(row) -> int:
    return row.content_object_id


def _tagged_item(row) -> tuple[int, int]:
    return (row.content_type_id, row.object_id)


@transaction.atomic
def tag_merge(*, tags, into: str, by=None) -> Tag:
    """Merge ``tags`` into the tag named ``into`` (made if new): every story tagged with one
    of them is tagged ``into`` once, and the merged tags are deleted."""
    _check(by, "change")
    _check(by, "delete")
    name = " ".join((into or "").split())
    if not name or len(name) > TAG_MAX_LENGTH:
        raise ValidationError(
            _("A tag name is 1 to %(max)d characters.") % {"max": TAG_MAX_LENGTH},
            code="name",
        )
    tag_names_clean([name])
    # taggit's save() makes the slug, unique among tags.
    target = Tag.objects.filter(name=name).first() or Tag.objects.create(name=name)
    merged = [tag for tag in tags if tag.pk != target.pk]
    affected = set()
    # Our stories' tags (a real foreign key), and any other model's through taggit's own.
    for through, key in ((TaggedArticle, _tagged_article), (TaggedItem, _tagged_item)):
        seen = {key(row) for row in through.objects.filter(tag=target)}
        for row in through.objects.filter(tag__in=merged).order_by("pk"):
            if through is TaggedArticle:
                affected.add(row.content_object_id)
            if key(row) in seen:
                row.delete()
            else:
                seen.add(key(row))
                row.tag = target
                row.save(update_fields=["tag"])
    for tag in merged:
        caching.tag_changed(tag)
        tag.delete()
    caching.tag_changed(target)
    caching.articles_changed(affected)  # the stories' own pages list their tags
    return target
