import pytest
from playwright.sync_api import expect

from tests.factories import ArticleFactory, VerifiedUserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_reader_logs_in_comments_replies_and_edits(page):
    article = ArticleFactory(headline="Harbour bridge reopens", slug="harbour-bridge-reopens")
    VerifiedUserFactory(username="ada")

    page.goto(article.get_absolute_url())
    comments = page.locator("#comments")
    comments.get_by_role("link", name="Log-in", exact=True).click()
    page.get_by_label("Login").fill("ada")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign In").click()

    # Back at the article's comments, with the form.
    page.wait_for_url(f"**{article.get_absolute_url()}#comments")
    comments = page.locator("#comments")
    comments.get_by_label("Your comment").fill("Good news for cyclists.\n\nAnd for buses.")
    comments.get_by_role("button", name="Post comment").click()
    expect(page.get_by_text("Your comment is published.")).to_be_visible()
    expect(page.locator(".comment-count")).to_have_text("1 comment")
    first = page.locator(".comment-thread").first
    expect(first.locator(".comment__body")).to_contain_text("And for buses.")

    # Reply to it.
    first.get_by_role("link", name="Reply to ada").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reply to ada")
    page.get_by_label("Your comment").fill("Replying to myself: and pedestrians.")
    page.get_by_role("button", name="Send").click()
    page.wait_for_url(f"**{article.get_absolute_url()}#comment-*")
    reply = page.locator(".comment-list--replies .comment")
    expect(reply).to_contain_text("Replying to myself: and pedestrians.")

    # Edit the first comment.
    page.locator(".comment-thread > .comment").first.get_by_role("link", name="Edit").click()
    editor = page.get_by_label("Your comment")
    expect(editor).to_have_value("Good news for cyclists.\n\nAnd for buses.")
    editor.fill("Good news for cyclists, and for buses.")
    page.get_by_role("button", name="Send").click()

    page.wait_for_url(f"**{article.get_absolute_url()}#comment-*")
    top = page.locator(".comment-thread > .comment").first
    expect(top.locator(".comment__body")).to_have_text("Good news for cyclists, and for buses.")
    expect(top.locator(".comment__edited")).to_have_text("edited")
    expect(reply).to_contain_text("Replying to myself: and pedestrians.")
    expect(page.locator(".comment-count")).to_have_text("2 comments")
    assert (
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        <= 0
    )
