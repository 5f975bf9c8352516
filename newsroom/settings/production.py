"""Production (``DJANGO_ENV=production``): refuses to start with a missing or guessable
secret key, without allowed hosts or with "*", or with DEBUG on; HTTPS only, SMTP mail,
hashed static files, and a shared cache (``manage.py check`` fails without
``NEWSROOM_CACHE_URL``)."""

import os

from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, SILENCED_SYSTEM_CHECKS, STORAGES
from .env import env_bool, env_int, env_list
from .smtp import *  # noqa: F403

DJANGO_ENV = "production"
PRODUCTION = True

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", [])

_NEW_KEY = "python -c 'import secrets; print(secrets.token_urlsafe(64))'"
if len(SECRET_KEY) < SECRET_KEY_MIN_LENGTH or SECRET_KEY.startswith(SECRET_KEY_INSECURE_PREFIX):
    raise ImproperlyConfigured(
        "DJANGO_ENV=production needs DJANGO_SECRET_KEY: a random string of 50+ characters "
        f"({_NEW_KEY})."
    )
# Django's own `check --deploy` criteria (W009), as an error: a key of one character
# repeated, or of a few, is long but guessable; so is one short piece repeated.
if len(set(SECRET_KEY)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS or SECRET_KEY in (SECRET_KEY * 2)[1:-1]:
    raise ImproperlyConfigured(
        f"DJANGO_SECRET_KEY is not random: it repeats a few characters. Make one with {_NEW_KEY}."
    )
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ENV=production needs DJANGO_ALLOWED_HOSTS, e.g. 'news.example.org'."
    )
# "*" answers any Host header, so links built from it (password-reset mail without
# NEWSROOM_BASE_URL, absolute URLs, the page cache's keys) can be pointed at any host.
if "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS must name the site's hosts (e.g. 'news.example.org'), not '*'."
    )
if DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off when DJANGO_ENV=production.")

# HTTPS: behind a proxy that says so in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
# Load balancers and monitors often ask over plain HTTP: /health/ answers them, not a 301.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
# Off by default: the preload list is for a whole registrable domain, and hard to leave.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
# `check --deploy` warns while those two are off (W005, W021), but whether every subdomain
# is HTTPS-only, and the preload list, are the operator's choice for the whole domain, not
# an oversight: the variables above turn them on. Silenced so that the deploy check of a
# documented install says "no issues" and a new warning stands out.
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "security.W005", "security.W021"]

for _database in DATABASES.values():
    _database["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)

# Hashed, gzipped static files; deploys run collectstatic (make serve does). Whitenoise
# serves a hashed name (in the manifest) with "max-age=315360000, public, immutable"; any
# other name, whose content a deploy may change, for WHITENOISE_MAX_AGE seconds.
STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
WHITENOISE_USE_FINDERS = False
WHITENOISE_MAX_AGE = 60

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
)

# --- Background jobs ---------------------------------------------------------------------
# Every email is sent by a job (newsroom/tasks.py), queued in the database for the worker
# that make serve runs beside gunicorn (docs/DEPLOY.md); DJANGO_TASKS_BACKEND names another
# django-tasks backend (a queue) instead. A job has no request to take the site's address
# from, so production needs NEWSROOM_BASE_URL.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("DJANGO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")
    }
}
if not NEWSROOM_BASE_URL.startswith(("https://", "http://")):  # noqa: F405
    raise ImproperlyConfigured(
        "DJANGO_ENV=production needs NEWSROOM_BASE_URL, the site's address, e.g. "
        "'https://news.example.org': emails are sent by background jobs, which have no "
        "request to take it from."
    )
