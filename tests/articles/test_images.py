"""Hero images: checked uploads, required text, WebP renditions in a srcset."""

import re

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest
from PIL import Image as PILImage
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article, Author, Image
from articles.services import image_create
from tests.articles.editorial import article_form_data, change_url
from tests.factories import ArticleFactory, png_bytes, staff_user

pytestmark = pytest.mark.django_db


def upload(name="harbour.png", content=None, content_type="image/png"):
    return SimpleUploadedFile(name, content or png_bytes(2000, 1000), content_type=content_type)


def hero_post(article, **overrides):
    fields = {
        "hero_upload": upload(),
        "hero_alt_text": "Buses crossing the harbour bridge at dawn",
        "hero_caption": "The first buses crossed at six o'clock.",
        "hero_credit": "Ana Ruiz",
    }
    return article_form_data(article, **{**fields, **overrides})


def test_an_editor_uploads_a_hero_image_and_readers_get_webp_renditions(client, editor):
    article = ArticleFactory(headline="Bridge reopens")
    client.force_login(editor)

    response = client.post(change_url(article), hero_post(article))

    assert response.status_code == 302
    article.refresh_from_db()
    image = article.hero_image
    assert (image.width, image.height) == (2000, 1000)
    assert image.uploaded_by == editor
    client.logout()

    page = client.get(article.get_absolute_url()).content.decode()
    img = re.search(r"<img [^>]*srcset=[^>]*>", page).group(0)
    assert 'alt="Buses crossing the harbour bridge at dawn"' in img
    assert 'width="800" height="400"' in img
    widths = re.findall(r"\.webp (\d+)w", img)
    assert widths == ["320", "480", "800", "1200", "1600"]
    assert image.file.url not in page  # never the full-size original
    assert "The first buses crossed at six o&#x27;clock." in page
    assert "Photo: Ana Ruiz" in page


def test_a_rendition_has_the_promised_size_and_format():
    image = image_create(
        file=upload(content=png_bytes(1000, 750)), alt_text="a", caption="c", credit="d"
    )

    social = image.rendition(1200)
    assert (social.width, social.height) == (1000, 750)  # never enlarged
    small = image.rendition(320)
    assert (small.width, small.height) == (320, 240)
    path = small.url.removeprefix("/media/")
    with default_storage.open(path) as stored, PILImage.open(stored) as rendered:
        assert rendered.format == "WEBP"
        assert rendered.size == (320, 240)
    assert [r.width for r in image.renditions()] == [320, 480, 800, 1000]


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (upload("notes.png", b"just text, not a picture"), "Upload a valid image"),
        (upload("scan.bmp", png_bytes(40, 40, "BMP"), "image/bmp"), "BMP images are not accepted"),
    ],
)
def test_uploads_that_are_not_accepted_images_are_refused_and_the_text_kept(
    client, editor, file, message
):
    article = ArticleFactory(draft=True)
    client.force_login(editor)

    response = client.post(
        change_url(article), hero_post(article, hero_upload=file, headline="Kept headline")
    )

    assert response.status_code == 200
    assertContains(response, message)
    assertContains(response, 'value="Kept headline"')
    assert not Image.objects.exists()


def test_an_upload_over_the_size_limit_is_refused(client, editor, settings):
    settings.NEWSROOM_IMAGE_MAX_BYTES = 1024
    article = ArticleFactory(draft=True)
    client.force_login(editor)

    response = client.post(change_url(article), hero_post(article))

    assertContains(response, "the limit is 1.0")
    assert not Image.objects.exists()


def test_a_hero_image_needs_alt_text_caption_and_credit(client, editor):
    article = ArticleFactory(draft=True)
    client.force_login(editor)

    response = client.post(
        change_url(article),
        hero_post(article, hero_alt_text="", hero_caption="", hero_credit=" "),
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"hero_alt_text", "hero_caption", "hero_credit"}
    assert not Image.objects.exists()
    assert Article.objects.get(pk=article.pk).hero_image is None


def test_an_editor_reuses_an_image_from_the_library(client, editor):
    image = image_create(file=upload(), alt_text="Old photo", caption="c", credit="d")
    article = ArticleFactory()
    client.force_login(editor)

    client.post(change_url(article), article_form_data(article, hero_image=image.pk))

    article.refresh_from_db()
    assert article.hero_image == image
    assert Image.objects.count() == 1
    search = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "old",
            "app_label": "articles",
            "model_name": "article",
            "field_name": "hero_image",
        },
    )
    assert search.json()["results"][0]["text"] == "Old photo"
    # The form shows the chosen picture itself, a small rendition, not only its alt text.
    form = client.get(change_url(article)).content.decode()
    thumb = re.search(r'<img src="([^"]+)"[^>]*class="newsroom-thumb">', form)
    assert thumb and thumb.group(1).endswith(".webp")
    assert 'alt="Old photo"' in thumb.group(0)


def test_an_article_without_a_hero_image_shows_no_picture_in_the_form(client, editor):
    article = ArticleFactory()
    client.force_login(editor)

    assertNotContains(client.get(change_url(article)), "newsroom-thumb")


def test_a_missing_original_leaves_the_story_readable(client, media):
    image = image_create(file=upload(), alt_text="Gone", caption="c", credit="d")
    article = ArticleFactory(hero_image=image)
    default_storage.delete(image.file.name)

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    assert "article__hero" not in response.content.decode()


def test_images_are_added_in_the_library_and_only_editors_change_them(client, editor):
    writer = staff_user("wendy", "Writer")
    client.force_login(writer)
    response = client.post(
        reverse("admin:articles_image_add"),
        {"file": upload(), "alt_text": "Harbour", "caption": "The harbour", "credit": "Staff"},
    )
    assert response.status_code == 302
    image = Image.objects.get()
    assert image.uploaded_by == writer
    change = reverse("admin:articles_image_change", args=[image.pk])
    crafted = client.post(change, {"alt_text": "Defaced", "caption": "x", "credit": "y"})
    assert crafted.status_code == 403

    client.force_login(editor)
    listing = client.get(reverse("admin:articles_image_changelist"))
    assertContains(listing, ".webp")
    response = client.post(change, {"alt_text": "Harbour at dusk", "caption": "c", "credit": "d"})
    assert response.status_code == 302
    image.refresh_from_db()
    assert image.alt_text == "Harbour at dusk"


def test_library_images_in_the_body_become_responsive_renditions(client, editor):
    image = image_create(file=upload(), alt_text="Library alt", caption="c", credit="d")
    body = (
        f'<p>Before.</p><figure><img src="{image.file.url}" alt="The bridge at dawn" '
        'onerror="alert(1)" width="9999"><figcaption>At dawn.</figcaption></figure>'
        '<figure><img src="https://tracker.example/pixel.gif" alt="x"></figure>'
        '<p><img src="javascript:alert(1)"></p>'
    )
    article = ArticleFactory(draft=True, created_by=editor)
    client.force_login(editor)
    client.post(change_url(article), article_form_data(article, body=body, status="published"))
    article.refresh_from_db()
    assert "tracker.example" not in article.body
    assert "javascript" not in article.body
    assert "onerror" not in article.body
    client.logout()

    page = client.get(article.get_absolute_url()).content.decode()
    images = re.findall(r"<img [^>]*>", page)
    assert len(images) == 1
    img = images[0]
    assert 'alt="The bridge at dawn"' in img
    assert 'width="800" height="400"' in img
    assert re.findall(r"\.webp (\d+)w", img) == ["320", "480", "800", "1200", "1600"]
    assert image.file.url not in page
    assert "<figcaption>At dawn.</figcaption>" in page


def test_the_image_library_shows_the_address_to_use_in_a_body(client, editor):
    image = image_create(file=upload(), alt_text="Harbour", caption="c", credit="d")
    client.force_login(editor)
    response = client.get(reverse("admin:articles_image_change", args=[image.pk]))
    assertContains(response, image.file.url)


def author_post(photo, **overrides):
    return {"display_name": "Ana Ruiz", "slug": "ana-ruiz", "bio": "", "photo": photo, **overrides}


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (upload("scan.bmp", png_bytes(40, 40, "BMP"), "image/bmp"), "BMP images are not accepted"),
        (upload("huge.png", png_bytes(8000, 8000)), "the limit is 60"),
    ],
)
def test_author_photos_are_checked_like_library_images(client, editor, file, message, settings):
    # Readers get the photo's original: it must pass the same checks as a library image.
    client.force_login(editor)

    response = client.post(reverse("admin:articles_author_add"), author_post(file))

    assert response.status_code == 200
    assertContains(response, message)
    assertContains(response, 'value="Ana Ruiz"')
    assert not Author.objects.exists()


def test_an_author_photo_over_the_size_limit_is_refused(client, editor, settings):
    settings.NEWSROOM_IMAGE_MAX_BYTES = 1024
    client.force_login(editor)

    response = client.post(reverse("admin:articles_author_add"), author_post(upload()))

    assertContains(response, "the limit is 1.0")
    assert not Author.objects.exists()


def test_a_checked_author_photo_is_kept(client, editor):
    client.force_login(editor)

    response = client.post(reverse("admin:articles_author_add"), author_post(upload("ana.png")))

    assert response.status_code == 302
    assert Author.objects.get().photo.name.endswith(".png")


@pytest.mark.parametrize(
    ("name", "content", "stored_as"),
    [
        ("harbour.pdf", png_bytes(40, 40), ".png"),
        ("harbour.png", png_bytes(40, 40, "JPEG"), ".jpg"),
        ("harbour.ico", png_bytes(40, 40, "GIF"), ".gif"),
        ("harbour", png_bytes(40, 40, "WEBP"), ".webp"),
    ],
    ids=["png-named-pdf", "jpeg-named-png", "gif-named-ico", "webp-without-extension"],
)
def test_an_upload_is_stored_under_the_extension_of_what_it_is(name, content, stored_as):
    # The web server or bucket picks a Content-Type from the extension: a picture named
    # "x.pdf" must not reach readers as a PDF.
    image = image_create(file=upload(name, content), alt_text="a", caption="c", credit="d")

    assert image.file.name.startswith("images/")
    assert image.file.name.endswith(f"/harbour{stored_as}")


def test_an_author_photo_is_stored_under_the_extension_of_what_it_is(client, editor):
    client.force_login(editor)

    response = client.post(
        reverse("admin:articles_author_add"),
        author_post(upload("ana.ppm", png_bytes(40, 40, "JPEG"), "image/x-portable-pixmap")),
    )

    assert response.status_code == 302
    name = Author.objects.get().photo.name
    assert name.startswith("authors/")
    assert name.endswith("/ana.jpg")
