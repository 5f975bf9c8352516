"""The admin dashboard: what needs a newsroom's attention now."""

from django import template
from django.contrib import admin
from django.urls import reverse

from articles.models import Comment
from articles.pipeline import desk_dashboard

register = template.Library()


@register.simple_tag
def newsroom_dashboard(user) -> dict:
    """Counts and the first few stories of each pile (``articles.pipeline.desk_dashboard``),
    limited to what ``user`` may see, and the comments awaiting moderation."""
    dashboard = {"show_articles": user.has_perm("articles.view_article")}
    if dashboard["show_articles"]:
        dashboard.update(desk_dashboard(user))
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
