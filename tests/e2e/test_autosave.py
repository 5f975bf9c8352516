"""Never lose work, in a browser: type, see "Saved a draft", leave (warned), come back,
restore the text into the form, and save it."""

import re

import pytest
from playwright.sync_api import expect

from articles.models import ArticleDraft, EditPresence
from tests.factories import ArticleFactory, AuthorFactory, staff_user

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery staple"
# The form saves a draft this long after the last change (SAVE_DELAY in article-form.js).
SAVE_DELAY_MS = 5000


def after_the_save_delay(page):
    """Move the page's clock (installed by the test before the form loads) past the save
    delay, as if the writer had paused: the draft is saved at once, not 5 seconds later."""
    page.clock.fast_forward(SAVE_DELAY_MS)


def log_in(page, username):
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="My drafts")).to_be_visible()


def test_typed_text_is_autosaved_and_restored_after_a_reload(page):
    writer = staff_user("wendy", "Writer")
    writer.set_password(PASSWORD)
    writer.save()
    author = AuthorFactory(display_name="Mara Ellison", slug="mara-ellison")
    story = ArticleFactory(
        draft=True,
        created_by=writer,
        authors=[author],
        headline="Harbour bridge reopens",
        body="<p>Saved paragraph.</p>",
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    page.clock.install()
    log_in(page, "wendy")

    change = f"/admin/articles/article/{story.pk}/change/"
    page.goto(change)
    expect(page.locator("#newsroom-draft-offer")).to_have_count(0)
    preview = page.get_by_role("link", name="Preview as readers will see it")
    expect(preview).to_have_attribute("target", "_blank")
    editor_area = page.locator(".ProseMirror[contenteditable=true]")
    editor_area.click()
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.type("A paragraph typed on deadline.")
    page.get_by_label("Tags").fill("Transport, Night shift")
    after_the_save_delay(page)

    status = page.locator("#newsroom-autosave-status")
    expect(status).to_have_text(re.compile(r"^Saved a draft at \d\d:\d\d$"), timeout=15_000)
    draft = ArticleDraft.objects.get(user=writer, article=story)
    assert "A paragraph typed on deadline." in draft.fields["body"]
    assert draft.fields["tags"] == "Transport, Night shift"
    assert EditPresence.objects.get(article=story).user == writer

    # Leaving with unsaved changes asks first.
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.accept()

    page.on("dialog", answer)
    page.reload()
    assert dialogs == ["beforeunload"]

    offer = page.locator("#newsroom-draft-offer")
    expect(offer).to_contain_text("You have unsaved changes from")
    expect(page.locator(".ProseMirror[contenteditable=true]")).not_to_contain_text(
        "A paragraph typed on deadline."
    )
    offer.get_by_role("link", name="Restore").click()
    expect(offer).to_be_hidden()
    expect(page.locator(".ProseMirror[contenteditable=true]")).to_contain_text(
        "A paragraph typed on deadline."
    )
    expect(page.locator(".ProseMirror[contenteditable=true]")).to_contain_text("Saved paragraph.")
    expect(page.get_by_label("Tags")).to_have_value("Transport, Night shift")

    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    story.refresh_from_db()
    assert "<p>A paragraph typed on deadline.</p>" in story.body
    assert sorted(story.tags.names()) == ["Night shift", "Transport"]
    assert not ArticleDraft.objects.exists()
    # Submitting is not leaving: no warning was asked.
    assert dialogs == ["beforeunload"]


def test_discard_forgets_the_draft_without_leaving_the_page(page):
    writer = staff_user("wendy", "Writer")
    writer.set_password(PASSWORD)
    writer.save()
    story = ArticleFactory(draft=True, created_by=writer, body="<p>Saved.</p>")
    from articles.services import article_draft_save

    article_draft_save(
        user=writer,
        article=story,
        fields={"headline": story.headline, "slug": story.slug, "body": "<p>Other words.</p>"},
    )
    log_in(page, "wendy")

    page.goto(f"/admin/articles/article/{story.pk}/change/")
    offer = page.locator("#newsroom-draft-offer")
    offer.get_by_role("button", name="Discard").click()

    expect(page.locator("#newsroom-autosave-status")).to_have_text(
        "Your unsaved changes were discarded."
    )
    expect(offer).to_be_hidden()
    assert not ArticleDraft.objects.exists()


def test_an_editor_takes_over_and_the_writer_is_told_and_keeps_the_text(page, browser, live_server):
    writer = staff_user("wendy", "Writer")
    writer.first_name, writer.last_name = "Wendy", "Park"
    writer.set_password(PASSWORD)
    writer.save()
    editor = staff_user("edith", "Editor")
    editor.set_password(PASSWORD)
    editor.save()
    story = ArticleFactory(draft=True, created_by=writer, body="<p>Saved paragraph.</p>")
    change = f"/admin/articles/article/{story.pk}/change/"
    page.set_viewport_size({"width": 1280, "height": 900})
    page.clock.install()
    log_in(page, "wendy")
    page.goto(change)
    page.locator(".ProseMirror[contenteditable=true]").click()
    page.keyboard.press("End")
    page.keyboard.type(" The writer's last words.")
    after_the_save_delay(page)
    # One browser writing at a time: the tests' in-memory SQLite refuses two writers at once
    # (a file with WAL, as deployed, queues them).
    expect(page.locator("#newsroom-autosave-status")).to_contain_text(
        "Saved a draft at", timeout=15_000
    )

    other = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    editor_page = other.new_page()
    editor_page.set_default_timeout(10_000)
    log_in(editor_page, "edith")
    editor_page.goto(change)
    expect(editor_page.locator("#newsroom-presence")).to_contain_text(
        "Wendy Park is editing this story (since"
    )
    editor_page.wait_for_load_state("networkidle")
    editor_page.get_by_role("button", name="Take over").click()
    expect(editor_page.locator(".messagelist")).to_contain_text(
        "You took over this story from Wendy Park."
    )
    editor_page.wait_for_load_state("networkidle")

    # Back in the writer's tab: told at once, the text saved as a draft.
    page.evaluate("window.dispatchEvent(new Event('focus'))")
    expect(page.locator("#newsroom-presence")).to_contain_text("edith took over at", timeout=15_000)
    expect(page.locator("#newsroom-presence")).to_contain_text("your changes are saved as a draft")

    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".errorlist.nonfield")).to_contain_text("edith took over this story at")
    expect(page.locator(".ProseMirror[contenteditable=true]")).to_contain_text(
        "The writer's last words."
    )
    # No heartbeat or autosave may still be on its way when the test's database goes.
    page.goto("about:blank")
    editor_page.goto("about:blank")
    # Leaving sends the presence release (sendBeacon): let it land before teardown.
    page.wait_for_timeout(1000)
    other.close()
    story.refresh_from_db()
    assert story.body == "<p>Saved paragraph.</p>"
    draft = ArticleDraft.objects.get(user=writer, article=story)
    assert "The writer's last words." in draft.fields["body"]
