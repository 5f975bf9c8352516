"""``make serve``: the site under gunicorn with the production settings (docs/DEPLOY.md).

The servers here are started as the Makefile starts one, with ``python -m newsroom.serve``
(check, collectstatic, migrate, then gunicorn with ``newsroom/gunicorn.py``), on a free
loopback port, an SQLite database and static folder of their own, and a Redis database of
their own (tests/helpers.redis_url).
"""

import gzip
import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from contextlib import suppress
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

import pytest
from PIL import Image

from newsroom.gunicorn import MAX_DEFAULT_WORKERS, default_workers
from tests.helpers import ROOT, clean_environ, redis_url, run_python

# The production environment README.md and docs/DEPLOY.md document (with a random key).
DOCUMENTED = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
    "DJANGO_ALLOWED_HOSTS": "news.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://news.example.org",
    "DATABASE_URL": "postgres://newsroom@127.0.0.1:5432/newsroom",
    "NEWSROOM_CACHE_URL": "redis://127.0.0.1:6379/0",
    "NEWSROOM_BASE_URL": "https://news.example.org",
    "NEWSROOM_TRUSTED_PROXIES": "1",
}
START_SECONDS = 40
STOP_SECONDS = 10
HERO = "images/2026/01/harbour-bridge.png"


@dataclass
class Reply:
    status: int
    headers: Message
    body: bytes


@dataclass
class Server:
    port: int
    process: subprocess.Popen
    stdout: Path
    stderr: Path

    def get(self, path: str, **headers: str) -> Reply:
        """GET ``path`` exactly as written (http.client does not tidy ``../`` away)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("GET", path, headers={"Host": "127.0.0.1", **headers})
            response = connection.getresponse()
            return Reply(response.status, response.headers, response.read())
        finally:
            connection.close()

    def workers(self) -> list[int]:
        """The worker processes gunicorn's master forked (not the job worker beside them)."""
        return [pid for pid in _children(self.process.pid) if "newsroom.worker" not in _cmd(pid)]

    def job_worker(self) -> int | None:
        """The job worker's supervisor (``newsroom.worker``) that make serve started."""
        found = [pid for pid in _children(self.process.pid) if "newsroom.worker" in _cmd(pid)]
        return found[0] if found else None


def _children(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with suppress(OSError):
            # "pid (name) state ppid ...": the name may hold spaces, not a ")".
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == parent:
                found.append(int(entry.name))
    return found


def _cmd(pid: int) -> str:
    with suppress(OSError):
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    return ""


def _wait_for(condition, seconds: float = 10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := condition():
            return found
        time.sleep(0.1)
    return condition()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environ(folder: Path, **env: str) -> dict[str, str]:
    """The production environment of the servers here, on the site's own database."""
    return clean_environ(
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY=DOCUMENTED["DJANGO_SECRET_KEY"],
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        NEWSROOM_BASE_URL="http://127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="false",
        NEWSROOM_CACHE_URL=redis_url("serving"),
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        DJANGO_STATIC_ROOT=str(folder / "static"),
        DJANGO_MEDIA_ROOT=str(folder / "media"),
        HOST="127.0.0.1",
        **env,
    )


def _start(folder: Path, name: str, **env: str) -> Server:
    port = _free_port()
    stdout, stderr = folder / f"{name}.stdout", folder / f"{name}.stderr"
    environ = _environ(folder, PORT=str(port), **env)
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "newsroom.serve"],
            cwd=ROOT,
            env=environ,
            stdout=out,
            stderr=err,
            start_new_session=True,  # its own process group, so _stop reaches every worker
        )
    server = Server(port, process, stdout, stderr)
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"The server stopped (exit {process.returncode}):\n{stderr.read_text()}")
        with suppress(OSError):
            if server.get("/health/").status == 200:
                return server
        time.sleep(0.2)
    _stop(server)
    pytest.fail(f"The server did not answer in {START_SECONDS}s:\n{stderr.read_text()}")


def _stop(server: Server) -> None:
    with suppress(ProcessLookupError):
        os.killpg(server.process.pid, signal.SIGTERM)  # gunicorn's graceful stop
    try:
        server.process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait(timeout=STOP_SECONDS)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """A site's folder: its database and static files, an uploaded picture, and a file next
    to MEDIA_ROOT that no reader may get."""
    folder = tmp_path_factory.mktemp("site")
    hero = folder / "media" / HERO
    hero.parent.mkdir(parents=True)
    Image.new("RGB", (4, 3), "navy").save(hero)
    (folder / "secret.txt").write_text("not for readers")
    return folder


@pytest.fixture(scope="module")
def server(site):
    """One box: gunicorn serves the uploads too (NEWSROOM_SERVE_MEDIA), with two workers,
    and the job worker beside them, its mail printed on stdout."""
    started = _start(
        site,
        "one-box",
        NEWSROOM_SERVE_MEDIA="true",
        WEB_CONCURRENCY="2",
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
    )
    yield started
    _stop(started)


@pytest.fixture(scope="module")
def default_server(site, server):
    """The default: uploads are the front server's or the storage's; one worker, and the job
    worker run elsewhere. Started after ``server``, whose migrated database and collected
    static files it reuses."""
    started = _start(site, "default", WEB_CONCURRENCY="1", NEWSROOM_SERVE_JOBS="false")
    yield started
    _stop(started)


def test_the_home_page_answers(server):
    reply = server.get("/")

    assert reply.status == 200
    assert b"<html" in reply.body


def test_a_hashed_static_file_is_cached_for_ever_and_gzipped_when_asked(server):
    home = server.get("/").body.decode()
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', home).group(1)

    plain = server.get(stylesheet)
    zipped = server.get(stylesheet, **{"Accept-Encoding": "gzip"})

    assert plain.status == zipped.status == 200
    assert plain.headers["Cache-Control"] == "max-age=315360000, public, immutable"
    assert zipped.headers["Cache-Control"] == "max-age=315360000, public, immutable"
    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.body) == plain.body
    assert b".site-header" in plain.body


def test_an_unhashed_static_name_is_cached_briefly(server):
    reply = server.get("/static/css/site.css")

    assert reply.status == 200
    assert reply.headers["Cache-Control"] == "max-age=60, public"


def test_an_upload_is_served_with_serve_media_on(server, site):
    reply = server.get(f"/media/{HERO}")

    assert reply.status == 200
    assert reply.body == (site / "media" / HERO).read_bytes()
    assert reply.headers["Content-Type"] == "image/png"
    assert reply.headers["Cache-Control"] == "public, max-age=86400"
    assert reply.headers["Last-Modified"]


def test_media_folders_are_not_listed(server):
    assert server.get("/media/").status == 404
    assert server.get("/media/images/2026/01/").status == 404


@pytest.mark.parametrize(
    "path",
    [
        "/media/../secret.txt",
        "/media/%2e%2e/secret.txt",
        "/media/images/..%2f..%2f..%2fsecret.txt",
        "/media/images/2026/../../../secret.txt",
    ],
)
def test_a_media_path_cannot_leave_media_root(server, path):
    reply = server.get(path)

    assert reply.status == 404
    assert b"not for readers" not in reply.body


def test_an_absolute_media_path_stays_inside_media_root(server, site):
    reply = server.get(f"/media/{site / 'secret.txt'}")

    assert reply.status == 404
    assert b"not for readers" not in reply.body


def test_uploads_are_not_served_by_default(default_server):
    assert default_server.get(f"/media/{HERO}").status == 404
    assert default_server.get("/").status == 200


def test_each_request_is_logged_once_on_stdout(server):
    marker = secrets.token_hex(8)
    assert server.get(f"/tags/{marker}/?q=not-logged").status == 404

    line = re.compile(
        rf"INFO newsroom\.requests: GET /tags/{marker}/ 404 \d+(\.\d)?ms user=anonymous$", re.M
    )
    assert _wait_for(lambda: line.search(server.stdout.read_text()))
    assert len(line.findall(server.stdout.read_text())) == 1  # gunicorn's access log is off
    assert marker not in server.stderr.read_text().replace(f"Not Found: /tags/{marker}/", "")
    assert "not-logged" not in server.stdout.read_text()


def test_json_logs_are_one_object_a_line_gunicorns_own_too(site, server):
    json_server = _start(site, "json", WEB_CONCURRENCY="1", NEWSROOM_LOG_FORMAT="json")
    try:
        marker = secrets.token_hex(8)
        assert json_server.get(f"/tags/{marker}/").status == 404
        lines = _wait_for(
            lambda: [line for line in json_server.stdout.read_text().splitlines() if marker in line]
        )
    finally:
        _stop(json_server)

    (entry,) = [json.loads(line) for line in lines]
    assert entry["logger"] == "newsroom.requests"
    assert (entry["method"], entry["path"], entry["status"]) == ("GET", f"/tags/{marker}/", 404)
    assert entry["user"] == "anonymous"
    assert isinstance(entry["duration_ms"], float)
    booting = [line for line in json_server.stderr.read_text().splitlines() if "Booting" in line]
    assert booting and json.loads(booting[0])["logger"] == "gunicorn.error"


def test_the_job_worker_runs_beside_gunicorn_and_sends_the_mail_queued(server, site):
    marker = secrets.token_hex(8)
    queued = run_python(
        "manage.py",
        "shell",
        "-v0",
        "-c",
        "from newsroom.tasks import send_email; "
        f"send_email.enqueue(subject='Job {marker}', body='Sent by the worker', to=['a@b.org'])",
        **_environ(site),
    )
    assert queued.returncode == 0, queued.stderr

    assert _wait_for(lambda: f"Subject: Job {marker}" in server.stdout.read_text())
    assert server.job_worker() is not None


def test_a_job_worker_that_dies_is_started_again(server):
    supervisor = server.job_worker()
    (first,) = _wait_for(lambda: _children(supervisor))

    os.kill(first, signal.SIGKILL)

    again = _wait_for(lambda: [pid for pid in _children(supervisor) if pid != first])
    assert again and "db_worker" in _cmd(again[0])
    assert "The job worker stopped (exit -9" in server.stderr.read_text()


def test_the_job_worker_stops_when_gunicorn_is_gone(site, server):
    """Even killed outright, with no hook run: the job worker notices, and stops."""
    doomed = _start(site, "killed", WEB_CONCURRENCY="1")
    supervisor = _wait_for(doomed.job_worker)
    (job_worker,) = _wait_for(lambda: _children(supervisor))

    os.kill(doomed.process.pid, signal.SIGKILL)
    doomed.process.wait(timeout=STOP_SECONDS)

    assert _wait_for(lambda: not _alive(supervisor) and not _alive(job_worker))
    _stop(doomed)  # gunicorn's own worker, if it is still there


def _alive(pid: int) -> bool:
    # A process gone, or a zombie nobody reaped yet (its parent was killed with it).
    with suppress(OSError):
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    return False


def test_the_job_worker_can_be_left_to_run_elsewhere(default_server):
    assert default_server.job_worker() is None


def test_web_concurrency_sets_the_number_of_workers(server, default_server):
    assert len(server.workers()) == 2
    assert len(default_server.workers()) == 1


@pytest.mark.parametrize(("cores", "workers"), [(1, 3), (2, 5), (3, 7), (4, 8), (64, 8)])
def test_workers_default_to_twice_the_cores_plus_one_capped(cores, workers):
    assert MAX_DEFAULT_WORKERS == 8
    assert default_workers(cores) == workers


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_ENV": "production"}, "DJANGO_ENV=production needs DJANGO_SECRET_KEY"),
        ({}, "make serve runs the production settings"),
        ({**DOCUMENTED, "WEB_CONCURRENCY": "0"}, "WEB_CONCURRENCY must be 1 or more"),
        ({**DOCUMENTED, "NEWSROOM_CACHE_URL": ""}, "is not a shared cache"),
    ],
    ids=["no-secret-key", "development", "no-workers", "no-shared-cache"],
)
def test_serve_stops_with_a_clear_message_when_a_variable_is_missing(env, message):
    result = run_python("-m", "newsroom.serve", **env)

    assert result.returncode == 1
    assert message in result.stderr
    assert "README.md" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_deploy_check_of_the_documented_environment_finds_no_issues():
    result = run_python("manage.py", "check", "--deploy", **DOCUMENTED)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    assert result.stderr == ""
