from django.conf import settings
from django.http import HttpRequest


def absolute_url(path: str, request: HttpRequest | None = None) -> str:
    """``path`` as a full URL: on ``NEWSROOM_BASE_URL`` when set, else on the request's host."""
    if settings.NEWSROOM_BASE_URL:
        return settings.NEWSROOM_BASE_URL + path
    if request is None:
        raise ValueError("Set NEWSROOM_BASE_URL to build absolute URLs outside a request.")
    return request.build_absolute_uri(path)
