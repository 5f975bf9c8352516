"""The reader pages' queries use indexes on a table big enough for the planner to choose.

A few thousand stories, their tags, bylines and comments are inserted in bulk and the
tables analysed; then every query a page runs (captured as it runs, so these are the
site's own queries, not copies) is explained, and no plan may read a whole table of
stories, comments, tags or bylines. On PostgreSQL: no ``Seq Scan`` node on them; on
SQLite: no ``SCAN`` of them without an index. docs/PERFORMANCE.md has the same plans at
100,000 stories.
"""

import re
from datetime import timedelta
from random import Random

from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pytest
from taggit.models import Tag

from articles.models import Article, Author, Byline, Comment, TaggedArticle
from articles.pagination import Cursor
from tests.helpers import run_django

pytestmark = pytest.mark.django_db

POSTGRESQL = connection.vendor == "postgresql"
TABLES = ("articles_article", "articles_comment", "articles_taggedarticle", "articles_byline")
STORIES = 4000
_letters = Random(3)
VOCABULARY = [
    "".join(_letters.choices("abcdefghijklmnopqrstuvwxyz", k=_letters.randint(2, 9)))
    for _ in range(3000)
]


@pytest.fixture(scope="module")
def archive(django_db_setup, django_db_blocker):
    """4,000 stories over ten years, 20 authors, a tag on half of them and 100 on one in a
    hundred each, four comments a story; committed once for the module, then vacuumed and
    analysed (as autovacuum leaves a real database), and deleted after it."""
    with django_db_blocker.unblock():
        articles = _fill()
        with connection.cursor() as cursor:
            for table in (*TABLES, "taggit_tag", "articles_author"):
                cursor.execute(f"VACUUM ANALYZE {table}" if POSTGRESQL else f"ANALYZE {table}")
        yield articles
        with connection.cursor() as cursor:
            for table, column in (
                ("articles_comment", "article_id"),
                ("articles_taggedarticle", "content_object_id"),
                ("articles_byline", "article_id"),
            ):
                cursor.execute(
                    f"DELETE FROM {table} WHERE {column} IN "  # noqa: S608 - our own names
                    "(SELECT id FROM articles_article WHERE slug LIKE 'explain-%%')"
                )
            cursor.execute("DELETE FROM articles_article WHERE slug LIKE 'explain-%%'")
            cursor.execute("DELETE FROM taggit_tag WHERE slug LIKE 'explain-%%'")
            cursor.execute("DELETE FROM articles_author WHERE slug LIKE 'explain-%%'")


@pytest.fixture(autouse=True)
def page_size(settings):
    settings.NEWSROOM_PAGE_SIZE = 12


def _fill():
    # Stories with bodies of a real story's size, or reading the whole table is the
    # cheapest plan for any query and the planner rightly says so.
    random = Random(9)
    now = timezone.now()
    authors = Author.objects.bulk_create(
        Author(display_name=f"Author {n}", slug=f"explain-author-{n}") for n in range(20)
    )
    tags = Tag.objects.bulk_create(
        Tag(name=f"Explain tag {n}", slug=f"explain-tag-{n}") for n in range(101)
    )
    articles = Article.objects.bulk_create(
        Article(
            headline=f"Story {n}",
            slug=f"explain-{n}",
            status=Article.Status.PUBLISHED if n % 50 else Article.Status.DRAFT,
            published_at=now - timedelta(hours=n * 22),
            body=(
                body := f"<p>Story {n} about the {'harbour' if n % 200 else 'ferry'}. "
                f"{words(random, 160)}</p>"
            ),
            body_html=body,
        )
        for n in range(STORIES)
    )
    Byline.objects.bulk_create(
        Byline(article=article, author=authors[n % 20]) for n, article in enumerate(articles)
    )
    TaggedArticle.objects.bulk_create(
        [
            *(TaggedArticle(content_object=a, tag=tags[0]) for a in articles[::2]),
            *(
                TaggedArticle(content_object=a, tag=tags[1 + n % 100])
                for n, a in enumerate(articles)
            ),
        ]
    )
    Comment.objects.bulk_create(
        Comment(article=article, body="A comment.", status=status)
        for article in articles
        for status in (Comment.Status.VISIBLE,) * 3 + (Comment.Status.REMOVED,)
    )
    return articles


def words(random, count) -> str:
    return " ".join(random.choices(VOCABULARY, k=count))


def explain(sql: str) -> str:
    with connection.cursor() as cursor:
        if POSTGRESQL:
            cursor.execute(f"EXPLAIN {sql}")
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def whole_table_reads(plan: str, *, allow=()) -> list[str]:
    tables = "|".join(table for table in TABLES if table not in allow)
    if POSTGRESQL:
        return re.findall(rf"Seq Scan on ({tables})\b", plan)
    return re.findall(rf"SCAN ({tables})\b(?! USING)", plan)


def assert_indexed(client, url, *, allow=()):
    """Every query ``url`` runs reads through indexes (but the ``allow``-ed tables);
    returns the plans."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    plans = []
    for query in queries.captured_queries:
        if not query["sql"].lstrip().upper().startswith("SELECT"):
            continue
        plan = explain(query["sql"])
        assert not whole_table_reads(plan, allow=allow), f"{url}\n{query['sql']}\n{plan}"
        plans.append(plan)
    return plans


def deep_cursor(queryset, depth) -> str:
    keys = queryset.order_by("-published_at", "-pk").values_list("published_at", "pk")
    return Cursor(*keys[depth]).encode()


def test_home_first_and_deep_pages_read_a_range_of_the_index(client, archive):
    deep = deep_cursor(Article.objects.published(), 3000)
    home = reverse("articles:home")
    for url in (home, f"{home}?before={deep}", f"{home}?after={deep}", f"{home}?page=200"):
        assert_indexed(client, url)


@pytest.mark.parametrize(("slug", "depth"), [("explain-tag-0", 1500), ("explain-tag-3", 25)])
def test_tag_pages_read_indexes_at_any_depth(client, archive, slug, depth):
    tag = Tag.objects.get(slug=slug)
    url = reverse("articles:tag", kwargs={"slug": slug})
    deep = deep_cursor(Article.objects.published().filter(tags=tag), depth)
    for page in (url, f"{url}?before={deep}"):
        assert_indexed(client, page)


def test_author_pages_read_indexes_at_any_depth(client, archive):
    author = Author.objects.get(slug="explain-author-3")
    url = author.get_absolute_url()
    deep = deep_cursor(Article.objects.published().filter(bylines__author=author), 150)
    for page in (url, f"{url}?before={deep}"):
        assert_indexed(client, page)


def test_an_article_page_with_related_stories_reads_indexes(client, archive):
    article = next(a for a in archive[100:] if a.status == Article.Status.PUBLISHED)
    plans = assert_indexed(client, article.get_absolute_url())
    assert len(plans) >= 5


@pytest.mark.parametrize("order", ["oldest", "newest", "best"])
def test_an_article_pages_comments_read_indexes_in_every_order(client, archive, order):
    """Oldest, newest and most reacted first: the threads, replies and editors' picks of
    the page through indexes (``comment_best_threads_idx`` for "best")."""
    article = next(a for a in archive[200:] if a.status == Article.Status.PUBLISHED)
    assert_indexed(client, article.get_absolute_url() + f"?comments={order}")


@pytest.mark.parametrize(("word", "index"), [("harbour", None), ("ferry", "article_search_gin")])
def test_search_reads_an_index_for_a_common_word_and_a_rare_one(
    client, archive, word, index, monkeypatch
):
    # 200 candidates of 100,000 stories as 8 of 4,000: a bound this close to the table's
    # size would rightly make reading the table cheaper.
    monkeypatch.setattr("articles.search.SEARCH_CANDIDATES", 8)
    plans = assert_indexed(client, reverse("articles:search") + f"?q={word}")
    if POSTGRESQL and index:
        # 20 stories of 4,000: found through the GIN index. A word in nearly every story
        # is found walking the newest stories until there are enough (no index needed).
        assert any(index in plan for plan in plans), "\n\n".join(plans)


@pytest.mark.parametrize("page", [1, 30])
def test_article_sitemap_pages_read_a_range_of_the_index(client, archive, monkeypatch, page):
    # 100 URLs a page of 4,000 stories, as 10,000 of 400,000: a page this close to the
    # table's size would rightly be read with the table.
    monkeypatch.setattr("articles.sitemaps.ArticleSitemap.limit", 100)
    assert_indexed(
        client, reverse("sitemap-section", kwargs={"section": "articles"}) + f"?p={page}"
    )


@pytest.mark.parametrize("section", ["tags", "authors", "news"])
def test_sitemaps_read_indexes(client, archive, monkeypatch, section):
    monkeypatch.setattr("articles.sitemaps.ArticleSitemap.limit", 100)
    # Which tags (authors) have a published story: at 100,000 stories PostgreSQL probes
    # tagged_article_tag_idx (byline_author_article_idx) once a tag; here, with 60 stories
    # a tag, hashing the whole narrow table is cheaper, and the planner says so.
    allow = ("articles_taggedarticle", "articles_byline")
    assert_indexed(client, reverse("sitemap-section", kwargs={"section": section}), allow=allow)
    assert_indexed(client, reverse("sitemap"), allow=allow)


def test_web_connections_to_postgresql_run_without_jit():
    """PostgreSQL's JIT compiled for longer than the listing queries ran (PERFORMANCE.md)."""
    options = django_settings.DATABASES["default"].get("OPTIONS", {})
    if POSTGRESQL:
        with connection.cursor() as cursor:
            cursor.execute("SHOW jit")
            assert cursor.fetchone()[0] == "off"
    else:
        # SQLite has no JIT, and its driver would refuse a libpq option.
        assert "options" not in options


def test_the_settings_turn_jit_off_for_the_primary_and_the_replica_keeping_url_options():
    result = run_django(
        "from django.conf import settings as s; "
        "print([s.DATABASES[a]['OPTIONS']['options'] for a in ('default', 'replica')])",
        DATABASE_URL="postgres://news@db.example:5432/news",
        DATABASE_REPLICA_URL="postgres://news@replica.example:5432/news"
        "?options=-c%20statement_timeout%3D5s",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['-c jit=off', '-c statement_timeout=5s -c jit=off']"
