"""Articles, authors and bylines: writes with side effects.

Every surface that writes an article (the admin's form and its revision restore, the
management commands, the importers) calls ``article_create``, ``article_update`` or
``article_restore_revision``; each checks the writer's rights in
``articles.permissions``, keeps the revision record whole (bylines and tags included),
leaves the workflow events and keeps a changed address working.
"""

from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from taggit.models import Tag

from articles import caching
from articles.models import Article, ArticleEvent, Author, Byline, Image, SlugRedirect
from articles.models import article as article_models
from articles.models.article import current_relations
from articles.permissions import ArticlePermissions
from articles.services.tags import tag_names_clean
from articles.services.workflow import article_transition, embargo_error

TAG_MAX_LENGTH = Tag._meta.get_field("name").max_length
Status = Article.Status

# What an update may change directly; status and publication time move through the
# workflow services, bylines and tags through their own arguments.
# The search and social overrides (articles.metadata reads them).
SEARCH_AND_SOCIAL_FIELDS = frozenset(article_models.SEARCH_AND_SOCIAL_FIELDS)
CONTENT_FIELDS = frozenset(
    {
        "headline",
        "slug",
        "standfirst",
        "body",
        "hero_image",
        "is_commenting_open",
        "discussion_mode",
        "kind",
        "coverage_ended_at",
        *SEARCH_AND_SOCIAL_FIELDS,
        "section",
    }
)
# What restoring a revision brings back with its hero image (its status and publication
# time stay current).
RESTORED_FIELDS = (
    "headline",
    "slug",
    "standfirst",
    "body",
    "is_commenting_open",
    "discussion_mode",
    "seo_title",
    "seo_description",
    "social_headline",
    "is_noindex",
    "is_kept_out_of_news",
)


class _Unchanged:
    def __repr__(self):
        return "UNCHANGED"


UNCHANGED = _Unchanged()


def unique_slug(model, text: str, *, field: str = "slug", fallback: str = "item") -> str:
    """A slug for ``text`` that no row of ``model`` uses yet (``-2``, ``-3``... on a clash)."""
    max_length = model._meta.get_field(field).max_length
    base = slugify(text, allow_unicode=True)[: max_length - 8].strip("-") or fallback
    candidate, n = base, 1
    while model._default_manager.filter(**{field: candidate}).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


@transaction.atomic
def author_get_or_create(*, display_name: str) -> Author:
    """The byline with this exact name, created on first use."""
    display_name = " ".join(display_name.split())
    author = Author.objects.filter(display_name__iexact=display_name).first()
    if author:
        return author
    author = Author(
        display_name=display_name, slug=unique_slug(Author, display_name, fallback="author")
    )
    author.full_clean()
    author.save()
    return author


@transaction.atomic
def author_update(*, author: Author, by=None, **changes) -> Author:
    """Change a byline's name, slug, bio or photo; every page naming the author shows it.

    ``author`` may already carry the changes (the admin's form applies them).
    """
    if by is not None and not by.has_perm("articles.change_author"):
        raise PermissionDenied(_("You cannot change authors."))
    for name, value in changes.items():
        setattr(author, name, value)
    author.full_clean()
    author.save()
    caching.author_changed(author)
    return author


def _tag_names(tags: Iterable[str]) -> list[str]:
    try:
        return tag_names_clean(tags)
    except ValidationError as error:
        raise ValidationError({"tags": error.messages}) from None


def _hero_image(hero_upload: dict | None, by):
    """A new library image from ``hero_upload`` (file, alt_text, caption, credit), or None."""
    if not hero_upload:
        return None
    from articles.services import image_create

    return image_create(**hero_upload, by=by)


@contextmanager
def _file_removed_on_failure(image):
    """A hero upload is stored before the rest of the save; if the save fails after all,
    the transaction forgets the image and this forgets its file (nothing left on disk)."""
    try:
        yield
    except BaseException:
        if image is not None:
            image.file.storage.delete(image.file.name)
        raise


def _record(article: Article, action: str, by, note: str = "") -> None:
    ArticleEvent.objects.create(article=article, action=action, by=by, note=note)


def _record_relations_on_latest_revision(article: Article) -> None:
    # A new article's first revision is made before it has bylines and tags to record.
    latest = article.history.order_by("-history_date", "-history_id").first()
    if latest is not None:
        article.history.filter(history_id=latest.history_id).update(**current_relations(article))


@transaction.atomic
def article_create(
    *,
    headline: str,
    body: str = "",
    authors: Sequence[Author] = (),
    standfirst: str = "",
    tags: Iterable[str] = (),
    slug: str = "",
    status: str = Status.DRAFT,
    publish: bool = False,
    published_at: datetime | None = None,
    embargo_until: datetime | None = None,
    expires_at: datetime | None = None,
    hero_image=None,
    hero_upload: dict | None = None,
    is_commenting_open: bool = True,
    discussion_mode: str = "",
    kind: str = Article.Kind.STORY,
    coverage_ended_at: datetime | None = None,
    section=None,
    by=None,
    created_by=None,
    article: Article | None = None,
    **search_and_social,
) -> Article:
    """Create an article with its bylines (in the given order), tags and hero image.

    ``publish`` (or ``status``) moves it on through the workflow, published at
    ``published_at`` (now when None; a future time schedules it). ``by`` is the staff
    account doing it, whose rights are checked; None is a trusted caller such as a
    management command. ``section``: its primary section (None keeps the instance's).
    ``created_by`` (default ``by``) owns the draft. ``article``: an
    unsaved instance to fill instead of a new one (the admin's form builds it).
    ``search_and_social``: the overrides of ``SEARCH_AND_SOCIAL_FIELDS``.
    """
    if unknown := set(search_and_social) - SEARCH_AND_SOCIAL_FIELDS:
        raise TypeError(f"article_create() got unexpected fields: {sorted(unknown)}")
    permissions = ArticlePermissions(by)
    if by is not None and not permissions.can_create():
        raise PermissionDenied(_("You cannot create articles."))
    if publish:
        status = Status.PUBLISHED
    if (embargo_until or expires_at) and by is not None and not permissions.can_publish():
        raise PermissionDenied(_("Only editors can set an embargo or an expiry."))
    tag_names = _tag_names(tags)
    if not authors:
        authors = [author_get_or_create(display_name=settings.NEWSROOM_DEFAULT_BYLINE)]
    article = article or Article()
    article.headline = headline.strip()
    article.slug = slug or unique_slug(Article, headline, fallback="article")
    article.standfirst = standfirst.strip()
    article.body = body
    uploaded = _hero_image(hero_upload, by)
    article.hero_image = uploaded or hero_image
    article.is_commenting_open = is_commenting_open
    article.discussion_mode = discussion_mode
    article.kind = kind or Article.Kind.STORY
    article.coverage_ended_at = coverage_ended_at
    for name, value in search_and_social.items():
        setattr(article, name, value)
    if section is not None:
        article.section = section
    article.created_by = created_by or by
    # Saved as a draft first: any other status is a move through the workflow below.
    article.status = Status.DRAFT
    article.published_at = published_at if by is None or permissions.can_publish() else None
    article.embargo_until, article.expires_at = embargo_until, expires_at
    with _file_removed_on_failure(uploaded):
        article.full_clean()
        article.save()
        article_set_authors(article=article, authors=authors)
        if tag_names:
            article.tags.set(tag_names)
        _record_relations_on_latest_revision(article)
        # Imports and scripts leave the same record as the admin: created, then published.
        _record(article, ArticleEvent.Action.CREATED, by)
        if status != Status.DRAFT:
            article_transition(article=article, to=status, by=by, published_at=published_at)
    return article


@transaction.atomic
def article_update(
    *,
    article: Article,
    by=None,
    authors: Sequence[Author] | _Unchanged = UNCHANGED,
    tags: Iterable[str] | _Unchanged = UNCHANGED,
    status: str | _Unchanged = UNCHANGED,
    published_at: datetime | _Unchanged | None = UNCHANGED,
    embargo_until: datetime | _Unchanged | None = UNCHANGED,
    expires_at: datetime | _Unchanged | None = UNCHANGED,
    hero_upload: dict | None = None,
    expected_updated_at: datetime | None = None,
    **changes,
) -> Article:
    """Change an article's content (``changes``: fields of ``CONTENT_FIELDS``), bylines,
    tags, hero image, and move it through the workflow (``status``, ``published_at``), its
    embargo and expiry (``embargo_until``, ``expires_at``: editors only).

    ``article`` may already carry the changes (the admin's form applies them); what it
    was is read again from the database, locked until the transaction ends. A changed
    slug keeps the old address as a 301. ``by=None`` is a trusted caller.
    ``expected_updated_at``: the version the change was made on; if someone saved since,
    nothing is written (ValidationError, code "stale"), whoever saved first wins.
    """
    if unknown := set(changes) - CONTENT_FIELDS:
        raise TypeError(f"article_update() cannot change {', '.join(sorted(unknown))}")
    original = Article.objects.select_for_update().get(pk=article.pk)
    permissions = ArticlePermissions(by, original)
    if by is not None and not permissions.can_edit():
        raise PermissionDenied(_("You cannot edit this article."))
    if expected_updated_at is not None and original.updated_at != expected_updated_at:
        raise ValidationError(
            _("Someone else saved this article after this change was started."), code="stale"
        )
    control = {
        name: getattr(original, name) if value is UNCHANGED else value
        for name, value in (("embargo_until", embargo_until), ("expires_at", expires_at))
    }
    moved = any(control[name] != getattr(original, name) for name in control)
    if moved and by is not None and not permissions.can_publish():
        raise PermissionDenied(_("Only editors can set an embargo or an expiry."))
    shown_before = caching.relation_keys(original)
    for name, value in {**changes, **control}.items():
        setattr(article, name, value)
    tag_names = None if tags is UNCHANGED else _tag_names(tags)
    if (uploaded := _hero_image(hero_upload, by)) is not None:
        article.hero_image = uploaded
    with _file_removed_on_failure(uploaded):
        # The content is saved with the status it has; a move is the workflow's job, below.
        to = original.status if status is UNCHANGED else status
        when = original.published_at if published_at is UNCHANGED else published_at
        article.status, article.published_at = original.status, original.published_at
        # The kill is article_kill's alone (a form's instance may carry an old copy).
        article.killed_at = original.killed_at
        article.kill_reason, article.kill_notice = original.kill_reason, original.kill_notice
        if error := _embargo_move_error(article, to, when):
            raise ValidationError({"published_at": error})
        article.full_clean()
        # Bylines and tags first, so the revision this save makes records them.
        if authors is not UNCHANGED:
            article_set_authors(article=article, authors=authors)
        if tag_names is not None:
            article.tags.set(tag_names)
        article.save()
        if original.slug != article.slug:
            article_record_slug_change(article=article, old_slug=original.slug)
        rescheduled = to == Status.PUBLISHED and when != original.published_at
        if to != original.status or rescheduled:
            article_transition(article=article, to=to, by=by, published_at=when)
        caching.article_changed(
            article, was_public=original.status == Status.PUBLISHED, before=shown_before
        )
    return article


def _embargo_move_error(article: Article, to: str, when) -> str | None:
    # Checked before anything is saved: an embargo typed with a publication time before it.
    if to != Status.PUBLISHED:
        return None
    return embargo_error(article, when)


@transaction.atomic
def article_restore_revision(*, revision, by, **changes) -> Article:
    """Bring an article back to ``revision`` (a ``HistoricalArticle``): its content, and
    the bylines and tags it recorded. ``changes`` are content edits made on top of it
    (the admin's restore form). The status and publication time stay as they are.

    Restoring never drops what the revision did not record: a revision made before
    bylines and tags were recorded keeps the current ones, and a byline whose author has
    been deleted since is left out (if none is left, the current bylines stay).
    """
    article = Article.objects.get(pk=revision.id)
    if not ArticlePermissions(by, article).can_restore_revision():
        raise PermissionDenied(_("You cannot restore revisions of this article."))
    content = {name: getattr(revision, name) for name in RESTORED_FIELDS}
    content["hero_image"] = None
    if revision.hero_image_id is not None:
        content["hero_image"] = Image.objects.filter(pk=revision.hero_image_id).first()
        if content["hero_image"] is None and "hero_image" not in changes:
            raise ValidationError(
                {"hero_image": _("This revision's hero image has been deleted: choose another.")}
            )
    content.update(changes)
    relations = {}
    if revision.revision_bylines:
        recorded = {b["author"]: b["position"] for b in revision.revision_bylines}
        authors = Author.objects.filter(pk__in=recorded)
        if ordered := sorted(authors, key=lambda author: recorded[author.pk]):
            relations["authors"] = ordered
    if revision.revision_tags is not None:
        relations["tags"] = revision.revision_tags
    article_update(article=article, by=by, **content, **relations)
    _record(article, ArticleEvent.Action.REVERTED, by)
    return article


@transaction.atomic
def article_set_authors(*, article: Article, authors: Sequence[Author]) -> None:
    """Make the article's bylines ``authors``, printed in that order.

    Rows of authors who stay are kept (an open admin form still names them), the others
    deleted, new ones added.
    """
    wanted = {author.pk: position for position, author in enumerate(dict.fromkeys(authors))}
    kept = {}
    for byline in Byline.objects.filter(article=article):
        if byline.author_id in wanted:
            kept[byline.author_id] = byline
        else:
            byline.delete()
    moved = []
    for author_id, position in wanted.items():
        if (byline := kept.get(author_id)) is None:
            Byline.objects.create(article=article, author_id=author_id, position=position)
        elif byline.position != position:
            byline.position = position
            moved.append(byline)
    Byline.objects.bulk_update(moved, ["position"])


@transaction.atomic
def article_record_slug_change(*, article: Article, old_slug: str) -> SlugRedirect | None:
    """Keep a published article's old address working as a 301 to the new one."""
    SlugRedirect.objects.filter(old_slug=article.slug).delete()
    if not old_slug or old_slug == article.slug or article.published_at is None:
        return None
    if article.status not in (Status.PUBLISHED, Status.UNPUBLISHED):
        return None
    redirect, _created = SlugRedirect.objects.update_or_create(
        old_slug=old_slug, defaults={"article": article}
    )
    return redirect
