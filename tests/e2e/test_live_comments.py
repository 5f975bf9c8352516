"""The live "new comments" notice in a browser: polite polling, a notice that moves nothing,
"show" at the newest comment, and nothing at all without JavaScript."""

import pytest
from playwright.sync_api import expect

from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db(transaction=True)

LONG_BODY = "".join(
    f"<p>Paragraph {n} of the story, long enough to scroll past.</p>" for n in range(60)
)


def live_requests(page) -> list[str]:
    seen = []
    page.on(
        "request", lambda request: "/comments/live/" in request.url and seen.append(request.url)
    )
    return seen


def test_new_comments_are_announced_without_moving_the_text_and_show_leads_to_them(page):
    article = ArticleFactory(slug="harbour-bridge-reopens", body=LONG_BODY)
    CommentFactory(article=article, body="The first comment.")
    page.clock.install()
    seen = live_requests(page)
    page.goto(article.get_absolute_url())
    notice = page.locator("[data-live-comments]")
    expect(notice).to_be_empty()

    # The reader is reading paragraph 30 when others comment.
    page.get_by_text("Paragraph 30 of the story").scroll_into_view_if_needed()
    before = page.evaluate("window.scrollY")
    top_before = page.get_by_text("Paragraph 30 of the story").bounding_box()["y"]
    CommentFactory(article=article, body="A second opinion.")
    newest = CommentFactory(article=article, body="A third voice.")

    page.clock.run_for(31_000)
    expect(notice).to_contain_text("2 new comments: show")
    assert len(seen) == 1
    assert page.evaluate("window.scrollY") == before
    assert page.get_by_text("Paragraph 30 of the story").bounding_box()["y"] == top_before
    # Fixed in the window, announced politely.
    assert page.evaluate("getComputedStyle(document.querySelector('.live-comments')).position") == (
        "fixed"
    )
    expect(notice).to_have_attribute("role", "status")

    notice.get_by_role("link", name="show").click()
    page.wait_for_url(f"**{article.get_absolute_url()}#comment-{newest.pk}")
    expect(page.locator(f"#comment-{newest.pk}")).to_contain_text("A third voice.")


def test_no_polling_while_the_tab_is_hidden_and_one_ask_on_return(page):
    article = ArticleFactory()
    CommentFactory(article=article)
    page.clock.install()
    seen = live_requests(page)
    page.goto(article.get_absolute_url())

    page.evaluate(
        """() => {
        Object.defineProperty(document, "hidden", {configurable: true, get: () => true});
        document.dispatchEvent(new Event("visibilitychange"));
    }"""
    )
    page.clock.run_for(5 * 60_000)
    assert seen == []

    CommentFactory(article=article)
    page.evaluate(
        """() => {
        Object.defineProperty(document, "hidden", {configurable: true, get: () => false});
        document.dispatchEvent(new Event("visibilitychange"));
    }"""
    )
    expect(page.locator("[data-live-comments]")).to_contain_text("1 new comment: show")
    assert len(seen) == 1


def test_the_notice_can_be_dismissed_until_more_arrive(page):
    article = ArticleFactory()
    CommentFactory(article=article)
    # Polls 30 s apart on the page's clock come a moment apart in fact: no HTTP cache, so
    # the second is not answered by the browser from the first (max-age=15).
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    page.clock.install()
    page.goto(article.get_absolute_url())
    notice = page.locator("[data-live-comments]")
    CommentFactory(article=article)
    page.clock.run_for(31_000)
    expect(notice).to_contain_text("1 new comment")
    notice.get_by_role("button", name="Dismiss").click()
    expect(notice).to_be_empty()
    CommentFactory(article=article)
    page.clock.run_for(61_000)
    expect(notice).to_contain_text("2 new comments")


def test_pages_without_a_comment_section_never_poll(page):
    ArticleFactory()
    page.clock.install()
    seen = live_requests(page)
    page.goto("/")
    page.clock.run_for(2 * 60_000)
    assert seen == []


def test_without_javascript_nothing_changes(browser, live_server):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    article = ArticleFactory()
    CommentFactory(article=article, body="Shown without any script.")
    seen = live_requests(page)
    page.goto(article.get_absolute_url())
    CommentFactory(article=article)
    expect(page.get_by_text("Shown without any script.")).to_be_visible()
    expect(page.locator("[data-live-comments]")).to_be_empty()
    assert seen == []
    context.close()
