"""Streaming a large, untrusted XML export: one element at a time, entities refused."""

from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse


class ExportError(Exception):
    """The file cannot be imported: what is wrong, and where (a line number when known)."""

    def __init__(self, message: str, *, line: int | None = None):
        self.line = line
        super().__init__(f"line {line}: {message}" if line else message)


# Namespace URIs differ between WXR versions (1.0-1.2) and WordPress.com (https://): they
# are recognised by what they contain, and elements named ``prefix:local``.
_NAMESPACES = (
    ("wordpress.org/export/", "/excerpt/", "excerpt"),
    ("wordpress.org/export/", "", "wp"),
    ("purl.org/rss/1.0/modules/content", "", "content"),
    ("purl.org/dc/elements/", "", "dc"),
    ("disqus.com/disqus-internals", "", "dsq"),
    ("disqus.com", "", ""),
)


def local_name(tag: str) -> str:
    """``{http://wordpress.org/export/1.2/}post_id`` → ``wp:post_id``."""
    if not tag.startswith("{"):
        return tag
    uri, _, name = tag[1:].partition("}")
    for marker, also, prefix in _NAMESPACES:
        if marker in uri and also in uri:
            return f"{prefix}:{name}" if prefix else name
    return name


@dataclass
class Node:
    """An element reduced to what an importer reads: its name, text, attributes (names
    without namespaces) and children."""

    name: str
    text: str
    attrs: dict[str, str]
    children: list["Node"]

    def find(self, name: str) -> "Node | None":
        return next((child for child in self.children if child.name == name), None)

    def findall(self, name: str) -> list["Node"]:
        return [child for child in self.children if child.name == name]

    def get(self, name: str, default: str = "") -> str:
        child = self.find(name)
        return child.text if child is not None else default


def _node(element: Element) -> Node:
    return Node(
        name=local_name(element.tag),
        text=(element.text or "").strip() if len(element) else (element.text or ""),
        attrs={local_name(key): value for key, value in element.attrib.items()},
        children=[_node(child) for child in element],
    )


def stream(path, *, record: set[str], depth: int) -> Iterator[tuple[str, Node]]:
    """Each element named in ``record`` found ``depth`` levels below the root (the root is
    depth 0), as a :class:`Node`, then dropped from memory; ``("root", Node)`` first, with
    the root's name and attributes. Raises :class:`ExportError` naming the line of a
    malformed, truncated or hostile (entity-expanding, DTD-fetching) file."""
    stack: list[Element] = []
    try:
        for event, element in iterparse(
            str(path), events=("start", "end"), forbid_dtd=False, forbid_entities=True
        ):
            if event == "start":
                if not stack:
                    yield "root", Node(local_name(element.tag), "", dict(element.attrib), [])
                stack.append(element)
                continue
            stack.pop()
            name = local_name(element.tag)
            if len(stack) == depth:
                if name in record:
                    yield name, _node(element)
                stack[-1].remove(element)  # read: memory stays flat however long the file
    except ParseError as error:
        line = error.position[0] if getattr(error, "position", None) else None
        reason = str(error).split(":")[0]
        raise ExportError(f"the file is not well-formed XML ({reason}).", line=line) from None
    except DefusedXmlException as error:
        raise ExportError(
            f"the file declares entities or external references, which are refused ({error})."
        ) from None
    except OSError as error:
        raise ExportError(f"cannot read the file: {error.strerror or error}.") from None
