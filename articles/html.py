"""The one place that decides which HTML may reach a reader's page."""

import re

from django.utils.html import escape, urlize
from django.utils.safestring import SafeString, mark_safe

import nh3

# What a news story body may contain: structure and emphasis, never scripts, styles,
# event handlers or embeds. Images arrive with the editorial issue, through the editor.
BODY_TAGS = frozenset(
    {
        "p", "br", "hr",
        "h2", "h3", "h4",
        "strong", "b", "em", "i", "u", "s", "sub", "sup", "small", "mark",
        "a", "abbr", "cite", "q", "code", "pre",
        "ul", "ol", "li",
        "blockquote", "figure", "figcaption",
    }
)  # fmt: skip
BODY_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "ol": {"start", "reversed"},
}
BODY_URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})


def clean_body_html(html: str) -> str:
    """Reduce untrusted HTML to the tags and attributes a story body may use."""
    return nh3.clean(
        html or "",
        tags=set(BODY_TAGS),
        attributes={tag: set(attrs) for tag, attrs in BODY_ATTRIBUTES.items()},
        url_schemes=set(BODY_URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def safe_body_html(html: str) -> SafeString:
    """Sanitize and mark safe: templates print this, never ``|safe`` on stored text."""
    return mark_safe(clean_body_html(html))  # noqa: S308 - nh3 has just sanitized it


def paragraphs_from_text(text: str) -> str:
    """Plain text to HTML: every non-blank line becomes an escaped ``<p>`` paragraph."""
    lines = (line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return "\n".join(f"<p>{escape(line)}</p>" for line in lines if line)


COMMENT_LINK_REL = "nofollow ugc noopener"


def comment_text_html(text: str) -> SafeString:
    """A reader's plain text as HTML: all of it escaped, blank lines making paragraphs, line
    breaks kept, bare http(s) URLs made ``rel="nofollow ugc noopener"`` links."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    paragraphs = (part.strip() for part in re.split(r"\n\s*\n", text))
    html = "".join(
        "<p>" + urlize(part, autoescape=True).replace("\n", "<br>") + "</p>"
        for part in paragraphs
        if part
    )
    # urlize escaped everything that is not a link; nh3 then guarantees the result whatever
    # urlize made of hostile input: only p, br and http(s) links survive.
    cleaned = nh3.clean(
        html,
        tags={"p", "br", "a"},
        attributes={"a": {"href"}},
        url_schemes={"http", "https"},
        link_rel=COMMENT_LINK_REL,
        strip_comments=True,
    )
    return mark_safe(cleaned)  # noqa: S308 - escaped by urlize, then sanitized by nh3


def count_links(text: str) -> int:
    """How many links a comment's text makes on the page."""
    return comment_text_html(text).count("<a ")
