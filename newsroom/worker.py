"""``make worker`` (``python -m newsroom.worker``): the background-job worker, kept running.

It runs django-tasks-db's ``manage.py db_worker`` and starts it again whenever it stops
(a database that went away, say), after a pause that grows from 1 to 30 seconds while it
keeps stopping. Once a day it prunes finished jobs (``prune_db_task_results``): a job's
arguments are an email, addresses and links included, which need not be kept.

``make serve`` starts it beside gunicorn with ``--with-parent``: it stops when gunicorn stops
(gunicorn's ``on_exit`` hook, or its process gone), and a SIGHUP to gunicorn (reload) starts
the job worker again on the new code too. On its own (``NEWSROOM_SERVE_JOBS=false`` and
``make worker`` elsewhere) SIGTERM or Ctrl-C stop it. A stop lets a job in progress finish
for up to ``STOP_SECONDS``. See docs/DEPLOY.md, "Background jobs".
"""

import argparse
import ctypes
import logging
import os
import signal
import subprocess
import sys
import time
from contextlib import suppress

logger = logging.getLogger("newsroom.worker")

RESTART_DELAYS = (1, 2, 5, 10, 30)
# A worker that ran this long before stopping is started again after the shortest pause.
HEALTHY_SECONDS = 60
# A job in progress may finish: longer than an SMTP attempt (DJANGO_EMAIL_TIMEOUT, 10 s).
STOP_SECONDS = 30
PRUNE_EVERY_SECONDS = 24 * 60 * 60
POLL_SECONDS = 0.5
WORKER = ("db_worker", "--no-reload", "--queue-name", "default")
# Successful jobs are kept a day (to answer "did the mail go out?"), failed ones two weeks.
PRUNE = ("prune_db_task_results", "--min-age-days", "1", "--failed-min-age-days", "14")


def database_jobs() -> bool:
    """Whether the jobs wait in the database (django-tasks-db) for ``db_worker`` to run;
    another backend (a queue) has workers of its own, the immediate one needs none."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    from django_tasks_db import DatabaseBackend

    backend = settings.TASKS.get("default", {}).get("BACKEND", "")
    return issubclass(import_string(backend), DatabaseBackend)


def _manage(*args: str) -> list[str]:
    return [sys.executable, "-m", "django", *args]


def _stop_with_us() -> None:
    """In the job worker's process, before it starts: its own process group (a Ctrl-C is
    passed on once, by us), and on Linux a SIGTERM when we are gone."""
    os.setpgid(0, 0)
    with suppress(OSError, AttributeError):  # not Linux: the process manager stops it
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Supervisor:
    def __init__(self, *, parent: int | None = None):
        self.parent = parent
        self.stopping = False
        self.restarting = False
        self.child: subprocess.Popen | None = None
        self.next_prune = time.monotonic()

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        signal.signal(signal.SIGHUP, self._restart)
        quick_stops = 0
        while not self._should_stop():
            self._prune_if_due()
            started = time.monotonic()
            logger.info("Starting the job worker (manage.py %s).", " ".join(WORKER))
            self.child = subprocess.Popen(_manage(*WORKER), preexec_fn=_stop_with_us)  # noqa: S603
            code = self._wait()
            if code is None:
                continue  # stopping, or restarting at once
            ran = time.monotonic() - started
            quick_stops = 0 if ran >= HEALTHY_SECONDS else quick_stops + 1
            delay = RESTART_DELAYS[min(max(quick_stops, 1), len(RESTART_DELAYS)) - 1]
            logger.error(
                "The job worker stopped (exit %s after %.0f s); starting it again in %d s.",
                code,
                ran,
                delay,
            )
            self._sleep(delay)
        self._terminate()
        logger.info("The job worker is stopped.")
        return 0

    def _stop(self, signum, frame) -> None:
        self.stopping = True

    def _restart(self, signum, frame) -> None:
        self.restarting = True

    def _should_stop(self) -> bool:
        if self.parent is not None and os.getppid() != self.parent:
            self.stopping = True  # gunicorn is gone
        return self.stopping

    def _wait(self) -> int | None:
        """The worker's exit code, or None once we stop or restart it ourselves."""
        while (code := self.child.poll()) is None:
            if self._should_stop():
                return None
            if self.restarting:
                self.restarting = False
                logger.info("Starting the job worker again, on the code deployed now.")
                self._terminate()
                return None
            self._prune_if_due()
            time.sleep(POLL_SECONDS)
        return code

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not self._should_stop():
            time.sleep(POLL_SECONDS)

    def _terminate(self) -> None:
        child = self.child
        if child is None or child.poll() is not None:
            return
        child.terminate()  # db_worker finishes the job it is running, then exits
        try:
            child.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            logger.error("The job worker did not stop in %d s: killed.", STOP_SECONDS)
            child.kill()
            child.wait()

    def _prune_if_due(self) -> None:
        if time.monotonic() < self.next_prune:
            return
        self.next_prune = time.monotonic() + PRUNE_EVERY_SECONDS
        result = subprocess.run(_manage(*PRUNE), check=False)  # noqa: S603
        if result.returncode:
            logger.error("Pruning finished jobs failed (exit %s).", result.returncode)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m newsroom.worker", description=__doc__)
    parser.add_argument(
        "--with-parent",
        type=int,
        metavar="PID",
        help="stop when this process (make serve's gunicorn) is gone",
    )
    options = parser.parse_args(argv)

    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.utils.log import configure_logging

    from newsroom.settings import settings_module

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module())
    try:
        configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
        if not database_jobs():
            sys.exit(
                f"No job worker to run: the task backend is {settings.TASKS['default']['BACKEND']}"
                ", which runs its jobs itself or with a queue's own workers (docs/DEPLOY.md)."
            )
    except ImproperlyConfigured as error:
        sys.exit(f"Cannot run the job worker: {error}")
    sys.exit(Supervisor(parent=options.with_parent).run())


if __name__ == "__main__":
    main()
