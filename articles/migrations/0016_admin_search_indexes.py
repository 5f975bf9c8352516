"""Indexes for the admin's changelists at newsroom scale, on PostgreSQL only.

- Trigram indexes (``pg_trgm``, ``gin_trgm_ops``) on ``UPPER(column)``: the expression
  Django's ``icontains`` compares (``UPPER(col::text) LIKE UPPER('%word%')``), so the admin's
  article search (headline, standfirst, slug) and the comment queue's (the comment's text)
  read an index instead of every row. ``articles.admin`` asks one subquery per searched
  table and unites them, since an ``OR`` across a join could use none of these.
- B-trees for the changelists' default orderings: the queue's oldest-first
  ``(created_at, id)``, the reports' and the picture library's newest-first.

Not model ``Meta.indexes``: like the search document of 0005, they serve one reader (the
admin) and one database; SQLite, for development and small sites, needs none of them and
the operations do nothing there. ``CONCURRENTLY`` keeps the tables writable while a large
archive is indexed, hence a non-atomic migration.
"""

from django.db import migrations

INDEXES = {
    "article_headline_trgm": "articles_article USING gin (UPPER(headline) gin_trgm_ops)",
    "article_standfirst_trgm": "articles_article USING gin (UPPER(standfirst) gin_trgm_ops)",
    "article_slug_trgm": "articles_article USING gin (UPPER(slug) gin_trgm_ops)",
    "comment_body_trgm": "articles_comment USING gin (UPPER(body) gin_trgm_ops)",
    "comment_created_idx": "articles_comment (created_at, id)",
    "commentreport_created_idx": "articles_commentreport (created_at)",
    "image_created_idx": "articles_image (created_at, id)",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # Trusted since PostgreSQL 13: the database's owner may create it. Not Django's
    # TrigramExtension operation, whose reverse asks pg_extension on SQLite too; and left
    # in place when unapplied, as other indexes or queries may use it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {definition}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("articles", "0015_archive_indexes"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
