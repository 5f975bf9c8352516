"""Editors see the comment queue (read-only), so their dashboard counts comments awaiting
moderation; approving and removing stay the Moderator role's."""

from django.db import migrations

PERMISSION = ("articles", "view_comment")


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    app_label, codename = PERMISSION
    permission = Permission.objects.filter(
        content_type__app_label=app_label, codename=codename
    ).first()
    editor = Group.objects.filter(name="Editor").first()
    if editor and permission:
        editor.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    app_label, codename = PERMISSION
    editor = Group.objects.filter(name="Editor").first()
    if editor:
        editor.permissions.remove(
            *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        )


class Migration(migrations.Migration):
    dependencies = [("articles", "0009_ban_outlives_the_account")]

    operations = [migrations.RunPython(grant, revoke)]
