"""Lists of stories read by position: every story once, the same cost at any depth."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timezone import localtime

import pytest
from pytest_django.asserts import assertContains

from articles.pagination import Cursor
from tests.factories import ArticleFactory, AuthorFactory

pytestmark = pytest.mark.django_db


def follow(client, url, rel):
    """The headlines of every page from ``url`` on, following ``rel`` links."""
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, url
        pages.append([article.headline for article in response.context["articles"]])
        link = re.search(rf'rel="{rel}" href="([^"]+)"', response.content.decode())
        url = None
        if link:
            href = link.group(1).replace("&amp;", "&")
            url = href if href.startswith("/") else response.request["PATH_INFO"] + href
    return pages


@pytest.fixture
def archive(settings):
    """Ten stories, four of them published at the very same moment (ties broken by id)."""
    settings.NEWSROOM_PAGE_SIZE = 3
    now = timezone.now()
    same = now - timedelta(hours=5)
    stories = []
    for n in range(10):
        at = same if 3 <= n <= 6 else now - timedelta(hours=n + 1)
        stories.append(ArticleFactory(headline=f"Story {n}", published_at=at))
    ArticleFactory(headline="A draft", draft=True, published_at=same)
    ArticleFactory(headline="Scheduled", published_at=now + timedelta(hours=1))
    newest_first = sorted(stories, key=lambda a: (a.published_at, a.pk), reverse=True)
    return [article.headline for article in newest_first]


def test_older_links_show_every_published_story_once_in_order(client, archive):
    pages = follow(client, reverse("articles:home"), "next")

    assert [len(page) for page in pages] == [3, 3, 3, 1]
    assert [headline for page in pages for headline in page] == archive


def test_newer_links_lead_back_through_the_same_pages(client, archive):
    older = follow(client, reverse("articles:home"), "next")
    last = reverse("articles:home") + f"?page={len(older)}"

    newer = follow(client, last, "prev")

    assert newer == list(reversed(older))


def test_deep_pages_link_to_the_latest_stories(client, archive):
    home = reverse("articles:home")
    second = client.get(home + client.get(home).context["page_obj"].older_query)
    third = client.get(home + second.context["page_obj"].older_query)

    assertContains(third, f'<a href="{home}">Latest stories</a>', html=True)
    assert "Latest stories</a>" not in second.content.decode()
    first_shown = date_format(
        localtime(third.context["articles"][0].published_at), "DATETIME_FORMAT"
    )
    assertContains(third, f"<title>Stories from {first_shown} · Newsroom</title>")
    assertContains(third, f'<link rel="canonical" href="http://testserver{home}?before=')


def test_a_newer_link_from_near_the_top_shows_the_first_page(client, archive):
    home = reverse("articles:home")
    first = client.get(home)
    newest = first.context["articles"][0]

    response = client.get(home, {"after": Cursor.of(newest).encode()})

    assert list(response.context["articles"]) == list(first.context["articles"])
    assertContains(response, f'<link rel="canonical" href="http://testserver{home}">')


def test_a_newer_link_past_the_oldest_story_shows_the_oldest_without_an_older_link(client, archive):
    home = reverse("articles:home")

    response = client.get(home, {"after": "0001-01-01T00:00:00.000000Z,1"})

    assert [a.headline for a in response.context["articles"]] == archive[-3:]
    assert not response.context["page_obj"].has_next()
    assert response.context["page_obj"].has_previous()


@pytest.mark.parametrize(
    "params",
    [
        {"before": "junk"},
        {"before": ""},
        {"before": "2024-01-01T00:00:00.000000Z"},
        {"before": "2024-01-01T00:00:00.000000Z,x"},
        {"before": "2024-01-01T00:00:00.000000+01:00,3"},
        {"before": "2024-13-01T00:00:00.000000Z,3"},
        {"before": "2024-01-01T00:00:00.000000Z,99999999999999999999999"},
        {"before": "0001-01-01T00:00:00.000000Z,1"},  # Older than every story: no page.
        {"after": "yesterday,3"},
        {"page": "2.5"},
    ],
)
def test_a_cursor_that_cannot_be_read_is_a_404(client, archive, params):
    for url in (
        reverse("articles:home"),
        reverse("articles:author", kwargs={"slug": AuthorFactory().slug}),
    ):
        assert client.get(url, params).status_code == 404, (url, params)


def test_a_cursor_round_trips_whatever_the_time_zone():
    at = datetime(2024, 3, 3, 14, 5, 0, 12, tzinfo=ZoneInfo("Pacific/Auckland"))

    cursor = Cursor.decode(Cursor(at, 42).encode())

    assert cursor == Cursor(at.astimezone(UTC), 42)
    assert Cursor(at, 42).encode() == "2024-03-03T01:05:00.000012Z,42"


def queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in context.captured_queries]


@pytest.mark.parametrize("name", ["home", "tag", "author"])
def test_a_deep_page_costs_what_the_second_does_and_nothing_is_counted(client, settings, name):
    settings.NEWSROOM_PAGE_SIZE = 2
    author = AuthorFactory(slug="mara")
    for n in range(14):
        ArticleFactory(
            published_at=timezone.now() - timedelta(hours=n + 1), authors=[author], tags=["Town"]
        )
    kwargs = {"slug": {"tag": "town", "author": "mara"}[name]} if name != "home" else {}
    url = reverse(f"articles:{name}", kwargs=kwargs)
    pages = [url]
    for _ in range(6):
        pages.append(url + client.get(pages[-1]).context["page_obj"].older_query)

    second, deep = queries(client, pages[1]), queries(client, pages[-1])

    assert len(deep) == len(second)
    for sql in second + deep + queries(client, url):
        assert "COUNT(*)" not in sql.upper(), sql
        assert "OFFSET" not in sql.upper(), sql


def test_a_position_paginator_page_gone_since_the_count_is_an_empty_page(archive):
    from django.core.paginator import EmptyPage

    from articles.models import Article
    from articles.pagination import PositionPaginator

    paginator = PositionPaginator(Article.objects.published(), 3)
    assert paginator.num_pages == 4
    assert [a.headline for a in paginator.page(2)] == archive[3:6]
    Article.objects.filter(headline__in=archive[1:]).update(status=Article.Status.DRAFT)

    with pytest.raises(EmptyPage):
        paginator.page(4)
