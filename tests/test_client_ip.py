"""The client's address: X-Forwarded-For only as far as the trusted proxies vouch for it."""

from django.test import RequestFactory

import pytest
from django_ratelimit.core import get_usage

from newsroom.client_ip import client_ip


def request(remote_addr="10.0.0.2", forwarded=None):
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_a_forwarded_address_is_ignored(settings):
    settings.NEWSROOM_TRUSTED_PROXIES = 0
    assert client_ip(request(forwarded="203.0.113.9")) == "10.0.0.2"


@pytest.mark.parametrize(
    ("trusted", "forwarded", "expected"),
    [
        # One front server: it appended the address it was reached from.
        (1, "203.0.113.5", "203.0.113.5"),
        # Whatever the client sent itself stays on the left, unread.
        (1, "198.51.100.1, 203.0.113.5", "203.0.113.5"),
        # A CDN, then a load balancer: the CDN's entry names the client.
        (2, "198.51.100.1, 203.0.113.5, 10.0.0.1", "203.0.113.5"),
        # Fewer entries than proxies: the request came in past the outer one.
        (2, "203.0.113.5", "203.0.113.5"),
        (1, "[2001:db8::1]:4711", "2001:db8::1"),
        (1, "203.0.113.5:4711", "203.0.113.5"),
    ],
)
def test_trusted_proxies_say_who_the_client_is(settings, trusted, forwarded, expected):
    settings.NEWSROOM_TRUSTED_PROXIES = trusted
    assert client_ip(request(forwarded=forwarded)) == expected


@pytest.mark.parametrize("forwarded", [None, "", "not an address"])
def test_a_missing_or_garbled_forwarded_header_falls_back_to_the_peer(settings, forwarded):
    settings.NEWSROOM_TRUSTED_PROXIES = 1
    assert client_ip(request(forwarded=forwarded)) == "10.0.0.2"


def test_django_ratelimit_counts_per_client_behind_the_proxy(settings):
    settings.NEWSROOM_TRUSTED_PROXIES = 1

    def hit(address):
        return get_usage(
            request(forwarded=address), group="t", key="ip", rate="1/m", increment=True
        )

    assert not hit("203.0.113.5")["should_limit"]
    assert hit("203.0.113.5")["should_limit"]
    assert not hit("203.0.113.6")["should_limit"]
