"""Reports reach the moderators in one digest: each report remembers when a digest listed it.

Reports made before this migration were mailed one by one when they were made, so they are
marked as mailed (at their own time) and the first digest lists only new ones.
"""

from django.db import migrations, models
from django.db.models import F


def mark_existing_reports_mailed(apps, schema_editor):
    CommentReport = apps.get_model("articles", "CommentReport")
    CommentReport.objects.filter(mailed_at__isnull=True).update(mailed_at=F("created_at"))


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0016_admin_search_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="commentreport",
            name="mailed_at",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                null=True,
                verbose_name="in the moderators' digest at",
            ),
        ),
        migrations.RunPython(mark_existing_reports_mailed, migrations.RunPython.noop),
    ]
