"""What search engines and social networks read: titles, descriptions, OG, Twitter, JSON-LD."""

import json
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from articles import metadata
from articles.models import Comment
from tests.articles.head import HeadParser, head
from tests.factories import ArticleFactory, AuthorFactory, CommentFactory

pytestmark = pytest.mark.django_db

HOSTILE = '</script><script>alert("x")</script> <!-- Cats & "dogs" \u2028 \'quoted\''


@pytest.fixture
def story(db):
    mara = AuthorFactory(display_name="Mara Ellison", slug="mara-ellison")
    tomas = AuthorFactory(display_name="Tomas Reyes", slug="tomas-reyes")
    article = ArticleFactory(
        headline="Harbour bridge reopens",
        slug="harbour-bridge-reopens",
        standfirst="Commuters cheered as the first buses crossed at dawn.",
        authors=[mara, tomas],
        tags=["Transport", "Eastport"],
        published_at=timezone.now() - timedelta(hours=3),
    )
    CommentFactory.create_batch(2, article=article)
    CommentFactory(article=article, status=Comment.Status.PENDING)
    article.refresh_from_db()
    return article


def test_article_has_open_graph_and_twitter_tags(client, story):
    page = head(client, story.get_absolute_url())
    url = "http://testserver/articles/harbour-bridge-reopens/"

    assert page.title == "Harbour bridge reopens · Newsroom"
    assert page.one("description") == "Commuters cheered as the first buses crossed at dawn."
    assert page.link("canonical") == [url]
    assert page.one("og:type") == "article"
    assert page.one("og:title") == "Harbour bridge reopens"
    assert page.one("og:description") == "Commuters cheered as the first buses crossed at dawn."
    assert page.one("og:url") == url
    assert page.one("og:site_name") == "Newsroom"
    assert page.one("article:published_time") == story.published_at.isoformat()
    assert page.one("article:modified_time") == story.updated_at.isoformat()
    assert page.meta["article:author"] == [
        "http://testserver/authors/mara-ellison/",
        "http://testserver/authors/tomas-reyes/",
    ]
    assert page.meta["article:tag"] == ["Eastport", "Transport"]
    assert page.one("twitter:card") == "summary"
    assert page.one("twitter:title") == "Harbour bridge reopens"
    assert "og:image" not in page.meta
    assert page.one("robots") == "max-image-preview:large"


def test_article_json_ld_is_a_news_article_matching_the_page(client, story):
    response = client.get(story.get_absolute_url())
    parser = HeadParser()
    parser.feed(response.content.decode())
    assert len(parser.json_ld) == 1
    data = json.loads(parser.json_ld[0])

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Harbour bridge reopens"
    assert data["description"] == "Commuters cheered as the first buses crossed at dawn."
    assert data["url"] == "http://testserver/articles/harbour-bridge-reopens/"
    assert data["mainEntityOfPage"]["@id"] == data["url"]
    assert data["datePublished"] == story.published_at.isoformat()
    assert data["dateModified"] == story.updated_at.isoformat()
    assert data["author"] == [
        {
            "@type": "Person",
            "name": "Mara Ellison",
            "url": "http://testserver/authors/mara-ellison/",
        },
        {"@type": "Person", "name": "Tomas Reyes", "url": "http://testserver/authors/tomas-reyes/"},
    ]
    assert data["publisher"] == {
        "@type": "Organization",
        "name": "Newsroom",
        "url": "http://testserver/",
        # A raster logo, as Google asks for (the site's icon is an SVG).
        "logo": {
            "@type": "ImageObject",
            "url": "http://testserver/static/img/publisher-logo.png",
            "width": 512,
            "height": 512,
        },
    }
    assert data["keywords"] == ["Eastport", "Transport"]
    # Two visible comments, one pending: the count the reader sees on the page.
    assert data["commentCount"] == 2
    assertContains(response, '<p class="comment-count">2 comments</p>', html=True)
    assert "image" not in data


@pytest.mark.parametrize("logo", ["", "img/favicon.svg", "img/missing.png", "../settings.py"])
def test_publisher_has_no_logo_without_a_raster_image(client, story, settings, logo):
    settings.NEWSROOM_PUBLISHER_LOGO = logo
    data = json.loads(head(client, story.get_absolute_url()).json_ld[0])
    assert data["publisher"] == {
        "@type": "Organization",
        "name": "Newsroom",
        "url": "http://testserver/",
    }


def test_a_logo_that_is_not_a_raster_image_is_a_startup_warning(settings):
    from articles.checks import check_publisher_logo

    assert check_publisher_logo(None) == []
    settings.NEWSROOM_PUBLISHER_LOGO = ""
    assert check_publisher_logo(None) == []
    for logo in ("img/favicon.svg", "img/missing.png", "../settings.py"):
        settings.NEWSROOM_PUBLISHER_LOGO = logo
        assert [warning.id for warning in check_publisher_logo(None)] == ["articles.W001"], logo


def test_the_publisher_logo_is_served(client):
    from django.contrib.staticfiles import finders

    from PIL import Image

    with Image.open(finders.find("img/publisher-logo.png")) as logo:
        assert (logo.format, logo.size) == ("PNG", (512, 512))


def test_hostile_headline_cannot_break_out_of_json_ld_or_attributes(client):
    article = ArticleFactory(headline=HOSTILE, standfirst=HOSTILE, tags=[HOSTILE[:90]])
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    page = HeadParser()
    page.feed(html)

    # The only scripts are our JSON-LD and our static file: nothing the headline opened.
    assert [script.get("type") or script.get("src") for script in page.scripts] == [
        "application/ld+json",
        "/static/js/share.js",
        "/static/js/live-comments.js",
    ]
    assert "<script>alert" not in html
    assert json.loads(page.json_ld[0])["headline"] == HOSTILE
    assert json.loads(page.json_ld[0])["keywords"] == [HOSTILE[:90]]
    assert "</script>" not in page.json_ld[0]
    assert "<!--" not in page.json_ld[0]
    assert page.one("og:title") == HOSTILE
    assert page.one("twitter:title") == HOSTILE
    assert page.one("description") == " ".join(HOSTILE.split())


def test_json_ld_script_escapes_markup_characters():
    script = metadata.json_ld_script({"headline": "</script><b>&"})
    assert script == (
        '<script type="application/ld+json">'
        '{"headline": "\\u003C/script\\u003E\\u003Cb\\u003E\\u0026"}</script>'
    )


def test_article_without_standfirst_is_described_by_its_opening(client):
    article = ArticleFactory(
        standfirst="", body="<p>The <em>council</em> met.</p><p>Again &amp; again.</p>"
    )
    page = head(client, article.get_absolute_url())
    assert page.one("description") == "The council met. Again & again."


def test_lead_image_fills_og_twitter_and_json_ld(client, story, remote_hero_image):
    image = remote_hero_image

    page = head(client, story.get_absolute_url())
    assert page.one("og:image") == image.url
    assert page.one("og:image:width") == "1200"
    assert page.one("og:image:height") == "675"
    assert page.one("og:image:alt") == "Buses crossing the bridge"
    assert page.one("twitter:card") == "summary_large_image"
    assert page.one("twitter:image") == image.url
    assert page.one("twitter:image:alt") == "Buses crossing the bridge"
    assert json.loads(page.json_ld[0])["image"] == {
        "@type": "ImageObject",
        "url": image.url,
        "width": 1200,
        "height": 675,
        "caption": "Buses crossing the bridge",
    }


def test_canonical_links_use_the_base_url_and_drop_tracking_parameters(client, story, settings):
    settings.NEWSROOM_BASE_URL = "https://news.example.org"
    page = head(client, story.get_absolute_url() + "?utm_source=share&page=3")
    assert page.link("canonical") == ["https://news.example.org/articles/harbour-bridge-reopens/"]
    assert json.loads(page.json_ld[0])["url"] == (
        "https://news.example.org/articles/harbour-bridge-reopens/"
    )


def test_every_page_has_a_unique_title_description_canonical_and_cards(client, story, settings):
    from articles.models import Correction

    settings.NEWSROOM_PAGE_SIZE = 1
    ArticleFactory(authors=story.authors.all()[:1])
    for text in ("First note.", "Second note.", "Third note."):
        Correction.objects.create(article=story, text=text)
    urls = [
        reverse("articles:home"),
        reverse("articles:home") + "?page=2",
        reverse("articles:tag", kwargs={"slug": "transport"}),
        reverse("articles:author", kwargs={"slug": "mara-ellison"}),
        reverse("articles:author", kwargs={"slug": "mara-ellison"}) + "?page=2",
        story.get_absolute_url(),
        reverse("articles:search"),
        reverse("articles:search") + "?q=bridge",
        reverse("articles:corrections"),
        reverse("articles:corrections") + "?page=2",
        reverse("account_login"),
        reverse("account_signup"),
    ]
    pages = [head(client, url) for url in urls]
    titles = [" ".join(page.title.split()) for page in pages]
    descriptions = [page.one("description") for page in pages]
    assert len(set(titles)) == len(urls), titles
    assert len(set(descriptions)) == len(urls), descriptions
    for url, page in zip(urls, pages, strict=True):
        assert len(page.link("canonical")) == 1, url
        for key in ("og:title", "og:description", "og:url", "og:type", "twitter:card"):
            assert page.one(key), (url, key)
        assert page.one("og:description") == page.one("description").split(" (page")[0], url
    assert pages[1].link("canonical") == ["http://testserver/?page=2"]
    assert pages[2].one("description") == "The latest stories tagged Transport on Newsroom."
    assert pages[3].one("og:type") == "profile"
    assert pages[7].one("description") == "Stories on Newsroom matching “bridge”."
    assert pages[9].title == "Corrections (page 2) · Newsroom"
    assert pages[10].one("description") == "Log in to Newsroom to comment on stories."


def test_site_description_comes_from_the_setting(client, settings):
    settings.NEWSROOM_SITE_DESCRIPTION = "Eastport's independent newsroom."
    page = head(client, reverse("articles:home"))
    assert page.one("description") == "Eastport's independent newsroom."
    assert page.one("og:description") == "Eastport's independent newsroom."


def test_feeds_are_discoverable_from_every_page_and_per_tag_and_author(client, story):
    home = head(client, reverse("articles:home"))
    assert home.link("alternate", "application/rss+xml") == [reverse("articles:feed")]
    assert home.link("alternate", "application/atom+xml") == [reverse("articles:feed-atom")]

    tag = head(client, reverse("articles:tag", kwargs={"slug": "transport"}))
    assert tag.link("alternate", "application/rss+xml") == [
        reverse("articles:feed"),
        reverse("articles:tag-feed", kwargs={"slug": "transport"}),
    ]
    author = head(client, reverse("articles:author", kwargs={"slug": "mara-ellison"}))
    assert author.link("alternate", "application/atom+xml") == [
        reverse("articles:feed-atom"),
        reverse("articles:author-feed-atom", kwargs={"slug": "mara-ellison"}),
    ]


def test_public_pages_are_indexable_and_account_pages_are_not(client, story):
    response = client.get(story.get_absolute_url())
    assertNotContains(response, "noindex")
    assertContains(response, '<meta name="robots" content="max-image-preview:large">', html=True)
    assertContains(
        client.get(reverse("account_login")), '<meta name="robots" content="noindex">', html=True
    )


@pytest.fixture
def hero_image():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from articles.services import image_create
    from tests.factories import png_bytes

    return image_create(
        file=SimpleUploadedFile("bridge.png", png_bytes(1600, 900), content_type="image/png"),
        alt_text="Buses crossing the bridge",
        caption="The first buses at dawn.",
        credit="Ana Ruiz",
    )


def test_the_hero_image_is_the_social_image_in_page_json_ld_and_feeds(client, hero_image):
    import feedparser

    article = ArticleFactory(
        headline="Bridge reopens", slug="bridge-reopens", hero_image=hero_image
    )
    page = head(client, article.get_absolute_url())

    url = page.one("og:image")
    assert url.startswith("http://testserver/media/") and url.endswith(".webp"), url
    # The rendition exists: a network fetching og:image gets a picture.
    from django.core.files.storage import default_storage

    assert default_storage.exists(url.removeprefix("http://testserver/media/"))
    assert (page.one("og:image:width"), page.one("og:image:height")) == ("1200", "675")
    assert page.one("og:image:alt") == "Buses crossing the bridge"
    assert page.one("twitter:card") == "summary_large_image"
    assert page.one("twitter:image") == url
    assert json.loads(page.json_ld[0])["image"]["url"] == url

    feed = feedparser.parse(client.get(reverse("articles:feed")).content)
    assert feed.entries[0].enclosures[0].href == url
    assert feed.entries[0].enclosures[0].type == "image/webp"
    # RSS asks for 0 when the length is unknown (reading it would open every file).
    assert feed.entries[0].enclosures[0].length == "0"
    assert feed.entries[0].media_content[0]["url"] == url
    assert feed.entries[0].media_content[0]["type"] == "image/webp"
    assert (
        feed.entries[0].media_content[0]["width"],
        feed.entries[0].media_content[0]["height"],
    ) == (
        "1200",
        "675",
    )
    atom = feedparser.parse(client.get(reverse("articles:feed-atom")).content)
    assert atom.entries[0].enclosures[0].href == url


def test_a_small_hero_image_keeps_its_own_size(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from articles.services import image_create
    from tests.factories import png_bytes

    image = image_create(
        file=SimpleUploadedFile("small.png", png_bytes(600, 400), content_type="image/png"),
        alt_text="A small picture",
        caption="c",
        credit="d",
    )
    article = ArticleFactory(hero_image=image)
    page = head(client, article.get_absolute_url())
    assert (page.one("og:image:width"), page.one("og:image:height")) == ("600", "400")


def test_hero_image_on_a_remote_storage_keeps_its_full_url(story, monkeypatch):
    from articles.models.image import Image, Rendition

    monkeypatch.setattr(
        Image,
        "rendition",
        lambda self, width: Rendition(
            url="https://cdn.example.org/r/1.webp", width=1200, height=675
        ),
    )
    story.hero_image = Image(alt_text="Remote")
    assert metadata.article_image(story).url == "https://cdn.example.org/r/1.webp"
