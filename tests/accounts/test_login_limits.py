"""Failed logins are limited per client and per account, on the reader's login and the
admin's, and logged."""

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


def admin_login(client, username, password=WRONG, **headers):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        headers=headers,
    )


@pytest.fixture
def editor(db):
    from tests.factories import staff_user

    return staff_user("editor", "Editor")


def test_the_admin_login_stops_guessing_an_editors_password(client, editor):
    for _ in range(20):
        admin_login(client, "editor")

    response = admin_login(client, "editor", PASSWORD)

    assert response.status_code == 429
    assert "Too many failed login attempts" in response.content.decode()
    assert not logged_in(client)


def test_the_admin_login_still_works_within_the_limits(client, editor):
    for _ in range(3):
        assert admin_login(client, "editor").status_code == 200
    response = admin_login(client, "editor", PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_the_admin_and_the_reader_login_share_one_count_per_account(client, editor):
    # Five wrong passwords for "editor" at the reader login leave none for the admin's.
    for _ in range(5):
        reader_login(client, "editor")
    assert admin_login(client, "editor", PASSWORD).status_code == 429


def test_the_admin_limit_per_client_spares_other_clients_behind_the_proxy(client, settings, editor):
    settings.NEWSROOM_TRUSTED_PROXIES = 1
    for attempt in range(IP_LIMIT):
        admin_login(client, f"guess{attempt}", x_forwarded_for="203.0.113.5")
    assert admin_login(client, "editor", PASSWORD, x_forwarded_for="203.0.113.5").status_code == (
        429
    )
    assert admin_login(client, "editor", PASSWORD, x_forwarded_for="203.0.113.6").status_code == (
        302
    )


def test_the_admin_login_refuses_an_inactive_account_as_a_wrong_password(client, editor):
    editor.is_active = False
    editor.save()
    response = admin_login(client, "editor", PASSWORD)
    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.content.decode()


@pytest.mark.parametrize("login", ["reader", "admin"])
def test_failed_logins_are_logged_with_name_and_address_never_the_password(
    client, settings, caplog, editor, login
):
    settings.NEWSROOM_TRUSTED_PROXIES = 1
    attempt = reader_login if login == "reader" else admin_login
    with caplog.at_level("WARNING", logger="accounts.auth"):
        attempt(client, "editor", "hunter2-secret", x_forwarded_for="203.0.113.5")

    [record] = caplog.records
    assert record.levelname == "WARNING"
    assert "'editor'" in record.getMessage()
    assert "203.0.113.5" in record.getMessage()
    assert "hunter2-secret" not in caplog.text


def test_a_login_refused_by_the_limit_is_logged(client, caplog, editor):
    for _ in range(5):
        admin_login(client, "editor")
    with caplog.at_level("WARNING", logger="accounts.auth"):
        admin_login(client, "editor", PASSWORD)
    assert "too many failed attempts" in caplog.text
    assert PASSWORD not in caplog.text
