"""Site-wide middleware of our own."""

from django.conf import settings
from django.middleware.gzip import GZipMiddleware

COMPRESSIBLE_TYPES = ("text/", "application/json", "application/xml", "application/rss+xml")
COMPRESSIBLE_TYPES += ("application/atom+xml", "application/ld+json", "application/javascript")


class TextGZipMiddleware(GZipMiddleware):
    """Django's gzip (with its BREACH mitigation), for text only: pictures served by the
    site (NEWSROOM_SERVE_MEDIA) are compressed already and would only cost CPU."""

    def process_response(self, request, response):
        content_type = response.headers.get("Content-Type", "")
        if not content_type.startswith(COMPRESSIBLE_TYPES):
            return response
        return super().process_response(request, response)


class SecurityHeadersMiddleware:
    """``Permissions-Policy`` and ``Cross-Origin-Resource-Policy`` on every response,
    static files included: it sits above whitenoise, whose answers pass back through it.
    (``Cross-Origin-Opener-Policy`` is Django's SecurityMiddleware's.)

    Resources are ``same-origin``: the site's pages and static files are only for its own
    pages. Uploaded media is ``cross-origin``: the feeds carry its pictures
    (``media:content``) into feed readers and shares, whose pages are elsewhere.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions_policy = ", ".join(
            f"{feature}=({' '.join(allowed)})"
            for feature, allowed in settings.PERMISSIONS_POLICY.items()
        )
        self.media_prefix = "/" + settings.MEDIA_URL.lstrip("/")

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        corp = "cross-origin" if request.path.startswith(self.media_prefix) else "same-origin"
        response.headers.setdefault("Cross-Origin-Resource-Policy", corp)
        return response
