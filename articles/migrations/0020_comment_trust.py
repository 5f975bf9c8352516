"""The trust ladder, commenter trust and email-domain rules (articles/moderation/).

"Hold a commenter's first comment" becomes the ladder's "approved comments before a
commenter is trusted": on is 1, off is 0. Moderators may set commenter trust and edit the
email-domain rules, as they edit word rules."""

import articles.models.trust
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from newsroom.migration_support import create_permissions_now

MODERATOR_PERMISSIONS = {
    "emaildomainrule": ["view", "add", "change", "delete"],
    "commentertrust": ["view", "add", "change", "delete"],
}


def first_comment_hold_to_ladder(apps, schema_editor):
    ModerationSettings = apps.get_model("articles", "ModerationSettings")
    ModerationSettings.objects.filter(is_first_comment_held=True).update(approvals_before_trusted=1)


def ladder_to_first_comment_hold(apps, schema_editor):
    ModerationSettings = apps.get_model("articles", "ModerationSettings")
    ModerationSettings.objects.filter(approvals_before_trusted__gt=0).update(
        is_first_comment_held=True
    )


def _moderator_permissions(apps):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(
        content_type__app_label="articles",
        codename__in=[
            f"{right}_{model}"
            for model, rights in MODERATOR_PERMISSIONS.items()
            for right in rights
        ],
    )


def grant(apps, schema_editor):
    create_permissions_now(apps)
    moderator = apps.get_model("auth", "Group").objects.filter(name="Moderator").first()
    if moderator:
        moderator.permissions.add(*_moderator_permissions(apps))


def revoke(apps, schema_editor):
    moderator = apps.get_model("auth", "Group").objects.filter(name="Moderator").first()
    if moderator:
        moderator.permissions.remove(*_moderator_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0019_html_version"),
        ("accounts", "0004_username_skeletons"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="EmailDomainRule",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "domain",
                    models.CharField(
                        help_text="For example example.org; its subdomains are included.",
                        max_length=253,
                        unique=True,
                        validators=[articles.models.trust.validate_domain],
                        verbose_name="email domain",
                    ),
                ),
                (
                    "action",
                    models.CharField(
                        choices=[
                            ("hold", "Hold for moderation"),
                            ("refuse", "Refuse: these readers cannot comment"),
                        ],
                        max_length=8,
                        verbose_name="action",
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=300, verbose_name="note")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
            ],
            options={
                "verbose_name": "email domain rule",
                "verbose_name_plural": "email domain rules",
                "ordering": ("domain",),
            },
        ),
        migrations.AddField(
            model_name="moderationsettings",
            name="approvals_before_trusted",
            field=models.PositiveSmallIntegerField(
                default=0,
                help_text="A commenter's comments are held until this many of theirs have been approved. 0 holds nobody for being new; 1 holds a commenter's first comment.",
                verbose_name="approved comments before a commenter is trusted",
            ),
        ),
        migrations.RunPython(first_comment_hold_to_ladder, ladder_to_first_comment_hold),
        # A default, so that migrating back can add the column again to a saved row.
        migrations.AlterField(
            model_name="moderationsettings",
            name="is_first_comment_held",
            field=models.BooleanField(default=False),
        ),
        migrations.RemoveField(
            model_name="moderationsettings",
            name="is_first_comment_held",
        ),
        migrations.AddField(
            model_name="moderationsettings",
            name="rejections_for_premoderation",
            field=models.PositiveSmallIntegerField(
                default=3,
                help_text="A commenter with this many removed or spam among their last decisions below is pre-moderated again, until approvals outweigh them. 0 turns this off.",
                verbose_name="removed comments that bring back pre-moderation",
            ),
        ),
        migrations.AddField(
            model_name="moderationsettings",
            name="rejections_window",
            field=models.PositiveSmallIntegerField(
                default=5,
                help_text="How many of the commenter's latest moderation decisions are counted.",
                verbose_name="out of their last decisions",
            ),
        ),
        migrations.AlterField(
            model_name="moderationlogentry",
            name="action",
            field=models.CharField(
                choices=[
                    ("approve", "Approved"),
                    ("remove", "Removed"),
                    ("spam", "Marked as spam"),
                    ("ban", "Banned commenter"),
                    ("unban", "Lifted ban"),
                    ("settings", "Changed settings"),
                    ("trust", "Set commenter trust"),
                ],
                max_length=16,
                verbose_name="action",
            ),
        ),
        migrations.AlterField(
            model_name="wordrule",
            name="action",
            field=models.CharField(
                choices=[
                    ("hold", "Hold for moderation"),
                    ("revise", "Ask the author to revise (they may post it for review)"),
                    ("reject", "Reject"),
                ],
                max_length=8,
                verbose_name="action",
            ),
        ),
        migrations.CreateModel(
            name="CommenterTrust",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "level",
                    models.CharField(
                        choices=[
                            ("trusted", "Trusted: never held by the trust ladder"),
                            ("premoderated", "Always pre-moderate: every comment is held"),
                        ],
                        max_length=16,
                        verbose_name="trust",
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=300, verbose_name="note")),
                ("set_at", models.DateTimeField(auto_now=True, verbose_name="set at")),
                (
                    "set_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="set by",
                    ),
                ),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="comment_trust",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="commenter",
                    ),
                ),
            ],
            options={
                "verbose_name": "commenter trust",
                "verbose_name_plural": "commenter trust",
                "ordering": ("-set_at",),
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
