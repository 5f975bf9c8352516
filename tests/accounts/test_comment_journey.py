"""The whole journey with the test client: gate, sign up, verify, return, post, count 0 → 1;
and the gate for a signed-in reader whose address is not verified."""

import re

from django.core import mail
from django.urls import reverse

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Comment
from tests.helpers import comment_count_label

pytestmark = pytest.mark.django_db


def test_reader_signs_up_verifies_returns_and_comments(
    client, article, django_capture_on_commit_callbacks
):
    article_url = article.get_absolute_url()
    next_url = f"{article_url}#comments"

    # Anonymous: the gate, and a POST saves nothing.
    page = client.get(article_url)
    assertContains(page, "You need to login to leave a comment.")
    assert comment_count_label(page) == "0 comments"
    client.post(reverse("articles:comment-post", kwargs={"slug": article.slug}), {"body": "Hi"})
    assert not Comment.objects.exists()

    # Sign up from the login page's link, carrying next.
    signup = client.get(reverse("account_signup"), {"next": next_url})
    assertContains(signup, f'value="{next_url}"')
    with django_capture_on_commit_callbacks(execute=True):  # the email is sent by a job
        response = client.post(
            reverse("account_signup"),
            {
                "email": "ada@example.com",
                "username": "Ada",
                "password1": "a long harbour password",
                "password2": "a long harbour password",
                "next": next_url,
            },
        )
    # Verification is mandatory (so that sign-up never tells whether an address has an
    # account): "check your inbox", and not signed in yet.
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assertContains(client.get(response["Location"]), "We have sent an email to you")
    page = client.get(article_url)
    assertContains(page, "You need to login to leave a comment.")
    assertNotContains(page, 'name="body"')

    # The verification email; confirming it, in the same browser, signs the reader in and
    # returns them to the article's comments.
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.com"]
    link = re.search(r"https?://testserver(/accounts/confirm-email/[^\s]+)", mail.outbox[0].body)
    confirm_url = link.group(1)
    assert client.get(confirm_url).status_code == 200
    response = client.post(confirm_url)
    assert response.status_code == 302
    assert response["Location"] == next_url

    # Now the form; post; the comment and the count show it.
    page = client.get(article_url)
    assertContains(page, 'name="body"')
    response = client.post(
        reverse("articles:comment-post", kwargs={"slug": article.slug}),
        {"body": "First!  Glad the bridge is back."},
    )
    comment = Comment.objects.get()
    assert response["Location"] == f"{article_url}#comment-{comment.pk}"
    client.logout()
    page = client.get(article_url)
    assertContains(page, "First!  Glad the bridge is back.")
    assertContains(page, '<strong class="comment__author">Ada</strong>', html=True)
    assert comment_count_label(page) == "1 comment"


def test_resending_the_link_returns_to_the_article_and_keeps_next(
    client, article, reader, django_capture_on_commit_callbacks
):
    client.force_login(reader)
    next_url = f"{article.get_absolute_url()}#comments"
    resend = reverse("accounts:resend-verification")
    data = {"email": reader.email, "action_send": "", "next": next_url}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(resend, data)

    assert response.status_code == 302
    assert response["Location"] == next_url
    assertContains(client.get(next_url), f"Confirmation email sent to {reader.email}.")
    assert len(mail.outbox) == 1

    # Again at once: allauth's rate limit sends nothing, and the reader is told why.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(resend, data, follow=True)
    assert response.redirect_chain == [(next_url, 302)]
    assertContains(response, "We sent you a link a few minutes ago, and it still works")
    assert len(mail.outbox) == 1

    confirm_url = re.search(r"testserver(/accounts/confirm-email/\S+)", mail.outbox[0].body)
    response = client.post(confirm_url.group(1))
    assert response["Location"] == next_url


def test_resending_the_link_never_leaves_the_site(client, reader):
    client.force_login(reader)
    response = client.post(
        reverse("accounts:resend-verification"),
        {"email": reader.email, "action_send": "", "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email")


def test_resending_needs_a_logged_in_reader_and_a_post(client, reader):
    url = reverse("accounts:resend-verification")
    assert client.post(url, {"email": reader.email, "action_send": ""})["Location"].startswith(
        reverse("account_login")
    )
    client.force_login(reader)
    assert client.get(url).status_code == 405
    assert mail.outbox == []


def test_a_signed_in_reader_with_an_unverified_address_is_asked_to_verify(client, article, reader):
    # Accounts from before verification was mandatory, or whose address was changed.
    client.force_login(reader)
    page = client.get(article.get_absolute_url())
    assertContains(page, "Please verify your email address before you comment")
    assertNotContains(page, 'name="body"')
