"""Parts of reader pages kept in the shared cache, for the pages the page cache cannot serve.

A page the page cache does not hold (a logged-in reader's, one a change just made stale, or
every page with ``NEWSROOM_PAGE_CACHE=false``) is put together from *fragments* that were
rendered before: the article's text, its "related stories", its comment threads as an
anonymous reader sees them. Only what changed is rendered again (Russian-doll caching).

- A fragment is named by a key (what it is and every input that changes it: the story, the
  order of the comments, the page of threads) and by the page-cache tags of what it shows
  (``articles/caching.py``): it is valid while each tag's generation token
  (``newsroom/page_cache.py``) is still the one it was made with, exactly as a stored
  page is. A write that makes a page stale makes its fragments stale with it.
- :class:`FragmentSet`: the fragments a view is about to print, read together in one round
  trip (the stored copies and their tags' tokens, ``get_many``), so that the view knows
  before rendering which data it must still read; in the template,
  ``{% fragment fragments "name" %}…{% endfragment %}`` prints the stored copy or renders
  its body; what was rendered is stored in one round trip once the page is rendered
  (:meth:`FragmentSet.save`). A fragment rendered while one of its tags was invalidated
  is not stored (it may show the state from before).
- Keys carry a version of the code that renders them (the templates and the Python of the
  apps): a deploy never prints a fragment the old code made.
- A fragment lives ``NEWSROOM_FRAGMENT_SECONDS`` at most, and never past the moment given
  as its ``expires_at`` (a story scheduled to appear changes "related stories").
- The cache going away is a miss: every fragment is rendered, the outage logged at most
  once a minute. ``NEWSROOM_FRAGMENT_CACHE=false`` renders every fragment every time.
"""

import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import translation

from newsroom import page_cache

_PREFIX = "fragment:"


@cache
def code_version() -> str:
    """A digest of the templates and the apps' Python: what renders a fragment."""
    digest = hashlib.sha256()
    root = Path(settings.BASE_DIR)
    for folder in ("templates", "newsroom", "articles", "accounts"):
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in (".html", ".txt", ".py") and "migrations" not in path.parts:
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@dataclass(frozen=True)
class Fragment:
    """What a fragment is (``key``: every input that changes it), what it shows (``tags``,
    the page cache's: a tuple, or a callable asked when the fragment is stored, once the
    data it needs is read), and when it changes by itself at the latest (``expires_at``, a
    timestamp, or None, or a callable asked when it is stored)."""

    key: str
    tags: tuple[str, ...] | Callable[[], Iterable[str]]
    expires_at: float | Callable[[], float | None] | None = None


# The tags each fragment was last seen stored with, by this process: read with its copy in
# the same round trip (a fragment whose tags are a callable, or changed, costs a second one
# the first time). Bounded crudely, as newsroom.page_cache's ``_known_tags``.
_known_tags: dict[str, frozenset[str]] = {}
_KNOWN_TAGS_MAX = 50_000


def _remember_tags(key: str, tags: Iterable[str]) -> None:
    if len(_known_tags) >= _KNOWN_TAGS_MAX:
        _known_tags.clear()
    _known_tags[key] = frozenset(tags)


@dataclass
class FragmentSet:
    """The fragments of one page, by name: read with :meth:`load`, printed with
    :meth:`value` (or the ``{% fragment %}`` tag), the new ones kept with :meth:`save`."""

    fragments: dict[str, Fragment]
    _stored: dict[str, Any] = field(default_factory=dict)
    _made: dict[str, Any] = field(default_factory=dict)
    _started_at: float = 0.0

    def _entry_key(self, name: str) -> str:
        fragment = self.fragments[name]
        language = translation.get_language() or ""
        return f"{_PREFIX}{code_version()}:{language}:{fragment.key}"

    def _expected_tags(self, name: str, key: str) -> frozenset[str]:
        tags = self.fragments[name].tags
        if callable(tags):
            return _known_tags.get(key, frozenset({page_cache.EVERYTHING}))
        return frozenset({*tags, page_cache.EVERYTHING})

    def load(self) -> "FragmentSet":
        """Read every fragment still valid, in one round trip (see ``_known_tags``)."""
        self._started_at = time.time()
        if not settings.NEWSROOM_FRAGMENT_CACHE or not self.fragments:
            return self
        entry_keys = {name: self._entry_key(name) for name in self.fragments}
        tags = set()
        for name, key in entry_keys.items():
            tags |= self._expected_tags(name, key)
        token_keys = page_cache.generation_keys(tags)
        try:
            found = page_cache.cache().get_many([*entry_keys.values(), *token_keys.values()])
            entries = {name: found.get(key) for name, key in entry_keys.items()}
            unread = set()
            for name, entry in entries.items():
                if entry is not None:
                    _remember_tags(entry_keys[name], entry["tokens"])
                    unread |= entry["tokens"].keys() - token_keys.keys()
            if unread:
                more = page_cache.generation_keys(unread)
                found.update(page_cache.cache().get_many(more.values()))
                token_keys.update(more)
        except Exception as error:  # Any backend error: the page is rendered instead.
            page_cache.cache_failed(error)
            return self
        now = time.time()
        for name, entry in entries.items():
            if entry is None or entry["expires_at"] <= now:
                continue
            fragment_tags = self.fragments[name].tags
            expected = None if callable(fragment_tags) else {*fragment_tags, page_cache.EVERYTHING}
            if expected is not None and entry["tokens"].keys() != expected:
                continue
            current = {tag: found.get(token_keys[tag]) for tag in entry["tokens"]}
            if current == entry["tokens"]:
                self._stored[name] = entry["value"]
        return self

    @property
    def missing(self) -> set[str]:
        """The fragments that must be rendered (their data read) for this page."""
        return set(self.fragments) - set(self._stored)

    def is_stored(self, name: str) -> bool:
        return name in self._stored

    def value(self, name: str, make: Callable[[], Any]) -> Any:
        """The stored value of ``name``, else ``make()``'s (kept for :meth:`save`); a name
        the set does not hold is made every time."""
        if name not in self.fragments:
            return make()
        if name in self._stored:
            return self._stored[name]
        if name not in self._made:
            self._made[name] = make()
        return self._made[name]

    def save(self) -> None:
        """Keep what this page rendered, in one round trip (two the first time a tag is
        seen): not when one of its tags was invalidated while it was being made."""
        if not self._made or not settings.NEWSROOM_FRAGMENT_CACHE:
            return
        made, self._made = self._made, {}
        margin = settings.NEWSROOM_REPLICA_LAG_SECONDS
        try:
            tags_of = {}
            for name in made:
                tags = self.fragments[name].tags
                tags_of[name] = frozenset({*(tags() if callable(tags) else tags)})
            tokens = page_cache.current_tokens(set().union(*tags_of.values()), create=True)
            if tokens is None:
                return
            entries = {}
            now = time.time()
            for name, value in made.items():
                fragment = self.fragments[name]
                mine = {tag: tokens[tag] for tag in (*tags_of[name], page_cache.EVERYTHING)}
                if any(page_cache.made_at(t) >= self._started_at - margin for t in mine.values()):
                    continue
                expires_at = now + settings.NEWSROOM_FRAGMENT_SECONDS
                until = fragment.expires_at
                if callable(until):
                    until = until()
                if until is not None:
                    expires_at = min(expires_at, until)
                if expires_at <= now:
                    continue
                key = self._entry_key(name)
                entries[key] = {"value": value, "tokens": mine, "expires_at": expires_at}
                _remember_tags(key, mine)
            if entries:
                page_cache.cache().set_many(entries, settings.NEWSROOM_FRAGMENT_SECONDS)
        except Exception as error:  # Any backend error: nothing kept, nothing lost.
            page_cache.cache_failed(error)
