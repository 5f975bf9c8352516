"""The reader's profile: display name, notifications, data download, account deletion."""

import json

from django.urls import reverse

import pytest
from pytest_django.asserts import assertContains

from accounts.models import User
from articles.models import Comment
from tests.factories import CommentFactory, UserFactory, VerifiedUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(db):
    return VerifiedUserFactory(username="member")


def test_profile_needs_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_profile_is_routed_before_allauth():
    assert reverse("accounts:profile") == "/accounts/profile/"


def test_change_display_name_and_notifications(client, member, article):
    CommentFactory(article=article, author=member)
    client.force_login(member)
    page = client.get(reverse("accounts:profile"))
    assertContains(page, 'value="member"')
    assertContains(page, "You have written 1 comment.")

    response = client.post(reverse("accounts:profile"), {"username": "Member_Two"})

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.username == "Member_Two"
    assert member.is_notified_of_replies is False
    assertContains(client.get(article.get_absolute_url()), "Member_Two")


def test_display_name_with_characters_usernames_cannot_hold_is_refused(client, member):
    client.force_login(member)
    response = client.post(reverse("accounts:profile"), {"username": "Two words"})
    assert response.status_code == 400
    member.refresh_from_db()
    assert member.username == "member"


def test_display_name_taken_by_someone_else_is_refused_and_kept(client, member):
    UserFactory(username="Taken")
    client.force_login(member)
    response = client.post(
        reverse("accounts:profile"), {"username": "taken", "is_notified_of_replies": "on"}
    )
    assert response.status_code == 400
    assertContains(response, "This display name is already taken.", status_code=400)
    assertContains(response, 'value="taken"', status_code=400)
    member.refresh_from_db()
    assert member.username == "member"


def test_download_own_data_as_json(client, member, article):
    CommentFactory(article=article, author=member, body="Mine")
    CommentFactory(article=article, author=member, body="Held", status=Comment.Status.PENDING)
    CommentFactory(article=article, body="Not mine")
    client.force_login(member)

    response = client.get(reverse("accounts:data"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["profile"]["username"] == "member"
    assert data["profile"]["email"] == "member@example.com"
    assert [c["body"] for c in data["comments"]] == ["Mine", "Held"]
    assert data["email_addresses"] == [
        {"email": "member@example.com", "verified": True, "primary": True}
    ]
    assert "password" not in json.dumps(data)


def test_delete_account_anonymizes_comments_and_keeps_threads(client, member, article):
    top = CommentFactory(article=article, author=member, body="My point")
    CommentFactory(article=article, parent=top, body="A reply to it")
    client.force_login(member)

    wrong = client.post(reverse("accounts:delete"), {"password": "wrong", "confirm": "on"})
    assert wrong.status_code == 400
    assert User.objects.filter(pk=member.pk).exists()

    response = client.post(
        reverse("accounts:delete"),
        {"password": "correct horse battery staple", "confirm": "on"},
    )

    assert response.status_code == 302
    assert not User.objects.filter(pk=member.pk).exists()
    top.refresh_from_db()
    assert top.author is None and top.status == Comment.Status.VISIBLE
    page = client.get(article.get_absolute_url())
    assertContains(page, '<strong class="comment__author">deleted user</strong>', html=True)
    assertContains(page, "My point")
    assertContains(page, "A reply to it")
    assert client.get(reverse("accounts:profile")).status_code == 302  # logged out


def test_delete_needs_the_confirmation_box(client, member):
    client.force_login(member)
    response = client.post(reverse("accounts:delete"), {"password": "correct horse battery staple"})
    assert response.status_code == 400
    assert User.objects.filter(pk=member.pk).exists()
