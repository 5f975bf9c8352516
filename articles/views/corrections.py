from django.conf import settings
from django.views.generic import ListView

from articles.models import Correction


class CorrectionsView(ListView):
    """Every correction and clarification on a published story, newest first."""

    template_name = "articles/corrections.html"
    context_object_name = "corrections"

    def get_paginate_by(self, queryset):
        return settings.NEWSROOM_PAGE_SIZE * 2

    def get_queryset(self):
        return (
            Correction.objects.on_published_articles()
            .select_related("article")
            .order_by("-created_at", "-pk")
        )
