"""The Writer and Editor roles: groups whose permissions the admin and services enforce."""

from django.db import migrations

from newsroom.migration_support import create_permissions_now

WRITER = [
    ("articles", "add_article"),
    ("articles", "change_article"),
    ("articles", "view_article"),
    ("articles", "add_byline"),
    ("articles", "change_byline"),
    ("articles", "delete_byline"),
    ("articles", "view_byline"),
    ("articles", "view_author"),
    ("articles", "add_image"),
    ("articles", "view_image"),
]

EDITOR = WRITER + [
    ("articles", "delete_article"),
    ("articles", "publish_article"),
    ("articles", "edit_others_article"),
    ("articles", "restore_article_revision"),
    ("articles", "view_historicalarticle"),
    ("articles", "add_author"),
    ("articles", "change_author"),
    ("articles", "delete_author"),
    ("articles", "change_image"),
    ("articles", "delete_image"),
    ("articles", "add_correction"),
    ("articles", "view_correction"),
    ("articles", "add_previewlink"),
    ("articles", "change_previewlink"),
    ("articles", "view_previewlink"),
    ("articles", "view_slugredirect"),
    ("articles", "view_articleevent"),
    ("taggit", "add_tag"),
    ("taggit", "change_tag"),
    ("taggit", "delete_tag"),
    ("taggit", "view_tag"),
]

ROLES = {"Writer": WRITER, "Editor": EDITOR}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; roles need them now.
    create_permissions_now(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *[
                Permission.objects.get(content_type__app_label=app, codename=codename)
                for app, codename in perms
            ]
        )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_editorial_workflow_images_revisions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
