"""Share links: plain URLs to each network's own share page. No third-party script, ever."""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


def _query(**params: str) -> str:
    return urlencode(params, quote_via=quote)


@dataclass(frozen=True)
class Network:
    key: str
    name: str
    # Builds the share URL from the article's absolute URL and headline.
    build: Callable[[str, str], str]
    opens_new_tab: bool = True


NETWORKS: dict[str, Network] = {
    network.key: network
    for network in (
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
    )
}


@dataclass(frozen=True)
class ShareLink:
    network: Network
    url: str

    @property
    def key(self) -> str:
        return self.network.key

    @property
    def opens_new_tab(self) -> bool:
        return self.network.opens_new_tab

    @property
    def icon_template(self) -> str:
        return f"includes/icons/{self.network.key}.svg"


def share_links(*, url: str, title: str) -> list[ShareLink]:
    """The share row for one article, in the order of ``NEWSROOM_SHARE_NETWORKS``."""
    links = []
    for key in settings.NEWSROOM_SHARE_NETWORKS:
        try:
            network = NETWORKS[key]
        except KeyError:
            raise ImproperlyConfigured(
                f"NEWSROOM_SHARE_NETWORKS names {key!r}; known networks: {', '.join(NETWORKS)}."
            ) from None
        links.append(ShareLink(network=network, url=network.build(url, title)))
    return links
