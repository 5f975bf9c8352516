"""The live "new comments" and "new updates" notices: how many visible comments (or a live
blog's updates) an article has gained since the reader's page was made, as a small JSON
answer that ``js/live-comments.js`` polls; and a live update's permalink
(``update_permalink``).

``GET /articles/<slug>/comments/live/?since=<comment id or ISO time>`` answers
``{"count": N, "total": M, "url": "..."}``: ``count`` visible comments newer than ``since``,
``total`` visible comments in all (the page's "M comments"), and ``url`` where "show"
leads (the newest new comment's permalink, in the reader's order, or the comments).

One query, through the comments' ``(article, status, created_at)`` index, for a published
story only (404 otherwise). The answer is the same for every anonymous reader of the same
page (its ``since`` is printed in the cached page), so it is kept in the page cache under the
article's tag, invalidated with the article page whenever its comments change; browsers
keep it ``LIVE_MAX_AGE`` seconds. It reads no session and sets no cookie.
"""

from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from articles import caching
from articles.models import Article, Comment, LiveUpdate
from articles.models.counting import count_of
from articles.selectors import (
    ORDER_PARAMETER,
    article_comments_url,
    comment_order,
    live_update_page_url,
    order_query,
)
from articles.views.killed import gone_if_killed
from newsroom.page_cache import public_response

# Seconds a browser keeps an answer: the script asks every 30 s at most.
LIVE_MAX_AGE = 15
SINCE_PARAMETER = "since"


class BadSince(ValueError):
    pass


def _since(value: str | None) -> dict:
    """The filter for comments newer than ``value``: a comment id, or an ISO 8601 time."""
    if value is None or value == "":
        return {}
    value = value.strip()
    if value.isdigit():
        return {"pk__gt": int(value)}
    # A "+" left unencoded in a query string arrives as a space.
    try:
        at = parse_datetime(value.replace(" ", "+"))
    except ValueError:
        at = None
    if at is None:
        raise BadSince(value)
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    return {"created_at__gt": at}


@require_safe
def live_comments(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        since = _since(request.GET.get(SINCE_PARAMETER))
    except BadSince:
        return JsonResponse(
            {"error": _("“since” must be a comment number or a date and time (ISO 8601).")},
            status=400,
        )
    visible = Comment.objects.visible().filter(article=OuterRef("pk"))
    counts = {"total": count_of(visible, by="article")}
    if since:
        newer = visible.filter(**since)
        counts["new"] = count_of(newer, by="article")
        counts["newest"] = Subquery(newer.order_by("-created_at", "-pk").values("pk")[:1])
    row = Article.objects.published().filter(slug=slug).annotate(**counts).only("pk", "slug")
    row = row.first()
    if row is None:
        raise Http404("No published article has this address.")
    row.new = getattr(row, "new", 0)
    order = comment_order(request.GET.get(ORDER_PARAMETER))
    if row.new and row.newest:
        url = Comment(pk=row.newest).get_absolute_url() + order_query(order)
    else:
        url = article_comments_url(row, order=order)
    response = JsonResponse({"count": row.new, "total": row.total, "url": url})
    response = public_response(request, response, tags=[caching.article_key(row.pk)])
    if "public" in response.headers.get("Cache-Control", ""):
        patch_cache_control(response, max_age=LIVE_MAX_AGE)
    return response


# Live blogs: the "new updates" notice (the same script, ``js/live-comments.js``).

UPDATE_PARAMETER = "update"


def _updates_since(value: str | None) -> dict:
    """The filter for updates newer than ``value``: an update id, or an ISO 8601 time."""
    since = _since(value)
    if "created_at__gt" in since:
        return {"posted_at__gt": since["created_at__gt"]}
    return since


@require_safe
def live_updates(request: HttpRequest, slug: str) -> HttpResponse:
    """``GET /articles/<slug>/updates/live/?since=<update id or ISO time>`` answers
    ``{"count": N, "url": "..."}``: ``count`` updates posted since, ``url`` the live blog's
    newest updates at the newest one's anchor. One query; a published live blog only (404
    otherwise); page-cached under the article's tag like the comments' answer."""
    try:
        since = _updates_since(request.GET.get(SINCE_PARAMETER))
    except BadSince:
        return JsonResponse(
            {"error": _("“since” must be an update number or a date and time (ISO 8601).")},
            status=400,
        )
    counts = {}
    if since:
        newer = LiveUpdate.objects.filter(article=OuterRef("pk"), **since)
        counts["new"] = count_of(newer, by="article")
        counts["newest"] = Subquery(newer.order_by("-posted_at", "-pk").values("pk")[:1])
    row = (
        Article.objects.published()
        .filter(slug=slug, kind=Article.Kind.LIVE)
        .annotate(**counts)
        .only("pk", "slug")
        .first()
    )
    if row is None:
        raise Http404("No published live blog has this address.")
    count, newest = getattr(row, "new", 0), getattr(row, "newest", None)
    url = row.get_absolute_url()
    # Another address than the page's own, so "show" loads the page again (a link to the
    # same address and another anchor would only scroll the page the reader has).
    url += f"?{UPDATE_PARAMETER}={newest}#update-{newest}" if count and newest else "#updates"
    response = JsonResponse({"count": count, "url": url})
    response = public_response(request, response, tags=[caching.article_key(row.pk)])
    if "public" in response.headers.get("Cache-Control", ""):
        patch_cache_control(response, max_age=LIVE_MAX_AGE)
    return response


@never_cache
@require_safe
@gone_if_killed(holding="live_updates")
def update_permalink(request: HttpRequest, pk: int) -> HttpResponse:
    """A live update's one address (``LiveUpdate.get_absolute_url``): the page of the live
    blog that holds it now, at its anchor, however many updates came after it. Two queries;
    not cached, since every new update can move it to another page."""
    update = (
        LiveUpdate.objects.filter(pk=pk, article__in=Article.objects.published())
        .select_related("article")
        .only("posted_at", "is_pinned", "article_id", "article__slug")
        .first()
    )
    if update is None:
        raise Http404("No published live update has this id.")
    return redirect(live_update_page_url(update))
