"""Sitemaps and robots.txt: well-formed, published pages only, absolute URLs, right dates."""

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone

import pytest

from tests.factories import ArticleFactory, AuthorFactory, ago, from_now
from tests.helpers import warm_remembered

pytestmark = pytest.mark.django_db

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


def fetch(client, url) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)  # noqa: S314 - our own response


def section_url(section):
    return reverse("sitemap-section", kwargs={"section": section})


def entries(root) -> dict[str, str | None]:
    return {
        url.findtext("sm:loc", namespaces=NS): url.findtext("sm:lastmod", namespaces=NS)
        for url in root.findall("sm:url", NS)
    }


@pytest.fixture
def corpus(author):
    """Fresh and old stories by Mara; a draft by a ghost writer, a scheduled story."""
    ghost = AuthorFactory(display_name="Ghost Writer", slug="ghost-writer")
    draft = ArticleFactory(slug="draft", draft=True, authors=[ghost], tags=["Embargoed"])
    scheduled = ArticleFactory(slug="scheduled", published_at=from_now(hours=3), tags=["Future"])
    fresh = ArticleFactory(
        slug="fresh", published_at=ago(hours=2), authors=[author], tags=["Transport"]
    )
    old = ArticleFactory(slug="old", published_at=ago(days=5), authors=[author], tags=["Culture"])
    return {"fresh": fresh, "old": old, "draft": draft, "scheduled": scheduled}


def test_index_lists_every_section_with_absolute_urls(client, corpus):
    root = fetch(client, reverse("sitemap"))
    locations = [site.findtext("sm:loc", namespaces=NS) for site in root.findall("sm:sitemap", NS)]
    assert locations == [
        "http://testserver/sitemap-articles.xml",
        "http://testserver/sitemap-news.xml",
        "http://testserver/sitemap-sections.xml",
        "http://testserver/sitemap-tags.xml",
        "http://testserver/sitemap-authors.xml",
    ]
    for site in root.findall("sm:sitemap", NS):
        datetime.fromisoformat(site.findtext("sm:lastmod", namespaces=NS))


def test_article_sitemap_lists_published_articles_with_lastmod(client, corpus):
    urls = entries(fetch(client, section_url("articles")))
    assert set(urls) == {"http://testserver/articles/fresh/", "http://testserver/articles/old/"}
    old = corpus["old"]
    lastmod = datetime.fromisoformat(urls["http://testserver/articles/old/"])
    assert lastmod == max(old.updated_at, old.published_at)


def test_a_story_scheduled_then_published_is_modified_at_its_publication(client):
    # Saved yesterday for publication an hour ago: the page first changed an hour ago.
    article = ArticleFactory(slug="scheduled-earlier")
    published_at = timezone.now() - timedelta(hours=1)
    type(article).objects.filter(pk=article.pk).update(
        updated_at=timezone.now() - timedelta(days=1), published_at=published_at
    )
    urls = entries(fetch(client, section_url("articles")))
    assert datetime.fromisoformat(urls["http://testserver/articles/scheduled-earlier/"]) == (
        published_at
    )


def test_tag_and_author_sitemaps_list_only_pages_with_published_stories(client, corpus):
    tags = entries(fetch(client, section_url("tags")))
    assert set(tags) == {"http://testserver/tags/culture/", "http://testserver/tags/transport/"}

    authors = entries(fetch(client, section_url("authors")))
    assert set(authors) == {
        "http://testserver/authors/mara-ellison/",
        *(f"http://testserver{a.get_absolute_url()}" for a in corpus["old"].authors.all()),
    }
    assert "http://testserver/authors/ghost-writer/" not in authors
    # Lists say no lastmod: knowing it would mean reading every tagged story each time.
    assert set(tags.values()) == set(authors.values()) == {None}


def test_news_sitemap_lists_stories_of_the_last_48_hours(client, corpus):
    ArticleFactory(
        slug="day-before-yesterday",
        headline="Just too old",
        published_at=timezone.now() - timedelta(hours=49),
    )
    hostile = ArticleFactory(
        slug="hostile",
        headline="Cats & dogs </news:title><script>",
        published_at=timezone.now() - timedelta(hours=47),
    )

    root = fetch(client, section_url("news"))
    urls = root.findall("sm:url", NS)
    assert [url.findtext("sm:loc", namespaces=NS) for url in urls] == [
        "http://testserver/articles/fresh/",
        "http://testserver/articles/hostile/",
    ]
    news = urls[1].find("news:news", NS)
    assert news.findtext("news:publication/news:name", namespaces=NS) == "Newsroom"
    assert news.findtext("news:publication/news:language", namespaces=NS) == "en"
    assert news.findtext("news:title", namespaces=NS) == "Cats & dogs </news:title><script>"
    assert datetime.fromisoformat(news.findtext("news:publication_date", namespaces=NS)) == (
        hostile.published_at
    )


def test_sitemaps_use_the_configured_base_url(client, corpus, settings):
    settings.NEWSROOM_BASE_URL = "https://news.example.org"
    index = fetch(client, reverse("sitemap"))
    assert index.findtext("sm:sitemap/sm:loc", namespaces=NS) == (
        "https://news.example.org/sitemap-articles.xml"
    )
    assert "https://news.example.org/articles/fresh/" in entries(
        fetch(client, section_url("articles"))
    )


def test_large_article_sitemaps_are_split_into_pages(client, corpus, monkeypatch):
    from articles.sitemaps import ArticleSitemap

    monkeypatch.setattr(ArticleSitemap, "limit", 1)
    index = fetch(client, reverse("sitemap"))
    locations = [site.findtext("sm:loc", namespaces=NS) for site in index.findall("sm:sitemap", NS)]
    assert "http://testserver/sitemap-articles.xml?p=2" in locations
    assert len(entries(fetch(client, section_url("articles") + "?p=2"))) == 1


@pytest.mark.parametrize("section", ["articles", "tags", "authors"])
def test_sitemap_pages_hold_every_url_once_in_order(client, monkeypatch, section):
    from articles import sitemaps

    monkeypatch.setattr(sitemaps.ArticleSitemap, "limit", 2)
    monkeypatch.setattr(sitemaps.TagSitemap, "limit", 2)
    monkeypatch.setattr(sitemaps.AuthorSitemap, "limit", 2)
    now = timezone.now()
    same = now - timedelta(days=2)
    for n in range(7):
        # Three of them published at the same moment: ties are broken by id.
        at = same if n in (2, 3, 4) else now - timedelta(days=n, hours=1)
        ArticleFactory(slug=f"s{n}", published_at=at, tags=[f"T{n}"], authors=[AuthorFactory()])
    index = fetch(client, reverse("sitemap"))
    pages = [
        site.findtext("sm:loc", namespaces=NS)
        for site in index.findall("sm:sitemap", NS)
        if f"sitemap-{section}.xml" in site.findtext("sm:loc", namespaces=NS)
    ]

    urls = [
        url
        for page in pages
        for url in entries(fetch(client, page.removeprefix("http://testserver")))
    ]

    assert len(pages) == 4
    assert len(urls) == 7 == len(set(urls))
    if section == "articles":
        from articles.models import Article

        newest_first = Article.objects.published().order_by("-published_at", "-pk")
        assert urls == [f"http://testserver{a.get_absolute_url()}" for a in newest_first]


def test_an_article_sitemap_page_fetches_only_its_own_rows(client, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from articles.sitemaps import ArticleSitemap

    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    ArticleFactory.create_batch(7, body="<p>A long body the sitemap never needs.</p>")
    with CaptureQueriesContext(connection) as queries:
        entries(fetch(client, section_url("articles") + "?p=3"))

    for query in queries.captured_queries:
        sql = query["sql"]
        assert "body" not in sql, sql
        # Skipping to page 3 reads positions (two columns of an index), never whole rows.
        if "OFFSET" in sql:
            select = sql.split(" FROM ")[0]
            assert select.count(",") == 1 and "published_at" in select, sql


def test_unknown_section_or_page_is_404(client, corpus):
    assert client.get(section_url("nope")).status_code == 404
    assert client.get(section_url("articles") + "?p=9").status_code == 404
    assert client.get(section_url("articles") + "?p=x").status_code == 404


def test_sitemap_index_query_count_does_not_grow_with_articles(
    client, django_assert_max_num_queries
):
    for _ in range(30):
        ArticleFactory(tags=["A", "B"])
    # +1 for the page cache: when the next scheduled story appears (see articles/caching.py);
    # +2 for the sections' sitemap (how many pages, the latest publication).
    warm_remembered()
    with django_assert_max_num_queries(11):
        client.get(reverse("sitemap"))


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out(client, settings):
    response = client.get(reverse("robots"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for path in ("/admin/", "/accounts/", "/search/", "/preview/"):
        assert f"Disallow: {path}" in lines
    assert "Disallow: /articles/" not in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines

    settings.NEWSROOM_BASE_URL = "https://news.example.org"
    assert (
        "Sitemap: https://news.example.org/sitemap.xml"
        in client.get("/robots.txt").content.decode()
    )


def test_previews_are_kept_out_by_robots_txt(client):
    preview = reverse("articles:preview", kwargs={"pk": 1})
    lines = client.get(reverse("robots")).content.decode().splitlines()
    disallowed = [line.removeprefix("Disallow: ") for line in lines if line.startswith("Disallow")]
    assert any(preview.startswith(prefix) for prefix in disallowed), preview
    search = reverse("articles:search")
    assert any(search.startswith(prefix) for prefix in disallowed)


def test_a_full_article_sitemap_stays_under_2_mb_even_with_the_longest_slugs(client, settings):
    from articles.models import Article
    from articles.sitemaps import ARTICLES_PER_SITEMAP

    settings.NEWSROOM_BASE_URL = "https://news.example-newsroom.org"
    longest = Article._meta.get_field("slug").max_length
    empty = len(client.get(section_url("articles")).content)
    for n in range(4):
        ArticleFactory(slug=f"{n}{'x' * (longest - 1)}")

    per_url = (len(client.get(section_url("articles")).content) - empty) / 4

    assert ARTICLES_PER_SITEMAP <= 10_000
    assert empty + per_url * ARTICLES_PER_SITEMAP < 2_000_000
