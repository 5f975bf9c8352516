"""A stored search document with a GIN index, on PostgreSQL only.

``articles_article.search_document`` holds the weighted tsvector (headline A, standfirst B,
body C, ``english`` configuration). A trigger fills it on every insert and on updates of
those three columns, whatever writes them (save(), update(), bulk_create(), SQL), so it is
never stale. It is stored, not an index expression, because ranking reads the vector of
every match: recomputing ``to_tsvector`` for thousands of bodies per search is what made
an expression index slow at 100,000 articles (see benchmarks/search.py). A trigger rather
than a generated column, so later migrations may still alter the three source columns.

The column is deliberately not a model field: only search reads it (``articles.search``),
and listing queries should not carry it. SQLite has none of this: the operation does
nothing there, and search uses its fallback. ``CONCURRENTLY`` keeps the table writable
while a large archive is indexed, hence a non-atomic migration.
"""

from django.db import migrations

DOCUMENT = """
    setweight(to_tsvector('english'::regconfig, coalesce(NEW.headline, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, coalesce(NEW.standfirst, '')), 'B')
    || setweight(to_tsvector('english'::regconfig, coalesce(NEW.body, '')), 'C')
"""

FORWARDS = [
    "ALTER TABLE articles_article ADD COLUMN IF NOT EXISTS search_document tsvector",
    f"""
    CREATE OR REPLACE FUNCTION articles_article_search_document() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        NEW.search_document := {DOCUMENT};
        RETURN NEW;
    END
    $$
    """,
    "DROP TRIGGER IF EXISTS articles_article_search_document ON articles_article",
    """
    CREATE TRIGGER articles_article_search_document
    BEFORE INSERT OR UPDATE OF headline, standfirst, body ON articles_article
    FOR EACH ROW EXECUTE FUNCTION articles_article_search_document()
    """,
    # Existing rows: an update of one source column fires the trigger.
    "UPDATE articles_article SET headline = headline",
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS article_search_gin "
    "ON articles_article USING gin (search_document)",
]

BACKWARDS = [
    "DROP INDEX CONCURRENTLY IF EXISTS article_search_gin",
    "DROP TRIGGER IF EXISTS articles_article_search_document ON articles_article",
    "DROP FUNCTION IF EXISTS articles_article_search_document()",
    "ALTER TABLE articles_article DROP COLUMN IF EXISTS search_document",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("articles", "0004_writer_and_editor_roles"),
    ]

    operations = [
        migrations.RunPython(_run(FORWARDS), _run(BACKWARDS), elidable=False),
    ]
