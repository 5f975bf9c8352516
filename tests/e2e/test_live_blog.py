"""A live blog in a browser: an update posted while the page is open is announced by the
"new updates" notice, which moves nothing, and "show" loads the page at the new update."""

import pytest
from playwright.sync_api import expect

from articles.models import Article
from articles.services import live_update_create
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_update_posted_while_the_page_is_open_is_announced_and_shown(page):
    article = ArticleFactory(slug="election-night", kind=Article.Kind.LIVE)
    for n in range(12):
        live_update_create(
            article=article, by=None, body=f"<p>Update {n}, long enough to scroll past it.</p>"
        )
    page.clock.install()
    seen = []
    page.on("request", lambda r: "/updates/live/" in r.url and seen.append(r.url))
    page.goto(article.get_absolute_url())
    notice = page.locator("[data-live-updates]")
    expect(notice).to_be_empty()

    # The reader is reading an older update when a new one is posted.
    reading = page.get_by_text("Update 3, long enough")
    reading.scroll_into_view_if_needed()
    before = page.evaluate("window.scrollY")
    top_before = reading.bounding_box()["y"]
    newest = live_update_create(
        article=article, by=None, headline="Result", body="<p>The first result is in.</p>"
    )

    page.clock.run_for(31_000)
    expect(notice).to_contain_text("1 new update: show")
    assert len(seen) == 1
    assert page.evaluate("window.scrollY") == before
    assert reading.bounding_box()["y"] == top_before
    expect(notice).to_have_attribute("aria-live", "polite")
    assert page.evaluate(
        "getComputedStyle(document.querySelector('[data-live-updates]')).position"
    ) == ("fixed")
    # The comments' notice is there too, with nothing to say.
    expect(page.locator("[data-live-comments]")).to_be_empty()

    notice.get_by_role("link", name="show").click()
    page.wait_for_url(f"**/articles/election-night/?update={newest.pk}#update-{newest.pk}")
    expect(page.locator(f"#update-{newest.pk}")).to_contain_text("The first result is in.")
    expect(page.locator(".live-update").first).to_have_id(f"update-{newest.pk}")


def test_without_javascript_the_updates_are_there_and_nothing_polls(browser, live_server):
    article = ArticleFactory(kind=Article.Kind.LIVE)
    update = live_update_create(article=article, by=None, body="<p>Doors open.</p>")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    seen = []
    page.on("request", lambda r: "/updates/live/" in r.url and seen.append(r.url))
    page.goto(article.get_absolute_url())
    expect(page.locator(f"#update-{update.pk}")).to_contain_text("Doors open.")
    expect(page.locator("[data-live-updates]")).to_be_empty()
    assert seen == []
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_live_blog_and_its_notice_pass_the_audit_at_320px(browser, live_server, scheme):
    from tests.e2e.audit import AUDIT_JS

    article = ArticleFactory(kind=Article.Kind.LIVE, headline="Storm live")
    live_update_create(
        article=article, by=None, headline="Stay in", body="<p>Pinned.</p>", is_pinned=True
    )
    for n in range(3):
        live_update_create(article=article, by=None, headline=f"Hour {n}", body=f"<p>{n}.</p>")
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 320, "height": 640}, color_scheme=scheme
    )
    page = context.new_page()
    page.clock.install()
    page.goto(article.get_absolute_url())
    live_update_create(article=article, by=None, body="<p>New.</p>")
    page.clock.run_for(31_000)
    expect(page.locator("[data-live-updates]")).to_contain_text("1 new update: show")
    assert page.evaluate(AUDIT_JS) == []
    context.close()
