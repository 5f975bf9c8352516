"""A covering index for "what readers may see", on PostgreSQL only.

``Article.objects.published()`` now also leaves out expired and killed stories
(``expires_at``, ``killed_at``, migration 0029), and the sitemaps only the indexable ones
(``is_noindex``, ``is_kept_out_of_news``, 0032). Counting every published story (the
sitemap index's pages) read the status and date index alone before; with two more columns
to test, PostgreSQL read every row of the table. This index carries them (``INCLUDE``), so
the count and the lists stay index-only. Like 0016, PostgreSQL's own syntax (SQLite,
for development, needs none of it) and ``CONCURRENTLY`` on a large archive.
"""

from django.db import migrations

NAME = "article_published_cover_idx"
DEFINITION = "articles_article (status, published_at DESC, id DESC) INCLUDE (expires_at, killed_at, is_noindex, is_kept_out_of_news)"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {NAME} ON {DEFINITION}")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {NAME}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("articles", "0034_article_event_actions"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
