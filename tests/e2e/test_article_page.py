from urllib.parse import parse_qs, urlsplit

from django.urls import reverse

import pytest
from playwright.sync_api import expect

from tests.factories import ArticleFactory, AuthorFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_reader_sees_the_footer_and_follows_log_in_to_the_login_page(page):
    article = ArticleFactory(
        headline="Harbour bridge reopens",
        slug="harbour-bridge-reopens",
        authors=[AuthorFactory(display_name="Mara Ellison")],
        tags=["Transport"],
    )

    page.goto(article.get_absolute_url())

    expect(page.get_by_role("heading", level=1)).to_have_text("Harbour bridge reopens")
    footer = page.locator("footer.article-footer")
    expect(footer.get_by_role("link", name="Transport")).to_be_visible()
    expect(footer.get_by_role("heading", name="Share This Post On")).to_be_visible()
    for network in ("Facebook", "X", "LinkedIn", "Telegram", "WhatsApp", "Reddit"):
        expect(
            footer.get_by_role("link", name=f"Share on {network} (opens in a new tab)")
        ).to_be_visible()
    expect(footer.get_by_role("link", name="Share by email")).to_be_visible()
    expect(footer.get_by_text("0 comments")).to_be_visible()
    expect(footer.get_by_role("heading", name="Leave a comment")).to_be_visible()
    expect(footer.get_by_text("You need to login to leave a comment.")).to_be_visible()

    footer.get_by_role("link", name="Log-in", exact=True).click()

    page.wait_for_url(lambda url: urlsplit(url).path == reverse("account_login"))
    url = urlsplit(page.url)
    assert url.path == reverse("account_login")
    assert parse_qs(url.query)["next"] == ["/articles/harbour-bridge-reopens/#comments"]
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign In")
    expect(page.locator("input[name=next]")).to_have_value(
        "/articles/harbour-bridge-reopens/#comments"
    )


def test_article_page_fits_a_phone_screen(page):
    article = ArticleFactory(headline="A headline long enough to wrap on a narrow phone screen")
    page.goto(article.get_absolute_url())
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
