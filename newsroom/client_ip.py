"""The address of the person making a request: the one answer allauth's rate limits,
django-ratelimit and the failed-login log all use.

Behind ``NEWSROOM_TRUSTED_PROXIES`` proxies (a load balancer, a front server) every
request comes from the nearest proxy's address, so ``REMOTE_ADDR`` names the proxy, not
the reader. Each proxy appends the address it was reached from to ``X-Forwarded-For``;
with N trusted proxies, the N-th entry from the right is the one the outermost trusted
proxy saw, and everything left of it is whatever the client chose to send. With 0 (the
default) ``X-Forwarded-For`` is ignored: nothing in front is trusted to have set it.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address, from ``X-Forwarded-For`` as far as the trusted proxies vouch
    for it, else ``REMOTE_ADDR``."""
    trusted = settings.NEWSROOM_TRUSTED_PROXIES
    remote_addr = request.META.get("REMOTE_ADDR", "")
    if trusted > 0:
        forwarded = [
            hop.strip()
            for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if hop.strip()
        ]
        # Fewer entries than trusted proxies: the request skipped the outer ones, so every
        # entry was written by a trusted proxy and the leftmost is the nearest to the client.
        if forwarded and (address := _address(forwarded[-min(trusted, len(forwarded))])):
            return address
    return _address(remote_addr) or remote_addr


def _address(value: str) -> str | None:
    """``value`` as a normalised IP address (a port or IPv6 brackets dropped), or None."""
    value = value.strip()
    if value.startswith("["):
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None
