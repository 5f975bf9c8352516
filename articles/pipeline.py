"""Reads of the desk's pipeline, shared by the dashboard and the article list's filters:
what is due today, assigned to someone, returned to its writer, and the dashboard's piles.

Each pile is one query for its count and one for its first few stories, whatever the
number of stories: the dashboard's cost does not grow with the archive.
"""

from datetime import datetime, time, timedelta

from django.db.models import Count, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from articles.models import Article, EditorialNote
from articles.permissions import ArticlePermissions

Status = Article.Status
# Stories someone still works on: what "assigned to me" and "due today" list.
OPEN_STATUSES = (Status.DRAFT, Status.IN_REVIEW)
DASHBOARD_LIST_LENGTH = 8
DASHBOARD_WRITERS = 10


def today_bounds(now: datetime | None = None) -> tuple[datetime, datetime]:
    """The start of today and of tomorrow, in the newsroom's time zone (DJANGO_TIME_ZONE)."""
    today = timezone.localdate(now)
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(today, time.min), zone)
    end = timezone.make_aware(datetime.combine(today + timedelta(days=1), time.min), zone)
    return start, end


def open_stories(queryset):
    return queryset.filter(status__in=OPEN_STATUSES)


def assigned_to(queryset, user):
    """Stories assigned to ``user`` that are still being worked on."""
    return open_stories(queryset).filter(assignee=user)


def due_today(queryset, now: datetime | None = None):
    """Stories still being worked on whose due time falls today."""
    start, end = today_bounds(now)
    return open_stories(queryset).filter(due_at__gte=start, due_at__lt=end)


def embargo_lifts_today(queryset, now: datetime | None = None):
    """Stories whose embargo ends today (in the newsroom's time zone), soonest first."""
    start, end = today_bounds(now)
    return queryset.filter(embargo_until__gte=start, embargo_until__lt=end)


def with_return_note(queryset):
    """Annotate ``return_note`` (and its author's ``return_note_by``): the latest note a
    story was returned to its writer with, or None."""
    latest = EditorialNote.objects.filter(
        article=OuterRef("pk"), kind=EditorialNote.Kind.RETURNED
    ).order_by("-created_at", "-pk")
    return queryset.annotate(
        return_note=Subquery(latest.values("text")[:1]),
        return_note_by=Subquery(latest.values("author__username")[:1]),
    )


def returned(queryset):
    """Drafts sent back to their writer with a note."""
    return with_return_note(queryset.filter(status=Status.DRAFT)).filter(return_note__isnull=False)


def _pile(queryset, link: str) -> dict:
    return {
        "count": queryset.count(),
        "items": list(queryset[:DASHBOARD_LIST_LENGTH]),
        "link": link,
    }


def desk_dashboard(user) -> dict:
    """The dashboard's piles for ``user``: the whole desk for editors, their own pipeline
    for writers (their drafts, what came back to them with a note, what they are assigned).
    """
    permissions = ArticlePermissions(user)
    changelist = reverse("admin:articles_article_changelist")

    def link(**params) -> str:
        return f"{changelist}?{urlencode(params)}"

    articles = permissions.admin_articles(Article.objects.select_related("created_by", "assignee"))
    recent = "-updated_at"
    piles = {
        "my_drafts": _pile(
            articles.filter(status=Status.DRAFT, created_by=user).order_by(recent),
            link(status__exact=Status.DRAFT, created_by=user.pk),
        ),
        "returned": _pile(
            returned(articles.filter(Q(created_by=user) | Q(assignee=user))).order_by(recent),
            link(status__exact=Status.DRAFT, returned="yes"),
        ),
        "assigned_to_me": _pile(
            assigned_to(articles, user).order_by("due_at", recent),
            link(assigned="me"),
        ),
        "in_review": _pile(
            articles.filter(status=Status.IN_REVIEW).order_by(recent),
            link(status__exact=Status.IN_REVIEW),
        ),
        "due_today": _pile(due_today(articles).order_by("due_at"), link(due="today")),
        "scheduled": _pile(
            articles.scheduled().order_by("published_at"), link(status__exact="scheduled")
        ),
        "recently_published": _pile(
            articles.published().latest_first(), link(status__exact=Status.PUBLISHED)
        ),
    }
    desk = {
        "is_editor": permissions.can_edit_others(),
        "links": {name: pile["link"] for name, pile in piles.items()},
        **piles,
    }
    if desk["is_editor"]:
        drafts = articles.filter(status=Status.DRAFT)
        writers = (
            drafts.order_by()
            .values("created_by", "created_by__username")
            .annotate(count=Count("pk"))
            .order_by("-count", "created_by__username")
        )
        desk["drafts_by_writer"] = {
            "count": drafts.count(),
            "link": link(status__exact=Status.DRAFT),
            "writers": [
                {
                    "username": row["created_by__username"],
                    "count": row["count"],
                    "link": link(status__exact=Status.DRAFT, created_by=row["created_by"])
                    if row["created_by"]
                    else "",
                }
                for row in writers[:DASHBOARD_WRITERS]
            ],
        }
    desk["embargo_lifts_today"] = _pile(
        embargo_lifts_today(articles).order_by("embargo_until"), link(embargo="today")
    )
    return desk
