"""The one place that decides which HTML may reach a reader's page."""

import re

from django.core.files.storage import default_storage
from django.utils.html import escape, urlize
from django.utils.safestring import SafeString, mark_safe

import nh3

# What a news story body may contain: structure and emphasis, never scripts, styles,
# event handlers or embeds. Images only from our own image library (see below).
BODY_TAGS = frozenset(
    {
        "p", "br", "hr",
        "h2", "h3", "h4",
        "strong", "b", "em", "i", "u", "s", "sub", "sup", "small", "mark",
        "a", "abbr", "cite", "q", "code", "pre",
        "ul", "ol", "li",
        "blockquote", "figure", "figcaption", "img",
    }
)  # fmt: skip
BODY_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "ol": {"start", "reversed"},
    "img": {"src", "alt"},
}
# On any of the tags above (nh3's default, made explicit so that the allowlist is all here).
BODY_GENERIC_ATTRIBUTES = frozenset({"lang", "title"})
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
    "Figure": True,
    "Caption": True,
    "Image": True,
    "History": True,
    # The editor turns the browser's spellcheck off by default; writers want it on.
    "NoSpellCheck": False,
}


def library_image_url_prefix() -> str:
    """Where the image library's originals are served; body images must start with it."""
    return default_storage.url("images/")


# What a browser ignores in a URL before reading its scheme ("java\tscript:" is
# "javascript:"): tabs and newlines anywhere, and controls and spaces at either end.
_URL_IGNORED = re.compile(r"[\t\n\r]")
_URL_EDGES = "".join(chr(code) for code in range(0x21))
_URL_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")


def has_allowed_scheme(url: str, schemes=BODY_URL_SCHEMES) -> bool:
    """Whether ``url`` is relative or uses one of ``schemes``, read as a browser reads it."""
    match = _URL_SCHEME.match(_URL_IGNORED.sub("", url).strip(_URL_EDGES))
    return match is None or match.group(1).lower() in schemes


def _filter_body_attribute(element: str, attribute: str, value: str) -> str | None:
    # A body image is a picture from our library, never a hotlinked or tracking image;
    # readers get its renditions (articles.models.image.responsive_body_images).
    if element == "img" and attribute == "src":
        return value if value.startswith(library_image_url_prefix()) else None
    # nh3 checks the schemes of href and src only; a quotation's source is a URL too.
    if attribute == "cite":
        return value if has_allowed_scheme(value) else None
    return value


# An <img> whose source was not from the library has lost its src: drop the element.
_IMG_WITHOUT_SOURCE = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")


def _clean_body_once(html: str) -> str:
    cleaned = nh3.clean(
        html,
        tags=set(BODY_TAGS),
        attributes={
            "*": set(BODY_GENERIC_ATTRIBUTES),
            **{tag: set(attrs) for tag, attrs in BODY_ATTRIBUTES.items()},
        },
        attribute_filter=_filter_body_attribute,
        url_schemes=set(BODY_URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return _IMG_WITHOUT_SOURCE.sub("", cleaned)


# Passes until the HTML no longer changes: a few suffice for any input seen so far.
_MAX_PASSES = 4


def clean_body_html(html: str) -> str:
    """Reduce untrusted HTML to the tags and attributes a story body may use."""
    # Sanitized HTML is not always what the browser's parser would make of it: nh3 can
    # write nesting a parser undoes (``<a><table><a>`` gives ``<a><a></a></a>``, which
    # parses as two links). Cleaning the result again until nothing changes makes what we
    # store exactly what a reader's browser reads back.
    cleaned = _clean_body_once(html or "")
    for _ in range(_MAX_PASSES):
        again = _clean_body_once(cleaned)
        if again == cleaned:
            return cleaned
        cleaned = again
    return cleaned


def safe_body_html(html: str) -> SafeString:
    """Sanitize and mark safe: templates print this, never ``|safe`` on stored text."""
    return mark_safe(clean_body_html(html))  # noqa: S308 - nh3 has just sanitized it


def paragraphs_from_text(text: str) -> str:
    """Plain text to HTML: every non-blank line becomes an escaped ``<p>`` paragraph."""
    lines = (line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return "\n".join(f"<p>{escape(line)}</p>" for line in lines if line)


COMMENT_TAGS = frozenset({"p", "br", "a"})
COMMENT_ATTRIBUTES = {"a": {"href"}}
COMMENT_URL_SCHEMES = frozenset({"http", "https"})
COMMENT_LINK_REL = "nofollow ugc noopener"
_LINK_WITHOUT_HREF = re.compile(rf'<a rel="{COMMENT_LINK_REL}">(.*?)</a>', re.DOTALL)


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
    # urlize made of hostile input. An email address urlize linked has lost its mailto:
    # href to nh3: it is text again, not an empty link.
    cleaned = _LINK_WITHOUT_HREF.sub(r"\1", clean_comment_html(html))
    return mark_safe(cleaned)  # noqa: S308 - escaped by urlize, then sanitized by nh3


def clean_comment_html(html: str) -> str:
    """The HTML a comment may become: paragraphs, line breaks and http(s) links."""
    return nh3.clean(
        html,
        tags=set(COMMENT_TAGS),
        # "*": nh3 would otherwise keep its default lang and title on every tag.
        attributes={"*": set(), **{tag: set(a) for tag, a in COMMENT_ATTRIBUTES.items()}},
        url_schemes=set(COMMENT_URL_SCHEMES),
        link_rel=COMMENT_LINK_REL,
        strip_comments=True,
    )


def count_links(text: str) -> int:
    """How many links a comment's text makes on the page."""
    return comment_text_html(text).count("<a ")
