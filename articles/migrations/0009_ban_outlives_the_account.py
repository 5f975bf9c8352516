"""A ban outlives the account: it keeps digests of the commenter's email addresses.

Existing bans get the digests of their commenters' current addresses.
"""

import hashlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def email_digest(address: str) -> str:
    # A frozen copy of articles.models.comment.email_digest as of this migration, so that
    # the migration does what it did when it was written whatever the app's function becomes.
    # Should that function ever change, the stored digests need a migration of their own.
    local, _at, domain = address.strip().rpartition("@")
    normalized = f"{local.split('+', 1)[0]}@{domain}".casefold()
    return hashlib.sha256(normalized.encode()).hexdigest()


def remember_banned_emails(apps, schema_editor):
    CommenterBan = apps.get_model("articles", "CommenterBan")
    BannedEmail = apps.get_model("articles", "BannedEmail")
    EmailAddress = apps.get_model("account", "EmailAddress")
    for ban in CommenterBan.objects.filter(user__isnull=False).select_related("user"):
        addresses = {ban.user.email, *EmailAddress.objects.filter(user_id=ban.user_id).values_list("email", flat=True)}
        BannedEmail.objects.bulk_create(
            [BannedEmail(ban=ban, digest=email_digest(address)) for address in addresses if address],
            ignore_conflicts=True,
        )


class Migration(migrations.Migration):

    dependencies = [
        ('account', '0001_initial'),
        ('articles', '0008_revision_bylines_and_tags'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='commenterban',
            name='user',
            field=models.OneToOneField(blank=True, help_text='Empty once the commenter deleted their account; the ban still holds.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='comment_ban', to=settings.AUTH_USER_MODEL, verbose_name='commenter'),
        ),
        migrations.CreateModel(
            name='BannedEmail',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('digest', models.CharField(db_index=True, max_length=64, verbose_name='address digest')),
                ('ban', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='emails', to='articles.commenterban', verbose_name='ban')),
            ],
            options={
                'verbose_name': 'banned email address',
                'verbose_name_plural': 'banned email addresses',
                'constraints': [models.UniqueConstraint(fields=('ban', 'digest'), name='one_digest_per_ban')],
            },
        ),
        migrations.RunPython(remember_banned_emails, migrations.RunPython.noop),
    ]
