"""Look-alike keys for display names (accounts.display_names), computed for every account
that exists already."""

from django.db import migrations, models


def fill_skeletons(apps, schema_editor):
    # The live function, not a copy: the keys must be the ones new names are compared with.
    from accounts.display_names import username_skeletons

    User = apps.get_model("accounts", "User")
    for user in User.objects.only("pk", "username").iterator():
        user.username_skeleton, user.username_skeleton_folded = username_skeletons(user.username)
        user.save(update_fields=["username_skeleton", "username_skeleton_folded"])


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_moderator_group'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='username_skeleton',
            field=models.CharField(blank=True, db_index=True, editable=False, help_text="SHA-256 of the name's Unicode TR39 skeleton, as written.", max_length=64, verbose_name='display name skeleton'),
        ),
        migrations.AddField(
            model_name='user',
            name='username_skeleton_folded',
            field=models.CharField(blank=True, db_index=True, editable=False, help_text='SHA-256 of the TR39 skeleton of the case-folded name.', max_length=64, verbose_name='case-folded display name skeleton'),
        ),
        migrations.RunPython(fill_skeletons, migrations.RunPython.noop),
    ]
