"""Logs: one line per request, JSON when asked, and nothing in them a reader would not want
there (``settings.LOGGING`` attaches :class:`Redact` to every handler).

- :class:`Redact` masks email addresses (``m***@example.org``), drops extra fields named
  like a secret (``password``, ``token``, ``session``...), and for a record about a request
  (Django's ``django.request`` errors carry it) blanks that request's secret form values and
  cookies wherever they appear, the traceback included, and the secret parts of its path
  (a password-reset or email-confirmation key, a preview token).
- :class:`JSONFormatter` writes one JSON object a line (``NEWSROOM_LOG_FORMAT=json``): time,
  level, logger, message, the record's extra fields, the traceback.
- :func:`sentry_before_send` masks email addresses in what goes to Sentry.
"""

import json
import logging
import re
import threading
import time
from datetime import UTC, datetime

from django.http import HttpRequest

EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
# Field and form names that hold a secret: dropped from records, blanked from messages.
SECRET_NAME = re.compile(
    r"pass|secret|token|session|csrf|cookie|authorization|api_?key|^key$|^code$|^otp", re.I
)
# URL parts that are secrets: allauth's reset and confirmation keys, preview-link tokens.
SECRET_URL_KWARGS = frozenset({"key", "token"})
MASK = "***"
# What every LogRecord has; anything else on one came as ``extra=``.
_RECORD_FIELDS = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def mask_emails(text: str) -> str:
    """``mara.ellison@example.org`` → ``m***@example.org``."""
    return EMAIL.sub(rf"\1{MASK}@\2", text)


def safe_path(request: HttpRequest) -> str:
    """The request's path with its secret parts (see ``SECRET_URL_KWARGS``) masked."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    for name, value in match.kwargs.items() if match else ():
        if name in SECRET_URL_KWARGS and value:
            path = path.replace(str(value), MASK)
    return mask_emails(path)


def _request_secrets(request: HttpRequest) -> list[str]:
    try:
        forms = (request.POST, request.GET)
    except Exception:  # A body that cannot be parsed (nor, then, logged): its query only.
        forms = (request.GET,)
    values = [
        value
        for data in forms
        for name, items in data.lists()
        if SECRET_NAME.search(name)
        for value in items
    ]
    values += [value for name, value in request.COOKIES.items() if SECRET_NAME.search(name)]
    return sorted({value for value in values if len(value) >= 4}, key=len, reverse=True)


def _clean(value, secrets: list[str]):
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, MASK)
        return mask_emails(value)
    if isinstance(value, dict):
        return {k: _clean(v, secrets) for k, v in value.items() if not SECRET_NAME.search(str(k))}
    if isinstance(value, list | tuple):
        return [_clean(item, secrets) for item in value]
    return value


class Redact(logging.Filter):
    """Keeps passwords, tokens, session ids and full email addresses out of the logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            self._redact(record)
        except Exception:  # A log line must never fail; one that cannot be cleaned says so.
            record.msg, record.args = "(a log record that could not be redacted)", None
            record.exc_info = record.exc_text = None
        return True

    def _redact(self, record: logging.LogRecord) -> None:
        secrets, path = [], None
        request = getattr(record, "request", None)
        if isinstance(request, HttpRequest):
            secrets, path = _request_secrets(request), (request.path, safe_path(request))
            record.request = f"{request.method} {path[1]}"

        def clean(value):
            if path and isinstance(value, str):
                value = value.replace(*path)
            return _clean(value, secrets)

        record.msg, record.args = clean(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = clean(record.exc_text)
        for name in [name for name in vars(record) if name not in _RECORD_FIELDS]:
            if SECRET_NAME.search(name):
                delattr(record, name)
            elif name != "request":
                setattr(record, name, clean(getattr(record, name)))


class JSONFormatter(logging.Formatter):
    """One JSON object a line: what log collectors (journald, Loki, CloudWatch) index."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(
            (name, value)
            for name, value in vars(record).items()
            if name not in _RECORD_FIELDS and not name.startswith("_")
        )
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["traceback"] = record.exc_text
        return json.dumps(entry, default=str)


def sentry_before_send(event: dict, hint: dict) -> dict:
    """What goes to Sentry, email addresses masked (Sentry's own scrubber, with
    ``send_default_pii=False``, removes passwords, tokens, cookies and the user)."""
    return _clean(event, [])


def init_sentry(dsn: str, *, environment: str) -> None:
    """Errors and their tracebacks to Sentry, when ``SENTRY_DSN`` names a project."""
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration()],
        environment=environment,
        send_default_pii=False,
        # A frame's variables may hold a reader's password or text: not sent.
        include_local_variables=False,
        before_send=sentry_before_send,
        before_breadcrumb=lambda crumb, hint: _clean(crumb, []),
    )


class Throttle:
    """Says yes at most once every ``seconds`` for each key.

    An outage fails every request; logging each would bury the one line that matters. The
    cache, the page cache and the 503 middleware share :data:`OUTAGES`, one key each.
    """

    def __init__(self, seconds: float = 60.0, *, clock=time.monotonic):
        self.seconds = seconds
        self._clock = clock
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    def allows(self, key: str) -> bool:
        now = self._clock()
        with self._lock:
            last = self._last.get(key)
            if last is not None and now - last < self.seconds:
                return False
            self._last[key] = now
            return True

    def reset(self) -> None:
        with self._lock:
            self._last.clear()


# Outage warnings: once a minute for each dependency (and for each kind of database error).
OUTAGES = Throttle(60.0)
