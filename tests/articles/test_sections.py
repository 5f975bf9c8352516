"""Sections: a primary section per story, section pages and feeds, the navigation, the
article's metadata, the Google News sitemap and the page cache."""

import io
import json
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import feedparser
import pytest
from defusedxml import ElementTree
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import (
    Section,
    navigation_sections,
)
from articles.services import article_update, section_create, section_delete, section_update
from newsroom import page_cache
from tests.articles.editorial import article_form_data
from tests.factories import ArticleFactory, AuthorFactory, ago
from tests.helpers import warm_remembered

pytestmark = pytest.mark.django_db

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def page_cache_on(settings):
    settings.NEWSROOM_PAGE_CACHE = True
    page_cache._invalidate_everything_when_back = False


@pytest.fixture
def world(db):
    return section_create(
        by=None, name="World", slug="world", description="News from abroad.", position=1
    )


@pytest.fixture
def politics(db):
    return section_create(by=None, name="Politics", slug="politics", position=2)


def section_url(section) -> str:
    return reverse("articles:section", kwargs={"slug": section.slug})


# Section pages.


def test_a_section_page_lists_its_published_stories_newest_first(client, world, politics):
    older = ArticleFactory(headline="Older world story", section=world, published_at=ago(days=2))
    newer = ArticleFactory(headline="Newer world story", section=world)
    ArticleFactory(headline="A politics story", section=politics)
    ArticleFactory(headline="A world draft", section=world, draft=True)

    response = client.get(section_url(world))
    assert list(response.context["articles"]) == [newer, older]
    assertContains(response, "<h1>World</h1>", html=True)
    assertContains(response, "News from abroad.")
    assertNotContains(response, "A politics story")
    assertNotContains(response, "A world draft")
    assertContains(response, reverse("articles:section-feed", kwargs={"slug": "world"}))


def test_an_unknown_section_is_404_and_an_empty_one_is_a_page(client, world):
    assert client.get("/sections/nowhere/").status_code == 404
    assertContains(client.get(section_url(world)), "No stories yet.")


def test_section_pages_go_by_position(client, world, settings):
    settings.NEWSROOM_PAGE_SIZE = 2
    stories = [ArticleFactory(section=world, published_at=ago(hours=n)) for n in range(1, 6)]
    first = client.get(section_url(world))
    assert list(first.context["articles"]) == stories[:2]
    second = client.get(section_url(world) + first.context["page_obj"].older_query)
    assert list(second.context["articles"]) == stories[2:4]
    assert "?before=" in first.context["page_obj"].older_query


def test_a_section_page_costs_the_same_with_3_or_30_stories(client, world):
    def queries() -> int:
        warm_remembered()
        with CaptureQueriesContext(connection) as context:
            assert client.get(section_url(world)).status_code == 200
        return len(context.captured_queries)

    ArticleFactory.create_batch(3, section=world, tags=["A"])
    small = queries()
    ArticleFactory.create_batch(27, section=world, tags=["B", "C"])
    assert queries() == small


# Feeds.


@pytest.mark.parametrize("view", ["articles:section-feed", "articles:section-feed-atom"])
def test_the_section_feed_lists_its_published_stories(client, world, politics, view):
    ArticleFactory(headline="A world story", section=world)
    ArticleFactory(headline="A politics story", section=politics)
    ArticleFactory(headline="A world draft", section=world, draft=True)

    response = client.get(reverse(view, kwargs={"slug": "world"}))
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo
    assert parsed.feed.title == "Newsroom: World"
    assert parsed.feed.link == "http://testserver/sections/world/"
    assert [entry.title for entry in parsed.entries] == ["A world story"]


def test_an_unknown_section_feed_is_404(client):
    assert client.get(reverse("articles:section-feed", kwargs={"slug": "x"})).status_code == 404


# Navigation.


def test_the_sections_in_navigation_are_in_every_page_header(client, world, politics):
    section_create(by=None, name="Archive", slug="archive", position=0, is_in_navigation=False)
    html = client.get(reverse("articles:home")).content.decode()
    nav = html[html.index('<nav class="site-nav"') : html.index("</nav>")]
    assert nav.index(">World</a>") < nav.index(">Politics</a>")
    assert "Archive" not in nav
    page = client.get(section_url(world)).content.decode()
    assert '<a href="/sections/world/" aria-current="page">World</a>' in page


def test_the_navigation_costs_one_query_then_none(world, django_assert_num_queries):
    Section.forget_navigation()
    with django_assert_num_queries(1):
        assert [s.name for s in navigation_sections()] == ["World"]
    with django_assert_num_queries(0):
        assert [s.name for s in navigation_sections()] == ["World"]


def test_renaming_a_section_shows_in_the_navigation_at_once(client, world, committed):
    assertContains(client.get("/"), ">World</a>")
    with committed():
        section_update(section=world, by=None, name="The World")
    assertContains(client.get("/"), ">The World</a>")


# The article page's metadata.


def test_the_article_page_names_its_section_in_meta_and_json_ld(client, world):
    story = ArticleFactory(section=world)
    response = client.get(story.get_absolute_url())
    assertContains(response, '<meta property="article:section" content="World">', html=True)
    data = json.loads(
        re.search(
            r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
        ).group(1)
    )
    assert data["articleSection"] == "World"


def test_a_story_without_a_section_says_none(client):
    response = client.get(ArticleFactory().get_absolute_url())
    assertNotContains(response, "article:section")
    assertNotContains(response, "articleSection")


# The Google News sitemap.


def test_the_news_sitemap_lists_the_last_two_days_with_news_tags(client, world):
    fresh = ArticleFactory(headline="Fresh & new", section=world, published_at=ago(hours=3))
    ArticleFactory(headline="Old news", published_at=ago(days=3))
    ArticleFactory(headline="A draft", draft=True)

    response = client.get(reverse("sitemap-section", kwargs={"section": "news"}))
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    urls = root.findall("sm:url", NS)
    assert [url.findtext("sm:loc", namespaces=NS) for url in urls] == [
        f"http://testserver{fresh.get_absolute_url()}"
    ]
    news = urls[0].find("news:news", NS)
    assert news.findtext("news:publication/news:name", namespaces=NS) == "Newsroom"
    assert news.findtext("news:publication/news:language", namespaces=NS)
    assert news.findtext("news:title", namespaces=NS) == "Fresh & new"
    assert news.findtext("news:publication_date", namespaces=NS).startswith(
        fresh.published_at.date().isoformat()[:4]
    )


def test_the_sitemap_index_lists_the_news_and_sections_sitemaps(client, world):
    ArticleFactory(section=world)
    root = ElementTree.fromstring(client.get(reverse("sitemap")).content)
    locations = [site.findtext("sm:loc", namespaces=NS) for site in root.findall("sm:sitemap", NS)]
    assert "http://testserver/sitemap-news.xml" in locations
    assert "http://testserver/sitemap-sections.xml" in locations
    sections = ElementTree.fromstring(
        client.get(reverse("sitemap-section", kwargs={"section": "sections"})).content
    )
    assert [u.findtext("sm:loc", namespaces=NS) for u in sections.findall("sm:url", NS)] == [
        "http://testserver/sections/world/"
    ]


# The page cache.


def test_a_section_page_names_its_section(client, world, page_cache_on):
    response = client.get(section_url(world))
    assert f"section-{world.pk}" in response["Cache-Tag"].split()


def test_an_article_page_names_its_section(client, world, page_cache_on):
    story = ArticleFactory(section=world)
    assert f"section-{world.pk}" in client.get(story.get_absolute_url())["Cache-Tag"].split()


def test_moving_a_story_refreshes_both_section_pages(
    client, world, politics, editor, page_cache_on, committed
):
    story = ArticleFactory(headline="Moving story", section=world)
    assertContains(client.get(section_url(world)), "Moving story")
    assertNotContains(client.get(section_url(politics)), "Moving story")
    with committed():
        article_update(article=story, by=editor, section=politics)
    assertNotContains(client.get(section_url(world)), "Moving story")
    assertContains(client.get(section_url(politics)), "Moving story")


def test_editing_a_section_refreshes_its_page(client, world, page_cache_on, committed):
    assertContains(client.get(section_url(world)), "News from abroad.")
    with committed():
        section_update(section=world, by=None, description="The world, daily.")
    assertContains(client.get(section_url(world)), "The world, daily.")


# Who may.


def test_writers_may_not_change_sections(writer, world):
    with pytest.raises(PermissionDenied):
        section_create(by=writer, name="Opinion", slug="opinion")
    with pytest.raises(PermissionDenied):
        section_update(section=world, by=writer, name="Abroad")
    with pytest.raises(PermissionDenied):
        section_delete(section=world, by=writer)


def test_an_editor_manages_sections_in_the_admin(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_section_add"),
        {"name": "Business", "slug": "business", "description": "", "position": "3"},
    )
    assert response.status_code == 302
    section = Section.objects.get(slug="business")
    assert not section.is_in_navigation  # an unticked box
    response = client.post(
        reverse("admin:articles_section_change", args=[section.pk]),
        {"name": "Business", "slug": "business", "position": "3", "is_in_navigation": "on"},
    )
    assert response.status_code == 302
    assert Section.objects.get().is_in_navigation


def test_a_writer_sees_sections_in_the_admin_but_may_not_add_one(client, writer):
    client.force_login(writer)
    assert client.get(reverse("admin:articles_section_changelist")).status_code == 200
    assert client.get(reverse("admin:articles_section_add")).status_code == 403


def test_a_section_with_stories_cannot_be_deleted(editor, world):
    ArticleFactory(section=world)
    with pytest.raises(ValidationError):
        section_delete(section=world, by=editor)
    assert Section.objects.filter(pk=world.pk).exists()


def test_a_writer_files_their_story_in_a_section_from_the_admin(client, writer, world):
    client.force_login(writer)
    data = article_form_data(section=world.pk, status="draft")
    data.update({"bylines-TOTAL_FORMS": "1", "bylines-0-author": AuthorFactory().pk})
    data["bylines-0-position"] = "0"
    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    from articles.models import Article

    assert Article.objects.get(slug="a-new-story").section == world


def test_the_demo_content_files_stories_in_sections(db):
    from django.core.management import call_command

    call_command("load_demo_content", "--no-editor", stdout=io.StringIO())
    names = set(Section.objects.values_list("name", flat=True))
    assert {"World", "Politics", "Business", "Culture"} <= names
    from articles.models import Article

    assert not Article.objects.filter(section__isnull=True).exists()
