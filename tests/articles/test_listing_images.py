"""Listings show each story's hero image: large for the lead, smaller on cards."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

import pytest

from articles.services import image_create
from tests.articles.test_query_counts import queries_for
from tests.factories import ArticleFactory, AuthorFactory, png_bytes

pytestmark = pytest.mark.django_db


def picture(alt="Buses crossing the harbour bridge at dawn", width=2400, height=1600, made=True):
    """A library image as an upload leaves it: its renditions made once the upload commits
    (``made=False``: not made yet, as for an image older than rendition rows)."""
    file = SimpleUploadedFile("harbour.png", png_bytes(width, height), content_type="image/png")
    with TestCase.captureOnCommitCallbacks(execute=made):
        return image_create(file=file, alt_text=alt, caption="Caption", credit="Ana Ruiz")


# For counting queries: a page's cost does not depend on its pictures' sizes, only on their
# renditions being stored. This size has three (320, 480 and its own 640), made in tens of
# milliseconds; a 2400px original takes over a second for its five.
COUNTED = {"width": 640, "height": 427}


def card_images(page: str) -> list[str]:
    return re.findall(r'<img class="card__image"[^>]*>', page)


def test_the_lead_story_and_the_cards_show_responsive_hero_images(client):
    author = AuthorFactory()
    older = ArticleFactory(headline="Older", hero_image=picture(alt="A ferry <leaving>"))
    ArticleFactory(headline="No picture")
    lead = ArticleFactory(headline="Lead", hero_image=picture(), authors=[author])
    assert lead.published_at > older.published_at

    page = client.get(reverse("articles:home")).content.decode()

    lead_img, card_img = card_images(page)
    # The lead comes first, eager and prioritised; the card below it loads lazily.
    assert 'alt="Buses crossing the harbour bridge at dawn"' in lead_img
    assert 'fetchpriority="high"' in lead_img
    assert "loading=" not in lead_img
    assert 'alt="A ferry &lt;leaving&gt;"' in card_img  # typed text stays text
    assert 'loading="lazy"' in card_img
    for img in (lead_img, card_img):
        assert 'width="800" height="533"' in img
        assert re.findall(r"\.webp (\d+)w", img) == ["320", "480", "800", "1200", "1600"]
        assert re.search(r'src="[^"]+\.webp"', img)
        assert 'sizes="' in img
    # The 2400px original is never offered, to a phone or anyone.
    assert lead.hero_image.file.url not in page
    assert older.hero_image.file.url not in page


def test_a_story_without_a_picture_or_with_a_missing_file_gets_a_plain_card(client):
    from django.core.files.storage import default_storage

    image = picture(made=False)
    ArticleFactory(hero_image=image)
    ArticleFactory()
    default_storage.delete(image.file.name)

    response = client.get(reverse("articles:home"))

    assert response.status_code == 200
    assert card_images(response.content.decode()) == []


@pytest.mark.parametrize("view", ["articles:tag", "articles:author"])
def test_tag_and_author_pages_show_card_images_the_first_one_eager(client, view):
    author, image = AuthorFactory(), picture()
    for _ in range(3):
        ArticleFactory(authors=[author], tags=["Harbour"], hero_image=image)
    slug = "harbour" if view == "articles:tag" else author.slug

    page = client.get(reverse(view, kwargs={"slug": slug})).content.decode()

    images = card_images(page)
    assert len(images) == 3
    assert "loading=" not in images[0] and "fetchpriority" not in images[0]
    assert all('loading="lazy"' in img for img in images[1:])


def test_a_second_home_page_has_no_lead_picture(client, settings):
    settings.NEWSROOM_PAGE_SIZE = 2
    image = picture()
    for _ in range(4):
        ArticleFactory(hero_image=image)

    page = client.get(reverse("articles:home") + "?page=2").content.decode()

    assert "card--lead" not in page
    assert not any("fetchpriority" in img for img in card_images(page))


@pytest.mark.parametrize("view", ["articles:home", "articles:tag", "articles:author"])
def test_listing_pictures_cost_no_extra_query_per_article(client, view):
    author = AuthorFactory()

    def url():
        if view == "articles:home":
            return reverse(view)
        return reverse(view, kwargs={"slug": "harbour" if view == "articles:tag" else author.slug})

    ArticleFactory(authors=[author], tags=["Harbour"])
    without_pictures = queries_for(client, url())
    ArticleFactory(authors=[author], tags=["Harbour"], hero_image=picture(**COUNTED))
    # One query for the renditions of every picture on the page.
    with_a_picture = queries_for(client, url())
    assert with_a_picture == without_pictures + 1
    for _ in range(12):
        ArticleFactory(authors=[author], tags=["Harbour"], hero_image=picture(**COUNTED))
    assert queries_for(client, url()) == with_a_picture
