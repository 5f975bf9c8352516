from functools import cache

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from taggit.models import Tag

from articles import caching
from articles.models import Article, Author, Section, SlugRedirect, lead_story_pinned
from articles.models.article import page_prefetches
from articles.pagination import keyset_page
from articles.selectors import UPDATES_PARAMETER, live_update_page
from articles.views.comments import comment_section
from articles.views.killed import killed_response, killed_story
from newsroom.page_cache import public_response


class PublishedArticleListView(ListView):
    """Published articles, newest first, a page at a time by position (articles.pagination):
    page 500 costs what page 1 does, and no page counts the list."""

    context_object_name = "articles"

    def get_queryset(self):
        return Article.objects.published().with_listing_data().latest_first()

    def get_context_data(self, **kwargs):
        page = keyset_page(self.object_list, self.request.GET, per_page=settings.NEWSROOM_PAGE_SIZE)
        return super().get_context_data(
            object_list=page.object_list,
            page_obj=page,
            is_paginated=page.has_other_pages(),
            # A page's address is its position ("?before=..."), or its old number.
            canonical_path=self.request.path + page.own_query,
            **kwargs,
        )


class HomeView(PublishedArticleListView):
    """The latest stories, the pinned lead story (if any) first on the first page."""

    template_name = "articles/home.html"

    def get_queryset(self):
        self.pin = lead_story_pinned()
        queryset = super().get_queryset()
        if self.pin is not None:
            # The pinned story is shown once, as the lead: never again among the others.
            queryset = queryset.exclude(pk=self.pin.article_id)
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        lead_story = None
        if self.pin is not None and context["page_obj"].is_first:
            # Published now, or not shown (and unpinned by the workflow when unpublished).
            pinned = Article.objects.published().with_listing_data()
            lead_story = pinned.filter(pk=self.pin.article_id).first()
        context["lead_story"] = lead_story
        return context

    def expires_at(self) -> float | None:
        """The next scheduled change, or the end of the lead story's pin."""
        moments = [caching.page_change_at()]
        if self.pin is not None and self.pin.pinned_until is not None:
            moments.append(self.pin.pinned_until.timestamp())
        return min(filter(None, moments), default=None)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        return public_response(self.request, response, tags=[caching.SITE], expires=self.expires_at)


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

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        return public_response(
            self.request,
            response,
            tags=[caching.tag_key(self.tag.pk)],
            expires=caching.page_change_at,
        )


class SectionView(PublishedArticleListView):
    """A section's front page: its stories, newest first (an empty section is a page too:
    sections are the paper's own, never a draft's secret)."""

    template_name = "articles/section.html"

    def get_queryset(self):
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        return super().get_queryset().filter(section=self.section)

    def get_context_data(self, **kwargs):
        return super().get_context_data(section=self.section, **kwargs)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        return public_response(
            self.request,
            response,
            tags=[caching.section_key(self.section.pk), caching.SITE],
            expires=caching.page_change_at,
        )


class AuthorView(PublishedArticleListView):
    template_name = "articles/author.html"

    def get_queryset(self):
        self.author = get_object_or_404(Author, slug=self.kwargs["slug"])
        return super().get_queryset().filter(bylines__author=self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        return public_response(
            self.request,
            response,
            tags=[caching.author_key(self.author.pk)],
            expires=caching.page_change_at,
        )


@cache
def _page_rows():
    """``with_page_row()``, built once a process (its annotations cost a page more to build
    than to run): each request filters a copy (``published()`` reads the time)."""
    return Article.objects.with_page_row()


class ArticleDetailView(DetailView):
    template_name = "articles/detail.html"
    context_object_name = "article"

    def get_queryset(self):
        # The relations the page prints are read only when a fragment needs rendering.
        return _page_rows().published()

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
            # A killed story's address, old or current, says it is gone (410), not "never
            # existed" (404) nor a redirect to it.
            if killed := killed_story(slug=kwargs["slug"]):
                return killed_response(request, killed)
            raise

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # What a page rendered before left in the shared cache; what it lacks is rendered,
        # from the relations read now (one query each, as with_page_data would).
        fragments = caching.article_fragments(self.request, self.object)
        if fragments.missing & caching.FRAGMENTS_OF_RELATIONS:
            prefetch_related_objects([self.object], *page_prefetches())
        context["fragments"] = fragments
        context.update(comment_section(self.request, self.object, fragments=fragments))
        if self.object.is_live_blog:
            try:
                before = self.request.GET.get(UPDATES_PARAMETER)
                context["live_updates"] = live_update_page(self.object, before=before)
            except ValueError:
                raise Http404("No such page of updates.") from None
        return context

    def render_to_response(self, context, **response_kwargs):
        # One page for every anonymous reader; newsroom.page_cache.reader_page makes it
        # private for anyone logged in (the comment form, one's own held comments).
        response = super().render_to_response(context, **response_kwargs)
        fragments = context["fragments"]
        response.add_post_render_callback(lambda response: fragments.save())
        tags = fragments.value("page-tags", lambda: caching.article_page_tags(self.object))
        return public_response(
            self.request,
            response,
            tags=tags,
            expires=lambda: caching.article_page_expires_at(
                self.object, discussion=context["comment_permissions"].discussion
            ),
        )
