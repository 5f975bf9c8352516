"""A reaction toggles in place with JavaScript (the count and aria-pressed change, the page
does not move), and with JavaScript off the same form posts and comes back to the comment."""

from django.test import Client
from django.urls import reverse

import pytest
from playwright.sync_api import expect

from articles.models import Comment, IgnoredCommenter
from articles.services import comment_feature, comment_react
from tests.e2e.audit import AUDIT_JS
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    UserFactory,
    VerifiedUserFactory,
)

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
    # Somewhere a reload would not come back to. (At once: a wheel scrolls on its own
    # time, and could still be moving when the position is read.)
    page.evaluate("window.scrollBy({top: 120, behavior: 'instant'})")
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


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_picks_badges_folded_comments_and_buttons_pass_the_audit_at_320px(
    browser, live_server, scheme
):
    writer = VerifiedUserFactory(username="mara", is_staff=True)
    article = ArticleFactory(authors=[AuthorFactory(user=writer)], slug="harbour-bridge")
    loud = VerifiedUserFactory(username="loud")
    pick = CommentFactory(article=article, author=writer, body="From the author.")
    CommentFactory(article=article, author=loud, body="Loud words.")
    CommentFactory(article=article, parent=pick, body="A reply.")
    comment_feature(comment=pick, by=UserFactory(is_superuser=True), featured=True)
    moderator = VerifiedUserFactory(username="root", is_staff=True, is_superuser=True)
    comment_react(comment=pick, by=moderator, on=True)
    IgnoredCommenter.objects.create(user=moderator, ignored=loud)

    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 320, "height": 640}, color_scheme=scheme
    )
    client = Client()
    client.force_login(moderator)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    try:
        for url in (
            article.get_absolute_url(),
            article.get_absolute_url() + "?comments=best",
            reverse("articles:ignored-commenters"),
        ):
            page.goto(url)
            assert page.evaluate(AUDIT_JS) == [], url
        page.goto(article.get_absolute_url())
        expect(page.get_by_role("heading", name="Editors' picks")).to_be_visible()
        folded = page.locator("details.comment-ignored")
        expect(folded.locator(".comment__body")).to_be_hidden()
        folded.locator("summary").click()
        expect(folded.locator(".comment__body")).to_have_text("Loud words.")
    finally:
        context.close()
