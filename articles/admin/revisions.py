"""Side-by-side differences between two saved revisions of an article."""

import difflib
import html
import re
from dataclasses import dataclass

from django.utils.html import strip_tags
from django.utils.translation import gettext as _

COMPARED_FIELDS = ("headline", "slug", "standfirst", "body", "status", "published_at")
_BLOCK_END = re.compile(r"</(p|h[2-4]|li|blockquote|pre)>|<br\s*/?>", re.IGNORECASE)


@dataclass
class FieldDiff:
    field: str
    label: str
    chunks: list[tuple[str, str]]  # ("equal" | "delete" | "insert", text)


def _as_text(record, field: str) -> str:
    value = getattr(record, field)
    if value is None:
        return ""
    if field == "body":
        # Editors compare words, not markup: one paragraph a line.
        return html.unescape(strip_tags(_BLOCK_END.sub("\n", value))).strip()
    return str(value)


def _word_chunks(old: str, new: str) -> list[tuple[str, str]]:
    old_words, new_words = re.split(r"(\s+)", old), re.split(r"(\s+)", new)
    chunks = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            chunks.append(("equal", "".join(old_words[a1:a2])))
            continue
        if op in ("replace", "delete"):
            chunks.append(("delete", "".join(old_words[a1:a2])))
        if op in ("replace", "insert"):
            chunks.append(("insert", "".join(new_words[b1:b2])))
    return chunks


def revision_diff(older, newer) -> list[FieldDiff]:
    """Word-level differences between two historical records, for the fields that changed."""
    diffs = []
    for field in COMPARED_FIELDS:
        old, new = _as_text(older, field), _as_text(newer, field)
        if old != new:
            label = newer.instance._meta.get_field(field).verbose_name
            diffs.append(FieldDiff(field=field, label=str(label), chunks=_word_chunks(old, new)))
    for field, label in (("revision_bylines", _("bylines")), ("revision_tags", _("tags"))):
        old, new = _relation_text(older, field), _relation_text(newer, field)
        if old is not None and new is not None and old != new:
            diffs.append(FieldDiff(field=field, label=str(label), chunks=_word_chunks(old, new)))
    return diffs


def _relation_text(record, field: str) -> str | None:
    """Bylines or tags a revision recorded, as one comma-separated line (None: not recorded)."""
    value = getattr(record, field)
    if value is None:
        return None
    if field == "revision_bylines":
        value = [byline["name"] for byline in sorted(value, key=lambda b: b["position"])]
    return ", ".join(value)
