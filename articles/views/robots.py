from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from newsroom.absolute import absolute_url

# Pages no search engine should crawl: the admin, reader accounts, search results (endless
# and thin), editors' previews of unpublished stories and the Mastodon share
# step. Prefixes, as the noindex context processor uses them.
DISALLOWED = ("/admin/", "/accounts/", "/search/", "/preview/", "/articles/*/share/")


@require_safe
@cache_control(public=True, max_age=60 * 60)
def robots_txt(request):
    context = {
        "disallowed": DISALLOWED,
        "sitemap_url": absolute_url(reverse("sitemap"), request),
    }
    return render(request, "robots.txt", context, content_type="text/plain; charset=utf-8")
