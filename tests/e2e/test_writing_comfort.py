"""Writing comfort in a browser: spellcheck on in the body editor, its toolbar in view over
a long story, the word count following the typing."""

import pytest
from playwright.sync_api import expect

from tests.factories import ArticleFactory, AuthorFactory, png_bytes, staff_user

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery staple"


def log_in_as_editor(page):
    editor = staff_user("edith", "Editor")
    editor.set_password(PASSWORD)
    editor.save()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("edith")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_the_body_editor_spellchecks_keeps_its_toolbar_and_counts_words(page):
    editor = staff_user("edith", "Editor")
    editor.set_password(PASSWORD)
    editor.save()
    paragraphs = "".join(f"<p>Paragraph {n} of a long story.</p>" for n in range(80))
    story = ArticleFactory(authors=[AuthorFactory()], body=paragraphs)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("edith")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"/admin/articles/article/{story.pk}/change/")

    # The story's body editor: the first (a live story's scheduled-update form has one too).
    area = page.locator(".ProseMirror[contenteditable=true]").first
    expect(area).to_be_visible()
    assert area.get_attribute("spellcheck") != "false"

    count = page.locator("#newsroom-word-count")
    expect(count).to_have_text("480 words · 3 min read")
    area.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" two more")
    expect(count).to_have_text("482 words · 3 min read")

    # Deep in the story, the toolbar is still at the top of the window.
    page.locator(".ProseMirror p").nth(70).scroll_into_view_if_needed()
    menubar = page.locator(".field-body .prose-menubar").first
    box = menubar.bounding_box()
    assert box is not None and -1 <= box["y"] <= 5, box

    # Leave the form so its heartbeat and autosave stop before the database is flushed.
    page.goto("about:blank")
    page.wait_for_timeout(500)


def test_an_image_chosen_from_the_library_is_inserted_at_the_cursor(page):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from articles.services import image_create

    image = image_create(
        file=SimpleUploadedFile("quay.png", png_bytes(800, 450), content_type="image/png"),
        alt_text="The quay at noon",
        caption="Boats at the quay.",
        credit="Ana Ruiz",
    )
    story = ArticleFactory(
        authors=[AuthorFactory()], body="<p>First paragraph.</p><p>Second paragraph.</p>"
    )
    log_in_as_editor(page)
    page.goto(f"/admin/articles/article/{story.pk}/change/")
    first = page.locator(".ProseMirror[contenteditable=true] p").first
    first.click()
    page.keyboard.press("End")

    page.locator(".field-body .prose-menubar__button[title='figure']").first.click()
    dialog = page.locator("dialog[open]")
    with page.expect_popup() as popup_info:
        dialog.get_by_role("button", name="Browse...").click()
    chooser = popup_info.value
    with chooser.expect_event("close"):
        chooser.get_by_role("button", name="Use this image").click()

    expect(dialog.locator("input[name=altText]")).to_have_value("The quay at noon")
    dialog.get_by_role("button", name="Insert").click()
    figure = page.locator(".ProseMirror figure img")
    expect(figure).to_have_attribute("src", image.file.url)
    # At the cursor: after the first paragraph, before the second.
    html = page.locator("#id_body").input_value()
    assert html.index("First paragraph.") < html.index(image.file.url) < html.index("Second")

    page.goto("about:blank")
    page.wait_for_timeout(500)
