from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import SuspiciousFileOperation
from django.db import connection
from django.http import Http404, HttpResponseServerError, JsonResponse
from django.template import loader
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET, require_safe
from django.views.static import serve

# Uploads keep their name (a new upload with a taken name gets another), but an image
# deleted and uploaded again may reuse one: a day, not forever.
MEDIA_MAX_AGE = 60 * 60 * 24


# What the 500 page falls back to when even it cannot be rendered.
BARE_SERVER_ERROR = b"<!DOCTYPE html><title>Server error</title><h1>Server error (500)</h1>"


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """The 500 page (``handler500``): the site's name and stylesheet, and no query and no
    context processor, since what failed may be the database. If even this page fails (a
    static manifest missing, say), a line of plain HTML."""
    try:
        body = loader.get_template(template_name).render({"site_name": settings.NEWSROOM_SITE_NAME})
    except Exception:  # The page saying that something failed must not fail.
        return HttpResponseServerError(BARE_SERVER_ERROR)
    return HttpResponseServerError(body)


def _caches_answer() -> bool:
    try:
        for alias in settings.CACHES:
            caches[alias].get("health-check")
    except Exception:  # Whatever the backend raises when its server is gone.
        return False
    return True


@never_cache
@require_GET
def health(request):
    """What load balancers and uptime monitors ask: is the database there (without it
    nothing works: 503), and the shared cache (without it pages are slower, not down)."""
    checks = {"database": "ok", "cache": "ok" if _caches_answer() else "unavailable"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        checks["database"] = "unavailable"
        return JsonResponse({"status": "error", **checks}, status=503)
    status = "ok" if checks["cache"] == "ok" else "degraded"
    return JsonResponse({"status": status, **checks})


@require_safe
def media(request, path):
    """An uploaded file from MEDIA_ROOT, when ``NEWSROOM_SERVE_MEDIA`` is on (one box).

    Django's ``serve`` lists no folder (404) and answers ``If-Modified-Since`` with 304.
    """
    try:
        response = serve(request, path, document_root=settings.MEDIA_ROOT)
    except SuspiciousFileOperation:
        # A path that leaves MEDIA_ROOT ("../"): not found, like any other missing file,
        # rather than a logged traceback per crafted request.
        raise Http404 from None
    patch_cache_control(response, public=True, max_age=MEDIA_MAX_AGE)
    return response


# The fields of the article form whose text a refused post shows back.
CSRF_KEPT_FIELDS = ("headline", "slug", "standfirst", "body", "tags")


def _is_same_origin(request) -> bool:
    """Whether the browser said the post came from this site's own pages (every browser
    sends ``Origin`` with a form post): a stale token in our own tab, not another site."""
    origin = request.headers.get("Origin", "")
    try:
        own = f"{request.scheme}://{request.get_host()}"
    except Exception:  # DisallowedHost: not our site at all
        return False
    return bool(origin) and (origin == own or origin in settings.CSRF_TRUSTED_ORIGINS)


def _refused_article_form(request):
    """(article or None, url of its form) when ``request`` posted the admin's article form
    and the session's own user may type into it; None otherwise."""
    from django.urls import Resolver404, resolve, reverse

    from articles.forms import typed_id
    from articles.models import Article
    from articles.permissions import ArticlePermissions

    if request.method != "POST" or not _is_same_origin(request):
        return None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    if match.namespace != "admin" or match.url_name not in {
        "articles_article_add",
        "articles_article_change",
    }:
        return None
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_active or not user.is_staff:
        return None
    if match.url_name == "articles_article_add":
        if not ArticlePermissions(user).can_create():
            return None
        return None, reverse("admin:articles_article_add")
    pk = typed_id(match.kwargs.get("object_id", ""))
    article = Article.objects.filter(pk=pk).first() if pk is not None else None
    if article is None or not ArticlePermissions(user, article).can_edit():
        return None
    return article, reverse("admin:articles_article_change", args=[article.pk])


def csrf_failure(request, reason=""):
    """Django's 403 for a post without a valid CSRF token, except for the admin's article
    form posted by someone who may edit the story: then the page shows what they typed.

    Typically the editor logged in again in another tab, which renewed the token, and the
    form open here carries the old one. The page writes nothing: a post refused for its
    token may come from another site, and saving its text, even as the session user's
    draft, would be a write a cross-site form could make. It only shows the posted text
    back, escaped, on a page no other site can read, with a link to open the form again,
    where the autosaved draft (if any) is offered; and only for a post whose ``Origin`` is
    this site, so another site cannot put words on one of our pages either.
    """
    from django.contrib import admin
    from django.shortcuts import render
    from django.views.csrf import csrf_failure as django_csrf_failure

    refused = _refused_article_form(request)
    if refused is None:
        return django_csrf_failure(request, reason)
    article, form_url = refused
    typed = [
        (name, request.POST.get(name, ""))
        for name in CSRF_KEPT_FIELDS
        if request.POST.get(name, "").strip()
    ]
    context = {
        **admin.site.each_context(request),
        "title": "",
        "article": article,
        "form_url": form_url,
        "typed": typed,
    }
    return render(request, "admin/articles/article/csrf_failure.html", context, status=403)
