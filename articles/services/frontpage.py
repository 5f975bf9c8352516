"""Writes to what every reader page or the home page puts first: the breaking news banner,
the pinned lead story and the sections. Each checks the writer's rights, keeps the shared
cache's copy true (``newsroom.remembered.forget``) and makes the pages showing it stale."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles import caching
from articles.models import Article, ArticleEvent, BreakingNews, LeadStory, Section
from articles.permissions import ArticlePermissions, FrontPagePermissions

BANNER_FIELDS = ("text", "article", "url", "expires_at")
SECTION_FIELDS = ("name", "slug", "description", "position", "is_in_navigation")


def _banner_changed() -> None:
    BreakingNews.forget()
    # The banner is at the top of every reader page.
    caching.everything_changed()


@transaction.atomic
def breaking_news_set(*, by, news: BreakingNews | None = None, **fields) -> BreakingNews:
    """Put up a banner (``news`` None) or change one: ``text``, ``expires_at`` and at most
    one of ``article`` (a published story) and ``url``. ``by=None`` is a trusted caller."""
    if by is not None and not FrontPagePermissions(by).can_set_breaking_news():
        raise PermissionDenied(_("Only editors can set the breaking news banner."))
    if unknown := set(fields) - set(BANNER_FIELDS):
        raise TypeError(f"breaking_news_set() cannot change {', '.join(sorted(unknown))}")
    if news is None:
        news = BreakingNews(created_by=by)
    for name, value in fields.items():
        setattr(news, name, value)
    news.full_clean()
    news.save()
    _banner_changed()
    return news


@transaction.atomic
def breaking_news_clear(*, by, news: BreakingNews) -> BreakingNews:
    """Take the banner down now (it stays in the list, expired)."""
    if by is not None and not FrontPagePermissions(by).can_set_breaking_news():
        raise PermissionDenied(_("Only editors can clear the breaking news banner."))
    news.expires_at = min(news.expires_at, timezone.now())
    news.save(update_fields=["expires_at"])
    _banner_changed()
    return news


@transaction.atomic
def breaking_news_delete(*, by, news: BreakingNews) -> None:
    if by is not None and not FrontPagePermissions(by).can_set_breaking_news():
        raise PermissionDenied(_("Only editors can delete a breaking news banner."))
    news.delete()
    _banner_changed()


def _unpin(pin: LeadStory, *, by, note: str = "") -> None:
    pin.delete()
    LeadStory.forget()
    ArticleEvent.objects.create(
        article_id=pin.article_id, action=ArticleEvent.Action.UNPINNED, by=by, note=note
    )
    caching.site_changed()


@transaction.atomic
def article_pin(*, article: Article, by, until: datetime | None = None) -> LeadStory:
    """Make ``article`` (published now) the home page's lead until ``until`` (None: until
    unpinned or unpublished), in place of any story pinned before."""
    if by is not None and not ArticlePermissions(by, article).can_pin():
        raise PermissionDenied(_("Only editors can pin the lead story."))
    if not Article.objects.published().filter(pk=article.pk).exists():
        raise ValidationError(_("Only a published story can be pinned as the lead."))
    current = LeadStory.objects.select_for_update().filter(pk=1).first()
    if current is not None and current.article_id != article.pk:
        _unpin(current, by=by, note=_("Replaced by another story"))
    pin = LeadStory(article=article, pinned_until=until, pinned_by=by)
    pin.full_clean(validate_unique=False)
    pin.save()
    LeadStory.forget()
    ArticleEvent.objects.create(
        article=article,
        action=ArticleEvent.Action.PINNED,
        by=by,
        note=_("until %(at)s") % {"at": until.isoformat()} if until else "",
    )
    caching.site_changed()
    return pin


@transaction.atomic
def article_unpin(*, by, article: Article | None = None) -> None:
    """Unpin the lead story (only if it is ``article``, when given)."""
    pin = LeadStory.objects.select_for_update().filter(pk=1).first()
    if pin is None or (article is not None and pin.article_id != article.pk):
        return
    if by is not None and not ArticlePermissions(by, pin.article).can_pin():
        raise PermissionDenied(_("Only editors can unpin the lead story."))
    _unpin(pin, by=by)


def lead_story_release(*, article: Article, by=None) -> None:
    """A story that stops being published stops being the lead (the workflow asks)."""
    pin = LeadStory.objects.filter(article=article).first()
    if pin is not None:
        _unpin(pin, by=by, note=_("No longer published"))


def _section_changed(section: Section) -> None:
    Section.forget_navigation()
    # Its name is in every page's navigation and on its stories' pages.
    caching.everything_changed()


def _check_section_right(by, *, delete: bool = False) -> None:
    permissions = FrontPagePermissions(by)
    allowed = permissions.can_delete_sections() if delete else permissions.can_change_sections()
    if by is not None and not allowed:
        raise PermissionDenied(_("Only editors can change the sections."))


@transaction.atomic
def section_create(*, by, **fields) -> Section:
    _check_section_right(by)
    section = Section(**fields)
    section.full_clean()
    section.save()
    _section_changed(section)
    return section


@transaction.atomic
def section_update(*, section: Section, by, **changes) -> Section:
    _check_section_right(by)
    if unknown := set(changes) - set(SECTION_FIELDS):
        raise TypeError(f"section_update() cannot change {', '.join(sorted(unknown))}")
    for name, value in changes.items():
        setattr(section, name, value)
    section.full_clean()
    section.save()
    _section_changed(section)
    return section


@transaction.atomic
def section_delete(*, section: Section, by) -> None:
    """Delete a section no story is filed in (stories keep theirs: ProtectedError)."""
    _check_section_right(by, delete=True)
    if section.articles.exists():
        raise ValidationError(_("Stories are filed in this section: move them first."))
    section.delete()
    _section_changed(section)
