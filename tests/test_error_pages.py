"""The page a reader gets when the site fails (500): the site's name and stylesheet, no query
(what failed may be the database), and a plain line if even that page cannot be made."""

from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from newsroom import views

pytestmark = pytest.mark.django_db


@pytest.fixture
def home_fails(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("Something the code did not expect")

    monkeypatch.setattr("articles.views.HomeView.get", broken)


def test_an_unexpected_error_is_the_sites_500_page(settings, home_fails):
    settings.NEWSROOM_SITE_NAME = "The Eastport Courier"
    response = Client(raise_request_exception=False).get(reverse("articles:home"))

    assert response.status_code == 500
    assertContains(response, "<title>Server error · The Eastport Courier</title>", status_code=500)
    assertContains(response, "Something went wrong on our side", status_code=500)
    assertContains(response, 'rel="stylesheet" href="/static/css/site.css"', status_code=500)
    assertContains(response, '<a href="/">Back to the front page</a>', status_code=500)
    assertNotContains(response, "RuntimeError", status_code=500)


def test_the_500_page_reads_nothing_from_the_database():
    with CaptureQueriesContext(connection) as queries:
        response = views.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert len(queries) == 0


def test_when_even_the_500_page_fails_a_plain_line_is_sent(monkeypatch):
    def no_manifest(path):
        raise ValueError(f"Missing staticfiles manifest entry for '{path}'")

    monkeypatch.setattr("django.templatetags.static.StaticNode.handle_simple", no_manifest)
    response = views.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert response.content == views.BARE_SERVER_ERROR
