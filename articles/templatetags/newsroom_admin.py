"""The admin dashboard: what needs a newsroom's attention now."""

from django import template
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from articles.models import Article, Comment
from articles.permissions import ArticlePermissions

register = template.Library()

DASHBOARD_LIST_LENGTH = 8


@register.simple_tag
def newsroom_dashboard(user) -> dict:
    """Counts and the latest few articles in each pile, limited to what ``user`` may see."""
    dashboard = {"show_articles": user.has_perm("articles.view_article")}
    articles = Article.objects.select_related("created_by")
    if not ArticlePermissions(user).can_edit_others():
        articles = articles.filter(created_by=user)
    piles = {
        "my_drafts": articles.filter(status=Article.Status.DRAFT, created_by=user).order_by(
            "-updated_at"
        ),
        "in_review": articles.filter(status=Article.Status.IN_REVIEW).order_by("-updated_at"),
        "scheduled": articles.scheduled().order_by("published_at"),
        "recently_published": articles.published().latest_first(),
    }
    changelist = reverse("admin:articles_article_changelist")
    if dashboard["show_articles"]:
        for name, queryset in piles.items():
            dashboard[name] = {
                "count": queryset.count(),
                "items": list(queryset[:DASHBOARD_LIST_LENGTH]),
            }
    now = urlencode({"published_at__gte": timezone.now().isoformat(timespec="seconds")})
    dashboard["links"] = {
        "my_drafts": f"{changelist}?status__exact=draft&created_by__id__exact={user.pk}",
        "in_review": f"{changelist}?status__exact=in_review",
        "scheduled": f"{changelist}?status__exact=published&{now}",
        "recently_published": f"{changelist}?status__exact=published",
    }
    dashboard["pending_comments"] = None
    if user.has_perm("articles.view_comment") or user.has_perm("articles.change_comment"):
        dashboard["pending_comments"] = Comment.objects.filter(
            status=Comment.Status.PENDING
        ).count()
        dashboard["pending_comments_url"] = (
            reverse("admin:articles_comment_changelist") + "?status__exact=pending"
            if admin.site.is_registered(Comment)
            else ""
        )
    return dashboard
