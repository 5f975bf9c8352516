"""The one place that decides which HTML may reach a reader's page."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

import nh3

# What a news story body may contain: structure and emphasis, never scripts, styles,
# event handlers or embeds. Pictures come as the hero image (articles.models.Image).
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

# What the admin's rich text editor (django-prose-editor) offers: the same structure as
# BODY_TAGS, so the editor cannot make what the sanitizer would strip. Its own nh3
# sanitizer, derived from this list, cleans form input; clean_body_html() runs on save.
BODY_EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": sorted(BODY_URL_SCHEMES)},
    "History": True,
}


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
