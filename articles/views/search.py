from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_safe

from articles.forms import SearchForm
from articles.search import (
    ResultPaginator,
    add_snippets,
    has_searchable_words,
    search_articles,
)


@require_safe
def search(request):
    """Published stories matching ``?q=``, best first; search pages are never indexed."""
    form = SearchForm(request.GET)
    context = {"form": form, "query": "", "page_obj": None, "noindex": True}
    if form.is_valid():
        query = " ".join(form.cleaned_data["q"].split())
        context["query"] = query
        if query:
            paginator = ResultPaginator(search_articles(query), settings.NEWSROOM_SEARCH_PAGE_SIZE)
            # A mistyped or stale page number shows the nearest page, never an error.
            page = paginator.get_page(request.GET.get("page"))
            add_snippets(page.object_list, query)
            context["page_obj"] = page
            # The results' own address (never indexed, but not to be mistaken for /search/).
            params = {"q": query} | ({"page": page.number} if page.number > 1 else {})
            context["canonical_path"] = f"{request.path}?{urlencode(params)}"
            context["only_common_words"] = not page.object_list and not has_searchable_words(query)
    return render(request, "articles/search.html", context)
