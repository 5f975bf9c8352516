"""Render once, at save: pages print stored HTML; image changes and a command re-render it."""

import re
from contextlib import contextmanager
from io import StringIO

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.safestring import SafeString

import nh3
import pytest
from pytest_django.asserts import assertContains

from articles.models import Article, Comment, Image
from articles.models.rendering import RENDERING_VERSION
from articles.services import (
    article_publish,
    comment_edit,
    image_create,
    image_delete,
    image_update,
)
from tests.articles.editorial import article_form_data, change_url
from tests.factories import ArticleFactory, CommentFactory, png_bytes
from tests.helpers import warm_remembered

pytestmark = pytest.mark.django_db


def upload(width=2000, height=1000, name="harbour.png"):
    return SimpleUploadedFile(name, png_bytes(width, height), content_type="image/png")


def library_image(**kwargs) -> Image:
    return image_create(
        file=upload(**kwargs), alt_text="The harbour at dawn", caption="c", credit="Staff"
    )


def figure(image: Image, alt: str = "The bridge") -> str:
    """A body figure as the editor makes it: the library address of the original."""
    return (
        f'<figure><img src="{image.file.url}" alt="{alt}"><figcaption>{alt}</figcaption></figure>'
    )


def page_images(client, article) -> list[str]:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return re.findall(r"<img [^>]*>", response.content.decode())


def queries_for(client, url) -> int:
    warm_remembered()
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def refuse(*args, **kwargs):
    raise AssertionError("rendered while a page was read")


@contextmanager
def rendering_refused():
    """Every sanitizer and renderer fails: whatever a page shows meanwhile, it did not render."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(nh3, "clean", refuse)
        patch.setattr("articles.html.urlize", refuse)
        for name in ("article_body_html", "comment_body_html", "responsive_body_images"):
            patch.setattr(f"articles.models.rendering.{name}", refuse)
        patch.setattr("articles.models.image.responsive_body_images", refuse)
        patch.setattr(Image, "rendition", refuse)
        yield


# Reading ------------------------------------------------------------------------------


def test_reading_an_article_page_runs_no_sanitizer_and_still_shows_the_body(client):
    image = library_image()
    article = ArticleFactory(body=f"<p>Before the picture.</p>{figure(image)}<p>After.</p>")
    CommentFactory(article=article, body="Read https://example.org/report first.\n\nThanks.")
    stored = Article.objects.get(pk=article.pk).body_html
    assert isinstance(stored, SafeString)

    with rendering_refused():
        response = client.get(article.get_absolute_url())

    assertContains(response, "<p>Before the picture.</p>", html=True)
    assertContains(response, "<figcaption>The bridge</figcaption>", html=True)
    img = re.search(r"<img [^>]*srcset=[^>]*>", response.content.decode()).group(0)
    assert 'alt="The bridge"' in img
    assert 'width="800" height="400"' in img
    assert image.file.url not in response.content.decode()  # renditions, not the original
    assertContains(
        response,
        '<p>Read <a href="https://example.org/report" rel="nofollow ugc noopener">'
        "https://example.org/report</a> first.</p><p>Thanks.</p>",
        html=True,
    )


def test_library_images_in_a_body_cost_the_page_no_query(client):
    image, other = library_image(), library_image(width=900, height=600, name="quay.png")
    plain = ArticleFactory(body="<p>No pictures here.</p>")
    pictured = ArticleFactory(body=f"<p>Two pictures.</p>{figure(image)}{figure(other)}")
    assert len(page_images(client, pictured)) == 2

    assert queries_for(client, pictured.get_absolute_url()) == queries_for(
        client, plain.get_absolute_url()
    )


def test_comment_pages_print_stored_comments(client, article, commenter, stranger):
    comment = CommentFactory(article=article, author=commenter, body="See www.example.org.")
    pending = CommentFactory(article=article, author=commenter, body="Held <b>text</b>")
    Comment.objects.filter(pk=pending.pk).update(status=Comment.Status.PENDING)
    client.force_login(commenter)
    link = '<a href="http://www.example.org" rel="nofollow ugc noopener">www.example.org</a>'

    with rendering_refused():
        page = client.get(article.get_absolute_url())
        delete = client.get(reverse("articles:comment-delete", kwargs={"pk": comment.pk}))
        client.force_login(stranger)
        reply = client.get(reverse("articles:comment-reply", kwargs={"pk": comment.pk}))
        report = client.get(reverse("articles:comment-report", kwargs={"pk": comment.pk}))

    assertContains(page, link)
    assertContains(page, "Held &lt;b&gt;text&lt;/b&gt;")
    for response in (delete, reply, report):
        assertContains(response, link)


# Saving -------------------------------------------------------------------------------


def test_saving_an_article_stores_its_sanitized_rendered_body():
    article = ArticleFactory(
        body='<p onclick="steal()">Hi <script>alert(1)</script><a href="javascript:x()">x</a></p>'
        '<figure><img src="https://tracker.example/pixel.gif" alt="x"></figure>'
    )

    stored = Article.objects.get(pk=article.pk).body_html
    assert isinstance(stored, SafeString)
    assert stored == '<p>Hi <a rel="noopener noreferrer">x</a></p><figure></figure>'


def test_editing_the_body_in_the_admin_changes_what_readers_get(client, editor, article):
    client.force_login(editor)

    client.post(change_url(article), article_form_data(article, body="<p>New words.</p>"))

    assert Article.objects.get(pk=article.pk).body_html == "<p>New words.</p>"
    client.logout()
    assertContains(client.get(article.get_absolute_url()), "<p>New words.</p>", html=True)


def test_saving_other_fields_does_not_render_the_body(monkeypatch, editor):
    article = ArticleFactory(draft=True, body="<p>Kept.</p>")
    monkeypatch.setattr("articles.models.article.article_body_html", refuse)

    article.headline = "A new headline"
    article.save(update_fields=["headline"])
    article_publish(article=article, by=editor)

    assert Article.objects.get(pk=article.pk).body_html == "<p>Kept.</p>"


def test_a_partial_save_that_writes_the_body_renders_it():
    article = ArticleFactory(body="<p>Old.</p>")
    article.body = "<p>New <em>words</em>.</p><script>x</script>"

    article.save(update_fields=["body"])

    assert Article.objects.get(pk=article.pk).body_html == "<p>New <em>words</em>.</p>"


def test_a_body_stored_unsanitized_is_rendered_at_the_next_save_of_any_field():
    article = ArticleFactory()
    Article.objects.filter(pk=article.pk).update(body="<script>x</script><p>kept</p>")
    article.refresh_from_db()

    article.headline = "New headline"
    article.save(update_fields=["headline"])

    assert Article.objects.get(pk=article.pk).body_html == "<p>kept</p>"


def test_revisions_keep_the_body_not_its_rendering():
    assert "body_html" not in {field.name for field in Article.history.model._meta.fields}
    assert "body" in {field.name for field in Article.history.model._meta.fields}


def test_a_comment_is_rendered_when_posted_and_when_edited(article, commenter):
    comment = CommentFactory(article=article, author=commenter, body="<script>x</script>")
    assert Comment.objects.get(pk=comment.pk).body_html == "<p>&lt;script&gt;x&lt;/script&gt;</p>"

    comment_edit(comment=comment, by=commenter, body="Fixed: https://example.org")

    stored = Comment.objects.get(pk=comment.pk).body_html
    assert isinstance(stored, SafeString)
    assert stored == (
        '<p>Fixed: <a href="https://example.org" rel="nofollow ugc noopener">'
        "https://example.org</a></p>"
    )


def test_saving_a_comment_without_its_body_does_not_render_it(monkeypatch, article):
    comment = CommentFactory(article=article, body="Kept.")
    monkeypatch.setattr("articles.models.comment.comment_body_html", refuse)

    comment.status = Comment.Status.REMOVED
    comment.save(update_fields=["status"])

    assert Comment.objects.get(pk=comment.pk).body_html == "<p>Kept.</p>"


# Images -------------------------------------------------------------------------------


def test_replacing_an_image_file_shows_the_new_picture_in_the_stories_using_it(client, editor):
    image, other = library_image(), library_image(width=900, height=600, name="quay.png")
    showing = ArticleFactory(body=f"<p>Bridge.</p>{figure(image)}")
    elsewhere = ArticleFactory(body=f"<p>Quay.</p>{figure(other)}")
    Article.objects.filter(pk=elsewhere.pk).update(body_html="<p>Not rendered again.</p>")
    before = Article.objects.get(pk=showing.pk)
    (old_img,) = page_images(client, showing)
    assert 'width="800" height="400"' in old_img
    client.force_login(editor)

    response = client.post(
        reverse("admin:articles_image_change", args=[image.pk]),
        {
            "file": upload(1000, 1500, "portrait.png"),
            "alt_text": "a",
            "caption": "c",
            "credit": "d",
        },
    )

    assert response.status_code == 302
    client.logout()
    (new_img,) = page_images(client, showing)
    assert 'width="800" height="1200"' in new_img
    assert 'alt="The bridge"' in new_img
    old_urls, new_urls = re.findall(r"\S+\.webp", old_img), re.findall(r"\S+\.webp", new_img)
    assert new_urls and not set(old_urls) & set(new_urls)
    after = Article.objects.get(pk=showing.pk)
    assert Image.objects.get(pk=image.pk).file.url in after.body
    assert after.updated_at == before.updated_at
    assert after.history.count() == before.history.count()
    assert Article.objects.get(pk=elsewhere.pk).body_html == "<p>Not rendered again.</p>"


def test_a_new_alt_text_shows_where_the_body_gave_none(client):
    image = library_image()
    article = ArticleFactory(body=f'<figure><img src="{image.file.url}"></figure>')
    assert 'alt="The harbour at dawn"' in page_images(client, article)[0]

    image_update(image=image, by=None, alt_text="  The harbour at dusk ")

    assert 'alt="The harbour at dusk"' in page_images(client, article)[0]


@pytest.mark.parametrize("how", ["delete-page", "delete-action"])
def test_deleting_an_image_removes_it_from_the_stories_using_it(client, editor, how):
    image, other = library_image(), library_image(width=900, height=600, name="quay.png")
    showing = ArticleFactory(body=f"<p>Bridge.</p>{figure(image)}{figure(other)}")
    elsewhere = ArticleFactory(body=f"<p>Quay.</p>{figure(other)}")
    Article.objects.filter(pk=elsewhere.pk).update(body_html="<p>Not rendered again.</p>")
    assert len(page_images(client, showing)) == 2
    client.force_login(editor)

    if how == "delete-page":
        url = reverse("admin:articles_image_delete", args=[image.pk])
        response = client.post(url, {"post": "yes"})
    else:
        response = client.post(
            reverse("admin:articles_image_changelist"),
            {"action": "delete_selected", "_selected_action": [image.pk], "post": "yes"},
        )

    assert response.status_code == 302
    assert not Image.objects.filter(pk=image.pk).exists()
    client.logout()
    (left,) = page_images(client, showing)
    assert 'width="800" height="533"' in left  # the other picture stays
    assertContains(client.get(showing.get_absolute_url()), "<p>Bridge.</p>", html=True)
    assert Article.objects.get(pk=elsewhere.pk).body_html == "<p>Not rendered again.</p>"


def test_only_editors_change_or_delete_library_images(writer):
    image = library_image()

    with pytest.raises(PermissionDenied):
        image_update(image=image, by=writer, alt_text="Defaced")
    with pytest.raises(PermissionDenied):
        image_delete(image=image, by=writer)
    assert Image.objects.get(pk=image.pk).alt_text == "The harbour at dawn"


# The command and the post-migrate handler ---------------------------------------------


def test_the_render_command_fixes_stale_rows_without_a_revision_or_a_new_date():
    article = ArticleFactory(body="<p>Right.</p>")
    comment = CommentFactory(body="Right.")
    fresh = ArticleFactory(body="<p>Already right.</p>")
    Article.objects.filter(pk=article.pk).update(body_html="<p>Stale.</p>")
    Comment.objects.filter(pk=comment.pk).update(body_html="<p>Stale.</p>")
    before = Article.objects.get(pk=article.pk)
    out = StringIO()

    call_command("render_html", stdout=out)

    after = Article.objects.get(pk=article.pk)
    assert after.body_html == "<p>Right.</p>"
    assert Comment.objects.get(pk=comment.pk).body_html == "<p>Right.</p>"
    assert after.updated_at == before.updated_at
    assert after.history.count() == before.history.count()
    assert Article.objects.get(pk=fresh.pk).body_html == "<p>Already right.</p>"
    assert out.getvalue().splitlines() == ["Article bodies changed: 1", "Comments changed: 1"]


def test_after_a_sanitizer_change_the_command_renders_every_body_with_it(monkeypatch):
    articles = ArticleFactory.create_batch(5, body="<h2>Sub</h2><p>Text.</p>")
    monkeypatch.setattr("articles.html.BODY_TAGS", frozenset({"p"}))
    out = StringIO()

    call_command("render_html", "--only", "articles", "--batch-size", "2", stdout=out)

    assert {a.body_html for a in Article.objects.filter(pk__in=[a.pk for a in articles])} == {
        "Sub<p>Text.</p>"
    }
    assert Article.objects.filter(body__contains="<h2>").count() == 5  # the source is kept
    assert out.getvalue() == "Article bodies changed: 5\n"


def test_the_render_command_can_leave_articles_alone():
    article = ArticleFactory()
    Article.objects.filter(pk=article.pk).update(body_html="<p>Stale.</p>")
    out = StringIO()

    call_command("render_html", "--only", "comments", stdout=out)

    assert Article.objects.get(pk=article.pk).body_html == "<p>Stale.</p>"
    assert out.getvalue() == "Comments changed: 0\n"


def test_migrate_renders_the_rows_left_without_html():
    article = ArticleFactory(body="<p>From before the column.</p>")
    empty = ArticleFactory(body="")
    current = ArticleFactory(body="<p>Right.</p>")
    comment = CommentFactory(body="From before too.")
    Article.objects.filter(pk=article.pk).update(body_html="")
    # Rendered by the current renderers, however it looks: left alone.
    Article.objects.filter(pk=current.pk).update(body_html="<p>Edited by SQL.</p>")
    Comment.objects.filter(pk=comment.pk).update(body_html="")

    call_command("migrate", verbosity=0)

    assert Article.objects.get(pk=article.pk).body_html == "<p>From before the column.</p>"
    assert Comment.objects.get(pk=comment.pk).body_html == "<p>From before too.</p>"
    assert Article.objects.get(pk=empty.pk).body_html == ""
    assert Article.objects.get(pk=current.pk).body_html == "<p>Edited by SQL.</p>"


def test_a_sanitizer_fix_reaches_stored_html_at_the_next_migrate():
    """Rows rendered by an older RENDERING_VERSION (before a sanitizer fix) are rendered
    again by migrate: the fix needs nobody to remember render_html."""
    hostile = '<blockquote cite="javascript:alert(1)"><p>Quoted.</p></blockquote>'
    article = ArticleFactory(body="<blockquote><p>Quoted.</p></blockquote>")
    comment = CommentFactory(body="Write to ada@example.org")
    old = RENDERING_VERSION - 1
    Article.objects.filter(pk=article.pk).update(body_html=hostile, html_version=old)
    Comment.objects.filter(pk=comment.pk).update(
        body_html='<p>Write to <a href="mailto:ada@example.org"></a></p>', html_version=old
    )

    call_command("migrate", verbosity=0)

    article.refresh_from_db()
    comment.refresh_from_db()
    assert "javascript:" not in article.body_html
    assert article.html_version == RENDERING_VERSION
    assert comment.body_html == "<p>Write to ada@example.org</p>"
    assert comment.html_version == RENDERING_VERSION
    # Nothing left to do: the next migrate writes nothing.
    with CaptureQueriesContext(connection) as queries:
        call_command("migrate", verbosity=0)
    assert not [q for q in queries if q["sql"].lstrip().upper().startswith("UPDATE")]


def test_saving_records_which_renderers_made_the_html(article, commenter):
    assert ArticleFactory().html_version == RENDERING_VERSION
    assert CommentFactory(article=article).html_version == RENDERING_VERSION


def test_after_a_media_address_change_the_command_points_bodies_at_the_new_one(settings):
    image = library_image()
    article = ArticleFactory(body=f"<p>Bridge.</p>{figure(image)}")
    other = ArticleFactory(body='<p>A link to <a href="/media/images/">the folder</a>.</p>')
    settings.MEDIA_URL = "https://media.example.org/"
    out = StringIO()

    call_command("render_html", "--old-image-prefix", "/media/images/", stdout=out)

    body_html = Article.objects.get(pk=article.pk).body_html
    assert 'src="https://media.example.org/renditions/' in body_html
    assert 'width="800" height="400"' in body_html
    assert (
        f'src="https://media.example.org/{image.file.name}"'
        in Article.objects.get(pk=article.pk).body
    )
    assert Article.objects.get(pk=other.pk).body == other.body
    assert out.getvalue().splitlines()[:2] == [
        "Article bodies pointed at the new image address: 1",
        "Article bodies changed: 1",
    ]
