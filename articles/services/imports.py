"""Writes of the importers (``articles.importers``): the records that make a second run
update rather than duplicate, imported comments, and old addresses.

Articles themselves go through ``article_create`` / ``article_update`` like every other
write; what is here is what only an import does.
"""

import hashlib
import json
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from taggit.models import Tag

from articles.models import Article, Author, Comment, Image, ImportRecord, LegacyRedirect
from articles.roles import WRITER_ROLE
from articles.services.images import image_create

Kind = ImportRecord.Kind


def import_record(*, source: str, kind: str, external_id: str) -> ImportRecord | None:
    return (
        ImportRecord.objects.filter(source=source, kind=kind, external_id=external_id)
        .select_related("article", "comment", "image")
        .first()
    )


def import_record_save(
    *,
    source: str,
    kind: str,
    external_id: str,
    digest: str = "",
    original_path: str = "",
    article: Article | None = None,
    comment: Comment | None = None,
    image: Image | None = None,
) -> ImportRecord:
    record, _ = ImportRecord.objects.update_or_create(
        source=source,
        kind=kind,
        external_id=external_id,
        defaults={
            "digest": digest,
            "original_path": original_path,
            "article": article,
            "comment": comment,
            "image": image,
        },
    )
    return record


def legacy_redirect_set(
    *,
    path: str,
    source: str,
    article: Article | None = None,
    tag: Tag | None = None,
    author: Author | None = None,
) -> bool:
    """Make the old address ``path`` lead to the object; True when it is new or now leads
    elsewhere. Too long an address (over 500 characters) is not kept."""
    if not path or len(path) > LegacyRedirect._meta.get_field("path").max_length:
        return False
    target = {"article": article, "tag": tag, "author": author}
    existing = LegacyRedirect.objects.filter(path=path).first()
    if existing is None:
        LegacyRedirect.objects.create(path=path, source=source, **target)
        return True
    if all(
        getattr(existing, f"{name}_id") == (obj.pk if obj else None) for name, obj in target.items()
    ):
        return False
    for name, obj in target.items():
        setattr(existing, name, obj)
    existing.source = source
    existing.save(update_fields=[*target, "source"])
    return True


@transaction.atomic
def comment_import(
    *,
    article: Article,
    body: str,
    author_name: str,
    created_at: datetime | None,
    parent: Comment | None = None,
    replied_to: Comment | None = None,
    status: str = Comment.Status.VISIBLE,
    comment: Comment | None = None,
) -> Comment:
    """A comment from another system, with its time and its author's name as recorded there
    (they have no account here). No moderation rule, rate limit or notification applies:
    it was published, or held, where it came from. ``comment``: the one a previous run
    imported, to update."""
    comment = comment or Comment(article=article)
    comment.body = body
    comment.imported_author_name = author_name[:245] or "Anonymous"
    comment.parent = parent
    comment.replied_to = replied_to
    comment.status = status
    comment.save()
    # created_at is set on insert (auto_now_add): the time it was posted is written after.
    when = created_at or timezone.now()
    Comment.objects.filter(pk=comment.pk).update(created_at=when)
    comment.created_at = when
    return comment


def comment_import_once(
    *, source: str, external_id: str, facts: list, **fields
) -> tuple[Comment, str]:
    """``comment_import`` keyed on ``(source, external_id)``: the first run creates the
    comment, a later one updates it only if ``facts`` (what the export said of it, hashed
    into the record's digest) changed. Returns the comment and "created", "updated" or
    "unchanged", as the importers' summaries count them."""
    digest = hashlib.sha256(json.dumps(facts, default=str).encode()).hexdigest()
    record = import_record(source=source, kind=Kind.COMMENT, external_id=external_id)
    if record and record.comment and record.digest == digest:
        return record.comment, "unchanged"
    comment = comment_import(**fields, comment=record.comment if record else None)
    import_record_save(
        source=source, kind=Kind.COMMENT, external_id=external_id, digest=digest, comment=comment
    )
    return comment, "updated" if record and record.comment else "created"


def image_import(*, file, alt_text: str, caption: str, credit: str) -> Image:
    """A picture from the old site into the library, through the same checks as an upload."""
    return image_create(file=file, alt_text=alt_text, caption=caption, credit=credit)


@transaction.atomic
def writer_account_for(*, author: Author, username: str, email: str) -> bool:
    """Give an imported byline a staff account in the Writer role (no password: they set
    one with "forgot password"). An existing account of that name is never touched: it
    may be a reader's, and taking it over would hand them the newsroom. True if created."""
    if author.user_id:
        return False
    user_model = get_user_model()
    if not username or user_model.objects.filter(username__iexact=username).exists():
        return False
    user = user_model(username=username, email=email, is_staff=True)
    user.set_unusable_password()
    try:
        user.full_clean(exclude=["password"])
    except ValidationError:
        return False  # a WordPress login our usernames do not allow
    user.save()
    user.groups.add(Group.objects.get(name=WRITER_ROLE))
    author.user = user
    author.save(update_fields=["user"])
    return True
