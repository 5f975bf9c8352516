"""Writing comfort in a browser: spellcheck on in the body editor, its toolbar in view over
a long story, the word count following the typing."""

import pytest
from playwright.sync_api import expect

from tests.factories import ArticleFactory, AuthorFactory, staff_user

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery staple"


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

    area = page.locator(".ProseMirror[contenteditable=true]")
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
    menubar = page.locator(".field-body .prose-menubar")
    box = menubar.bounding_box()
    assert box is not None and -1 <= box["y"] <= 5, box

    # Leave the form so its heartbeat and autosave stop before the database is flushed.
    page.goto("about:blank")
    page.wait_for_timeout(500)
