"""Search and social overrides per story: titles, descriptions, cards, robots, corrections."""

import json
import xml.etree.ElementTree as ET
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

import pytest

from articles.models import Article, Correction
from articles.services import image_create
from tests.articles.head import HeadParser, head
from tests.factories import ArticleFactory, png_bytes

pytestmark = pytest.mark.django_db

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


def library_image(name, alt):
    return image_create(
        file=SimpleUploadedFile(f"{name}.png", png_bytes(1600, 900), content_type="image/png"),
        alt_text=alt,
        caption="A caption.",
        credit="Ana Ruiz",
    )


def json_ld(client, article) -> dict:
    parser = HeadParser()
    parser.feed(client.get(article.get_absolute_url()).content.decode())
    assert len(parser.json_ld) == 1
    return json.loads(parser.json_ld[0])


@pytest.fixture
def story(db):
    return ArticleFactory(
        headline="Harbour bridge reopens",
        slug="harbour-bridge-reopens",
        standfirst="Commuters cheered as the first buses crossed at dawn.",
    )


def test_without_overrides_the_head_falls_back_to_the_story(client, story):
    page = head(client, story.get_absolute_url())
    standfirst = "Commuters cheered as the first buses crossed at dawn."
    assert page.title == "Harbour bridge reopens · Newsroom"
    assert page.one("description") == standfirst
    assert page.one("og:title") == "Harbour bridge reopens"
    assert page.one("twitter:title") == "Harbour bridge reopens"
    assert page.one("og:description") == standfirst
    assert page.one("robots") == "max-image-preview:large"
    assert "googlebot-news" not in page.meta


def test_the_search_title_and_description_replace_the_headline_and_standfirst(client, story):
    story.seo_title = "Harbour bridge reopens after two years"
    story.seo_description = "The Eastport bridge is open again:   buses first, cars from Monday."
    story.save()
    page = head(client, story.get_absolute_url())
    description = "The Eastport bridge is open again: buses first, cars from Monday."
    assert page.title == "Harbour bridge reopens after two years · Newsroom"
    assert page.one("description") == description
    assert page.one("og:description") == description
    assert page.one("twitter:description") == description
    # The social cards keep the headline without a social headline of their own.
    assert page.one("og:title") == "Harbour bridge reopens"
    # The reader still sees the headline on the page.
    response = client.get(story.get_absolute_url())
    assert '<h1 class="article__headline">Harbour bridge reopens</h1>' in response.content.decode()


def test_the_social_headline_titles_the_share_cards_only(client, story):
    story.social_headline = "You can cross the harbour again"
    story.save()
    page = head(client, story.get_absolute_url())
    assert page.one("og:title") == "You can cross the harbour again"
    assert page.one("twitter:title") == "You can cross the harbour again"
    assert page.title == "Harbour bridge reopens · Newsroom"
    assert json_ld(client, story)["headline"] == "Harbour bridge reopens"


def test_the_social_image_replaces_the_hero_on_the_cards(client, story):
    story.hero_image = library_image("hero", "The bridge at dawn")
    story.save()
    page = head(client, story.get_absolute_url())
    assert page.one("og:image:alt") == "The bridge at dawn"

    story.social_image = library_image("card", "A bus on the bridge")
    story.save()
    page = head(client, story.get_absolute_url())
    assert page.one("og:image:alt") == "A bus on the bridge"
    assert page.one("twitter:image:alt") == "A bus on the bridge"
    assert page.one("twitter:card") == "summary_large_image"
    assert "/renditions/" in page.one("og:image") or page.one("og:image").endswith(".webp")
    assert page.one("og:image") != json_ld(client, story)["image"]["url"]


def test_a_social_image_without_a_hero_makes_a_large_card(client, story):
    story.social_image = library_image("card", "A bus on the bridge")
    story.save()
    page = head(client, story.get_absolute_url())
    assert page.one("twitter:card") == "summary_large_image"
    assert page.one("og:image:alt") == "A bus on the bridge"


def test_noindex_asks_robots_to_skip_the_story_and_leaves_the_sitemaps(client, story):
    hidden = ArticleFactory(headline="Court order", slug="court-order", is_noindex=True)
    page = head(client, hidden.get_absolute_url())
    assert page.one("robots") == "noindex"

    for section in ("articles", "news"):
        response = client.get(reverse("sitemap-section", kwargs={"section": section}))
        root = ET.fromstring(response.content)  # noqa: S314 - our own response
        locations = [url.findtext("sm:loc", namespaces=NS) for url in root.findall("sm:url", NS)]
        assert "http://testserver/articles/harbour-bridge-reopens/" in locations
        assert "http://testserver/articles/court-order/" not in locations


def test_a_story_kept_out_of_google_news_stays_indexable(client, story):
    story.is_kept_out_of_news = True
    story.save()
    page = head(client, story.get_absolute_url())
    assert page.one("googlebot-news") == "noindex"
    assert page.one("robots") == "max-image-preview:large"

    news = client.get(reverse("sitemap-section", kwargs={"section": "news"}))
    assert b"harbour-bridge-reopens" not in news.content
    articles = client.get(reverse("sitemap-section", kwargs={"section": "articles"}))
    assert b"harbour-bridge-reopens" in articles.content


def test_corrections_are_correction_comments_in_the_json_ld(client, story):
    assert "correction" not in json_ld(client, story)
    first = timezone.now() - timedelta(minutes=30)
    Correction.objects.create(
        article=story, text="An earlier version gave the wrong\nyear.", created_at=first
    )
    Correction.objects.create(
        article=story, kind=Correction.Kind.CLARIFICATION, text="The bridge is toll-free."
    )
    data = json_ld(client, story)
    assert data["correction"][0] == {
        "@type": "CorrectionComment",
        "text": "An earlier version gave the wrong year.",
        "datePublished": first.isoformat(),
    }
    assert data["correction"][1]["text"] == "The bridge is toll-free."
    # The list at the foot of the story is still there.
    assert "Corrections and clarifications" in client.get(story.get_absolute_url()).text


def test_corrections_in_the_json_ld_cost_no_query_more(client, story):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    Correction.objects.create(article=story, text="A fix.")
    client.get(story.get_absolute_url())  # the moderation settings, cached
    with CaptureQueriesContext(connection) as queries:
        client.get(story.get_absolute_url())
    correction_reads = [q for q in queries if "articles_correction" in q["sql"]]
    # One EXISTS in the article's query, one read of the rows for the list and the JSON-LD.
    assert len(correction_reads) == 2


def test_the_article_page_query_count_holds_with_a_social_image(
    client, story, django_assert_max_num_queries
):
    story.social_image = library_image("card", "A bus")
    story.hero_image = library_image("hero", "The bridge")
    story.save()
    client.get(story.get_absolute_url())
    with django_assert_max_num_queries(12):
        client.get(story.get_absolute_url())


def test_the_admin_form_has_a_collapsed_search_and_social_fieldset(client, story):
    from tests.factories import staff_user

    client.force_login(staff_user("edith", "Editor"))
    url = reverse("admin:articles_article_change", args=[story.pk])
    html = client.get(url).content.decode()
    assert "Search and social" in html
    for name in ("seo_title", "seo_description", "social_headline", "social_image"):
        assert f'name="{name}"' in html
    assert 'name="is_noindex"' in html
    assert 'name="is_kept_out_of_news"' in html
    assert "collapse" in html.split("Search and social")[0].rsplit("<fieldset", 1)[1]


def test_an_editor_saves_the_overrides_from_the_admin(client, story):
    from tests.articles.editorial import article_form_data, change_url
    from tests.factories import staff_user

    client.force_login(staff_user("edith", "Editor"))
    data = article_form_data(story, seo_title="Bridge open again", is_noindex="on")
    data["loaded_version"] = story.updated_at.isoformat()
    response = client.post(change_url(story), data)
    assert response.status_code == 302
    story = Article.objects.get(pk=story.pk)
    assert story.seo_title == "Bridge open again"
    assert story.is_noindex
    page = head(client, story.get_absolute_url())
    assert page.one("robots") == "noindex"
    assert page.title == "Bridge open again · Newsroom"
