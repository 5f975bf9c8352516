"""Many readers commenting at once against a real server: every comment stored once, no
error. PostgreSQL (what production runs); SQLite's writers are covered in
tests/test_sqlite_writers.py."""

import re
import threading
import urllib.error
import urllib.request
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection, connections
from django.test import Client

import pytest

from articles.models import Comment
from tests.factories import ArticleFactory, VerifiedUserFactory

READERS, EACH = 20, 25


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 302 itself is the answer; the page it leads to is not needed


NO_REDIRECTS = urllib.request.build_opener(_KeepRedirects)

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="Concurrency is measured on PostgreSQL."
    ),
    pytest.mark.django_db(transaction=True),
]


def _session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def test_twenty_readers_posting_twenty_five_comments_each_store_exactly_five_hundred(
    live_server, settings_override
):
    article = ArticleFactory(slug="busy-story")
    readers = [VerifiedUserFactory(username=f"reader{n}") for n in range(READERS)]
    page_url = f"{live_server.url}{article.get_absolute_url()}"
    post_url = f"{page_url}comments/"
    failures, statuses = [], []

    def reader(n, user):
        session = _session_cookie(user)
        try:
            page_request = urllib.request.Request(  # noqa: S310 - the live server, on loopback
                page_url, headers={"Cookie": session}
            )
            with urllib.request.urlopen(page_request, timeout=30) as response:  # noqa: S310
                page = response.read().decode()
                csrf = re.search(r"csrftoken=([^;]+)", response.headers["Set-Cookie"]).group(1)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
            cookies = f"{session}; csrftoken={csrf}"
            for i in range(EACH):
                body = urlencode({"csrfmiddlewaretoken": token, "body": f"Reader {n}, #{i}"})
                request = urllib.request.Request(  # noqa: S310 - the live server, on loopback
                    post_url,
                    data=body.encode(),
                    headers={"Cookie": cookies, "Referer": page_url},
                )
                try:
                    NO_REDIRECTS.open(request, timeout=30)
                except urllib.error.HTTPError as answer:  # the 302 to the comment, unfollowed
                    statuses.append(answer.code)
        except Exception as error:  # any 4xx/5xx or network error fails the test below
            failures.append(f"reader {n}: {error!r}")
        finally:
            # The login above opened this thread's own connection: close it with the
            # thread, or it outlives the test and the test database cannot be dropped.
            connections.close_all()

    threads = [threading.Thread(target=reader, args=(n, u)) for n, u in enumerate(readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    assert failures == []
    assert len(statuses) == READERS * EACH and set(statuses) == {302}
    bodies = list(Comment.objects.filter(article=article).values_list("body", flat=True))
    assert len(bodies) == READERS * EACH
    assert len(set(bodies)) == READERS * EACH


@pytest.fixture
def settings_override():
    """No rate limit in the way: this is about concurrency."""
    before = settings.NEWSROOM_COMMENT_RATE
    settings.NEWSROOM_COMMENT_RATE = "10000/m"
    yield
    settings.NEWSROOM_COMMENT_RATE = before
