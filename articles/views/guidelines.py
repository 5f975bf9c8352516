"""The community guidelines page: what an editor saved, else the template's default text."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from articles.models import CommunityGuidelines


@require_safe
def community_guidelines(request: HttpRequest) -> HttpResponse:
    return render(request, "articles/guidelines.html", {"guidelines": CommunityGuidelines.load()})
