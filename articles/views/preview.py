"""Previews: an unpublished article exactly as readers will see it, with a banner."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView

from articles.models import Article, PreviewLink
from articles.permissions import ArticlePermissions
from articles.selectors import live_update_page
from articles.views.comments import comment_section


@method_decorator(never_cache, name="dispatch")
class BasePreviewView(DetailView):
    """Never cached, never indexed: a preview may hold an embargoed story."""

    template_name = "articles/preview.html"
    context_object_name = "article"

    def get_queryset(self):
        return Article.objects.with_page_data()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(noindex=True, **kwargs)
        # The comment section too, so the page is exactly what readers will get.
        context.update(comment_section(self.request, self.object))
        if self.object.is_live_blog:
            context["live_updates"] = live_update_page(self.object)
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        # Belt and braces with the meta tag: a preview must never reach a search index.
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response


class StaffPreviewView(BasePreviewView):
    """The admin's "Preview" button: staff who may see the article in the admin."""

    def get_object(self, queryset=None):
        if not self.request.user.is_authenticated:
            raise _LoginRequired
        article = super().get_object(queryset)
        if not ArticlePermissions(self.request.user, article).can_view():
            raise PermissionDenied
        return article

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except _LoginRequired:
            return redirect_to_login(request.get_full_path())


class PreviewLinkView(BasePreviewView):
    """A signed link for someone without an account; 404 once expired, revoked or altered."""

    def get_object(self, queryset=None):
        key = PreviewLink.key_from_token(self.kwargs["token"])
        if key is None:
            raise Http404("Bad preview signature.")
        self.link = get_object_or_404(PreviewLink.objects.active(), key=key)
        return get_object_or_404(self.get_queryset(), pk=self.link.article_id)

    def get_context_data(self, **kwargs):
        return super().get_context_data(preview_link=self.link, **kwargs)


class _LoginRequired(Exception):
    pass
