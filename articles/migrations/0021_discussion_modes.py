"""Discussion modes per article and tag, quiet hours, and the community guidelines page,
which editors edit (the Editor role is granted its rights here)."""

import django.db.models.deletion
from django.db import migrations, models

from newsroom.migration_support import create_permissions_now

EDITOR_GUIDELINES = ("add_communityguidelines", "change_communityguidelines", "view_communityguidelines")


def grant_guidelines(apps, schema_editor):
    # Permissions are normally created after all migrations; the role needs them now.
    create_permissions_now(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editor = Group.objects.filter(name="Editor").first()
    if editor:
        editor.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="articles", codename__in=EDITOR_GUIDELINES
            )
        )


def revoke_guidelines(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editor = Group.objects.filter(name="Editor").first()
    if editor:
        editor.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="articles", codename__in=EDITOR_GUIDELINES
            )
        )


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0020_comment_trust"),
        ('taggit', '0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx'),
    ]

    operations = [
        migrations.CreateModel(
            name='CommunityGuidelines',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(default='Community guidelines', max_length=200, verbose_name='title')),
                ('body', models.TextField(help_text='What commenters are asked to do, and what moderators remove.', verbose_name='guidelines')),
                ('body_html', models.TextField(blank=True, default='', editable=False, verbose_name='rendered guidelines')),
                ('html_version', models.PositiveSmallIntegerField(default=0, editable=False)),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
            ],
            options={
                'verbose_name': 'community guidelines',
                'verbose_name_plural': 'community guidelines',
            },
        ),
        migrations.CreateModel(
            name='TagDiscussionDefault',
            fields=[
                ('tag', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='discussion_default', serialize=False, to='taggit.tag', verbose_name='tag')),
                ('mode', models.CharField(choices=[('open', "Open: comments appear as the site's rules allow"), ('premoderated', 'Pre-moderated: every comment waits for a moderator'), ('read_only', 'Read-only: the thread is shown, no new comments'), ('hidden', 'Hidden: no comments, no count, no form')], max_length=16, verbose_name='discussion mode')),
            ],
            options={
                'verbose_name': 'tag discussion default',
                'verbose_name_plural': 'tag discussion defaults',
            },
        ),
        migrations.AddField(
            model_name='article',
            name='discussion_mode',
            field=models.CharField(blank=True, choices=[('', 'As its tags say (the strictest tag default), else open'), ('open', "Open: comments appear as the site's rules allow"), ('premoderated', 'Pre-moderated: every comment waits for a moderator'), ('read_only', 'Read-only: the thread is shown, no new comments'), ('hidden', 'Hidden: no comments, no count, no form')], default='', help_text='Open, pre-moderated (every comment held), read-only (the thread stays, no new comments) or hidden (no comments shown). Closed comments are read-only.', max_length=16, verbose_name='discussion'),
        ),
        migrations.AddField(
            model_name='historicalarticle',
            name='discussion_mode',
            field=models.CharField(blank=True, choices=[('', 'As its tags say (the strictest tag default), else open'), ('open', "Open: comments appear as the site's rules allow"), ('premoderated', 'Pre-moderated: every comment waits for a moderator'), ('read_only', 'Read-only: the thread is shown, no new comments'), ('hidden', 'Hidden: no comments, no count, no form')], default='', help_text='Open, pre-moderated (every comment held), read-only (the thread stays, no new comments) or hidden (no comments shown). Closed comments are read-only.', max_length=16, verbose_name='discussion'),
        ),
        migrations.AddField(
            model_name='moderationsettings',
            name='is_quiet_hours_enabled',
            field=models.BooleanField(default=False, verbose_name='quiet hours'),
        ),
        migrations.AddField(
            model_name='moderationsettings',
            name='quiet_hours_action',
            field=models.CharField(choices=[('hold', 'Hold every comment for a moderator'), ('close', 'Close comments until quiet hours end')], default='hold', max_length=8, verbose_name='during quiet hours'),
        ),
        migrations.AddField(
            model_name='moderationsettings',
            name='quiet_hours_end',
            field=models.TimeField(blank=True, help_text='Local time; before the start means the next morning, e.g. 06:00.', null=True, verbose_name='quiet hours end'),
        ),
        migrations.AddField(
            model_name='moderationsettings',
            name='quiet_hours_start',
            field=models.TimeField(blank=True, help_text="Local time (the site's time zone), e.g. 23:00.", null=True, verbose_name='quiet hours start'),
        ),
        migrations.RunPython(grant_guidelines, revoke_guidelines),
    ]
