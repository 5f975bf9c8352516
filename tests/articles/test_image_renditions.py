"""Renditions are rows: made at upload (or on first use), read by pages from one query."""

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest

from articles.models import Article, Image, ImageRendition
from articles.models import image as image_module
from articles.services import image_create, image_delete, image_update
from tests.factories import ArticleFactory, png_bytes

pytestmark = pytest.mark.django_db


def upload(width=2000, height=1000, name="harbour.png"):
    return SimpleUploadedFile(name, png_bytes(width, height), content_type="image/png")


def uploaded(width=2000, height=1000, name="harbour.png") -> Image:
    """An image as the upload leaves it once its transaction commits."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return image_create(
            file=upload(width, height, name), alt_text="Harbour", caption="c", credit="d"
        )


def refuse_rendering(monkeypatch):
    """From now on, making a rendition or asking imagekit's cache files fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("a rendition was made or looked up while a page was read")

    monkeypatch.setattr(image_module._WebPRendition, "generate", refuse)
    monkeypatch.setattr("imagekit.cachefiles.ImageCacheFile.__init__", refuse)


def test_an_upload_makes_one_row_per_size_with_its_file():
    image = uploaded(1000, 750)

    rows = ImageRendition.objects.filter(image=image).order_by("width")
    assert [(r.width, r.height) for r in rows] == [(320, 240), (480, 360), (800, 600), (1000, 750)]
    for row in rows:
        assert default_storage.exists(row.file.name)
        assert row.file.name.startswith("renditions/") and row.file.name.endswith(".webp")


def test_asking_wider_than_the_original_gives_the_original_width_once():
    image = uploaded(1000, 750)
    fresh = Image.objects.get(pk=image.pk)

    assert fresh.rendition(1600).url == fresh.rendition(1200).url
    assert ImageRendition.objects.filter(image=image).count() == 4


def test_home_with_12_pictured_stories_reads_renditions_in_one_query(client, monkeypatch):
    images = [uploaded(900, 600, f"story-{number}.png") for number in range(12)]
    for image in images:
        ArticleFactory(hero_image=image)
    refuse_rendering(monkeypatch)

    with CaptureQueriesContext(connection) as context:
        page = client.get(reverse("articles:home")).content.decode()

    rendition_queries = [
        q["sql"] for q in context.captured_queries if "articles_imagerendition" in q["sql"]
    ]
    assert len(rendition_queries) == 1
    assert page.count('class="card__image"') == 12
    for image in images:
        for row in image.stored_renditions.all():
            assert f"{row.url} {row.width}w" in page


def test_an_image_older_than_rendition_rows_gets_them_on_first_use(client):
    with TestCase.captureOnCommitCallbacks(execute=False):
        image = image_create(file=upload(900, 600), alt_text="Old", caption="c", credit="d")
    article = ArticleFactory(hero_image=image)
    assert not ImageRendition.objects.filter(image=image).exists()

    response = client.get(article.get_absolute_url())

    assert 'alt="Old"' in response.content.decode()
    assert ImageRendition.objects.filter(image=image).count() == 4
    # The second reader gets the stored rows: nothing is made again.
    with CaptureQueriesContext(connection) as context:
        client.get(article.get_absolute_url())
    assert not any("INSERT" in q["sql"] for q in context.captured_queries)


def test_a_picture_that_cannot_be_made_shows_no_picture(client):
    with TestCase.captureOnCommitCallbacks(execute=False):
        image = image_create(file=upload(), alt_text="Gone", caption="c", credit="d")
    article = ArticleFactory(hero_image=image)
    default_storage.delete(image.file.name)

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    assert "article__hero" not in response.content.decode()
    assert not ImageRendition.objects.filter(image=image).exists()


def test_deleting_an_image_removes_its_rendition_files():
    image = uploaded()
    names = list(ImageRendition.objects.filter(image=image).values_list("file", flat=True))
    assert names and all(default_storage.exists(name) for name in names)

    with TestCase.captureOnCommitCallbacks(execute=True):
        image_delete(image=image, by=None)

    assert not ImageRendition.objects.exists()
    assert not any(default_storage.exists(name) for name in names)


def test_a_new_file_replaces_the_renditions(client):
    image = uploaded(2000, 1000)
    old = list(ImageRendition.objects.filter(image=image).values_list("file", flat=True))
    article = ArticleFactory(hero_image=image)

    with TestCase.captureOnCommitCallbacks(execute=True):
        image_update(image=image, by=None, file=upload(600, 900, "portrait.png"))

    rows = ImageRendition.objects.filter(image=image).order_by("width")
    assert [(r.width, r.height) for r in rows] == [(320, 480), (480, 720), (600, 900)]
    assert not any(default_storage.exists(name) for name in old)
    page = client.get(Article.objects.get(pk=article.pk).get_absolute_url()).content.decode()
    assert 'width="600" height="900"' in page
    assert not any(name in page for name in old)


def test_a_new_file_for_an_image_read_with_its_renditions_gets_new_ones():
    uploaded(2000, 1000)
    image = Image.objects.prefetch_related("stored_renditions").get()
    assert image.default_rendition.width == 800

    with TestCase.captureOnCommitCallbacks(execute=True):
        image_update(image=image, by=None, file=upload(400, 600, "small.png"))

    assert (image.default_rendition.width, image.default_rendition.height) == (400, 600)
    assert (image.rendition(320).width, image.rendition(320).height) == (320, 480)
    assert ImageRendition.objects.filter(image=image).count() == 2


def test_the_command_makes_only_the_renditions_the_library_lacks():
    from io import StringIO

    from django.core.management import call_command

    done = uploaded(900, 600, "done.png")
    with TestCase.captureOnCommitCallbacks(execute=False):
        older = image_create(
            file=upload(1000, 750, "older.png"), alt_text="a", caption="c", credit="d"
        )
    kept = set(ImageRendition.objects.filter(image=done).values_list("pk", "file"))
    output = StringIO()

    call_command("make_renditions", stdout=output)

    assert "Renditions made: 4" in output.getvalue()
    assert ImageRendition.objects.filter(image=older).count() == 4
    assert set(ImageRendition.objects.filter(image=done).values_list("pk", "file")) == kept
    call_command("make_renditions", stdout=output)
    assert "Renditions made: 0" in output.getvalue()


def test_unused_rendition_files_are_listed_then_deleted_and_used_ones_kept():
    import os
    import time
    from io import StringIO

    from django.core.files.base import ContentFile
    from django.core.management import call_command

    image = uploaded(1000, 750)
    used = list(ImageRendition.objects.filter(image=image).values_list("file", flat=True))
    # As django-imagekit named its files, before renditions were rows; years old.
    old = default_storage.save(
        "renditions/images/2019/04/harbour/3f2a9c81.webp", ContentFile(b"x" * 300)
    )
    then = time.time() - 3 * 24 * 3600
    os.utime(default_storage.path(old), (then, then))
    # Saved a moment ago: a rendition whose row is not committed yet, say.
    fresh = default_storage.save(
        "renditions/images/2026/12/being-made-800w.webp", ContentFile(b"y")
    )

    listed = StringIO()
    call_command("prune_renditions", stdout=listed)

    assert listed.getvalue().splitlines()[0] == old
    assert "1 unused rendition files (0.0 MB). Nothing was deleted" in listed.getvalue()
    assert all(name not in listed.getvalue() for name in [*used, fresh])
    assert default_storage.exists(old)

    deleted = StringIO()
    call_command("prune_renditions", "--delete", stdout=deleted)

    assert "Deleted 1 unused rendition files" in deleted.getvalue()
    assert not default_storage.exists(old)
    assert all(default_storage.exists(name) for name in [*used, fresh])
    # With no grace, the fresh one goes too; rows' files never.
    call_command("prune_renditions", "--delete", "--grace-hours", "0", stdout=StringIO())
    assert not default_storage.exists(fresh)
    assert all(default_storage.exists(name) for name in used)


def test_pruning_waits_while_stored_bodies_older_renderers_made_may_show_the_files(media):
    from io import StringIO

    from django.core.files.base import ContentFile
    from django.core.management import CommandError, call_command

    old = default_storage.save("renditions/images/2019/04/quay/9b1e.webp", ContentFile(b"x"))
    # A body rendered before renditions were rows, not rendered again since.
    story = ArticleFactory()
    Article.objects.filter(pk=story.pk).update(html_version=1)

    with pytest.raises(CommandError, match="1 stored bodies were made by older renderers"):
        call_command("prune_renditions", "--delete", "--grace-hours", "0", stdout=StringIO())

    assert default_storage.exists(old)
    call_command("render_html", stdout=StringIO())
    call_command("prune_renditions", "--delete", "--grace-hours", "0", stdout=StringIO())
    assert not default_storage.exists(old)
