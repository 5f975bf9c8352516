"""The share row in a real browser: copy link, the Mastodon form, and life without JavaScript."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def story():
    return ArticleFactory(headline="Harbour bridge reopens", slug="harbour-bridge-reopens")


def test_copy_link_puts_the_article_url_on_the_clipboard(browser, live_server, story):
    context = browser.new_context(base_url=live_server.url)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    page.goto(story.get_absolute_url())

    page.get_by_role("button", name="Copy link").click()

    expect(page.locator("[data-share]").get_by_role("status")).to_have_text("Link copied.")
    assert page.evaluate("navigator.clipboard.readText()") == (
        f"{live_server.url}/articles/harbour-bridge-reopens/"
    )
    context.close()


def test_without_a_clipboard_the_link_is_shown_selected_to_copy(page, live_server, story):
    page.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    page.goto(story.get_absolute_url())

    page.get_by_role("button", name="Copy link").click()

    field = page.get_by_label("Copy this link:")
    expect(field).to_be_visible()
    expect(field).to_have_value(f"{live_server.url}/articles/harbour-bridge-reopens/")
    expect(field).to_be_focused()
    expect(page.locator("[data-share]").get_by_role("status")).to_have_text(
        "Copy the link from the box below."
    )


def test_share_sheet_button_appears_only_where_the_browser_has_one(page, story):
    page.goto(story.get_absolute_url())
    expect(page.get_by_role("button", name="Share with an app on this device")).to_have_count(0)

    page.add_init_script(
        "navigator.share = (data) => { window.__shared = data; return Promise.resolve(); };"
        "navigator.canShare = () => true;"
    )
    page.reload()
    page.get_by_role("button", name="Share with an app on this device").click()
    shared = page.evaluate("window.__shared")
    assert shared["title"] == "Harbour bridge reopens"
    assert shared["url"].endswith("/articles/harbour-bridge-reopens/")


def test_mastodon_goes_to_the_readers_server_and_remembers_it(page, live_server, story):
    landed = []

    def fake_mastodon(route):
        landed.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<h1>Mastodon</h1>")

    page.route("https://social.example.org/**", fake_mastodon)
    page.goto(story.get_absolute_url())

    page.locator("summary.share__link--mastodon").click()
    # The open form still fits a phone's width.
    assert (
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        <= 0
    )
    page.get_by_label("Your Mastodon server").fill("@reader@social.example.org")
    page.get_by_role("button", name="Share on Mastodon").click()

    page.wait_for_url("https://social.example.org/**")
    url = urlsplit(landed[0])
    assert url.path == "/share"
    assert parse_qs(url.query)["text"] == [
        f"Harbour bridge reopens {live_server.url}/articles/harbour-bridge-reopens/"
    ]

    page.goto(story.get_absolute_url())
    page.locator("summary.share__link--mastodon").click()
    expect(page.get_by_label("Your Mastodon server")).to_have_value("@reader@social.example.org")


def test_without_javascript_buttons_stay_hidden_and_mastodon_still_works(
    browser, live_server, story
):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    landed = []
    page.route(
        "https://mastodon.example/**",
        lambda route: (landed.append(route.request.url), route.fulfill(status=200, body="ok")),
    )
    page.goto(story.get_absolute_url())

    expect(page.get_by_role("button", name="Copy link")).to_be_hidden()
    expect(page.get_by_role("button", name="Share with an app on this device")).to_be_hidden()
    expect(page.get_by_role("link", name="Share on Bluesky (opens in a new tab)")).to_be_visible()

    page.locator("summary.share__link--mastodon").click()
    page.get_by_label("Your Mastodon server").fill("mastodon.example")
    page.get_by_role("button", name="Share on Mastodon").click()

    page.wait_for_url("https://mastodon.example/**")
    assert urlsplit(landed[0]).path == "/share"
    context.close()


def test_the_share_row_works_from_the_keyboard(browser, live_server, story):
    context = browser.new_context(base_url=live_server.url)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    landed = []
    page.route(
        "https://social.example.org/**",
        lambda route: (
            landed.append(route.request.url),
            route.fulfill(status=200, content_type="text/html", body="<h1>Mastodon</h1>"),
        ),
    )
    page.goto(story.get_absolute_url())

    # Tab from the first share link reaches every control of the row, the copy button last.
    page.get_by_role("link", name="Share on Facebook (opens in a new tab)").focus()
    reached = []
    for _ in range(20):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.outerHTML.split('>')[0]"))
        if "data-share-copy" in reached[-1]:
            break
    assert any("share__link--mastodon" in tag for tag in reached), reached
    assert "data-share-copy" in reached[-1], reached
    # Focus is visible on the button the keyboard reached.
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none"), outline
    page.keyboard.press("Enter")
    expect(page.locator("[data-share]").get_by_role("status")).to_have_text("Link copied.")
    assert page.evaluate("navigator.clipboard.readText()").endswith(
        "/articles/harbour-bridge-reopens/"
    )

    # Mastodon: Enter opens the form, Tab reaches the field, Enter sends it.
    page.locator("summary.share__link--mastodon").focus()
    page.keyboard.press("Enter")
    field = page.get_by_label("Your Mastodon server")
    expect(field).to_be_visible()
    page.keyboard.press("Tab")
    expect(field).to_be_focused()
    page.keyboard.type("social.example.org")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"^https://social\.example\.org/share\?"))
    assert urlsplit(landed[0]).path == "/share"
    context.close()
