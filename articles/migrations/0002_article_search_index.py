"""A GIN index on the weighted search vector, on PostgreSQL only.

The index is built from ``articles.search.search_vector()``, the expression the search
queries use, so the planner can match the two. SQLite has no GIN index and searches with
a fallback, so there the operation does nothing. ``CONCURRENTLY`` keeps the articles
table writable while a large archive is indexed, which needs a non-atomic migration.
"""

from django.db import migrations


def _index():
    from articles.search import search_index

    return search_index()


def create_search_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    Article = apps.get_model("articles", "Article")
    schema_editor.add_index(Article, _index(), concurrently=True)


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    Article = apps.get_model("articles", "Article")
    schema_editor.remove_index(Article, _index(), concurrently=True)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("articles", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_search_index, drop_search_index, elidable=False),
    ]
