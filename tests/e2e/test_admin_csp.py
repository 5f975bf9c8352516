"""The admin runs under its Content-Security-Policy: an editor writes a story with the rich
text editor and the browser reports no violation."""

import pytest
from playwright.sync_api import expect

from articles.models import Article
from tests.factories import AuthorFactory, staff_user

pytestmark = pytest.mark.django_db(transaction=True)

# Registered before any page script runs, so every violation of the page is kept.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__cspViolations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} at ${where}`
  );
});
"""


def test_an_editor_writes_and_saves_a_story_without_a_policy_violation(page):
    editor = staff_user("edith", "Editor")
    editor.set_password("correct horse battery staple")
    editor.save()
    AuthorFactory(display_name="Mara Ellison", slug="mara-ellison")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.add_init_script(RECORD_VIOLATIONS)
    console_errors = []

    def keep_error(message):
        # The browser's own request for /favicon.ico is a 404 on every admin page.
        if message.type == "error" and not message.location["url"].endswith("/favicon.ico"):
            console_errors.append(message.text)

    page.on("console", keep_error)

    response = page.goto("/admin/login/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.get_by_label("Username").fill("edith")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="My drafts")).to_be_visible()

    page.goto("/admin/articles/article/add/")
    page.get_by_label("Headline").press_sequentially("Ferry timetable changes")
    body = page.locator(".ProseMirror[contenteditable=true]")
    body.click()
    page.keyboard.type("From Monday the first ferry leaves at six. ")
    page.locator(".prose-menubar [title=bold]").click()
    page.keyboard.type("Book ahead.")
    expect(body.locator("strong")).to_have_text("Book ahead.")
    # The autocomplete widget (select2) for the byline.
    page.locator("#bylines-0 .select2-selection").click()
    page.locator(".select2-search__field").fill("Mara")
    page.locator(".select2-results__option", has_text="Mara Ellison").click()
    violations_while_editing = page.evaluate("window.__cspViolations")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    article = Article.objects.get(slug="ferry-timetable-changes")
    assert "<strong>Book ahead.</strong>" in article.body
    assert violations_while_editing == []
    assert page.evaluate("window.__cspViolations") == []
    assert console_errors == []
