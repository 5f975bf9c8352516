"""Failed logins are limited per client and per account."""

from django.urls import reverse

import pytest

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
WRONG = "not the password"
# allauth's "login_failed": 10/m per IP, 5 per 300 s per account (ACCOUNT_RATE_LIMITS).
IP_LIMIT = 10


def reader_login(client, login, password=WRONG, **headers):
    return client.post(
        reverse("account_login"), {"login": login, "password": password}, headers=headers
    )


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_behind_a_proxy_one_clients_lockout_leaves_the_others_alone(client, settings, commenter):
    settings.NEWSROOM_TRUSTED_PROXIES = 1
    # Both readers come through the same load balancer (the test client's REMOTE_ADDR).
    for attempt in range(IP_LIMIT):
        reader_login(client, f"guess{attempt}", x_forwarded_for="203.0.113.5")

    locked = reader_login(client, "commenter", PASSWORD, x_forwarded_for="203.0.113.5")
    assert "Too many failed login attempts" in locked.content.decode()
    assert not logged_in(client)

    reader_login(client, "commenter", PASSWORD, x_forwarded_for="203.0.113.6")
    assert logged_in(client)


def test_without_trusted_proxies_a_spoofed_forwarded_for_does_not_escape_the_limit(
    client, settings, commenter
):
    settings.NEWSROOM_TRUSTED_PROXIES = 0
    for attempt in range(IP_LIMIT):
        reader_login(client, f"guess{attempt}", x_forwarded_for=f"198.51.100.{attempt}")

    reader_login(client, "commenter", PASSWORD, x_forwarded_for="198.51.100.200")
    assert not logged_in(client)
