"""Site-wide middleware of our own."""

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
