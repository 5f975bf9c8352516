"""Site-wide middleware of our own."""

import logging
import time
from http import HTTPStatus

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.middleware.gzip import GZipMiddleware
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.functional import empty

from newsroom.cache import CACHE_ERRORS
from newsroom.logs import safe_path

logger = logging.getLogger(__name__)
request_logger = logging.getLogger("newsroom.requests")


class RequestLogMiddleware:
    """One line per request: method, path (its secret parts masked, no query string),
    status, duration in milliseconds, and the user's id, "anonymous", or "-" when the request
    never looked (a static file): asking would cost a query.

    Here rather than in gunicorn's access log: only Django knows the user and which parts
    of a path are secret, and the line goes through ``settings.LOGGING`` (JSON, redaction)
    under gunicorn, runserver or any other server alike. First in ``MIDDLEWARE``, so the
    duration covers every other middleware, and static files are logged too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        response = self.get_response(request)
        duration_ms = round((time.monotonic() - started) * 1000, 1)
        path, user = safe_path(request), _user_id(request)
        request_logger.info(
            "%s %s %s %sms user=%s",
            request.method,
            path,
            response.status_code,
            duration_ms,
            user,
            extra={
                "method": request.method,
                "path": path,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "user": user,
            },
        )
        return response


def _user_id(request) -> int | str:
    user = request.__dict__.get("user")
    if user is not None and getattr(user, "_wrapped", None) is not empty:
        # Looked up by the request (or just logged in by it).
        return user.pk if user.is_authenticated else "anonymous"
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return "anonymous"  # no session, nobody logged in: known without a query
    return "-"  # never looked up (a static file; or the database is down)


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


# Seconds a client (a browser, a crawler, a monitor) is asked to wait before trying again.
RETRY_AFTER_SECONDS = 30
DATABASE_ERRORS = (OperationalError, InterfaceError)
_last_logged: dict[str, float] = {}


class UnavailableMiddleware:
    """A database or shared cache that does not answer: the 503 page in the site's layout,
    with ``Retry-After``, instead of a 500.

    A view (or a template it renders) that cannot reach the database raises
    ``OperationalError``/``InterfaceError`` (psycopg's refused or timed-out connection,
    SQLite's unopenable file); one that cannot reach Redis raises a ``RedisError`` (allauth's
    rate limits, which must fail closed: the sign-in is refused, not waved through). Both are
    answered here with ``503.html``, rendered without the request, so without a query.

    The next request connects again by itself: Django closes a broken connection when the
    request ends, and ``conn_health_checks`` checks a kept one before using it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            reason = "database"
        elif isinstance(exception, CACHE_ERRORS):
            reason = "cache"
        else:
            return None
        _log_outage(reason, exception)
        return unavailable_response(reason)


def unavailable_response(reason: str) -> HttpResponse:
    """The 503 page: ``reason`` is "database" or "cache" (a limit that cannot be checked)."""
    try:
        content, content_type = (
            render_to_string(
                "503.html",
                {"site_name": settings.NEWSROOM_SITE_NAME, "noindex": True, "reason": reason},
            ),
            "text/html; charset=utf-8",
        )
    except Exception:  # The page saying "try again" must not become a 500 itself.
        logger.exception("The 503 page cannot be rendered: answering in plain text.")
        content, content_type = "Back in a moment: please try again in a minute.\n", "text/plain"
    response = HttpResponse(
        content, content_type=content_type, status=HTTPStatus.SERVICE_UNAVAILABLE
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def _log_outage(reason: str, error: Exception) -> None:
    # With its traceback, so that an error that is not an outage (SQLite's "no such
    # table") can be told apart; once a minute, since an outage fails every request.
    now = time.monotonic()
    if now - _last_logged.get(reason, -60.0) >= 60:
        _last_logged[reason] = now
        logger.error(
            "The %s is unavailable (%s: %s): answering 503 until it is back.",
            reason,
            type(error).__name__,
            error,
            exc_info=error,
        )
