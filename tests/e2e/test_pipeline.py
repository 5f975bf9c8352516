"""The pipeline in a browser without JavaScript: a note with a mention, returning a story
to its writer, and the writer's dashboard showing the note."""

from django.core import mail

import pytest
from playwright.sync_api import expect

from articles.models import Article
from tests.factories import ArticleFactory, staff_user

PASSWORD = "correct horse battery staple"


def log_in(page, username):
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


@pytest.fixture
def no_js_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_an_editor_notes_and_returns_a_story_without_javascript(no_js_page, settings):
    settings.NEWSROOM_BASE_URL = "http://testserver"
    page = no_js_page
    writer, editor = staff_user("wendy", "Writer"), staff_user("edith", "Editor")
    for user in (writer, editor):
        user.set_password(PASSWORD)
        user.save()
    story = ArticleFactory(
        status=Article.Status.IN_REVIEW,
        published_at=None,
        created_by=writer,
        headline="Harbour dredging plan",
    )

    log_in(page, "edith")
    page.goto(f"/admin/articles/article/{story.pk}/change/")
    page.get_by_label("Note:").fill("@wendy please add the council's reply.")
    page.get_by_role("button", name="Add note").click()
    # A click returns once the next page has started to arrive, not once it is all there.
    expect(page.get_by_text("Note added.")).to_be_visible()
    expect(page.locator(".newsroom-note__text").first).to_have_text(
        "@wendy please add the council's reply.", use_inner_text=True
    )
    page.get_by_label("Return to the writer with a note").fill("Needs a second source.")
    page.get_by_role("button", name="Return to the writer").click()
    expect(page.get_by_text("Returned to the writer with your note.")).to_be_visible()
    assert [m.to for m in mail.outbox] == [["wendy@example.com"], ["wendy@example.com"]]

    page.context.clear_cookies()
    log_in(page, "wendy")
    page.goto("/admin/")
    returned = page.locator("#dashboard-returned")
    assert "Needs a second source." in returned.inner_text()
    story.refresh_from_db()
    assert story.status == Article.Status.DRAFT
