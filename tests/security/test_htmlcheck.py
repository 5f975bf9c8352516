"""The corpus tests' checker finds what it looks for (else they could never fail)."""

import pytest

from tests.security.htmlcheck import html_problems


@pytest.mark.parametrize(
    ("html", "problem"),
    [
        ("<img src=x onerror=alert(1)>", "event handler onerror"),
        ("<svg><a onclick=1>x</a></svg>", "event handler onclick"),
        ("<script>alert(1)</script>", "script element"),
        ("<script src=//evil.example/x.js></script>", "script element"),
        ('<script type="importmap">{}</script>', "script element"),
        ("<iframe src=x></iframe>", "forbidden element"),
        ("<object data=x></object>", "forbidden element"),
        ("<embed src=x>", "forbidden element"),
        ("<base href=//evil.example/>", "forbidden element"),
        ('<meta http-equiv="refresh" content="0;url=x">', "meta http-equiv"),
        ('<a href=" JaVa&#9;Script:alert(1)">x</a>', "dangerous href"),
        ('<a href="vbscript:x">x</a>', "dangerous href"),
        ('<form action="javascript:x"></form>', "dangerous action"),
        ('<button formaction="javascript:x">', "dangerous formaction"),
        ('<q cite="javascript:x">q</q>', "dangerous cite"),
        ('<svg><a xlink:href="javascript:x">x</a></svg>', "dangerous xlink:href"),
        ('<img src="data:text/html,<script>">', "dangerous src"),
        ('<x srcdoc="<script>alert(1)</script>">', "srcdoc"),
        ('<p style="background:url(javascript:x)">x</p>', "style attribute"),
        ('<script type="application/ld+json">{"a": "</script><b>"}</script>', "JSON-LD"),
    ],
)
def test_the_checker_finds_each_kind_of_injection(html, problem):
    assert any(found.startswith(problem) for found in html_problems(html)), html_problems(html)


@pytest.mark.parametrize(
    "html",
    [
        "&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt;",
        '<a href="https://example.org/?q=javascript:">x</a><a href="/tags/x/">y</a>',
        '<img src="data:image/png;base64,AAAA" alt="onerror=alert(1)">',
        '<script src="/static/js/share.js" defer></script>',
        '<script type="application/ld+json">{"headline": "<\\/script>"}</script>',
        '<input value="&quot; onmouseover=&quot;alert(1)">',
    ],
)
def test_the_checker_lets_escaped_text_and_our_own_markup_pass(html):
    assert html_problems(html) == []


def test_the_admin_may_have_its_styles_and_import_map():
    html = '<div style="display:none"></div><script type="importmap">{}</script>'

    assert html_problems(html) != []
    assert html_problems(html, admin=True) == []
