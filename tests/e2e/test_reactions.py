"""A reaction toggles in place with JavaScript (the count and aria-pressed change, the page
does not move), and with JavaScript off the same form posts and comes back to the comment."""

import pytest
from playwright.sync_api import expect

from articles.models import Comment
from tests.factories import ArticleFactory, CommentFactory, VerifiedUserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Login").fill(username)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()


def long_thread():
    article = ArticleFactory(headline="Harbour bridge reopens", slug="harbour-bridge-reopens")
    comments = [
        CommentFactory(article=article, body=f"Comment number {n}. " + "Words " * 40)
        for n in range(25)
    ]
    VerifiedUserFactory(username="ada")
    return article, comments[18]


def test_a_reaction_toggles_without_a_page_jump(page):
    article, comment = long_thread()
    log_in(page, "ada")
    page.goto(article.get_absolute_url())
    target = page.locator(f"#comment-{comment.pk}")
    button = target.get_by_role("button", name="Respect")
    button.scroll_into_view_if_needed()
    page.mouse.wheel(0, 120)  # somewhere a reload would not come back to
    page.wait_for_timeout(200)
    url, scrolled = page.url, page.evaluate("window.scrollY")
    assert scrolled > 0
    expect(button).to_have_attribute("aria-pressed", "false")

    button.click()

    expect(button).to_have_attribute("aria-pressed", "true")
    expect(button.locator(".reaction__count")).to_have_text("1")
    assert page.evaluate("window.scrollY") == scrolled
    assert page.url == url
    assert Comment.objects.get(pk=comment.pk).reaction_count == 1

    button.click()

    expect(button).to_have_attribute("aria-pressed", "false")
    expect(button.locator(".reaction__count")).to_have_text("0")
    assert page.evaluate("window.scrollY") == scrolled
    assert Comment.objects.get(pk=comment.pk).reaction_count == 0


def test_without_javascript_the_form_posts_and_comes_back_to_the_comment(browser, live_server):
    article, comment = long_thread()
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        log_in(page, "ada")
        page.goto(article.get_absolute_url() + "?comments=newest")
        page.locator(f"#comment-{comment.pk}").get_by_role("button", name="Respect").click()

        page.wait_for_url(f"**?comments=newest#comment-{comment.pk}")
        button = page.locator(f"#comment-{comment.pk}").get_by_role("button", name="Respect")
        expect(button).to_have_attribute("aria-pressed", "true")
        expect(button.locator(".reaction__count")).to_have_text("1")
        expect(page.locator(f"#comment-{comment.pk}")).to_be_in_viewport()
    finally:
        context.close()
