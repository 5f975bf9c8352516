"""Display names: no look-alike of a reserved name or of someone else's, at sign-up and on
the profile page alike."""

from django.urls import reverse

import pytest
from pytest_django.asserts import assertContains

from accounts.display_names import skeleton
from accounts.models import User
from tests.factories import UserFactory, VerifiedUserFactory, staff_user

pytestmark = pytest.mark.django_db

CYRILLIC_E = "\u0435"
CYRILLIC_CAPITAL_O = "\u041e"
GREEK_CAPITAL_ETA = "\u0397"
# Refused whoever holds the accounts: the roles, the site's name, the placeholder that
# signs a deleted account's comments.
RESERVED = [
    f"{CYRILLIC_E}ditor",  # "editor", its e Cyrillic
    "EDITOR",
    "rnoderator",
    "Admin",
    "adrnin",
    "Newsroom",
    "deleted_user",
    f"Del{CYRILLIC_E}ted.User",
]


def signup(client, username, email="new@example.com"):
    return client.post(
        reverse("account_signup"),
        {
            "email": email,
            "username": username,
            "password1": "a long harbour password",
            "password2": "a long harbour password",
        },
    )


def rename(client, member, username):
    client.force_login(member)
    return client.post(reverse("accounts:profile"), {"username": username})


@pytest.fixture
def member(db):
    return VerifiedUserFactory(username="member")


def test_skeletons_match_look_alikes_and_only_them():
    assert skeleton(f"{CYRILLIC_E}ditor") == skeleton("editor")
    assert skeleton("Ian") == skeleton("lan")
    assert skeleton(f"{GREEK_CAPITAL_ETA}ans") == skeleton("Hans")
    assert skeleton("rnoderator") == skeleton("moderator")
    assert skeleton("boiling") != skeleton("bolling")
    assert skeleton("editor") != skeleton("editors")


@pytest.mark.parametrize("name", RESERVED)
def test_signup_refuses_a_look_alike_of_a_reserved_name(client, name):
    response = signup(client, name)
    assertContains(response, "This display name is reserved.")
    assert not User.objects.filter(username=name).exists()


@pytest.mark.parametrize("name", RESERVED)
def test_the_profile_refuses_a_look_alike_of_a_reserved_name(client, member, name):
    response = rename(client, member, name)
    assertContains(response, "This display name is reserved.", status_code=400)
    member.refresh_from_db()
    assert member.username == "member"


def test_a_staff_members_name_is_reserved(client, member):
    staff_user("mara.ellison", "Editor")
    assertContains(signup(client, f"mara_{CYRILLIC_E}llison"), "This display name is reserved.")
    assertContains(rename(client, member, "MaraEllison"), "reserved", status_code=400)


@pytest.mark.parametrize(
    ("existing", "name"),
    [
        ("Ade", f"Ad{CYRILLIC_E}"),
        ("Ado", f"AD{CYRILLIC_CAPITAL_O}"),
        ("Ado", "Ad0"),
        ("Ian", "lan"),
    ],
)
def test_signup_refuses_a_look_alike_of_another_readers_name(client, existing, name):
    UserFactory(username=existing)
    assertContains(signup(client, name), "This display name looks too much like someone else")
    assert not User.objects.filter(username=name).exists()


def test_signup_refuses_another_readers_name_in_other_capitals(client):
    UserFactory(username="Ade")
    assertContains(signup(client, "ADE"), "A user with that username already exists.")


def test_the_profile_refuses_a_look_alike_of_another_readers_name(client, member):
    UserFactory(username="Hans")
    response = rename(client, member, f"{GREEK_CAPITAL_ETA}ans")
    assertContains(response, "This display name looks too much like someone else", status_code=400)
    member.refresh_from_db()
    assert member.username == "member"


@pytest.mark.parametrize("name", ["Ada", "Edith", "editorial", "Mods_Fan", "ёжик"])
def test_ordinary_names_are_accepted_at_signup(client, name):
    UserFactory(username="lan")
    response = signup(client, name)
    assert response.status_code == 302
    assert User.objects.filter(username=name).exists()


def test_the_profile_accepts_an_ordinary_name_and_a_change_of_case_of_ones_own(client, member):
    UserFactory(username="Hans")
    assert rename(client, member, "Member_Two").status_code == 302
    assert rename(client, member, "MEMBER_TWO").status_code == 302
    member.refresh_from_db()
    assert member.username == "MEMBER_TWO"


def test_keeping_an_unchanged_name_is_never_refused(client):
    # An account named before the rule (here a look-alike of a staff name) can still save
    # its other settings.
    staff_user("editor", "Editor")
    old = VerifiedUserFactory(username=f"{CYRILLIC_E}ditor")
    client.force_login(old)
    response = client.post(reverse("accounts:profile"), {"username": old.username})
    assert response.status_code == 302


def test_one_character_is_refused_on_the_profile_as_at_signup(client, member):
    assert signup(client, "Z").status_code == 200
    assert not User.objects.filter(username="Z").exists()
    response = rename(client, member, "Z")
    assertContains(response, "at least 2 characters", status_code=400)
    member.refresh_from_db()
    assert member.username == "member"
