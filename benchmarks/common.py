"""What ``bench.py`` and ``quality.py`` share: the production environment, a bench database,
the server under ``python -m newsroom.serve``, HTTP requests, and docs/PERFORMANCE.md.

No Django here: the scripts drive the site from outside, as a reader's browser does, and ask
the site's own code questions through ``site_facts.py`` run with the server's environment.
"""

import contextlib
import json
import os
import platform
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PERFORMANCE_MD = ROOT / "docs" / "PERFORMANCE.md"
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/14")
# Server logs, uploads and static files of the bench servers: nothing in the checkout.
BENCH_DIR = Path(os.environ.get("BENCH_DIR") or Path(tempfile.gettempdir()) / "newsroom-bench")


def log(message: str = "") -> None:
    print(message, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(
    database: str, *, port: int, page_cache: bool, secret_key: str, fragments: bool = True
) -> dict:
    """``make serve``'s environment for a bench: production settings, loopback, bench data."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "NEWSROOM_", "DATABASE_"))
    }
    env.update(
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY=secret_key,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_LOG_LEVEL="WARNING",
        DJANGO_MEDIA_ROOT=str(BENCH_DIR / "media"),
        DJANGO_STATIC_ROOT=str(BENCH_DIR / "static"),
        NEWSROOM_CACHE_URL=REDIS_URL,
        # Production refuses to start without it (emails' links); nothing is mailed here.
        NEWSROOM_BASE_URL=f"http://127.0.0.1:{port}",
        NEWSROOM_SERVE_MEDIA="true",
        NEWSROOM_PAGE_CACHE="true" if page_cache else "false",
        NEWSROOM_FRAGMENT_CACHE="true" if fragments else "false",
        DATABASE_URL=f"{POSTGRES}/{database}",
        HOST="127.0.0.1",
        PORT=str(port),
    )
    return env


def new_secret_key() -> str:
    return secrets.token_urlsafe(64)


# --- The database --------------------------------------------------------------------------


def _admin_connection():
    import psycopg

    return psycopg.connect(f"{POSTGRES}/postgres", autocommit=True)


def recreate_database(name: str) -> None:
    if not re.fullmatch(r"newsroom_[a-z0-9_]*(bench|quality)[a-z0-9_]*", name):
        raise SystemExit(f"Refusing to drop {name!r}: not a bench database name.")
    with _admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def database_exists(name: str) -> bool:
    with _admin_connection() as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()


def database_size(name: str) -> int:
    with _admin_connection() as conn:
        return conn.execute("SELECT pg_database_size(%s)", [name]).fetchone()[0]


def postgres_version() -> str:
    with _admin_connection() as conn:
        return conn.execute("SHOW server_version").fetchone()[0]


def flush_redis() -> None:
    """Forget the page cache and rate limits of an earlier run: the bench owns this db."""
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def manage(env: dict, *args: str, capture: bool = False) -> str:
    result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return result.stdout or ""


def site_facts(env: dict, *args: str) -> dict:
    """Ask the site (``benchmarks/site_facts.py``) about its data, with the server's settings."""
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [PYTHON, str(ROOT / "benchmarks" / "site_facts.py"), *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def seed(env: dict, database: str, *, articles: int, comments: int, reseed: bool) -> dict:
    """Make ``database`` hold exactly this bench data set. Returns the seconds the seeding
    took and whether this run did it (an earlier run's data set is reused as it is)."""
    times_file = BENCH_DIR / "seed-times.json"
    times = json.loads(times_file.read_text()) if times_file.exists() else {}
    if not reseed and database_exists(database):
        try:
            counts = site_facts(env, "counts")
        except subprocess.CalledProcessError:
            counts = {}
        if counts.get("articles") == articles and counts.get("comments") == comments:
            log(f"Reusing {database}: {articles:,} stories, {comments:,} comments already there.")
            return {"seconds": times.get(database), "reused": True}
    log(f"Creating {database} and seeding {articles:,} stories and {comments:,} comments...")
    recreate_database(database)
    started = time.monotonic()
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed_bench", f"--articles={articles}", f"--comments={comments}")
    times[database] = time.monotonic() - started
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    times_file.write_text(json.dumps(times))
    return {"seconds": times[database], "reused": False}


# --- The server ----------------------------------------------------------------------------


@dataclass
class Server:
    process: subprocess.Popen
    base: str
    log_path: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # gunicorn stops its workers gracefully
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextlib.contextmanager
def running_server(env: dict, label: str):
    """``python -m newsroom.serve`` (``make serve``) on loopback until the block ends."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    log_path = BENCH_DIR / f"server-{label}.log"
    base = f"http://127.0.0.1:{env['PORT']}"
    with open(log_path, "w") as server_log:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [PYTHON, "-m", "newsroom.serve"],
            cwd=ROOT,
            env=env,
            stdout=server_log,
            stderr=subprocess.STDOUT,
        )
    server = Server(process, base, log_path)
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise SystemExit(f"The server stopped at start; see {log_path}")
            with contextlib.suppress(OSError):
                if fetch(f"{base}/health/", timeout=5).status == 200:
                    break
            if time.monotonic() > deadline:
                raise SystemExit(f"The server did not answer /health/ in 120 s; see {log_path}")
            time.sleep(0.5)
        yield server
    finally:
        server.stop()


# --- HTTP ----------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict
    seconds: float
    url: str


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def fetch(url: str, *, cookie: str = "", timeout: float = 120) -> Response:
    """One GET, no redirects followed, timed from request to the last byte."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310
    started = time.perf_counter()
    try:
        with _opener.open(request, timeout=timeout) as answer:
            body = answer.read()
            status, headers = answer.status, dict(answer.headers)
    except urllib.error.HTTPError as error:
        body, status, headers = error.read(), error.code, dict(error.headers)
    return Response(status, body, headers, time.perf_counter() - started, url)


# --- The machine and the report ------------------------------------------------------------


def machine() -> dict:
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    total_kib = int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1)) if meminfo else 0
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(total_kib / 1024 / 1024, 1),
        "python": platform.python_version(),
        "postgresql": postgres_version(),
        "kernel": platform.release(),
        "load": " ".join(f"{value:.2f}" for value in os.getloadavg()),
        "commit": _git("rev-parse", "--short", "HEAD")
        + (
            " (with uncommitted changes)"
            if _git("status", "--porcelain", "--untracked-files=no")
            else ""
        ),
    }


def _git(*args: str) -> str:
    result = subprocess.run(  # noqa: S603 - fixed git commands
        ["git", *args],  # noqa: S607 - git from the PATH
        cwd=ROOT,
        text=True,
        capture_output=True,
    )
    return result.stdout.strip()


def write_section(name: str, text: str) -> None:
    """Replace the ``<!-- name:start -->`` ... ``<!-- name:end -->`` block of PERFORMANCE.md."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    document = PERFORMANCE_MD.read_text() if PERFORMANCE_MD.exists() else ""
    block = f"{start}\n{text.rstrip()}\n{end}"
    if start in document and end in document:
        before, rest = document.split(start, 1)
        after = rest.split(end, 1)[1]
        document = before + block + after
    else:
        document = document.rstrip() + "\n\n" + block + "\n"
    PERFORMANCE_MD.write_text(document)


def now_text() -> str:
    from datetime import UTC, datetime

    return f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
