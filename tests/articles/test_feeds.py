"""RSS and Atom feeds: valid, published stories only, absolute links, right dates and bylines."""

from datetime import UTC

from django.urls import reverse

import feedparser
import pytest

from tests.factories import ArticleFactory, AuthorFactory, ago, from_now
from tests.helpers import warm_remembered

pytestmark = pytest.mark.django_db

FEEDS = ["articles:feed", "articles:feed-atom"]


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return response, parsed


@pytest.fixture
def corpus(author):
    """Two published stories by Mara (one also by Tomas), a draft and a scheduled story."""
    tomas = AuthorFactory(display_name="Tomas Reyes", slug="tomas-reyes")
    return {
        "older": ArticleFactory(
            headline="Older story",
            slug="older-story",
            published_at=ago(days=2),
            authors=[author],
            tags=["Transport"],
        ),
        "newest": ArticleFactory(
            headline="Newest story",
            slug="newest-story",
            standfirst="Buses & <trams> return",
            published_at=ago(hours=1),
            authors=[author, tomas],
            tags=["Transport", "Eastport"],
        ),
        "draft": ArticleFactory(headline="Draft story", draft=True, tags=["Transport"]),
        "scheduled": ArticleFactory(
            headline="Scheduled story", published_at=from_now(days=1), tags=["Transport"]
        ),
    }


@pytest.mark.parametrize("view", FEEDS)
def test_site_feed_lists_published_stories_newest_first(client, corpus, view):
    response, parsed = parse(client, reverse(view))

    assert [entry.title for entry in parsed.entries] == ["Newest story", "Older story"]
    assert parsed.feed.title == "Newsroom"
    assert parsed.feed.link == "http://testserver/"
    assert "Draft story" not in response.content.decode()
    assert "Scheduled story" not in response.content.decode()


@pytest.mark.parametrize("view", FEEDS)
def test_feed_entries_carry_link_summary_bylines_tags_and_dates(client, corpus, view):
    _, parsed = parse(client, reverse(view))
    entry = parsed.entries[0]
    newest = corpus["newest"]

    assert entry.link == "http://testserver/articles/newest-story/"
    assert entry.id == "http://testserver/articles/newest-story/"
    # Escaped once in the feed, so readers show the text, never markup.
    assert entry.summary == "Buses &amp; &lt;trams&gt; return"
    assert sorted(tag.term for tag in entry.tags) == ["Eastport", "Transport"]
    assert [author.name for author in entry.authors] == ["Mara Ellison", "Tomas Reyes"]
    published = newest.published_at.astimezone(UTC).replace(microsecond=0)
    assert entry.published_parsed[:6] == published.timetuple()[:6]


def test_atom_authors_link_to_their_byline_pages(client, corpus):
    _, parsed = parse(client, reverse("articles:feed-atom"))
    assert parsed.entries[0].authors[0].href == "http://testserver/authors/mara-ellison/"


@pytest.mark.parametrize("view", FEEDS)
def test_feed_links_use_the_configured_base_url(client, corpus, settings, view):
    settings.NEWSROOM_BASE_URL = "https://news.example.org"
    _, parsed = parse(client, reverse(view))
    assert parsed.entries[0].link == "https://news.example.org/articles/newest-story/"
    assert parsed.feed.link == "https://news.example.org/"


def test_feed_length_follows_the_setting(client, settings):
    settings.NEWSROOM_FEED_ITEMS = 3
    ArticleFactory.create_batch(5)
    _, parsed = parse(client, reverse("articles:feed"))
    assert len(parsed.entries) == 3


@pytest.mark.parametrize("view", ["articles:tag-feed", "articles:tag-feed-atom"])
def test_tag_feed_lists_only_published_stories_with_the_tag(client, corpus, view):
    ArticleFactory(headline="Untagged story")
    _, parsed = parse(client, reverse(view, kwargs={"slug": "eastport"}))
    assert [entry.title for entry in parsed.entries] == ["Newest story"]
    assert parsed.feed.title == "Newsroom: Eastport"
    assert parsed.feed.link == "http://testserver/tags/eastport/"


def test_tag_used_only_by_drafts_has_no_feed(client):
    ArticleFactory(draft=True, tags=["Embargoed"])
    assert client.get(reverse("articles:tag-feed", kwargs={"slug": "embargoed"})).status_code == 404
    assert client.get(reverse("articles:tag-feed", kwargs={"slug": "nope"})).status_code == 404


@pytest.mark.parametrize("view", ["articles:author-feed", "articles:author-feed-atom"])
def test_author_feed_lists_only_their_published_stories(client, corpus, view):
    ArticleFactory(headline="Someone else's story")
    ArticleFactory(headline="Tomas's draft", draft=True, authors=[corpus["newest"].authors.last()])
    _, parsed = parse(client, reverse(view, kwargs={"slug": "tomas-reyes"}))
    assert [entry.title for entry in parsed.entries] == ["Newest story"]
    assert parsed.feed.title == "Newsroom: Tomas Reyes"


def test_unknown_author_feed_is_404(client):
    assert client.get(reverse("articles:author-feed", kwargs={"slug": "nobody"})).status_code == 404


@pytest.mark.parametrize("view", FEEDS)
def test_empty_site_still_has_a_valid_feed(client, view):
    _, parsed = parse(client, reverse(view))
    assert parsed.entries == []


@pytest.mark.parametrize("view", FEEDS)
def test_hostile_headline_is_text_in_the_feed(client, view):
    ArticleFactory(headline="</title><script>alert(1)</script> & more")
    _, parsed = parse(client, reverse(view))
    assert parsed.entries[0].title == "</title><script>alert(1)</script> & more"


@pytest.mark.parametrize("view", ["articles:tag-feed", "articles:tag-feed-atom"])
def test_unicode_headlines_tags_and_bylines_survive_the_feed(client, view):
    author = AuthorFactory(display_name="Zoë Ångström", slug="zoë-ångström")
    ArticleFactory(
        headline="Café « Ünïcödé » reopens 🚋 — 東京",
        slug="café-reopens",
        standfirst="Crème brûlée\u2028for all",
        authors=[author],
        tags=["Café"],
    )
    response, parsed = parse(client, reverse(view, kwargs={"slug": "café"}))
    assert response["Content-Type"].endswith("charset=utf-8")
    entry = parsed.entries[0]
    assert entry.title == "Café « Ünïcödé » reopens 🚋 — 東京"
    assert [tag.term for tag in entry.tags] == ["Café"]
    assert entry.author == "Zoë Ångström"
    assert entry.link == "http://testserver/articles/caf%C3%A9-reopens/"
    author_feed = parse(client, reverse("articles:author-feed", kwargs={"slug": author.slug}))[1]
    assert [entry.title for entry in author_feed.entries] == [entry.title]


def test_an_unknown_tag_or_author_has_no_feed_in_either_format(client, corpus):
    for view in ("articles:tag-feed", "articles:tag-feed-atom"):
        assert client.get(reverse(view, kwargs={"slug": "no-such-tag"})).status_code == 404
    for view in ("articles:author-feed", "articles:author-feed-atom"):
        assert client.get(reverse(view, kwargs={"slug": "no-such-author"})).status_code == 404


def test_lead_image_becomes_an_enclosure_and_media_content(client, corpus, remote_hero_image):
    image = remote_hero_image

    response, parsed = parse(client, reverse("articles:feed"))
    assert 'url="https://cdn.example.org/bridge.jpg"' in response.content.decode()
    entry = parsed.entries[0]
    assert entry.enclosures[0].href == image.url
    assert entry.enclosures[0].type == "image/jpeg"
    assert entry.enclosures[0].length == "123456"
    assert entry.media_content[0]["url"] == image.url
    assert entry.media_content[0]["width"] == "1200"

    _, atom = parse(client, reverse("articles:feed-atom"))
    assert atom.entries[0].enclosures[0].href == image.url


def test_feeds_without_images_have_no_enclosure(client, corpus):
    response, parsed = parse(client, reverse("articles:feed"))
    assert "enclosure" not in response.content.decode()
    assert not parsed.entries[0].get("enclosures")


@pytest.mark.parametrize("count", [3, 30])
def test_feed_query_count_is_fixed(client, count, django_assert_max_num_queries):
    authors = [AuthorFactory(), AuthorFactory()]
    for _ in range(count):
        ArticleFactory(authors=authors, tags=["A", "B", "C"])
    # +1 for the page cache: when the next scheduled story appears (see articles/caching.py).
    warm_remembered()
    with django_assert_max_num_queries(4):
        client.get(reverse("articles:feed"))
