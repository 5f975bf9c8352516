"""Revisions that recorded no byline recorded nothing: they were made before the article
had its bylines and tags (an article always has a byline), as the first revision of every
story made by a script or an import was. Restoring one deleted the story's tags; marked as
not recorded (None), restoring it keeps the current bylines and tags."""

from django.db import migrations

BATCH = 1000


def forget_relations_recorded_too_early(apps, schema_editor):
    HistoricalArticle = apps.get_model("articles", "HistoricalArticle")
    recorded = HistoricalArticle.objects.filter(revision_bylines__isnull=False)
    early = [
        history_id
        for history_id, bylines in recorded.values_list("history_id", "revision_bylines").iterator()
        if bylines == []
    ]
    for start in range(0, len(early), BATCH):
        HistoricalArticle.objects.filter(history_id__in=early[start : start + BATCH]).update(
            revision_bylines=None, revision_tags=None
        )


class Migration(migrations.Migration):
    dependencies = [("articles", "0011_uploads_checked_and_named_by_their_format")]

    operations = [
        migrations.RunPython(forget_relations_recorded_too_early, migrations.RunPython.noop)
    ]
