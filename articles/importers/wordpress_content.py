"""What a WordPress post's content becomes in a Newsroom body, and a comment's its text.

Block-editor posts (``<!-- wp:paragraph -->``) carry their own HTML: the block comments go.
Classic posts are text with blank lines between paragraphs, which WordPress's ``wpautop``
turns into ``<p>`` when it shows them: done here once. Shortcodes become HTML a body may
hold (``[caption]`` and ``[gallery]`` figures, ``[embed]``/``[audio]``/``[video]`` links)
or are dropped, their inner text kept, and counted. The result then goes through the
body sanitizer like anything a writer types (``articles.html.clean_body_html``).
"""

import html
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.html import escape, format_html, strip_tags

import nh3

from articles.html import clean_body_html

_BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:.*?-->", re.DOTALL)
# Elements wpautop never wraps in a paragraph.
_BLOCK_ELEMENTS = (
    "address|article|aside|blockquote|dd|div|dl|dt|figcaption|figure|footer|form|h[1-6]|"
    "header|hr|li|main|nav|ol|p|pre|section|table|tbody|td|tfoot|th|thead|tr|ul"
)
_STARTS_WITH_BLOCK = re.compile(rf"^\s*</?(?:{_BLOCK_ELEMENTS})\b", re.IGNORECASE)
_ENDS_WITH_BLOCK = re.compile(rf"</(?:{_BLOCK_ELEMENTS})>\s*$", re.IGNORECASE)
_OPENING_BLOCK = re.compile(rf"(<(?:{_BLOCK_ELEMENTS})\b[^>]*>)", re.IGNORECASE)
_CLOSING_BLOCK = re.compile(rf"(</(?:{_BLOCK_ELEMENTS})>)", re.IGNORECASE)
_EMPTY_PARAGRAPH = re.compile(r"<p>\s*</p>\s*")
# [name attr="x"]...[/name] or [name attr="x"] or [name /]. Names start with a letter, so
# "[1]" and "[...]" in prose are left alone.
_SHORTCODE = re.compile(
    r"\[(?P<name>[a-zA-Z][\w-]*)(?P<attrs>(?:\s[^\]]*)?)\s*/?\]"
    r"(?:(?P<inner>.*?)\[/(?P=name)\])?",
    re.DOTALL,
)
_ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))""")
_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_IMG_ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
KNOWN_SHORTCODES = {"caption", "wp_caption", "gallery", "embed", "audio", "video", "playlist"}


@dataclass
class Conversion:
    """What converting one post found: shortcodes dropped (by name), images."""

    dropped_shortcodes: Counter = field(default_factory=Counter)
    images_copied: int = 0
    images_referenced: int = 0


# An image URL from the old site → (the library URL it now has, its alt text), or None when
# the file was not brought across.
ImageResolver = Callable[[str], tuple[str, str] | None]
# An attachment id (a [gallery ids="..."]) → its file URL and caption.
AttachmentLookup = Callable[[str], tuple[str, str] | None]


def _attributes(text: str) -> dict[str, str]:
    return {
        match[0].lower(): html.unescape(next(v for v in match[1:] if v is not None) or "")
        for match in _ATTRIBUTE.findall(text or "")
    }


def wpautop(text: str) -> str:
    """WordPress's paragraphs: blank lines separate ``<p>``, single newlines become
    ``<br>``; chunks that are already block HTML (a list, a heading, a figure) are kept."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # As wpautop does: a block element stands apart from the text around it.
    text = _OPENING_BLOCK.sub(r"\n\n\1", text)
    text = _CLOSING_BLOCK.sub(r"\1\n\n", text)
    chunks = [chunk.strip() for chunk in re.split(r"\n\s*\n", text)]
    out = []
    for chunk in chunks:
        if not chunk:
            continue
        if _STARTS_WITH_BLOCK.match(chunk) or _ENDS_WITH_BLOCK.search(chunk):
            out.append(chunk)
        else:
            out.append("<p>" + chunk.replace("\n", "<br>\n") + "</p>")
    return "\n".join(out)


def _figure(image_html: str, caption: str) -> str:
    caption_html = format_html("<figcaption>{}</figcaption>", caption) if caption else ""
    return f"<figure>{image_html}{caption_html}</figure>"


def _link_paragraph(url: str, label: str) -> str:
    return format_html('<p><a href="{}">{}</a></p>', url, label or url)


def _shortcodes(text: str, conversion: Conversion, attachment: AttachmentLookup) -> str:
    def replace(match: re.Match) -> str:
        name = match["name"].lower()
        attrs = _attributes(match["attrs"])
        inner = match["inner"] or ""
        if name in ("caption", "wp_caption"):
            images = _IMG.findall(inner)
            caption = attrs.get("caption") or strip_tags(_IMG.sub("", inner)).strip()
            # The image may sit in a link to its full size: keep only the picture.
            return _figure("".join(images), html.unescape(caption)) if images else ""
        if name == "gallery":
            figures = []
            for attachment_id in re.findall(r"\d+", attrs.get("ids", "")):
                found = attachment(attachment_id)
                if found:
                    url, caption = found
                    figures.append(_figure(format_html('<img src="{}" alt="">', url), caption))
            return "\n".join(figures)
        if name == "embed":
            url = (inner or attrs.get("src", "")).strip()
            return _link_paragraph(url, url) if url else ""
        if name in ("audio", "video"):
            url = attrs.get("src") or attrs.get("mp3") or attrs.get("mp4") or inner.strip()
            label = "Listen" if name == "audio" else "Watch"
            return _link_paragraph(url, f"{label}: {url.rsplit('/', 1)[-1]}") if url else ""
        if name == "playlist":
            conversion.dropped_shortcodes[name] += 1
            return ""
        # Looks like a shortcode of a plugin we do not have: its words stay, its markup goes.
        if attrs or match["inner"] is not None or "_" in name or "-" in name:
            conversion.dropped_shortcodes[name] += 1
            return _shortcodes(inner, conversion, attachment)
        return match.group(0)  # "[sic]", "[Updated]": prose in brackets

    return _SHORTCODE.sub(replace, text)


def _images(text: str, conversion: Conversion, resolve: ImageResolver) -> str:
    """Point each picture at the library copy; one not brought across becomes a link to
    where it was, since a body shows library images only."""

    def replace(match: re.Match) -> str:
        attrs = {
            key.lower(): html.unescape(a or b) for key, a, b in _IMG_ATTRIBUTE.findall(match[0])
        }
        src = attrs.get("src", "")
        if not src:
            return ""
        found = resolve(src)
        if found:
            conversion.images_copied += 1
            url, library_alt = found
            return format_html('<img src="{}" alt="{}">', url, attrs.get("alt") or library_alt)
        conversion.images_referenced += 1
        return format_html('<a href="{}">{}</a>', src, attrs.get("alt") or "Image")

    return _IMG.sub(replace, text)


def post_body(
    content: str, *, resolve_image: ImageResolver, attachment: AttachmentLookup
) -> tuple[str, Conversion]:
    """A post's ``content:encoded`` as a sanitized Newsroom body."""
    conversion = Conversion()
    text = content or ""
    has_blocks = "<!-- wp:" in text
    text = _BLOCK_COMMENT.sub("", text)
    text = _shortcodes(text, conversion, attachment)
    if not has_blocks:
        text = wpautop(text)
    text = _images(text, conversion, resolve_image)
    cleaned = _EMPTY_PARAGRAPH.sub("", clean_body_html(text))
    return re.sub(r"\n\s*\n+", "\n", cleaned).strip(), conversion


def plain_text(fragment: str) -> str:
    """HTML from the old site (an excerpt, a comment) as the plain text a reader typed:
    paragraphs and line breaks kept, tags dropped, entities decoded, a link's address
    kept after its words when they differ."""
    text = (fragment or "").replace("\r\n", "\n").replace("\r", "\n")

    def link(match: re.Match) -> str:
        href = _attributes(match[1]).get("href", "")
        words = strip_tags(match[2]).strip()
        if not href.lower().startswith(("http://", "https://")):
            return words  # a javascript: or relative link: its words only
        if href not in words:
            return f"{words} ({href})" if words else href
        return words

    text = re.sub(r"<a\b([^>]*)>(.*?)</a>", link, text, flags=re.IGNORECASE | re.DOTALL)
    text = re.sub(r"<br\s*/?>\n?", "\n", text, flags=re.IGNORECASE)
    text = re.sub(r"</p>\s*", "\n\n", text, flags=re.IGNORECASE)
    text = nh3.clean(text, tags=set(), strip_comments=True)
    text = html.unescape(html.unescape(text))  # nh3 escapes again what it keeps
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def headline_text(title: str) -> str:
    """A title as WordPress shows it (entities decoded, tags dropped), on one line."""
    return " ".join(html.unescape(strip_tags(html.unescape(title or ""))).split())


__all__ = ["Conversion", "escape", "headline_text", "plain_text", "post_body", "wpautop"]
