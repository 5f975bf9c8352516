"""Site-wide response headers."""

from django.conf import settings
from django.urls import reverse


class ContentSecurityPolicyMiddleware:
    """Sends ``NEWSROOM_CONTENT_SECURITY_POLICY`` on every page but the admin's.

    Reader and account pages hold no inline script or style (tests/test_public_pages.py),
    so a strict policy costs nothing and stops an injected script that got past escaping
    and sanitizing. The admin and the rich text editor are Django's and a library's pages,
    styled inline in places: they keep no policy rather than a loose one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.NEWSROOM_CONTENT_SECURITY_POLICY
        if not policy or "Content-Security-Policy" in response:
            return response
        if request.path.startswith(reverse("admin:index")):
            return response
        if settings.DEBUG and response.status_code >= 400:
            return response  # Django's debug error pages style themselves inline
        response["Content-Security-Policy"] = policy
        return response
