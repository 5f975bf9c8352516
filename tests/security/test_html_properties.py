"""Properties of the two sanitizers (articles/html.py), over generated hostile input: what
comes out is inside the allowlist, carries no script URL, is left alone by a second pass,
and (for comments) still says every word the reader typed."""

from html.parser import HTMLParser

from hypothesis import example, given
from hypothesis import strategies as st

from articles.html import (
    BODY_ATTRIBUTES,
    BODY_GENERIC_ATTRIBUTES,
    BODY_TAGS,
    COMMENT_ATTRIBUTES,
    COMMENT_LINK_REL,
    COMMENT_TAGS,
    clean_body_html,
    clean_comment_html,
    comment_text_html,
    library_image_url_prefix,
)
from tests.security.htmlcheck import dangerous_url, payloads

URL_ATTRIBUTES = {"href", "src", "cite", "action", "formaction", "xlink:href", "poster"}


class _Elements(HTMLParser):
    """Every element with its attributes, and the text a reader sees (a break between
    blocks, as a browser shows it)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag in {"p", "br"}:
            self.text.append("\n")

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser


# Hostile HTML from pieces: tags in and out of the allowlist, attributes a sanitizer must
# drop or check, URLs with every trick of case, space and entity, text, and the corpus.
TAG_NAMES = [
    *sorted(BODY_TAGS),
    "script", "style", "iframe", "object", "embed", "svg", "math", "base", "meta", "form",
    "button", "input", "textarea", "title", "noscript", "template", "table", "select",
    "img", "a", "SCRIPT", "ScRiPt", "x",
]  # fmt: skip
ATTRIBUTE_NAMES = [
    "href", "src", "cite", "title", "alt", "style", "onclick", "onerror", "onload",
    "formaction", "action", "xlink:href", "srcdoc", "class", "id", "rel", "target", "start",
    "data-x", "ONCLICK",
]  # fmt: skip
SCHEMES = ["javascript:", "JaVaScRiPt:", "vbscript:", "data:text/html,", "http://", "https://",
           "mailto:", "tel:", "", "/", "//", "java\tscript:", " javascript:", "&#106;avascript:",
           "javascript&colon;", "\x01javascript:"]  # fmt: skip
url = st.builds(
    lambda scheme, rest: scheme + rest,
    st.sampled_from([*SCHEMES, library_image_url_prefix()]),
    st.sampled_from(["alert(1)", "example.org/x", "<script>alert(1)</script>", "x.png", ""]),
)
text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))
quote = st.sampled_from(['"', "'", ""])
attribute = st.builds(
    lambda name, q, value: f" {name}={q}{value}{q}",
    st.sampled_from(ATTRIBUTE_NAMES),
    quote,
    st.one_of(url, text.map(lambda value: value.replace('"', "").replace("'", ""))),
)
start_tag = st.builds(
    lambda name, attrs, end: f"<{name}{''.join(attrs)}{end}>",
    st.sampled_from(TAG_NAMES),
    st.lists(attribute, max_size=4),
    st.sampled_from(["", "/", " "]),
)
end_tag = st.sampled_from(TAG_NAMES).map(lambda name: f"</{name}>")
piece = st.one_of(
    start_tag,
    end_tag,
    text,
    st.sampled_from(payloads()),
    st.sampled_from(["<!--", "-->", "<![CDATA[", "]]>", "&lt;", "&amp;", "&#x3C;", "<", ">"]),
)
hostile_html = st.lists(piece, max_size=20).map("".join)


def assert_inside_allowlist(html: str, *, tags, attributes, extra=None) -> None:
    for tag, attrs in parse(html).elements:
        assert tag in tags, (tag, html)
        allowed = attributes.get(tag, set()) | (extra or {}).get(tag, set())
        assert set(attrs) <= allowed, (tag, attrs, html)
        for name, value in attrs.items():
            if name in URL_ATTRIBUTES:
                assert not dangerous_url(value or ""), (tag, name, value, html)


@given(hostile_html)
def test_a_body_keeps_only_allowed_tags_attributes_and_schemes(html):
    cleaned = clean_body_html(html)

    generic = {tag: set(BODY_GENERIC_ATTRIBUTES) for tag in BODY_TAGS}
    assert_inside_allowlist(
        cleaned,
        tags=BODY_TAGS,
        attributes=BODY_ATTRIBUTES,
        extra={**generic, "a": {"rel", *BODY_GENERIC_ATTRIBUTES}},
    )
    for tag, attrs in parse(cleaned).elements:
        if tag == "img":
            assert attrs["src"].startswith(library_image_url_prefix())
        if tag == "a":
            assert attrs.get("rel") == "noopener noreferrer"


@given(hostile_html)
@example("<a><table><a>")  # nh3 once gave nested links, which a browser parses as two
def test_a_clean_body_is_left_alone_by_a_second_pass(html):
    cleaned = clean_body_html(html)

    assert clean_body_html(cleaned) == cleaned


comment_text = st.lists(
    st.one_of(
        text,
        st.sampled_from(payloads()),
        url,
        st.sampled_from(["\n", "\n\n", "\r\n", " ", "www.example.org", "a@b.example"]),
    ),
    max_size=12,
).map("".join)


@given(comment_text)
def test_a_comment_becomes_only_paragraphs_breaks_and_web_links(typed):
    html = comment_text_html(typed)

    assert_inside_allowlist(
        html, tags=COMMENT_TAGS, attributes=COMMENT_ATTRIBUTES, extra={"a": {"rel"}}
    )
    for tag, attrs in parse(html).elements:
        if tag == "a":
            assert attrs["href"].lower().startswith(("http://", "https://")), attrs
            assert attrs["rel"] == COMMENT_LINK_REL


@given(comment_text)
def test_a_comments_html_is_left_alone_by_the_sanitizer_a_second_time(typed):
    html = comment_text_html(typed)

    assert clean_comment_html(html) == html


@given(comment_text)
def test_a_comment_shows_every_word_the_reader_typed_in_order(typed):
    shown = "".join(parse(comment_text_html(typed)).text)

    assert shown.split() == typed.split()
