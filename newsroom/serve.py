"""``make serve``: the site under gunicorn with the production settings from the environment.

``python -m newsroom.serve`` checks the settings (``manage.py check --deploy``), collects the
static files, applies the migrations, starts the background-job worker (``newsroom/worker.py``,
unless ``NEWSROOM_SERVE_JOBS=false``), then becomes gunicorn with ``newsroom/gunicorn.py``.
A missing or wrong variable stops it with the settings' own one-line message, not a
traceback. See docs/DEPLOY.md.
"""

import os
import subprocess
import sys

from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connections

GUNICORN = ("-m", "gunicorn", "--config", "python:newsroom.gunicorn")
# gunicorn's hooks (newsroom/gunicorn.py) tell the job worker of a reload or a stop.
JOB_WORKER_PID = "NEWSROOM_JOB_WORKER_PID"
SEE_README = "The production variables are in README.md (Configuration) and docs/DEPLOY.md."


def main() -> None:
    try:
        serve_jobs = _setup()
        call_command("check", deploy=True)
        call_command("collectstatic", interactive=False, verbosity=1)
        call_command("migrate", interactive=False, verbosity=1)
    except (ImproperlyConfigured, CommandError, DatabaseError) as error:
        # A missing variable, a failed system check (no shared cache, say), or a database
        # that cannot be reached: what to fix is in the message.
        sys.exit(f"Cannot serve: {error}\n{SEE_README}")

    connections.close_all()  # gunicorn's workers open their own
    if serve_jobs:
        # A child of this process, which gunicorn becomes (same pid): it stops with it.
        worker = subprocess.Popen(  # noqa: S603 (our own interpreter)
            [sys.executable, "-m", "newsroom.worker", "--with-parent", str(os.getpid())]
        )
        os.environ[JOB_WORKER_PID] = str(worker.pid)
    os.execv(sys.executable, [sys.executable, *GUNICORN])  # noqa: S606 (our own interpreter)


def _setup() -> bool:
    """Set Django up with the production settings; whether to run the job worker."""
    import django
    from django.conf import settings

    from newsroom.settings import settings_module
    from newsroom.settings.env import env_bool
    from newsroom.worker import database_jobs

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module())
    django.setup()
    if settings.DEBUG or not getattr(settings, "PRODUCTION", False):
        raise ImproperlyConfigured(
            f"make serve runs the production settings, not {settings.SETTINGS_MODULE}: "
            "set DJANGO_ENV=production (make run is the development server)."
        )
    import newsroom.gunicorn  # noqa: F401  (its variables are checked here, not by gunicorn)

    # With another task backend (a queue), its own workers run the jobs.
    return env_bool("NEWSROOM_SERVE_JOBS", True) and database_jobs()


if __name__ == "__main__":
    main()
