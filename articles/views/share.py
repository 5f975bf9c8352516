from urllib.parse import urlsplit

from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from articles.forms import MastodonShareForm
from articles.models import Article
from articles.share import mastodon_share_url
from newsroom.absolute import absolute_url


def _came_from_this_site(request) -> bool:
    """Whether the form was submitted from one of our pages, not from a link elsewhere.

    Browsers send Sec-Fetch-Site; older ones a Referer. Without either, we ask the reader
    to confirm, so this URL cannot be used to bounce people to a host of someone's choosing.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site:
        return fetch_site == "same-origin"
    referer = request.headers.get("Referer")
    return bool(referer) and urlsplit(referer).netloc == request.get_host()


@never_cache
@require_safe
def share_on_mastodon(request, slug):
    """Send the reader to the share page of their own Mastodon server (works without JS)."""
    article = get_object_or_404(Article.objects.published(), slug=slug)
    form = MastodonShareForm(request.GET or None)
    share_url = None
    if form.is_valid():
        share_url = mastodon_share_url(
            host=form.cleaned_data["instance"],
            url=absolute_url(article.get_absolute_url(), request),
            title=article.headline,
        )
        if _came_from_this_site(request):
            return HttpResponseRedirect(share_url)
    context = {
        "article": article,
        "form": form,
        "share_url": share_url,
        "host": form.cleaned_data.get("instance") if share_url else None,
        "noindex": True,
    }
    return render(request, "articles/share_mastodon.html", context, status=200)
