"""Writing comfort in the article form: spellcheck, word count, time zone, bylines near the
headline, the hero upload kept after a form error, a confirmation before bulk actions."""

import html
import json
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from articles import writing
from articles.models import Article, Image
from tests.articles.editorial import article_form_data, change_url
from tests.factories import ArticleFactory, png_bytes, staff_user

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")


@pytest.fixture
def editor_client(client):
    client.force_login(staff_user("edith", "Editor"))
    return client


def test_the_body_editor_keeps_the_browsers_spellcheck_on(editor_client):
    story = ArticleFactory()
    page = editor_client.get(change_url(story)).content.decode()
    config = re.search(r'data-django-prose-editor-configurable="([^"]*)"', page).group(1)
    extensions = json.loads(html.unescape(config))["extensions"]
    assert "NoSpellCheck" not in extensions
    assert extensions["Bold"] is True


def test_the_word_count_and_reading_time_are_printed_under_the_body(editor_client):
    words = " ".join(["word"] * 460)
    story = ArticleFactory(body=f"<p>{words}</p><h2>Two more</h2>")
    page = editor_client.get(change_url(story)).content.decode()
    assert 'id="newsroom-word-count"' in page
    assert "462 words · 3 min read" in page
    assert "js/writing-comfort.js" in page


def test_word_count_rules():
    assert writing.word_count("<p>One</p><p>two</p>") == 2
    assert writing.word_count_label("") == "0 words · 0 min read"
    assert writing.word_count_label("<p>Hello</p>") == "1 word · 1 min read"


def test_every_date_field_says_its_time_zone(editor_client, settings):
    settings.TIME_ZONE = "Europe/London"
    story = ArticleFactory()
    page = editor_client.get(change_url(story)).content.decode()
    label = writing.time_zone_label()
    assert re.fullmatch(r"Times are in Europe/London \(UTC\+[01]\)\.", label)
    assert label in page
    assert _label_in("UTC") == "Times are in UTC (UTC+0)."


def _label_in(zone):
    from django.utils import timezone

    with timezone.override(zone):
        return writing.time_zone_label()


def test_bylines_come_right_after_the_headline(editor_client):
    story = ArticleFactory()
    page = editor_client.get(change_url(story)).content.decode()
    headline = page.index('name="headline"')
    bylines = page.index('id="bylines-group"')
    body = page.index('name="body"')
    assert headline < bylines < body
    assert page.count('id="bylines-group"') == 1


def test_a_form_error_keeps_the_uploaded_hero_image(editor_client):
    story = ArticleFactory()
    data = article_form_data(
        story,
        headline="",  # the error
        hero_upload=SimpleUploadedFile("bridge.png", png_bytes(), content_type="image/png"),
        hero_alt_text="Buses crossing the bridge",
        hero_caption="The first buses at dawn.",
        hero_credit="Ana Ruiz",
        loaded_version=story.updated_at.isoformat(),
    )
    response = editor_client.post(change_url(story), data)
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    image = Image.objects.get()
    assert image.alt_text == "Buses crossing the bridge"
    assert image.caption == "The first buses at dawn."
    assert image.credit == "Ana Ruiz"
    form = response.context["adminform"].form
    assert str(form["hero_image"].value()) == str(image.pk)
    assert "kept in the image library" in response.content.decode()
    # Nothing else changed; fixing the headline saves the story with that hero.
    assert Article.objects.get(pk=story.pk).hero_image is None
    data = article_form_data(story, hero_image=image.pk)
    data["loaded_version"] = story.updated_at.isoformat()
    response = editor_client.post(change_url(story), data)
    assert response.status_code == 302
    assert Article.objects.get(pk=story.pk).hero_image == image


def test_an_invalid_hero_upload_is_not_kept(editor_client):
    story = ArticleFactory()
    data = article_form_data(
        story,
        hero_upload=SimpleUploadedFile("bridge.png", png_bytes(), content_type="image/png"),
        loaded_version=story.updated_at.isoformat(),
    )
    response = editor_client.post(change_url(story), data)
    assert response.status_code == 200
    assert "A hero image needs this." in response.content.decode()
    assert not Image.objects.exists()


@pytest.mark.parametrize(
    ("action", "status", "question", "after"),
    [
        (
            "publish_selected",
            Article.Status.DRAFT,
            "Are you sure? These 2 stories will be published now:",
            Article.Status.PUBLISHED,
        ),
        (
            "unpublish_selected",
            Article.Status.PUBLISHED,
            "Are you sure? These 2 stories will leave the site:",
            Article.Status.UNPUBLISHED,
        ),
    ],
)
def test_bulk_actions_ask_first_and_change_nothing_until_confirmed(
    editor_client, action, status, question, after
):
    stories = [
        ArticleFactory(headline="Bridge reopens", status=status, published_at=None),
        ArticleFactory(headline="Ferry strike", status=status, published_at=None),
    ]
    if status == Article.Status.PUBLISHED:
        for story in stories:
            Article.objects.filter(pk=story.pk).update(published_at=story.created_at)
    pks = [story.pk for story in stories]
    response = editor_client.post(CHANGELIST, {"action": action, "_selected_action": pks})
    assert response.status_code == 200
    page = response.content.decode()
    assert question in page
    assert "Bridge reopens" in page and "Ferry strike" in page
    assert set(Article.objects.values_list("status", flat=True)) == {status}

    response = editor_client.post(
        CHANGELIST, {"action": action, "_selected_action": pks, "post": "yes"}
    )
    assert response.status_code == 302
    assert set(Article.objects.values_list("status", flat=True)) == {after}


def test_writers_get_no_bulk_confirmation_page(client):
    writer = staff_user("wendy", "Writer")
    client.force_login(writer)
    story = ArticleFactory(draft=True, created_by=writer)
    response = client.post(
        CHANGELIST, {"action": "publish_selected", "_selected_action": [story.pk]}
    )
    assert "Are you sure?" not in response.content.decode()
    assert Article.objects.get(pk=story.pk).status == Article.Status.DRAFT


CHOOSER = reverse("admin:articles_article_image_chooser")


def _library_image(alt):
    from articles.services import image_create

    return image_create(
        file=SimpleUploadedFile("pic.png", png_bytes(800, 450), content_type="image/png"),
        alt_text=alt,
        caption=f"{alt}, the caption.",
        credit="Ana Ruiz",
    )


@pytest.mark.parametrize(("role", "status"), [("Writer", 200), ("Editor", 200), ("Moderator", 403)])
def test_the_image_chooser_is_for_those_who_write_stories(client, role, status):
    client.force_login(staff_user("someone", role))
    assert client.get(CHOOSER).status_code == status


def test_readers_are_sent_to_the_admin_login(client):
    response = client.get(CHOOSER)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_chooser_lists_and_searches_the_newest_images(editor_client):
    bridge = _library_image("The bridge at dawn")
    _library_image("A ferry in fog")
    page = editor_client.get(CHOOSER, {"CKEditorFuncNum": "-1"}).content.decode()
    assert page.index("A ferry in fog") < page.index("The bridge at dawn")
    assert f"<code>{bridge.file.url}</code>" in page
    assert 'data-func-num="-1"' in page
    found = editor_client.get(CHOOSER, {"q": "bridge"}).content.decode()
    assert "The bridge at dawn" in found and "A ferry in fog" not in found
    assert "No image in the library matches." in editor_client.get(CHOOSER, {"q": "zebra"}).text


def test_the_chooser_uploads_to_the_library(editor_client):
    response = editor_client.post(
        CHOOSER + "?CKEditorFuncNum=-2",
        {
            "file": SimpleUploadedFile("pic.png", png_bytes(), content_type="image/png"),
            "alt_text": "Buses on the bridge",
            "caption": "The first buses.",
            "credit": "Ana Ruiz",
        },
    )
    image = Image.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{CHOOSER}?CKEditorFuncNum=-2&chosen={image.pk}"
    assert image.uploaded_by.username == "edith"
    page = editor_client.get(response["Location"]).content.decode()
    assert "newsroom-chooser-item--chosen" in page


def test_a_refused_chooser_upload_keeps_the_typed_text(editor_client):
    response = editor_client.post(
        CHOOSER,
        {
            "file": SimpleUploadedFile("notes.png", b"not a picture", content_type="image/png"),
            "alt_text": "Buses on the bridge",
            "caption": "",
            "credit": "Ana Ruiz",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="Buses on the bridge"' in page
    assert "This field is required." in page
    assert not Image.objects.exists()


def test_the_figure_dialog_browses_the_chooser(editor_client):
    story = ArticleFactory()
    page = editor_client.get(change_url(story)).content.decode()
    config = re.search(r'data-django-prose-editor-configurable="([^"]*)"', page).group(1)
    extensions = json.loads(html.unescape(config))["extensions"]
    assert extensions["Figure"] == {"pickerUrl": CHOOSER}
