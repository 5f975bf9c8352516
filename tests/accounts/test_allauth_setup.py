"""allauth is configured: rate limits on, login by code, mail, the site's layout on its pages."""

import html as htmllib
import re

from django.conf import settings
from django.core import mail
from django.urls import reverse

import pytest
from pytest_django.asserts import assertContains

pytestmark = pytest.mark.django_db


def test_rate_limits_are_on_for_login_signup_and_reset():
    limits = settings.ACCOUNT_RATE_LIMITS
    for action in ("login", "login_failed", "signup", "reset_password"):
        assert limits[action], action


def test_repeated_failed_logins_are_stopped(client, reader):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "reader", "password": "nope"})
    response = client.post(
        reverse("account_login"), {"login": "reader", "password": "correct horse battery staple"}
    )
    # Even the right password is refused until the limit's window has passed.
    assertContains(response, "Too many failed login attempts")
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_an_email(client, reader, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": reader.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


@pytest.fixture
def another_host(settings):
    """The site answers on a second name (an internal one, say), and has its own address."""
    settings.ALLOWED_HOSTS = ["news.example.org", "backend.internal"]
    settings.NEWSROOM_BASE_URL = "https://news.example.org"
    return {"HTTP_HOST": "backend.internal"}


def _links(message) -> list[str]:
    return re.findall(r"https?://[^\s\"<>]+", message.body)


def test_email_links_go_to_the_sites_address_not_the_requests_host(
    client, reader, another_host, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": reader.email}, **another_host)
        client.post(
            reverse("account_reset_password"), {"email": "nobody@example.com"}, **another_host
        )
        client.post(
            reverse("account_signup"),
            {
                "email": "ada@example.com",
                "username": "ada",
                "password1": "a long harbour password",
                "password2": "a long harbour password",
            },
            **another_host,
        )

    reset, unknown, verify = mail.outbox
    assert "https://news.example.org/accounts/password/reset/key/" in reset.body
    assert "https://news.example.org/accounts/signup/" in unknown.body
    assert "https://news.example.org/accounts/confirm-email/" in verify.body
    for message in (reset, unknown, verify):
        assert _links(message), message.body
        assert all(link.startswith("https://news.example.org/") for link in _links(message))


def test_login_by_emailed_code_is_offered_and_returns_to_next(
    client, commenter, article, django_capture_on_commit_callbacks
):
    # Verified: with mandatory verification an unverified one is sent to verify first.
    next_url = f"{article.get_absolute_url()}#comments"
    page = client.get(reverse("account_login"), {"next": next_url})
    link = re.search(r'href="(/accounts/login/code/[^"]*)"', page.content.decode()).group(1)
    with django_capture_on_commit_callbacks(execute=True):  # the email is sent by a job
        response = client.post(htmllib.unescape(link), {"email": commenter.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[0].body, re.M).group(1)
    response = client.post(response["Location"], {"code": code})
    assert response["Location"] == next_url
    assert client.session["_auth_user_id"] == str(commenter.pk)


@pytest.mark.parametrize(
    ("name", "logged_in"),
    [
        ("account_login", False),
        ("account_signup", False),
        ("account_reset_password", False),
        ("account_request_login_code", False),
        ("account_email", True),
        ("account_change_password", True),
        ("account_logout", True),
    ],
)
def test_allauth_pages_use_the_site_layout(client, reader, name, logged_in):
    if logged_in:
        client.force_login(reader)
    page = client.get(reverse(name))
    assertContains(page, '<a class="skip-link" href="#main">Skip to content</a>', html=True)
    assertContains(page, '<meta name="robots" content="noindex">', html=True)
    assertContains(page, 'class="page page--account"')
    assertContains(page, 'class="button"')
