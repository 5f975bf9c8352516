"""``make serve``: the site under gunicorn with the production settings from the environment.

``python -m newsroom.serve`` checks the settings (``manage.py check --deploy``), collects the
static files, applies the migrations, then becomes gunicorn with ``newsroom/gunicorn.py``.
A missing or wrong variable stops it with the settings' own one-line message, not a
traceback. See docs/DEPLOY.md.
"""

import os
import sys

from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connections

GUNICORN = ("-m", "gunicorn", "--config", "python:newsroom.gunicorn")
SEE_README = "The production variables are in README.md (Configuration) and docs/DEPLOY.md."


def main() -> None:
    try:
        _setup()
        call_command("check", deploy=True)
        call_command("collectstatic", interactive=False, verbosity=1)
        call_command("migrate", interactive=False, verbosity=1)
    except (ImproperlyConfigured, CommandError, DatabaseError) as error:
        # A missing variable, a failed system check (no shared cache, say), or a database
        # that cannot be reached: what to fix is in the message.
        sys.exit(f"Cannot serve: {error}\n{SEE_README}")

    connections.close_all()  # gunicorn's workers open their own
    os.execv(sys.executable, [sys.executable, *GUNICORN])  # noqa: S606 (our own interpreter)


def _setup() -> None:
    import django
    from django.conf import settings

    from newsroom.settings import settings_module

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module())
    django.setup()
    if settings.DEBUG or not getattr(settings, "PRODUCTION", False):
        raise ImproperlyConfigured(
            f"make serve runs the production settings, not {settings.SETTINGS_MODULE}: "
            "set DJANGO_ENV=production (make run is the development server)."
        )
    import newsroom.gunicorn  # noqa: F401  (its variables are checked here, not by gunicorn)


if __name__ == "__main__":
    main()
