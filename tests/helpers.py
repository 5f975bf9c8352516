"""Helpers shared by test modules (fixtures live in ``tests/conftest.py``)."""

import os
import re
import subprocess
import sys
from pathlib import Path

from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
GOOD_KEY = "k" * 64
PRODUCTION = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": GOOD_KEY,
    "DJANGO_ALLOWED_HOSTS": "news.example.org",
}


def run_django(code: str, **env) -> subprocess.CompletedProcess:
    """Run ``code`` after ``django.setup()`` in a fresh Python whose settings come only from
    ``env``: the variables of the shell running the tests are left out."""
    clean = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DATABASE_", "NEWSROOM_"))
    }
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "newsroom.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


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
