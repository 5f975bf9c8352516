"""The answer at a killed story's addresses: 410 Gone, with the editor's notice."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers


def killed_response(request: HttpRequest, article) -> HttpResponse:
    """410 Gone: the notice the editor wrote when killing ``article``, or a standard one.
    Never kept by a shared cache: lifting the kill brings the story back at once."""
    response = render(
        request,
        "articles/killed.html",
        {"notice": article.kill_notice, "noindex": True},
        status=410,
    )
    add_never_cache_headers(response)
    return response
