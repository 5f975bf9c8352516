"""Helpers shared by test modules (fixtures live in ``tests/conftest.py``)."""

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
# A key production accepts: long and random-looking (never used outside the tests).
GOOD_KEY = "tests-only-zU9k1P4UxHXb3aLIjnptuGLg1ll_jHtRY_YylSL-NJsPne9NvsBqzGmeF2nO6FSW"
PRODUCTION = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": GOOD_KEY,
    "DJANGO_ALLOWED_HOSTS": "news.example.org",
    "NEWSROOM_BASE_URL": "https://news.example.org",
}


# What manage.py, wsgi.py and asgi.py do before Django starts.
CHOOSE_SETTINGS = (
    "import os; from newsroom.settings import settings_module; "
    "os.environ.setdefault('DJANGO_SETTINGS_MODULE', settings_module())"
)


def run_django(code: str, **env) -> subprocess.CompletedProcess:
    """Run ``code`` after ``django.setup()`` in a fresh Python whose settings come only from
    ``env`` and are chosen as ``manage.py`` chooses them."""
    return run_python("-c", f"{CHOOSE_SETTINGS}; import django; django.setup(); {code}", **env)


def run_python(*args: str, **env) -> subprocess.CompletedProcess:
    """Run ``python *args`` in the project folder with only ``env`` for settings: the shell's
    Django and Newsroom variables (pytest's ``DJANGO_SETTINGS_MODULE`` among them) are left
    out."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=clean_environ(**env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def clean_environ(**env) -> dict[str, str]:
    """The shell's environment without its Django, Newsroom and serving variables, plus
    ``env``: what a subprocess of the tests runs under."""
    clean = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DATABASE_", "NEWSROOM_", "GUNICORN_"))
        and name not in {"HOST", "PORT", "WEB_CONCURRENCY"}
    }
    return {**clean, **env}


# Redis databases the tests may use on 127.0.0.1:6379, per purpose, one for each pytest-xdist
# worker (gw0, gw1, ...; a run without workers takes gw0's): two workers never share one, and
# none is 0 or 14, which other work on a shared machine uses.
REDIS_DATABASES = {
    "pages": (13, 11, 9, 7, 5, 3, 1),
    "serving": (15, 12, 10, 8, 6, 4, 2),
}


def redis_url(purpose: str) -> str:
    """``redis://127.0.0.1:6379/N``: this worker's Redis database for ``purpose`` ("pages":
    the page cache tests; "serving": the production servers of tests/test_serving.py)."""
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    databases = REDIS_DATABASES[purpose]
    if worker >= len(databases):
        raise RuntimeError(f"Redis has a database for {len(databases)} test workers, not more.")
    return f"redis://127.0.0.1:6379/{databases[worker]}"


def post_comment(client, article, body: str, parent=None, **data):
    """POST the article page's comment form: a reply when ``parent`` (a comment, or the raw
    value of the hidden field) is given."""
    if parent is not None:
        data["parent"] = getattr(parent, "pk", parent)
    return client.post(
        reverse("articles:comment-post", kwargs={"slug": article.slug}), {"body": body, **data}
    )


def comment_count_label(response) -> str:
    """The count under the article, as a reader reads it ("2 comments")."""
    html = response.content.decode()
    label = re.search(r'<p class="comment-count">(.*?)</p>', html, re.S).group(1)
    return " ".join(label.split())


def closed_port() -> int:
    """A loopback port nobody listens on (bound for a moment by the OS's choice, then let
    go): connecting to it is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def warm_remembered() -> None:
    """Put in the shared cache what every page reads from it (``newsroom.remembered``: the
    moderation settings, when the next scheduled update is due and the next scheduled change
    of any page, the breaking news banner,
    the navigation's sections, the pinned lead story), as on a running site, so a test
    counts a page's own queries, not the first read after the cache was emptied."""
    from articles.caching import next_change_at
    from articles.models import (
        ModerationSettings,
        breaking_news_shown,
        lead_story_pinned,
        navigation_sections,
    )
    from articles.models.scheduling import next_update_at

    ModerationSettings.load()
    next_update_at()
    next_change_at()
    breaking_news_shown()
    navigation_sections()
    lead_story_pinned()
