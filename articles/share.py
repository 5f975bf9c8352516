"""Share links: plain URLs to each network's own share page. No third-party script, ever.

Most networks are a link. Three entries are different: Mastodon has no central site, so it
is a small GET form asking for the reader's server (``articles.views.share``); "copy" and
"native" are buttons that ``newsroom/static/js/share.js`` reveals only where they work.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


def _query(**params: str) -> str:
    return urlencode(params, quote_via=quote)


class Kind:
    LINK = "link"
    MASTODON = "mastodon"
    COPY = "copy"
    NATIVE = "native"


@dataclass(frozen=True)
class Network:
    key: str
    name: str
    # Builds the share URL from the article's absolute URL and headline (links only).
    build: Callable[[str, str], str] | None = None
    opens_new_tab: bool = True
    kind: str = Kind.LINK


NETWORKS: dict[str, Network] = {
    network.key: network
    for network in (
        Network(
            "native",
            _("this device's share menu"),
            kind=Kind.NATIVE,
            opens_new_tab=False,
        ),
        Network(
            "facebook",
            "Facebook",
            lambda url, title: "https://www.facebook.com/sharer/sharer.php?" + _query(u=url),
        ),
        Network(
            "x",
            "X",
            lambda url, title: "https://x.com/intent/post?" + _query(text=title, url=url),
        ),
        Network(
            "bluesky",
            "Bluesky",
            lambda url, title: "https://bsky.app/intent/compose?" + _query(text=f"{title} {url}"),
        ),
        Network("mastodon", "Mastodon", kind=Kind.MASTODON),
        Network(
            "linkedin",
            "LinkedIn",
            lambda url, title: "https://www.linkedin.com/sharing/share-offsite/?" + _query(url=url),
        ),
        Network(
            "telegram",
            "Telegram",
            lambda url, title: "https://t.me/share/url?" + _query(url=url, text=title),
        ),
        Network(
            "whatsapp",
            "WhatsApp",
            lambda url, title: "https://wa.me/?" + _query(text=f"{title} {url}"),
        ),
        Network(
            "reddit",
            "Reddit",
            lambda url, title: "https://www.reddit.com/submit?" + _query(url=url, title=title),
        ),
        # A mail client is not a web page: no new tab for it.
        Network(
            "email",
            _("email"),
            lambda url, title: "mailto:?" + _query(subject=title, body=url),
            opens_new_tab=False,
        ),
        Network("copy", _("Copy link"), kind=Kind.COPY, opens_new_tab=False),
    )
}


@dataclass(frozen=True)
class ShareLink:
    network: Network
    url: str
    title: str = ""

    @property
    def key(self) -> str:
        return self.network.key

    @property
    def kind(self) -> str:
        return self.network.kind

    @property
    def opens_new_tab(self) -> bool:
        return self.network.opens_new_tab

    @property
    def icon_template(self) -> str:
        return f"includes/icons/{self.network.key}.svg"


def share_links(*, url: str, title: str) -> list[ShareLink]:
    """The share row for one article, in the order of ``NEWSROOM_SHARE_NETWORKS``.

    ``url`` of a link is the network's share URL; of the other kinds, the article's own URL.
    """
    links = []
    for key in settings.NEWSROOM_SHARE_NETWORKS:
        try:
            network = NETWORKS[key]
        except KeyError:
            raise ImproperlyConfigured(
                f"NEWSROOM_SHARE_NETWORKS names {key!r}; known networks: {', '.join(NETWORKS)}."
            ) from None
        share_url = network.build(url, title) if network.build else url
        links.append(ShareLink(network=network, url=share_url, title=title))
    return links


# A DNS host name: dot-separated labels of letters, digits and inner hyphens, with a
# top-level label that is not all digits (so no bare IP addresses or single-label hosts).
_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
_HOST_RE = re.compile(rf"^(?:{_LABEL}\.)+(?!\d+$)[a-z0-9-]{{2,63}}$")
INSTANCE_MAX_LENGTH = 253


def mastodon_instance_host(value: str) -> str | None:
    """The host name of the Mastodon server a reader typed, or None if it is not one.

    Readers type ``mastodon.social``, ``https://mastodon.social/`` or their handle
    ``@me@mastodon.social``; all three give ``mastodon.social``. Anything with a port,
    user info, path, or characters a host cannot hold is refused, so the redirect that
    follows can only ever go to ``https://<a real host name>/share``.
    """
    value = (value or "").strip()
    if not value or len(value) > INSTANCE_MAX_LENGTH + len("https://@") + 64:
        return None
    if value.startswith("@") or (value.count("@") == 1 and "://" not in value):
        value = value.rsplit("@", 1)[-1]
    if "://" in value:
        try:
            parts = urlsplit(value)
            has_port = parts.port is not None
        except ValueError:
            return None
        if parts.scheme.lower() not in {"http", "https"} or parts.query or parts.fragment:
            return None
        if parts.path not in {"", "/"} or parts.username or parts.password or has_port:
            return None
        value = parts.hostname or ""
    else:
        value = value.rstrip("/")
    try:
        host = value.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None
    if len(host) > INSTANCE_MAX_LENGTH or not _HOST_RE.match(host):
        return None
    return host


def mastodon_share_url(*, host: str, url: str, title: str) -> str:
    """The share page on the reader's own Mastodon server."""
    return f"https://{host}/share?" + _query(text=f"{title} {url}")
