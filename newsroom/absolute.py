from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest


def absolute_url(path: str, request: HttpRequest | None = None) -> str:
    """``path`` as a full URL: on ``NEWSROOM_BASE_URL`` when set, else on the request's host."""
    if settings.NEWSROOM_BASE_URL:
        return settings.NEWSROOM_BASE_URL + path
    if request is None:
        raise ValueError("Set NEWSROOM_BASE_URL to build absolute URLs outside a request.")
    return request.build_absolute_uri(path)


@dataclass(frozen=True)
class EmailSite:
    """The site as emails name it: what allauth's templates read as ``current_site``."""

    name: str
    domain: str


def email_site(request: HttpRequest | None = None) -> EmailSite:
    """``NEWSROOM_SITE_NAME``, at the host of ``NEWSROOM_BASE_URL`` (else the request's).

    Without django.contrib.sites, allauth would name the site by the request's host
    ("Hello from 127.0.0.1:8000!").
    """
    if settings.NEWSROOM_BASE_URL:
        domain = urlsplit(settings.NEWSROOM_BASE_URL).netloc
    elif request is not None:
        domain = request.get_host()
    else:
        raise ValueError("Set NEWSROOM_BASE_URL to name the site outside a request.")
    return EmailSite(name=settings.NEWSROOM_SITE_NAME, domain=domain)
