"""Production (``DJANGO_ENV=production``): refuses to start with a missing or insecure
secret key, without allowed hosts, or with DEBUG on; HTTPS only, SMTP mail, hashed static
files, and a shared cache (``manage.py check`` fails without ``NEWSROOM_CACHE_URL``)."""

import os

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

if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure"):
    raise ImproperlyConfigured(
        "DJANGO_ENV=production needs DJANGO_SECRET_KEY: a random string of 50+ characters "
        "(python -c 'import secrets; print(secrets.token_urlsafe(64))')."
    )
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ENV=production needs DJANGO_ALLOWED_HOSTS, e.g. 'news.example.org'."
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

DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)

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
