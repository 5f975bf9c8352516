from django.http import HttpResponsePermanentRedirect

from articles.redirects import QUERY_KEYS, Gone, legacy_target
from articles.views.killed import killed_response


class LegacyRedirectMiddleware:
    """Old addresses of an imported site answer 301 to where their content is now.

    Like Django's ``RedirectFallbackMiddleware``, it looks only at what found nothing here
    (a 404), and at ``/?p=123``, which would otherwise show the home page; the targets are
    objects (``LegacyRedirect``), not stored paths, so they follow a later change of slug.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self._answer(request)
        except Gone as gone:
            # An old address of a killed story: gone, like the story's own address.
            return killed_response(request, gone.article)

    def _answer(self, request):
        if (
            request.path == "/"
            and request.method in ("GET", "HEAD")
            and any(key in request.GET for key in QUERY_KEYS)
            and (target := legacy_target(request.path, request.GET))
        ):
            return HttpResponsePermanentRedirect(target)
        response = self.get_response(request)
        if (
            response.status_code == 404
            and request.method in ("GET", "HEAD")
            and (target := legacy_target(request.path, request.GET))
        ):
            return HttpResponsePermanentRedirect(target)
        return response
