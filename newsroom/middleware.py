"""Site-wide middleware of our own."""

import functools
import logging
import time
from dataclasses import asdict
from http import HTTPStatus

from django import forms
from django.conf import settings
from django.core.signals import setting_changed
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpResponse
from django.middleware.gzip import GZipMiddleware
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.functional import empty

from csp.constants import HEADER as CSP_HEADER
from csp.constants import HEADER_REPORT_ONLY as CSP_HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy, default_config
from js_asset import Media

from newsroom.cache import CACHE_ERRORS
from newsroom.logs import OUTAGES, safe_path

COMPRESSIBLE_TYPES = ("text/", "application/json", "application/xml", "application/rss+xml")
COMPRESSIBLE_TYPES += ("application/atom+xml", "application/ld+json", "application/javascript")

logger = logging.getLogger(__name__)
request_logger = logging.getLogger("newsroom.requests")

# Seconds a client (a browser, a crawler, a monitor) is asked to wait before trying again.
RETRY_AFTER_SECONDS = 30
DATABASE_ERRORS = (OperationalError, InterfaceError)


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


def is_compressible(response) -> bool:
    """Whether ``TextGZipMiddleware`` compresses ``response``: text only, since pictures
    served by the site (NEWSROOM_SERVE_MEDIA) are compressed already."""
    return response.headers.get("Content-Type", "").startswith(COMPRESSIBLE_TYPES)


class TextGZipMiddleware(GZipMiddleware):
    """Django's gzip (with its BREACH mitigation), for what ``is_compressible``."""

    def process_response(self, request, response):
        if not is_compressible(response):
            return response
        return super().process_response(request, response)


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
    if OUTAGES.allows(reason):
        logger.error(
            "The %s is unavailable (%s: %s): answering 503 until it is back.",
            reason,
            type(error).__name__,
            error,
            exc_info=error,
        )


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
    the request's nonce, which the admin policy allows, so scripts stay ``'self'``.

    A header with no nonce and no view's own policy is the same for every response: it is
    built once per process (per policy, report-only or not) and kept until a setting it is
    built from changes (``setting_changed``, as tests send), instead of on every response.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.config is None and self._admin_policy(request):
            parts.config = default_config(self._admin_policy(request)["DIRECTIVES"])
        return parts

    def process_response(self, request, response):
        # django-csp's, with the policies built once (see the class).
        debug_codes = (HTTPStatus.INTERNAL_SERVER_ERROR, HTTPStatus.NOT_FOUND)
        if settings.DEBUG and response.status_code in debug_codes:
            return response  # Django's debug pages
        for report_only, header, exempt in (
            (False, CSP_HEADER, "_csp_exempt"),
            (True, CSP_HEADER_REPORT_ONLY, "_csp_exempt_ro"),
        ):
            policy = self._policy(request, response, report_only=report_only)
            if not policy or header in response or getattr(response, exempt, False):
                continue
            setting = CSP_SETTINGS[report_only]
            prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES")
            if not (prefixes and request.path_info.startswith(tuple(prefixes))):
                response[header] = policy
        # As django-csp: a nonce asked for after the header was written would not be in it.
        if getattr(request, "_csp_nonce", None) is None:
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

    def _policy(self, request, response, *, report_only: bool) -> str:
        suffix = "_ro" if report_only else ""
        is_own = any(
            getattr(response, f"_csp_{part}{suffix}", None) is not None
            for part in ("config", "update", "replace")
        )
        if is_own or getattr(request, "_csp_nonce", None) is not None:
            parts = self.get_policy_parts(request, response, report_only=report_only)
            return build_policy(**asdict(parts), report_only=report_only)
        key = (report_only, self._admin_policy(request) is not None)
        policy = _built_policies.get(key)
        if policy is None:
            parts = self.get_policy_parts(request, response, report_only=report_only)
            policy = _built_policies[key] = build_policy(**asdict(parts), report_only=report_only)
        return policy

    def process_template_response(self, request, response):
        media = (response.context_data or {}).get("media")
        if self._admin_policy(request) and isinstance(media, forms.Media):
            response.context_data["media"] = Media.from_media(media, nonce=request.csp_nonce)
        return response

    @staticmethod
    def _admin_policy(request):
        if not settings.CONTENT_SECURITY_POLICY:
            return None  # NEWSROOM_CSP_ENABLED=false turns both off
        if not request.path_info.startswith(_admin_path()):
            return None
        return settings.NEWSROOM_ADMIN_CONTENT_SECURITY_POLICY


CSP_SETTINGS = {False: "CONTENT_SECURITY_POLICY", True: "CONTENT_SECURITY_POLICY_REPORT_ONLY"}
# Built Content-Security-Policy headers: (report only, admin) -> header value.
_built_policies: dict[tuple[bool, bool], str] = {}


@functools.cache
def _admin_path() -> str:
    """The admin's address as ``request.path_info`` spells it (without a SCRIPT_NAME)."""
    return "/" + reverse("admin:index").removeprefix(get_script_prefix())


@receiver(setting_changed)
def _forget_built_policies(*, setting, **kwargs):
    if setting in (*CSP_SETTINGS.values(), "NEWSROOM_ADMIN_CONTENT_SECURITY_POLICY", "DEBUG"):
        _built_policies.clear()
    if setting == "ROOT_URLCONF":
        _admin_path.cache_clear()
