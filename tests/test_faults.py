"""A database or Redis that goes away: readers get a 503 page or a slower page, never a 500
or a hang, and the site comes back by itself (docs/DEPLOY.md, "When something is down")."""

import json
import socket
from contextlib import suppress

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest
from pytest_django.asserts import assertContains

from articles.models import Comment
from articles.services import image_create
from newsroom.middleware import unavailable_response
from tests.factories import ArticleFactory, png_bytes
from tests.helpers import PRODUCTION, closed_port, post_comment, run_django, run_python
from tests.outage import ANSWER

SITE = {**PRODUCTION, "NEWSROOM_SITE_NAME": "The Eastport Courier"}


def probe(*steps: str, **env: str) -> list[dict]:
    """Run ``tests/outage.py``'s steps under the production settings; its answers."""
    result = run_python("-m", "tests.outage", *steps, **SITE, **env)
    assert result.returncode == 0, result.stderr
    return [
        json.loads(line.removeprefix(ANSWER))
        for line in result.stdout.splitlines()
        if line.startswith(ANSWER)
    ]


def assert_unavailable_page(answer: dict, *, within_ms: int) -> None:
    assert answer["status"] == 503, answer["body"][:2000]
    assert answer["retry_after"] == "30"
    assert answer["ms"] < within_ms
    body = answer["body"]
    assert "Back in a moment · The Eastport Courier" in body
    assert '<a class="skip-link" href="#main">' in body  # the site's layout
    assert "The site cannot reach its stories right now." in body


def _postgresql_listens() -> bool:
    with suppress(OSError), socket.create_connection(("127.0.0.1", 5432), timeout=1):
        return True
    return False


@pytest.mark.skipif(not _postgresql_listens(), reason="No PostgreSQL on 127.0.0.1:5432.")
def test_postgresql_going_away_is_a_quick_503_page_and_coming_back_needs_no_restart():
    up, home_cut, health_cut, home_stalled, health_back = probe(
        "--relay",
        "GET:/health/",
        "cut",
        "GET:/",
        "GET:/health/",
        "stall",
        "GET:/",
        "restore",
        "GET:/health/",
        DATABASE_URL="postgres://postgres@127.0.0.1:{relay}/postgres",
    )

    assert (up["status"], json.loads(up["body"])["database"]) == (200, "ok")
    # The connection kept from the first request is found broken, a new one is refused.
    assert_unavailable_page(home_cut, within_ms=1000)
    assert health_cut["status"] == 503
    assert json.loads(health_cut["body"])["database"] == "unavailable"
    # A server that accepts and never answers: connect_timeout (2 s), not a hung worker.
    assert_unavailable_page(home_stalled, within_ms=4000)
    assert home_stalled["ms"] >= 1500
    assert (health_back["status"], json.loads(health_back["body"])["database"]) == (200, "ok")


def test_an_sqlite_file_that_cannot_be_opened_is_a_503_page_until_it_can(tmp_path):
    folder = tmp_path / "not-there-yet"
    home, health, health_back = probe(
        "GET:/",
        "GET:/health/",
        f"mkdir:{folder}",
        "GET:/health/",
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
    )

    assert_unavailable_page(home, within_ms=1000)
    assert (health["status"], json.loads(health["body"])["database"]) == (503, "unavailable")
    assert (health_back["status"], json.loads(health_back["body"])["database"]) == (200, "ok")


def test_postgresql_connections_give_up_after_two_seconds():
    code = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])"
    env = {"DATABASE_URL": "postgres://u@db.example:5432/news"}

    # (and no JIT: tests/articles/test_explain.py)
    assert run_django(code, **env).stdout.strip() == (
        "{'connect_timeout': 2, 'options': '-c jit=off'}"
    )
    env = {"DATABASE_URL": "postgres://u@db.example:5432/news?connect_timeout=5"}
    assert run_django(code, **env).stdout.strip() == (
        "{'connect_timeout': 5, 'options': '-c jit=off'}"
    )
    assert "connect_timeout" not in run_django(code).stdout  # SQLite has no such option


@pytest.mark.django_db
def test_the_503_page_is_rendered_without_a_query(django_assert_num_queries, settings):
    settings.NEWSROOM_SITE_NAME = "The Eastport Courier"
    with django_assert_num_queries(0):
        response = unavailable_response("database")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    assertContains(response, "Back in a moment · The Eastport Courier", status_code=503)
    assertContains(response, '<meta name="robots" content="noindex">', status_code=503, html=True)


def test_health_answers_plain_http_while_everything_else_is_redirected(tmp_path):
    code = (
        "from django.test import Client; c = Client(HTTP_HOST='news.example.org'); "
        "print('ANSWER', c.get('/health/').status_code, c.get('/').status_code)"
    )
    result = run_django(code, **PRODUCTION, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")

    assert result.returncode == 0, result.stderr
    assert "ANSWER 200 301" in result.stdout.splitlines()


# --- Redis down --------------------------------------------------------------------------


@pytest.fixture
def redis_down(settings):
    """The production caches (newsroom/settings/base.py), on a Redis port nobody listens on."""
    redis = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
    settings.CACHES = {
        "default": redis,
        "pages": {**redis, "KEY_PREFIX": "pages"},
    }
    settings.NEWSROOM_PAGE_CACHE = True


@pytest.fixture
def pictured_article(article):
    file = SimpleUploadedFile("bridge.png", png_bytes(1200, 800), content_type="image/png")
    article.hero_image = image_create(
        file=file, alt_text="The bridge at dawn", caption="Open", credit="Ana Ruiz"
    )
    article.save()
    return article


@pytest.mark.django_db
def test_without_redis_reader_pages_and_the_login_page_still_answer(
    client, pictured_article, redis_down
):
    ArticleFactory(headline="Another story")

    home = client.get(reverse("articles:home"))
    page = client.get(pictured_article.get_absolute_url())

    assertContains(home, "Another story")
    assertContains(page, "Harbour bridge reopens")
    assertContains(page, 'alt="The bridge at dawn"')
    assertContains(page, "/media/renditions/")  # rendition rows: Redis is not asked
    assert client.get(reverse("account_login")).status_code == 200


@pytest.mark.django_db
def test_without_redis_health_says_degraded(client, redis_down):
    response = client.get(reverse("health"))

    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "unavailable"}


@pytest.mark.django_db
def test_without_redis_a_comment_is_refused_with_its_text_kept(
    client, article, commenter, redis_down
):
    client.force_login(commenter)

    response = post_comment(client, article, "The ferry was late again.")

    assert response.status_code == 503
    assertContains(response, "We cannot check the posting limit right now", status_code=503)
    assertContains(response, "try again in a minute", status_code=503)
    assertContains(response, "The ferry was late again.", status_code=503)
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_without_redis_a_login_is_refused_with_a_503_page(client, reader, redis_down):
    response = client.post(
        reverse("account_login"), {"login": reader.username, "password": "the wrong one"}
    )

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assertContains(response, "We cannot check the limit on this right now", status_code=503)
    assert "_auth_user_id" not in client.session
