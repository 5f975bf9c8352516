"""What the XSS corpus tests look for in a page: an HTML parser's view of every element, not
a search for strings (an escaped ``&lt;script&gt;`` is text, and harmless)."""

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

CORPUS = Path(__file__).with_name("xss_payloads.txt")

# Elements no field may bring: they run code, load a document, or change where links go.
FORBIDDEN_ELEMENTS = frozenset(
    {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal"}
)
URL_ATTRIBUTES = frozenset(
    {
        "href", "src", "action", "formaction", "cite", "xlink:href", "poster", "background",
        "data", "lowsrc", "dynsrc", "codebase", "manifest", "ping",
    }
)  # fmt: skip
# What a browser ignores before it reads a URL's scheme.
_IGNORED = re.compile(r"[\t\n\r]")
_EDGES = "".join(chr(code) for code in range(0x21))
_SAFE_DATA = re.compile(r"data:image/(png|jpeg|gif|webp|avif)[;,]")


def payloads() -> list[str]:
    """The corpus: one payload a line; blank lines and ``# `` comments are not payloads."""
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("# ")]


def dangerous_url(value: str) -> bool:
    url = _IGNORED.sub("", value).strip(_EDGES).lower()
    if url.startswith(("javascript:", "vbscript:", "livescript:")):
        return True
    return url.startswith("data:") and not _SAFE_DATA.match(url)


class _Inspector(HTMLParser):
    def __init__(self, *, admin: bool):
        super().__init__(convert_charrefs=True)
        # Django's admin sets style attributes of its own, and the body editor an import map.
        self.admin = admin
        self.problems: list[str] = []
        self.json_ld: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)
        if tag == "script" and dict(attrs).get("type") == "application/ld+json":
            self.json_ld = []

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_data(self, data):
        if self.json_ld is not None:
            self.json_ld.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self.json_ld is not None:
            text = "".join(self.json_ld)
            self.json_ld = None
            try:
                json.loads(text)
            except ValueError:
                self.problems.append(f"JSON-LD broken open: {text[:200]!r}")

    def _check(self, tag, attrs):
        values = dict(attrs)
        where = f"<{tag} {' '.join(f'{k}={v!r}' for k, v in attrs)[:200]}>"
        if tag == "script":
            source = values.get("src") or ""
            # Ours: static files, JSON-LD (whose text is checked to be JSON), and the admin's
            # import map for the body editor.
            ours = (
                source.startswith(("/static/", "/admin/jsi18n/"))
                or values.get("type") == "application/ld+json"
                or (self.admin and values.get("type") == "importmap")
            )
            if not ours:
                self.problems.append(f"script element: {where}")
        if tag in FORBIDDEN_ELEMENTS:
            self.problems.append(f"forbidden element: {where}")
        if tag == "meta" and "http-equiv" in values:
            self.problems.append(f"meta http-equiv: {where}")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append(f"event handler {name}: {where}")
            elif name == "srcdoc":
                self.problems.append(f"srcdoc: {where}")
            elif name == "style" and not self.admin:
                self.problems.append(f"style attribute: {where}")
            elif name in URL_ATTRIBUTES and dangerous_url(value):
                self.problems.append(f"dangerous {name}: {where}")
            elif name == "srcset" and any(dangerous_url(part) for part in value.split(",")):
                self.problems.append(f"dangerous srcset: {where}")


def html_problems(html: str, *, admin: bool = False) -> list[str]:
    """Everything in ``html`` that could run script or was not ours to allow."""
    inspector = _Inspector(admin=admin)
    inspector.feed(html)
    inspector.close()
    return inspector.problems


def assert_safe_html(html: str, *, where: str, admin: bool = False) -> None:
    problems = html_problems(html, admin=admin)
    assert not problems, f"{where}:\n" + "\n".join(problems[:20])


def assert_safe_response(response, *, admin: bool = False) -> None:
    assert response.status_code == 200, (response.request["PATH_INFO"], response.status_code)
    assert_safe_html(response.content.decode(), where=response.request["PATH_INFO"], admin=admin)


def assert_safe_feed(response) -> None:
    """A feed is well-formed XML, and the HTML it carries (descriptions, content) is safe."""
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed, just rendered
    for element in root.iter():
        name = element.tag.rsplit("}", 1)[-1]
        is_text = element.get("type") in {"plain", "text"}  # media:description, Atom text
        if name in {"description", "summary", "content", "encoded", "subtitle"} and not is_text:
            assert_safe_html(element.text or "", where=f"{response.request['PATH_INFO']} <{name}>")
