"""Articles, authors and bylines: writes with side effects."""

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from taggit.models import Tag

from articles.models import Article, ArticleEvent, Author, Byline

TAG_MAX_LENGTH = Tag._meta.get_field("name").max_length


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
def article_create(
    *,
    headline: str,
    body: str,
    authors: Sequence[Author],
    standfirst: str = "",
    tags: Iterable[str] = (),
    slug: str = "",
    publish: bool = False,
    published_at: datetime | None = None,
    created_by=None,
    hero_image=None,
) -> Article:
    """Create an article with its bylines (in the given order), tags and hero image."""
    if not authors:
        authors = [author_get_or_create(display_name=settings.NEWSROOM_DEFAULT_BYLINE)]
    article = Article(
        headline=headline.strip(),
        slug=slug or unique_slug(Article, headline, fallback="article"),
        standfirst=standfirst.strip(),
        body=body,
        created_by=created_by,
        hero_image=hero_image,
    )
    if publish:
        article.status = Article.Status.PUBLISHED
        article.published_at = published_at or timezone.now()
    else:
        article.published_at = published_at
    article.full_clean()
    article.save()
    article_set_authors(article=article, authors=authors)
    tag_names = list(dict.fromkeys(name.strip() for name in tags if name and name.strip()))
    too_long = [name for name in tag_names if len(name) > TAG_MAX_LENGTH]
    if too_long:
        raise ValidationError(
            {
                "tags": _("Tags are at most %(max)d characters: %(tags)s")
                % {"max": TAG_MAX_LENGTH, "tags": ", ".join(too_long)}
            }
        )
    if tag_names:
        article.tags.set(tag_names)
    # Imports and scripts leave the same record as the admin: created, then published.
    ArticleEvent.objects.create(article=article, action=ArticleEvent.Action.CREATED, by=created_by)
    if publish:
        ArticleEvent.objects.create(
            article=article,
            action=ArticleEvent.Action.SCHEDULED
            if article.published_at > timezone.now()
            else ArticleEvent.Action.PUBLISHED,
            by=created_by,
        )
    return article


@transaction.atomic
def article_set_authors(*, article: Article, authors: Sequence[Author]) -> None:
    """Replace the article's bylines with ``authors``, printed in that order."""
    article.bylines.all().delete()
    Byline.objects.bulk_create(
        Byline(article=article, author=author, position=position)
        for position, author in enumerate(dict.fromkeys(authors))
    )
