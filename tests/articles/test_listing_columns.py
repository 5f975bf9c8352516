"""Listing pages read the columns they show: never a story's body or its rendering."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest
from pytest_django.asserts import assertContains

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

BODY = re.compile(r'"articles_article"\."body"')
BODY_HTML = re.compile(r'"articles_article"\."body_html"')


def queries_of(client, url) -> tuple[object, list[str]]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return response, [query["sql"] for query in context.captured_queries]


@pytest.fixture
def stories(author):
    return [
        ArticleFactory(
            headline=f"Story {n}",
            authors=[author],
            tags=["Harbour"],
            body=f"<p>The whole story number {n}.</p>",
        )
        for n in range(3)
    ]


@pytest.mark.parametrize(
    "url",
    [
        lambda author: reverse("articles:home"),
        lambda author: reverse("articles:tag", kwargs={"slug": "harbour"}),
        lambda author: reverse("articles:author", kwargs={"slug": author.slug}),
        lambda author: reverse("sitemap-section", kwargs={"section": "articles"}),
        lambda author: reverse("sitemap-section", kwargs={"section": "news"}),
    ],
    ids=["home", "tag", "author", "sitemap-articles", "sitemap-news"],
)
def test_listing_pages_do_not_read_the_body(client, author, stories, url):
    response, sql = queries_of(client, url(author))

    assertContains(response, stories[0].slug)
    assert not [query for query in sql if BODY.search(query) or BODY_HTML.search(query)]


def test_the_feed_reads_the_body_for_a_story_without_standfirst_but_not_its_rendering(
    client, author
):
    ArticleFactory(standfirst="", body="<p>Opening words of the story.</p>", authors=[author])

    response, sql = queries_of(client, reverse("articles:feed"))

    assertContains(response, "Opening words of the story.")
    assert not [query for query in sql if BODY_HTML.search(query)]
    # One query for the stories, body included: none per story.
    assert len([query for query in sql if BODY.search(query)]) == 1


def test_the_article_page_reads_its_own_body_and_not_its_related_stories(client, stories):
    response, sql = queries_of(client, stories[0].get_absolute_url())

    assertContains(response, "The whole story number 0.")
    assertContains(response, "Story 1")  # a related story, by its shared tag
    assert len([query for query in sql if BODY_HTML.search(query)]) == 1


def test_the_home_page_still_shows_each_card(client, stories):
    response, _ = queries_of(client, reverse("articles:home"))

    for story in stories:
        assertContains(response, story.headline)
        assert "The whole story" not in response.content.decode()
