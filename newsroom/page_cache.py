"""The shared page cache: whole pages for anonymous readers, invalidated by what changed.

- A view readers share is wrapped in :func:`reader_page`, which names the page and marks it
  as one to keep. :class:`PageCacheMiddleware` (in ``MIDDLEWARE`` below the compression and
  the conditional answers, above the session, the authentication and the URL resolver)
  keeps the marked pages, and answers a GET or HEAD from a reader with no session or
  messages cookie from the ``pages`` cache while a stored copy is valid: a hit runs no view,
  no session or authentication middleware, resolves no URL and makes no query.
- A page names what it shows in its ``Cache-Tag`` header (``article-12 tag-3 author-5``,
  ``site``; the same in ``Surrogate-Key``), set with :func:`public_response`. Beside the
  stored copy go the current *generation token* of each of those tags (and of
  ``EVERYTHING``, which every page depends on).
- A write that changes what readers see calls :func:`invalidate` with the tags it touched,
  once its transaction has committed (``articles/caching.py`` says which): each tag gets a
  new token, so every copy naming it stops matching and the next request renders the page
  afresh. A CDN purges by the same header. A page rendered while one of its tags was
  invalidated is not stored: it may show the state from before the write.
- A hit is one Redis round trip: the copy and the current tokens of the tags it was stored
  with, read together (``get_many``). Which tags those are, each process remembers from the
  copies it stored or served; a copy whose tags it does not know yet (stored by another
  process, or its tags changed) costs a second round trip for the tokens, once.
- Each address is stored twice, gzipped for clients that accept it and plain for the
  others, each with its final headers (ETag, Vary, Content-Encoding): a hit reads only the
  form it sends, and neither hashes nor compresses it again.
- A copy lives at most its ``s-maxage``: ``NEWSROOM_PAGE_CACHE_SECONDS``, shortened to end
  at the next change that needs no write (a story scheduled to appear).
- The cache going away is a miss, never an error: pages render as if uncached, and the
  outage is logged at most once a minute; ``/health/`` reports it.

Logged-in readers never get a stored copy and never leave one: their pages are ``private,
no-store``. ``NEWSROOM_PAGE_CACHE=false`` keeps no copies (the headers stay). Pages are
keyed on the host and the full path only: the site speaks one language (``LANGUAGES``).
"""

import hashlib
import logging
import secrets
import time
from collections.abc import Callable, Iterable
from functools import wraps
from http import HTTPStatus

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.gzip import GZipMiddleware, re_accepts_gzip
from django.utils.cache import patch_cache_control, patch_vary_headers, set_response_etag
from django.utils.http import http_date
from django.utils.text import compress_string

from newsroom.logs import OUTAGES
from newsroom.middleware import is_compressible

logger = logging.getLogger(__name__)

CACHE_ALIAS = "pages"
TAG_HEADER = "Cache-Tag"
SURROGATE_HEADER = "Surrogate-Key"
# The tag every stored page depends on: invalidating it forgets them all.
EVERYTHING = "everything"
# Generation tokens outlive every page that records them.
TOKEN_TIMEOUT = 60 * 60 * 24 * 30
_ENTRY_PREFIX = "page:"
# The two stored forms of a page: for clients that accept gzip, and for the others.
_PLAIN, _GZIP = ":plain", ":gzip"
_GENERATION_PREFIX = "gen:"

# Set when an invalidation could not be written: once the cache answers again, this process
# invalidates everything, since copies stored before the outage may be stale.
_invalidate_everything_when_back = False
# The tags each address was last stored with, as this process saw them (see the module).
_known_tags: dict[str, frozenset[str]] = {}
_KNOWN_TAGS_MAX = 50_000
# Addresses that no reader page answers (robots.txt, an account page, an address no URL
# pattern matches): not asked of the cache again by this process. The URLconf decides it,
# so it holds; an article that answered 404 before it was published is not one of them.
_not_reader_pages: set[str] = set()


def cache():
    return caches[CACHE_ALIAS]


def cache_failed(error: Exception) -> None:
    """Log a cache failure, at most once a minute (an outage would log every request)."""
    if OUTAGES.allows("page cache"):
        logger.warning(
            "The page cache is unavailable (%s: %s): pages are rendered uncached.",
            type(error).__name__,
            error,
        )


def _token(*, at: float) -> str:
    """A generation token: when it was made, and something unguessable."""
    return f"{at:.6f}-{secrets.token_hex(6)}"


def made_at(token: str) -> float:
    return float(token.partition("-")[0])


def generation_keys(tags: Iterable[str]) -> dict[str, str]:
    """The cache key of each tag's generation token, and of ``EVERYTHING``'s."""
    return {tag: _GENERATION_PREFIX + tag for tag in {*tags, EVERYTHING}}


def current_tokens(tags: Iterable[str], *, create: bool) -> dict[str, str] | None:
    """The generation token of each tag; missing ones are made when ``create``.

    None when the cache cannot be reached, or (without ``create``) when a token is gone:
    either way, nothing stored against them can be trusted.
    """
    keys = generation_keys(tags)
    found = cache().get_many(keys.values())
    tokens = {}
    for tag, key in keys.items():
        token = found.get(key)
        if token is None:
            if not create:
                return None
            # Made, not bumped: dated 0, so it never looks newer than a page.
            # add(), not set(): a token another worker made meanwhile wins.
            cache().add(key, _token(at=0), TOKEN_TIMEOUT)
            token = cache().get(key)
            if token is None:
                return None
        tokens[tag] = token
    return tokens


def invalidate(*tags: str) -> None:
    """Every stored page that names one of ``tags`` is stale from now on."""
    global _invalidate_everything_when_back
    tags = {tag for tag in tags if tag}
    if not tags:
        return
    token = _token(at=time.time())
    try:
        cache().set_many({_GENERATION_PREFIX + tag: token for tag in tags}, TOKEN_TIMEOUT)
    except Exception as error:  # Any backend error: the page must still be saved.
        cache_failed(error)
        _invalidate_everything_when_back = True


def _entry_key(request: HttpRequest) -> str:
    """The address's key, without the form (``_PLAIN`` or ``_GZIP``) that ends it."""
    address = f"{request.get_host()}{request.get_full_path()}"
    return _ENTRY_PREFIX + hashlib.sha256(address.encode()).hexdigest()


def _accepts_gzip(request: HttpRequest) -> bool:
    return bool(re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))


def _remember_tags(key: str, tags: Iterable[str]) -> None:
    if len(_known_tags) >= _KNOWN_TAGS_MAX:
        _known_tags.clear()  # a crude bound: forgetting costs one more round trip, once
    _known_tags[key] = frozenset(tags)


def is_shared_request(request: HttpRequest) -> bool:
    """Whether the answer may be shared: a GET or HEAD with no cookie that makes the page
    the visitor's (a session, which logging in needs, or messages waiting to be shown).

    Asked of the cookies, not of ``request.user``: without a session cookie nobody is
    logged in, and the question costs no query.
    """
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def _response_tags(response: HttpResponse) -> list[str]:
    return response.headers.get(TAG_HEADER, "").split()


def _is_storable(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != HTTPStatus.OK or response.streaming:
        return False
    if not _response_tags(response) or response.cookies:
        return False
    cache_control = response.headers.get("Cache-Control", "")
    if "private" in cache_control or "no-store" in cache_control:
        return False
    # A view that wrote to the session made a page for this visitor alone (it is about to
    # be given a session cookie). Reading it, as every page does to ask whether someone is
    # logged in, finds the same empty session for every anonymous reader.
    session = getattr(request, "session", None)
    return not (session is not None and session.modified)


def _shared_max_age(response: HttpResponse) -> int:
    for part in response.headers.get("Cache-Control", "").split(","):
        name, _sep, value = part.strip().partition("=")
        if name == "s-maxage" and value.isdigit():
            return int(value)
    return 0


def _lookup(request: HttpRequest, key: str) -> HttpResponse | None:
    global _invalidate_everything_when_back
    entry_key = key + (_GZIP if _accepts_gzip(request) else _PLAIN)
    # The copy and, in the same round trip, the tokens of the tags this process last saw
    # it stored with.
    token_keys = {tag: _GENERATION_PREFIX + tag for tag in _known_tags.get(key, {EVERYTHING})}
    try:
        if _invalidate_everything_when_back:
            cache().set(_GENERATION_PREFIX + EVERYTHING, _token(at=time.time()), TOKEN_TIMEOUT)
            _invalidate_everything_when_back = False
        found = cache().get_many([entry_key, *token_keys.values()])
        entry = found.get(entry_key)
        if entry is None or entry["expires_at"] <= time.time():
            return None
        stored = entry["tokens"]
        if stored.keys() == token_keys.keys():
            current = {tag: found.get(token_keys[tag]) for tag in stored}
        else:
            # Stored by another process, or with other tags than this one knew: ask for
            # the tokens it depends on, and read them with the copy from now on.
            _remember_tags(key, stored)
            current = current_tokens(stored, create=False)
        if current != stored:
            return None
    except Exception as error:
        cache_failed(error)
        return None
    # A response pickled whole when the page was stored: its headers (the ETag's MD5, the
    # gzip, Vary) were worked out then. The middleware above see the headers and leave it
    # alone: ConditionalGetMiddleware still answers 304 from the ETag.
    return entry["response"]


def _compressed(response: HttpResponse) -> bytes | None:
    """The gzip copy ``TextGZipMiddleware`` would send, when it would compress this."""
    # Under 200 bytes GZipMiddleware leaves a response alone.
    if len(response.content) < 200 or not is_compressible(response):
        return None
    compressed = compress_string(response.content, max_random_bytes=GZipMiddleware.max_random_bytes)
    return compressed if len(compressed) < len(response.content) else None


def _copies(response: HttpResponse) -> tuple[HttpResponse, HttpResponse]:
    """The plain and the gzip form of ``response`` as the middleware above would send
    them: both with the ETag ConditionalGetMiddleware would set, the gzip one with
    GZipMiddleware's headers (the same plain one when it would not compress this)."""
    if not response.has_header("ETag"):
        set_response_etag(response)
    headers = dict(response.headers.items())
    plain = HttpResponse(response.content, status=response.status_code, headers=headers)
    compressed = _compressed(response)
    if compressed is None:
        return plain, plain
    patch_vary_headers(plain, ("Accept-Encoding",))
    gzipped = HttpResponse(compressed, status=response.status_code, headers=plain.headers)
    gzipped.headers["Content-Length"] = str(len(compressed))
    gzipped.headers["Content-Encoding"] = "gzip"
    etag = gzipped.headers["ETag"]
    if etag.startswith('"'):
        gzipped.headers["ETag"] = "W/" + etag  # as GZipMiddleware does
    return plain, gzipped


def _store(request: HttpRequest, response: HttpResponse, *, started_at: float, key: str) -> None:
    timeout = _shared_max_age(response)
    if timeout <= 0:
        return
    try:
        tokens = current_tokens(_response_tags(response), create=True)
        # A tag invalidated after this request began, or so shortly before that a read
        # replica may not have the change yet, may have changed under it: the page may show
        # the state from before, so it is not kept (NEWSROOM_REPLICA_LAG_SECONDS: a second
        # for the clocks of other app servers without a replica).
        margin = settings.NEWSROOM_REPLICA_LAG_SECONDS
        if tokens is None or any(made_at(t) >= started_at - margin for t in tokens.values()):
            return
        plain, gzipped = _copies(response)
        expires_at = time.time() + timeout
        cache().set_many(
            {
                key + form: {"response": copy, "tokens": tokens, "expires_at": expires_at}
                for form, copy in ((_PLAIN, plain), (_GZIP, gzipped))
            },
            timeout,
        )
        _remember_tags(key, tokens)
    except Exception as error:
        cache_failed(error)


def public_response(
    request: HttpRequest,
    response: HttpResponse,
    *,
    tags: Iterable[str],
    expires: Callable[[], float | None] | None = None,
) -> HttpResponse:
    """Mark ``response`` as one page for every anonymous reader, named by ``tags``:
    browsers keep it ``NEWSROOM_PAGE_MAX_AGE`` seconds, shared caches and CDNs
    ``NEWSROOM_PAGE_CACHE_SECONDS``, neither past ``expires()`` (a timestamp, or None).

    A page for one visitor (``is_shared_request`` says no) is left alone: ``reader_page``
    makes it private, and ``expires`` (often a query) is not asked.
    """
    if not is_shared_request(request):
        return response
    names = " ".join(sorted(set(tags)))
    response.headers[TAG_HEADER] = names
    response.headers[SURROGATE_HEADER] = names
    shared = settings.NEWSROOM_PAGE_CACHE_SECONDS
    expires_at = expires() if expires else None
    if expires_at is not None:
        shared = max(0, min(shared, int(expires_at - time.time())))
    patch_cache_control(
        response,
        public=True,
        max_age=min(settings.NEWSROOM_PAGE_MAX_AGE, shared),
        s_maxage=shared,
        stale_while_revalidate=settings.NEWSROOM_PAGE_STALE_SECONDS,
    )
    response.headers.setdefault("Last-Modified", http_date())
    return response


def make_private(response: HttpResponse) -> HttpResponse:
    """A page for one visitor (logged in, or with a session): their browser only."""
    for header in (TAG_HEADER, SURROGATE_HEADER, "Cache-Control"):
        if header in response.headers:
            del response.headers[header]
    patch_cache_control(response, private=True, no_store=True)
    return response


def reader_page(
    view=None,
    *,
    tags: Iterable[str] = (),
    expires: Callable[[], float | None] | None = None,
):
    """Serve ``view``'s pages to anonymous readers from the page cache (see the module).

    A page the view did not name itself (``public_response``) is named by ``tags`` and
    kept no longer than ``expires()``. Use as ``reader_page(view, tags=["site"])`` or as a
    decorator.
    """
    if view is None:
        return lambda view: reader_page(view, tags=tags, expires=expires)
    tags = tuple(tags)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if callable(getattr(response, "render", None)):
            response = response.render()
        if not is_shared_request(request):
            return make_private(response)
        ok = response.status_code == HTTPStatus.OK
        if ok and tags and TAG_HEADER not in response.headers:
            public_response(request, response, tags=tags, expires=expires)
        response.is_reader_page = True  # PageCacheMiddleware may keep it
        return response

    wrapper.is_reader_page = True  # its address is worth asking the page cache
    return wrapper


class PageCacheMiddleware:
    """Answers anonymous readers from the page cache, and keeps the pages that
    :func:`reader_page` marked, once every middleware below has added its headers.

    Above the session, authentication, CSRF and locale middleware and Django's URL
    resolver: a hit skips them all. Below ``ConditionalGetMiddleware`` (304 answers from
    the stored ETag) and the gzip middleware, which leave a stored copy as it is.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started_at = time.time()
        if not (settings.NEWSROOM_PAGE_CACHE and is_shared_request(request)):
            return self.get_response(request)
        key = _entry_key(request)
        if key not in _not_reader_pages and (cached := _lookup(request, key)) is not None:
            return cached
        response = self.get_response(request)
        if getattr(response, "is_reader_page", False):
            if _is_storable(request, response):
                _store(request, response, started_at=started_at, key=key)
        elif not _is_reader_view(request):
            if len(_not_reader_pages) >= _KNOWN_TAGS_MAX:
                _not_reader_pages.clear()
            _not_reader_pages.add(key)
        return response


def _is_reader_view(request: HttpRequest) -> bool:
    """Whether the URL pattern that matched is a :func:`reader_page` (asked once Django has
    resolved the address, so without resolving it again)."""
    match = getattr(request, "resolver_match", None)
    return match is not None and getattr(match.func, "is_reader_page", False)
