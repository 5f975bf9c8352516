import posixpath

from django.conf import settings
from django.urls import reverse


def _folder(path: str) -> str:
    """``/accounts/login/`` → ``/accounts/``."""
    return posixpath.dirname(path.rstrip("/")).rstrip("/") + "/"


def _private_prefixes() -> tuple[str, ...]:
    """Where the admin and the account pages (allauth's and ours) live, found by URL name so
    that moving them moves this too."""
    return (
        reverse("admin:index"),
        _folder(reverse("account_login")),
        _folder(reverse("accounts:profile")),
    )


def site(request):
    """What every page needs to know about the site; nothing per user, so pages stay cacheable.

    ``noindex`` asks search engines to skip the page: views and templates set it for
    drafts, previews, search results and account pages.
    """
    from articles.models import breaking_news_shown, navigation_sections

    private = request.path.startswith(_private_prefixes())
    return {
        "site_name": settings.NEWSROOM_SITE_NAME,
        "noindex": private,
        # Callables, asked only by a page that prints them (from the shared cache).
        "breaking_news": breaking_news_shown,
        "navigation_sections": navigation_sections,
    }
