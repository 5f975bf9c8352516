"""Nothing tells a stranger whether an email address has an account: not the sign-up
form, not the time a failed login takes."""

from unittest import mock

from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.urls import reverse

import pytest
from pytest_django.asserts import assertNotContains

from accounts.models import User

pytestmark = pytest.mark.django_db

WRONG = "not the password"


def signup(client, email, username):
    return client.post(
        reverse("account_signup"),
        {
            "email": email,
            "username": username,
            "password1": "a long harbour password",
            "password2": "a long harbour password",
        },
    )


def test_signing_up_with_a_registered_address_looks_like_any_sign_up(
    client, commenter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # mail is sent by a job
        fresh = signup(client, "new@example.com", "Newcomer")
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        taken = signup(client, commenter.email, "Impostor")

    assert taken.status_code == fresh.status_code == 302
    assert taken["Location"] == fresh["Location"] == reverse("account_email_verification_sent")
    assertNotContains(client.get(taken["Location"]), "already registered")
    assert not User.objects.filter(username="Impostor").exists()
    # The address's owner is told someone tried, in place of a verification link.
    assert [message.to for message in mail.outbox] == [["new@example.com"], [commenter.email]]
    assert "/accounts/confirm-email/" in mail.outbox[0].body
    assert "/accounts/confirm-email/" not in mail.outbox[1].body
    assert "already" in mail.outbox[1].body


def test_a_new_account_cannot_log_in_before_its_address_is_verified(client):
    signup(client, "new@example.com", "Newcomer")
    client.logout()
    response = client.post(
        reverse("account_login"),
        {"login": "new@example.com", "password": "a long harbour password"},
    )
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def hashes(attempt) -> int:
    """How many times the password hasher runs during ``attempt()``."""
    encode = MD5PasswordHasher.encode
    with mock.patch.object(MD5PasswordHasher, "encode", autospec=True, side_effect=encode) as spy:
        attempt()
    return spy.call_count


@pytest.mark.parametrize(
    ("known", "unknown"),
    [("commenter@example.com", "nobody@example.com"), ("commenter", "nobody")],
    ids=["email", "username"],
)
def test_a_failed_reader_login_costs_the_same_for_a_known_and_an_unknown_account(
    client, commenter, known, unknown
):
    def login(name):
        return lambda: client.post(reverse("account_login"), {"login": name, "password": WRONG})

    assert hashes(login(known)) == hashes(login(unknown)) >= 1


def test_a_failed_admin_login_costs_the_same_for_a_known_and_an_unknown_account(client):
    from tests.factories import staff_user

    staff_user("editor", "Editor")

    def login(name):
        return lambda: client.post(reverse("admin:login"), {"username": name, "password": WRONG})

    assert hashes(login("editor")) == hashes(login("nobody")) >= 1
