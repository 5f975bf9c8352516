"""The answer at a killed story's addresses: 410 Gone, with the editor's notice."""

from functools import partial, wraps

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from articles.models import Article


def killed_response(request: HttpRequest, article, *, kept_text: str = "") -> HttpResponse:
    """410 Gone: the notice the editor wrote when killing ``article``, or a standard one.
    ``kept_text``: what the reader had typed (a comment they were posting), shown back so
    that nothing they wrote is lost. Never kept by a shared cache: lifting the kill brings
    the story back at once."""
    response = render(
        request,
        "articles/killed.html",
        {"notice": article.kill_notice, "kept_text": kept_text, "noindex": True},
        status=410,
    )
    add_never_cache_headers(response)
    return response


def killed_story(*, slug: str | None = None, pk: int | None = None, holding: str = "comments"):
    """The killed story at ``slug`` (its current or an old one), or holding the item ``pk``
    of its ``holding`` relation (``comments``, ``live_updates``), with its notice, or None.
    One query."""
    killed = Article.objects.killed()
    if slug is not None:
        killed = killed.filter(Q(slug=slug) | Q(slug_redirects__old_slug=slug))
    else:
        killed = killed.filter(**{f"{holding}__pk": pk})
    return killed.only("kill_notice").first()


def gone_if_killed(view=None, *, holding: str = "comments"):
    """For a view of a story's comments or updates (its ``slug``, or the ``pk`` of one of
    its ``holding``): a 404 under a killed story is that story's 410, and the text the reader
    posted is shown back. One query, on a 404 only."""
    if view is None:
        return partial(gone_if_killed, holding=holding)

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except Http404:
            if "slug" not in kwargs and "pk" not in kwargs:
                raise
            article = killed_story(slug=kwargs.get("slug"), pk=kwargs.get("pk"), holding=holding)
            if article is None:
                raise
            kept = request.POST.get("body", "") if request.method == "POST" else ""
            return killed_response(request, article, kept_text=kept)

    return wrapped
