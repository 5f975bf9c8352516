"""The Moderator group: may moderate comments and nothing else."""

from django.db import migrations

from newsroom.migration_support import create_permissions_now

GROUP = "Moderator"
PERMISSIONS = {
    "comment": ["view_comment", "moderate_comment"],
    "commentreport": ["view_commentreport"],
    "commenterban": ["view_commenterban", "change_commenterban", "delete_commenterban"],
    "wordrule": ["view_wordrule", "add_wordrule", "change_wordrule", "delete_wordrule"],
    "moderationlogentry": ["view_moderationlogentry"],
}


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    create_permissions_now(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    codenames = [codename for names in PERMISSIONS.values() for codename in names]
    permissions = Permission.objects.filter(
        content_type__app_label="articles",
        content_type__model__in=list(PERMISSIONS),
        codename__in=codenames,
    )
    missing = set(codenames) - set(permissions.values_list("codename", flat=True))
    if missing:
        raise RuntimeError(f"Permissions missing for the Moderator group: {sorted(missing)}")
    group.permissions.set(permissions)


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_reply_notifications"),
        ("articles", "0002_comment_moderation"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
