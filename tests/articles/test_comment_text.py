"""A commenter's words reach the page as text: escaped, paragraphs kept, bare URLs linked."""

import html as htmllib
import re

import pytest

from articles.html import comment_text_html, count_links
from tests.factories import CommentFactory

HOSTILE = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    "javascript:alert(document.cookie)",
    '<div style="position:fixed">unclosed <b><i',
    "<svg onload=alert(1)>",
    '"><script>alert(1)</script>',
    "<!-- comment --><iframe src=https://evil.example>",
]


@pytest.mark.parametrize("body", HOSTILE)
def test_hostile_markup_is_shown_as_text(body):
    html = comment_text_html(body)
    assert "<script" not in html
    assert "<img" not in html
    assert "<iframe" not in html
    assert "<svg" not in html
    assert "<div" not in html
    assert not re.search(r"<a[^>]+href=\"javascript:", html)
    assert not re.search(r"<[^>]+\son\w+=", html)
    # The reader sees what was typed: the angle brackets come back as text.
    assert "&lt;" in html or "javascript:" in html


def test_paragraphs_and_line_breaks_are_kept():
    html = comment_text_html("First line\nsame paragraph\n\n\nSecond paragraph")
    assert html == "<p>First line<br>same paragraph</p><p>Second paragraph</p>"


def test_bare_urls_become_nofollow_ugc_links():
    html = comment_text_html("See https://example.org/a?b=1&c=2 and www.example.com.")
    assert (
        '<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow ugc noopener">'
        "https://example.org/a?b=1&amp;c=2</a>" in html
    )
    assert '<a href="http://www.example.com" rel="nofollow ugc noopener">' in html
    assert count_links("See https://example.org/a and www.example.com.") == 2
    assert count_links("No links, javascript:alert(1) and <a href='x'>x</a>") == 0


@pytest.mark.django_db
@pytest.mark.parametrize("body", HOSTILE)
def test_hostile_comment_is_text_on_the_article_page(client, article, body):
    CommentFactory(article=article, body=body)
    html = client.get(article.get_absolute_url()).content.decode()
    # The comments section, up to the end of the page's content (our own static script,
    # share.js, is loaded after it).
    section = html[html.index('id="comments"') : html.index("</main>")]
    assert "<script" not in section
    assert not re.search(r"<[^>]+\son\w+=", section)
    shown = re.search(r'<div class="comment__body">(.*?)</div>', section, re.S).group(1)
    # What the reader sees, read as text, is exactly what the commenter typed.
    assert htmllib.unescape(re.sub(r"<[^>]+>", "", shown)) == body
