"""The search document trigger no longer names its columns, so they can still be altered.

Migration 0005 fired the trigger ``BEFORE ... UPDATE OF headline, standfirst, body``.
PostgreSQL records such a column list as a dependency and then refuses ``ALTER COLUMN ...
TYPE`` on those columns ("cannot alter type of a column used in a trigger definition"):
a later migration as ordinary as a longer headline would fail. The trigger now fires on
every insert and update, and the function recomputes the document only when one of the
three columns really changed, so a save that touches only the status or the dates costs
no ``to_tsvector`` at all. PostgreSQL only, as 0005.
"""

from django.db import migrations

DOCUMENT = """
    setweight(to_tsvector('english'::regconfig, coalesce(NEW.headline, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, coalesce(NEW.standfirst, '')), 'B')
    || setweight(to_tsvector('english'::regconfig, coalesce(NEW.body, '')), 'C')
"""

FORWARDS = [
    f"""
    CREATE OR REPLACE FUNCTION articles_article_search_document() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT'
            OR NEW.search_document IS NULL
            OR NEW.headline IS DISTINCT FROM OLD.headline
            OR NEW.standfirst IS DISTINCT FROM OLD.standfirst
            OR NEW.body IS DISTINCT FROM OLD.body
        THEN
            NEW.search_document := {DOCUMENT};
        END IF;
        RETURN NEW;
    END
    $$
    """,
    "DROP TRIGGER IF EXISTS articles_article_search_document ON articles_article",
    """
    CREATE TRIGGER articles_article_search_document
    BEFORE INSERT OR UPDATE ON articles_article
    FOR EACH ROW EXECUTE FUNCTION articles_article_search_document()
    """,
]

# 0005's trigger and function, as they were.
BACKWARDS = [
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
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_article_search_index"),
    ]

    operations = [
        migrations.RunPython(_run(FORWARDS), _run(BACKWARDS), elidable=False),
    ]
