"""Development (``DJANGO_ENV=development``, the default): what a newcomer's ``make run``
needs, with nothing to set. Never for a public site: its default secret key is public."""

import os

from .base import *  # noqa: F403
from .base import DATABASES, SILENCED_SYSTEM_CHECKS, STORAGES
from .env import env_bool, env_int, env_list

DJANGO_ENV = "development"
PRODUCTION = False

SECRET_KEY = os.environ.get(
    "DJANGO_SECRET_KEY",
    "django-insecure-development-only-key-never-use-in-production",
)
DEBUG = env_bool("DJANGO_DEBUG", True)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])

# A new connection per request, as Django does by default.
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 0)

# Static files straight from the finders: no collectstatic to run after each change.
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = True

# Mail is printed on the console unless DJANGO_EMAIL_BACKEND says otherwise; the SMTP
# settings are read once DJANGO_EMAIL_HOST names a server, else Django's defaults stay.
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
if os.environ.get("DJANGO_EMAIL_HOST"):
    from .smtp import *  # noqa: F403

# Background jobs (every email) run at once, in the request that queues them: make run needs
# no worker. DJANGO_TASKS_BACKEND=django_tasks_db.DatabaseBackend queues them as production
# does, for `make worker`.
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "DJANGO_TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"
        )
    }
}

# An in-process cache is fine for one development process (production needs a shared one).
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "django_ratelimit.E003"]
