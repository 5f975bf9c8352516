"""Guards for where the site is headed: anonymous pages served whole from a shared cache,
and a strict Content-Security-Policy (no inline script or style)."""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.urls import reverse

import pytest

from tests.factories import ArticleFactory, AuthorFactory, CommentFactory

pytestmark = pytest.mark.django_db


class InlineCodeFinder(HTMLParser):
    """Finds what a strict CSP would block: inline scripts, style blocks and attributes."""

    def __init__(self):
        super().__init__()
        self.problems: list[str] = []
        self._inline_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs:
            self.problems.append(f"style attribute on <{tag}>")
        for name in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name} on <{tag}>")
        if tag == "style":
            self.problems.append("<style> block")
        if tag == "script":
            src = attrs.get("src")
            if src:
                if urlsplit(src).netloc:
                    self.problems.append(f"third-party script {src}")
            elif attrs.get("type") != "application/ld+json":
                self._inline_script = True
        for name in ("href", "src"):
            if (attrs.get(name) or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"javascript: URL on <{tag}>")

    def handle_data(self, data):
        if self._inline_script and data.strip():
            self.problems.append(f"inline script: {data.strip()[:60]}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._inline_script = False


@pytest.fixture
def public_urls(db):
    author = AuthorFactory(display_name="Mara Ellison", slug="mara-ellison")
    articles = [
        ArticleFactory(authors=[author], tags=["Transport"], headline=f"Bridge story {n}")
        for n in range(15)
    ]
    CommentFactory.create_batch(3, article=articles[0])
    return [
        reverse("articles:home"),
        reverse("articles:home") + "?page=2",
        articles[0].get_absolute_url(),
        articles[0].get_absolute_url() + "?order=newest",
        reverse("articles:tag", kwargs={"slug": "transport"}),
        author.get_absolute_url(),
        reverse("articles:search") + "?q=bridge",
        reverse("articles:corrections"),
    ]


def test_anonymous_pages_set_no_cookie_and_carry_no_per_user_bit(client, public_urls):
    for url in public_urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert not response.cookies, (url, response.cookies)
        html = response.content.decode()
        assert "csrfmiddlewaretoken" not in html, url
        assert "Log out" not in html, url


def test_anonymous_pages_have_no_inline_script_or_style(client, public_urls):
    for url in public_urls:
        finder = InlineCodeFinder()
        finder.feed(client.get(url).content.decode())
        assert finder.problems == [], url


def test_a_logged_in_readers_article_page_is_private(client, reader):
    article = ArticleFactory()
    client.force_login(reader)
    response = client.get(article.get_absolute_url())
    assert "private" in response.headers.get("Cache-Control", "")
    assert re.search(r'name="csrfmiddlewaretoken"', response.content.decode())


def parse_policy(header: str) -> dict[str, list[str]]:
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in directives}


def test_every_page_but_the_admins_sends_a_strict_content_security_policy(
    client, public_urls, commenter
):
    # The pages hold no inline code (above): the policy makes a slipped-in script inert.
    account_urls = [reverse("account_login"), reverse("account_signup")]
    for url in [*public_urls, *account_urls, "/no-such-page/"]:
        policy = parse_policy(client.get(url).headers.get("Content-Security-Policy", ""))
        assert policy["script-src"] == ["'self'"], url
        assert policy["style-src"] == ["'self'"], url
        assert policy["object-src"] == ["'none'"], url
        assert policy["frame-ancestors"] == ["'none'"], url
        assert not any("unsafe" in source for sources in policy.values() for source in sources)
        finder = InlineCodeFinder()
        finder.feed(client.get(url).content.decode())
        assert finder.problems == [], url
    client.force_login(commenter)
    assert "Content-Security-Policy" in client.get(reverse("accounts:profile")).headers


def test_the_admin_sends_its_own_policy_and_readers_keep_theirs(admin_client, article):
    # The admin's allows the rich text editor's import map (a nonce) and injected style (a
    # hash); no reader page does.
    admin = admin_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    admin_policy = admin.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in admin_policy.split(";"))
    assert directives["script-src"] == f"'self' 'nonce-{admin.wsgi_request.csp_nonce}'"
    assert f'<script type="importmap" nonce="{admin.wsgi_request.csp_nonce}">' in (
        admin.content.decode()
    )
    reader_policy = admin_client.get(article.get_absolute_url()).headers["Content-Security-Policy"]
    reader = dict(part.strip().split(" ", 1) for part in reader_policy.split(";"))
    assert reader["script-src"] == "'self'"
    assert reader["style-src"] == "'self'"
