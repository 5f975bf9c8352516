from django.conf import settings
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.views.generic import DetailView, ListView

from taggit.models import Tag

from articles.models import Article, Author, SlugRedirect
from articles.views.comments import comment_section


class PublishedArticleListView(ListView):
    """A paginated list of published articles, newest first."""

    context_object_name = "articles"

    def get_paginate_by(self, queryset):
        return settings.NEWSROOM_PAGE_SIZE

    def get_queryset(self):
        return Article.objects.published().with_listing_data().latest_first()


class HomeView(PublishedArticleListView):
    template_name = "articles/home.html"


class TagView(PublishedArticleListView):
    template_name = "articles/tag.html"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        queryset = super().get_queryset().filter(tags=self.tag)
        # A tag only drafts use is not public yet: it could reveal an embargoed story.
        if not queryset.exists():
            raise Http404("No published article has this tag.")
        return queryset

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class AuthorView(PublishedArticleListView):
    template_name = "articles/author.html"

    def get_queryset(self):
        self.author = get_object_or_404(Author, slug=self.kwargs["slug"])
        return super().get_queryset().filter(bylines__author=self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)


class ArticleDetailView(DetailView):
    template_name = "articles/detail.html"
    context_object_name = "article"

    def get_queryset(self):
        return Article.objects.published().with_page_data()

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # A published article's old address (its slug changed) answers with a 301.
            redirect = SlugRedirect.objects.filter(
                old_slug=kwargs["slug"], article__in=Article.objects.published()
            ).select_related("article")
            if redirect := redirect.first():
                return HttpResponsePermanentRedirect(redirect.article.get_absolute_url())
            raise

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(comment_section(self.request, self.object))
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if self.request.user.is_authenticated:
            # The comment form and one's own held comments: never for a shared cache.
            patch_cache_control(response, private=True)
        return response
