"""Gunicorn's settings for ``make serve``, read from the environment like Django's.

Loaded with ``gunicorn --config python:newsroom.gunicorn`` (see ``newsroom/serve.py``);
the variables are listed in README.md and docs/DEPLOY.md.
"""

import os
import signal
from contextlib import suppress

from django.core.exceptions import ImproperlyConfigured

from newsroom.settings.env import env_int

# Gunicorn's advice is 2 x cores + 1 sync workers. Past 8, workers on one box mostly wait on
# PostgreSQL rather than the CPU, each holds its own Django in memory and its own database
# connection (DATABASE_CONN_MAX_AGE keeps it open), and a container often sees all of the
# host's cores: uncapped, a 64-core host would open 129 connections, past PostgreSQL's
# default max_connections of 100. WEB_CONCURRENCY sets any number, uncapped.
MAX_DEFAULT_WORKERS = 8


def default_workers(cores: int) -> int:
    """Sync workers for ``cores`` CPUs when WEB_CONCURRENCY is unset."""
    return min(2 * cores + 1, MAX_DEFAULT_WORKERS)


def _cores() -> int:
    # The CPUs this process may run on, which a container or taskset may limit.
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _bind() -> str:
    # Gunicorn's own default is 0.0.0.0:$PORT when PORT is set: every interface. Ours is
    # loopback unless HOST says otherwise, for a front server on the same machine.
    host = os.environ.get("HOST", "").strip() or "127.0.0.1"
    port = env_int("PORT", 8000)
    if not 0 < port < 65536:
        raise ImproperlyConfigured(f"PORT must be a port number (1-65535), not {port}.")
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address
    return f"{host}:{port}"


def _workers() -> int:
    count = env_int("WEB_CONCURRENCY", default_workers(_cores()))
    if count < 1:
        raise ImproperlyConfigured(f"WEB_CONCURRENCY must be 1 or more, not {count}.")
    return count


wsgi_app = "newsroom.wsgi:application"
proc_name = "newsroom"
bind = [_bind()]
workers = _workers()
# Django writes the line per request (newsroom.middleware.RequestLogMiddleware) on stdout,
# since only it knows the user and which parts of a path are secret: gunicorn's access log
# stays off. Its own messages (worker starts, timeouts) go to stderr, in JSON too when
# NEWSROOM_LOG_FORMAT=json. A process manager or container runtime collects both.
accesslog = None
errorlog = "-"
if os.environ.get("NEWSROOM_LOG_FORMAT", "").strip().lower() == "json":
    # Merged into gunicorn's own logging defaults, key by key: its loggers restated, the
    # access log without a handler.
    logconfig_dict = {
        "formatters": {"generic": {"()": "newsroom.logs.JSONFormatter"}},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": False},
        },
    }
# Gunicorn's control socket (for gunicornc) is one path per user, which a second instance on
# the box (a staging copy, the tests) would take over; signals still work (HUP reloads,
# TTIN/TTOU add and remove workers).
control_socket_disable = True


def _tell_job_worker(signum: int) -> None:
    # The job worker make serve started beside us (newsroom/serve.py, newsroom/worker.py).
    pid = os.environ.get("NEWSROOM_JOB_WORKER_PID")
    if pid:
        with suppress(ProcessLookupError, ValueError):
            os.kill(int(pid), signum)


def on_reload(arbiter):
    """A SIGHUP reloads the code: the job worker starts again on it too."""
    _tell_job_worker(signal.SIGHUP)


def on_exit(arbiter):
    """gunicorn stops: so does the job worker (letting a job in progress finish)."""
    _tell_job_worker(signal.SIGTERM)
