"""The news-site footer under every article: tags, share row, comment count, comment gate."""

import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, unquote, urlsplit

from django.urls import reverse

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Comment
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db

SHARE_HOSTS = {
    "facebook": ("www.facebook.com", "Facebook"),
    "x": ("x.com", "X"),
    "bluesky": ("bsky.app", "Bluesky"),
    "linkedin": ("www.linkedin.com", "LinkedIn"),
    "telegram": ("t.me", "Telegram"),
    "whatsapp": ("wa.me", "WhatsApp"),
    "reddit": ("www.reddit.com", "Reddit"),
}


class FooterParser(HTMLParser):
    """Collects the share links and the visible text of the article footer."""

    def __init__(self):
        super().__init__()
        self.in_footer = 0
        self.in_svg = 0
        self.texts: list[str] = []
        self.links: list[dict] = []
        self.current_link: dict | None = None
        self.svg_in_link = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "footer" and "article-footer" in (attrs.get("class") or ""):
            self.in_footer = 1
            return
        if not self.in_footer:
            return
        if tag == "footer":
            self.in_footer += 1
        if tag == "svg" and self.current_link is not None:
            self.current_link["has_svg"] = True
            self.current_link["svg_hidden"] = attrs.get("aria-hidden") == "true"
        if tag == "a" and "share__link" in (attrs.get("class") or ""):
            self.current_link = {**attrs, "name": "", "has_svg": False}

    def handle_endtag(self, tag):
        if not self.in_footer:
            return
        if tag == "footer":
            self.in_footer -= 1
        if tag == "a" and self.current_link is not None:
            self.links.append(self.current_link)
            self.current_link = None

    def handle_data(self, data):
        if not self.in_footer or not data.strip():
            return
        if self.current_link is not None:
            self.current_link["name"] += data.strip()
        else:
            self.texts.append(" ".join(data.split()))


def parse_footer(response) -> FooterParser:
    parser = FooterParser()
    parser.feed(response.content.decode())
    return parser


def sample_footer_lines(path) -> list[str]:
    """The footer of the sample page: its lines from "Share This Post On" on."""
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return lines[lines.index("Share This Post On") :]


def test_footer_reads_like_the_sample_page_in_order(client, article, seed_article_path):
    texts = parse_footer(client.get(article.get_absolute_url())).texts
    footer_text = " ".join(texts)

    expected = sample_footer_lines(seed_article_path)
    # The sample's lines, in its order, each present in ours: tags come before them.
    positions = [footer_text.index(line.replace("Log-in", "").strip()) for line in expected]
    assert positions == sorted(positions), (expected, footer_text)
    assert texts[:2] == ["Eastport", "Transport"]  # the tags, first
    assert footer_text.endswith("You need to login to leave a comment. Log-in")


def test_tags_link_to_their_tag_pages(client, article):
    response = client.get(article.get_absolute_url())
    assertContains(
        response,
        f'<li><a rel="tag" href="{reverse("articles:tag", kwargs={"slug": "transport"})}">'
        "Transport</a></li>",
        html=True,
    )


@pytest.mark.parametrize(
    "headline",
    [
        "Harbour bridge reopens",
        'Cats & dogs: "the debate" isn\'t over',
        "Երևանը՝ 2800 տարեկան — Пашинян 日本語",
    ],
)
def test_share_links_carry_the_article_url_and_headline(client, headline):
    article = ArticleFactory(headline=headline, slug="share-test")
    response = client.get(article.get_absolute_url())
    article_url = "http://testserver/articles/share-test/"

    links = {
        re.search(r"share__link--(\w+)", link["class"]).group(1): link
        for link in parse_footer(response).links
    }

    # The share links (Mastodon, copy and the device's share sheet are forms and buttons,
    # tested in test_share.py), in the default order.
    assert list(links) == [
        "facebook",
        "x",
        "bluesky",
        "linkedin",
        "telegram",
        "whatsapp",
        "reddit",
        "email",
    ]
    for key, link in links.items():
        url = urlsplit(link["href"])
        query = parse_qs(url.query)
        assert link["rel"] == "noopener noreferrer"
        assert link["has_svg"] and link["svg_hidden"], key
        if key == "email":
            assert url.scheme == "mailto"
            assert query == {"subject": [headline], "body": [article_url]}
            assert "target" not in link
            assert link["name"] == "Share by email"
            continue
        assert url.scheme == "https"
        host, name = SHARE_HOSTS[key]
        assert url.netloc == host
        assert link["target"] == "_blank"
        assert link["name"] == f"Share on {name} (opens in a new tab)"
        # Encoded, not merely present: no raw space, quote or ampersand leaks into the URL.
        assert not re.search(r"[ \"<>]", link["href"])
        if key in {"whatsapp", "bluesky"}:
            assert query == {"text": [f"{headline} {article_url}"]}
        elif key == "facebook":
            assert query == {"u": [article_url]}
        elif key == "linkedin":
            assert query == {"url": [article_url]}
        elif key == "x":
            assert query == {"text": [headline], "url": [article_url]}
        elif key == "telegram":
            assert query == {"url": [article_url], "text": [headline]}
        elif key == "reddit":
            assert query == {"url": [article_url], "title": [headline]}


def test_share_links_use_the_configured_base_url_and_network_order(client, settings):
    settings.NEWSROOM_BASE_URL = "https://news.example.org"
    settings.NEWSROOM_SHARE_NETWORKS = ["email", "reddit"]
    article = ArticleFactory(slug="configured")
    links = parse_footer(client.get(article.get_absolute_url())).links
    assert [link["class"].split("--")[1] for link in links] == ["email", "reddit"]
    assert parse_qs(urlsplit(links[1]["href"]).query)["url"] == [
        "https://news.example.org/articles/configured/"
    ]


def test_share_row_loads_nothing_from_third_parties(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    # Our own static script and JSON-LD data only: no inline or third-party script.
    for script in re.findall(r"<script[^>]*>", html):
        src = re.search(r'src="([^"]+)"', script)
        if src:
            assert not urlsplit(src.group(1)).netloc, script
            assert src.group(1).startswith("/static/js/"), script
        else:
            assert 'type="application/ld+json"' in script, script
    assert "<iframe" not in html
    for match in re.finditer(r'<(?:img|link)[^>]+(?:src|href)="([^"]+)"', html):
        # Relative, or the canonical link to this very site.
        assert urlsplit(match.group(1)).netloc in {"", "testserver"}, match.group(0)


@pytest.mark.parametrize(
    ("visible", "label"), [(0, "0 comments"), (1, "1 comment"), (2, "2 comments")]
)
def test_comment_count_is_pluralized_and_counts_visible_comments(client, article, visible, label):
    CommentFactory.create_batch(visible, article=article)
    CommentFactory(article=article, status=Comment.Status.PENDING)
    response = client.get(article.get_absolute_url())
    assertContains(response, f'<p class="comment-count">{label}</p>', html=True)


def test_anonymous_reader_sees_the_login_gate_returning_to_the_comments(client, article):
    response = client.get(article.get_absolute_url())
    assertContains(response, '<h2 id="comments-heading">Leave a comment</h2>', html=True)
    assertContains(response, "You need to login to leave a comment.")
    link = re.search(r'<a href="([^"]+)">Log-in</a>', response.content.decode()).group(1)
    url = urlsplit(link.replace("&amp;", "&"))
    assert url.path == reverse("account_login")
    assert parse_qs(url.query)["next"] == [f"{article.get_absolute_url()}#comments"]


def test_login_link_next_survives_a_non_latin_slug(client):
    article = ArticleFactory(slug="երևան")
    link = re.search(
        r'<a href="([^"]+)">Log-in</a>', client.get(article.get_absolute_url()).content.decode()
    ).group(1)
    next_url = parse_qs(urlsplit(link).query)["next"][0]
    assert unquote(next_url) == "/articles/երևան/#comments"


def test_login_page_honours_next_and_returns_to_the_comments(client, article, commenter):
    # A verified reader: verification is mandatory, an unverified one is sent to verify.
    next_url = f"{article.get_absolute_url()}#comments"
    login_page = client.get(reverse("account_login"), {"next": next_url})
    assert login_page.status_code == 200
    assertContains(login_page, f'value="{next_url}"')

    response = client.post(
        reverse("account_login"),
        {"login": "commenter", "password": "correct horse battery staple", "next": next_url},
    )
    assert response.status_code == 302
    assert response["Location"] == next_url


def test_closed_comments_say_so_instead_of_the_gate(client):
    article = ArticleFactory(is_commenting_open=False)
    response = client.get(article.get_absolute_url())
    assertContains(response, "Comments are closed for this article.")
    assertNotContains(response, "You need to login to leave a comment.")


def test_anonymous_article_page_sets_no_cookie_and_carries_no_csrf_token(client, article):
    response = client.get(article.get_absolute_url())
    assert not response.cookies
    assertNotContains(response, "csrfmiddlewaretoken")
