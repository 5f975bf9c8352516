"""Site-wide middleware of our own."""

from django import forms
from django.conf import settings
from django.middleware.gzip import GZipMiddleware
from django.urls import reverse

from csp.middleware import CSPMiddleware
from csp.utils import default_config
from js_asset import Media

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


class NewsroomCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's own policy
    (``NEWSROOM_ADMIN_CONTENT_SECURITY_POLICY``) on the admin's pages instead of the
    reader pages' (``CONTENT_SECURITY_POLICY``), which the admin's widgets cannot live with.
    A view's ``@csp`` decorator still wins over both.

    The one inline script of the admin is the rich text editor's import map
    (``<script type="importmap">``, from django-js-asset's ``Media``): its forms' media get
    the request's nonce, which the admin policy allows, so scripts stay ``'self'``."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.config is None and self._admin_policy(request):
            parts.config = default_config(self._admin_policy(request)["DIRECTIVES"])
        return parts

    def process_template_response(self, request, response):
        media = (response.context_data or {}).get("media")
        if self._admin_policy(request) and isinstance(media, forms.Media):
            response.context_data["media"] = Media.from_media(media, nonce=request.csp_nonce)
        return response

    @staticmethod
    def _admin_policy(request):
        if not settings.CONTENT_SECURITY_POLICY:
            return None  # NEWSROOM_CSP_ENABLED=false turns both off
        if not request.path_info.startswith(reverse("admin:index")):
            return None
        return settings.NEWSROOM_ADMIN_CONTENT_SECURITY_POLICY
