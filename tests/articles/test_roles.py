"""Roles: the groups the migration makes, the assign_role command, the demo editor."""

from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

import pytest

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_migration_creates_writer_and_editor_groups():
    writer = set(Group.objects.get(name="Writer").permissions.values_list("codename", flat=True))
    editor = set(Group.objects.get(name="Editor").permissions.values_list("codename", flat=True))
    assert {"add_article", "change_article"} <= writer
    assert not writer & {"publish_article", "edit_others_article", "delete_article"}
    assert {"publish_article", "edit_others_article", "restore_article_revision"} <= editor
    assert {"add_tag", "change_author", "add_correction", "add_previewlink"} <= editor
    # Editors see the comment queue; moderating it is the Moderator role's.
    assert {codename for codename in editor if "comment" in codename} == {"view_comment"}


def test_assign_role_makes_a_staff_writer_and_can_take_it_away():
    user = UserFactory(username="nadia")
    call_command("assign_role", "nadia", "writer")
    user.refresh_from_db()
    assert user.is_staff
    assert user.has_perm("articles.add_article")
    assert not user.has_perm("articles.publish_article")

    call_command("assign_role", "nadia", "Writer", "--remove")
    user.refresh_from_db()
    assert not user.is_staff
    assert not user.groups.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [(["nobody", "Editor"], "No user called"), (["nadia", "Publisher"], "Unknown role")],
)
def test_assign_role_says_what_is_wrong(args, message):
    UserFactory(username="nadia")
    with pytest.raises(CommandError, match=message):
        call_command("assign_role", *args)


def test_the_demo_editor_is_an_editor_not_a_superuser(client):
    call_command("load_demo_content")
    editor = User.objects.get(username="editor")
    assert editor.is_staff
    assert not editor.is_superuser
    assert editor.groups.filter(name="Editor").exists()
    assert editor.has_perm("articles.publish_article")
