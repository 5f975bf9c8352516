"""The admin's changelists at newsroom scale: a cost that does not grow with the rows,
pages that do not list every related row, counts that are estimated only where they may be.

Run on SQLite and on PostgreSQL (``DATABASE_URL``); the index and estimate assertions
differ by database, as each one's plan does.
"""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article, Byline, Comment, CommentReport, ModerationLogEntry
from newsroom import admin_site
from tests.factories import ArticleFactory, AuthorFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

POSTGRES = connection.vendor == "postgresql"
QUEUE = "admin:articles_comment_changelist"
ARTICLES = "admin:articles_article_changelist"


@pytest.fixture
def chief(client):
    client.force_login(UserFactory(username="chief", is_staff=True, is_superuser=True))
    return client


def queries_of(client, url, params=None) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(context.captured_queries), response


def sidebar(response) -> str:
    html = response.content.decode()
    return html[html.index('id="changelist-filter"') :]


def comments_by_many(count: int, start: int = 0) -> list[Comment]:
    """``count`` comments, each by its own reader on its own story, some reported."""
    comments = []
    for index in range(start, start + count):
        comment = CommentFactory(
            article=ArticleFactory(headline=f"Story number {index}"),
            author=UserFactory(username=f"reader{index:03d}"),
            body=f"Comment number {index}",
        )
        if index % 3 == 0:
            CommentReport.objects.create(
                comment=comment, reporter=UserFactory(), reason=CommentReport.Reason.SPAM
            )
        comments.append(comment)
    return comments


def rows(response) -> int:
    return response.content.decode().count('name="_selected_action"')


# --- The comment queue ----------------------------------------------------------------------


def test_the_queue_costs_the_same_queries_for_5_and_for_60_comments(client, moderator):
    client.force_login(moderator)
    comments_by_many(5)
    few, _ = queries_of(client, reverse(QUEUE))
    comments_by_many(55, start=5)
    many, response = queries_of(client, reverse(QUEUE))

    assert many == few
    assertContains(response, "Comment number 59")


def test_the_queue_lists_no_authors_or_articles_in_its_sidebar(client, moderator, settings):
    client.force_login(moderator)
    comments_by_many(120)

    response = client.get(reverse(QUEUE))

    filters = sidebar(response)
    assert "reader0" not in filters
    assert "Story number" not in filters
    # One link to the author and one to the article per row shown, not one per commenter.
    html = response.content.decode()
    assert len(re.findall(r'href="\?author=\d+"', html)) == 100
    assert len(re.findall(r'href="\?article=\d+"', html)) == 100
    assert len(response.content) < 300 * 1024


def test_the_queue_has_no_date_hierarchy_but_filters_by_date(client, moderator):
    client.force_login(moderator)
    old = CommentFactory(body="Posted last year")
    Comment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timezone.timedelta(400))
    CommentFactory(body="Posted today")

    response = client.get(
        reverse(QUEUE), {"created_at__gte": (timezone.now() - timezone.timedelta(1)).isoformat()}
    )

    assertNotContains(response, 'class="xfull"')  # the date hierarchy's bar
    assertContains(response, "Posted today")
    assertNotContains(response, "Posted last year")


def test_the_queue_filters_by_article_id_or_slug(client, moderator):
    client.force_login(moderator)
    bridge = ArticleFactory(slug="harbour-bridge")
    CommentFactory(article=bridge, body="On the bridge")
    CommentFactory(body="Elsewhere")

    for value in (str(bridge.pk), "harbour-bridge"):
        response = client.get(reverse(QUEUE), {"article": value})
        assertContains(response, "On the bridge")
        assertNotContains(response, "Elsewhere")
    nothing = client.get(reverse(QUEUE), {"article": "no-such-story"})
    assertNotContains(nothing, "On the bridge")
    assertNotContains(nothing, "Elsewhere")


def test_the_queue_filters_by_author_id_or_username_in_any_case(client, moderator):
    client.force_login(moderator)
    alice = UserFactory(username="Alice")
    CommentFactory(author=alice, body="By Alice")
    CommentFactory(author=UserFactory(username="bob"), body="By Bob")

    for value in (str(alice.pk), "Alice", "alice"):
        response = client.get(reverse(QUEUE), {"author": value})
        assertContains(response, "By Alice")
        assertNotContains(response, "By Bob")


def test_a_typed_filter_keeps_the_other_filters_and_the_row_links_narrow_the_queue(
    client, moderator
):
    client.force_login(moderator)
    alice = UserFactory(username="alice")
    comment = CommentFactory(author=alice, body="Held by Alice", status="pending")
    CommentFactory(author=alice, body="Shown by Alice")

    response = client.get(reverse(QUEUE), {"status__exact": "pending"})

    # The author box resubmits the status filter with the name typed.
    assertContains(
        response, '<input type="hidden" name="status__exact" value="pending">', html=True
    )
    link = f"?author={alice.pk}&amp;status__exact=pending"
    assertContains(response, f'<a href="{link}">alice</a>', html=True)
    narrowed = client.get(reverse(QUEUE), {"author": alice.pk, "status__exact": "pending"})
    assertContains(narrowed, "Held by Alice")
    assertNotContains(narrowed, "Shown by Alice")
    assert comment.article.headline in narrowed.content.decode()


def test_the_queue_still_filters_by_status_and_reports(client, moderator):
    client.force_login(moderator)
    reported = CommentFactory(body="Reported one")
    CommentReport.objects.create(comment=reported, reporter=UserFactory(), reason="abuse")
    CommentFactory(body="Held one", status="pending")

    assert "Reported one" in client.get(reverse(QUEUE), {"reported": "open"}).content.decode()
    held = client.get(reverse(QUEUE), {"status__exact": "pending"})
    assertContains(held, "Held one")
    assertNotContains(held, "Reported one")


def test_the_queue_counts_open_reports_of_the_rows_shown_most_reported_first(client, moderator):
    client.force_login(moderator)
    calm = CommentFactory(body="Calm comment")
    warm = CommentFactory(body="Warm comment")
    hot = CommentFactory(body="Hot comment")
    for name in ("one", "two", "three"):
        reporter = UserFactory(username=name)
        CommentReport.objects.create(comment=hot, reporter=reporter, reason="spam")
    CommentReport.objects.create(comment=warm, reporter=UserFactory(), reason="spam")
    CommentReport.objects.create(
        comment=calm, reporter=UserFactory(), reason="spam", resolved_at=timezone.now()
    )

    def order(**params):
        html = client.get(reverse(QUEUE), params).content.decode()
        found = [(html.find(b), b) for b in ("Calm comment", "Warm comment", "Hot comment")]
        return [body for position, body in sorted(found) if position >= 0]

    assert order() == ["Calm comment", "Warm comment", "Hot comment"]  # oldest first
    assert order(reported="open") == ["Hot comment", "Warm comment"]
    assert order(reported="any") == ["Hot comment", "Warm comment", "Calm comment"]
    # A column chosen to sort by wins over the reports' order.
    assert order(reported="any", o="7") == ["Calm comment", "Warm comment", "Hot comment"]
    response = client.get(reverse(QUEUE))
    assertContains(response, '<td class="field-open_reports">3</td>', html=True)
    assertContains(response, '<td class="field-open_reports">1</td>', html=True)
    assertContains(response, '<td class="field-open_reports">0</td>', html=True)


def test_the_queue_searches_text_authors_addresses_and_headlines(client, moderator):
    client.force_login(moderator)
    alice = UserFactory(username="alice", email="alice@example.org")
    CommentFactory(author=alice, body="A note on ferries")
    CommentFactory(article=ArticleFactory(headline="Tram strike"), body="Second")
    CommentFactory(body="Third, about nothing")

    def found(q):
        html = client.get(reverse(QUEUE), {"q": q}).content.decode()
        return {b for b in ("A note on ferries", "Second", "Third, about") if b in html}

    assert found("FERRIES") == {"A note on ferries"}
    assert found("alice") == {"A note on ferries"}
    assert found("example.org") == {"A note on ferries"}
    assert found("tram") == {"Second"}
    assert found("note alice") == {"A note on ferries"}  # every word, anywhere
    assert found("note tram") == set()


def test_bulk_moderation_still_works_from_the_queue(client, moderator):
    client.force_login(moderator)
    comments = [CommentFactory(body=f"Spam {n}") for n in range(3)]

    response = client.post(
        reverse(QUEUE),
        {"action": "mark_spam", "_selected_action": [c.pk for c in comments]},
    )

    assert response.status_code == 302
    assert set(Comment.objects.values_list("status", flat=True)) == {"spam"}


# --- The article list -----------------------------------------------------------------------


def stories(count: int, authors, start: int = 0) -> None:
    for index in range(start, start + count):
        ArticleFactory(headline=f"Headline {index}", authors=authors)


def test_the_article_list_costs_the_same_queries_for_5_and_for_60_stories(chief):
    authors = [AuthorFactory(), AuthorFactory()]
    stories(5, authors)
    few, _ = queries_of(chief, reverse(ARTICLES))
    searched_few, _ = queries_of(chief, reverse(ARTICLES), {"q": "Headline"})
    stories(55, authors, start=5)
    many, response = queries_of(chief, reverse(ARTICLES))
    searched_many, found = queries_of(chief, reverse(ARTICLES), {"q": "Headline"})

    assert many == few
    assert searched_many == searched_few
    assertContains(response, "Headline 59")
    assert rows(found) == 60


def test_the_article_list_lists_no_authors_or_creators_in_its_sidebar(chief):
    for index in range(30):
        ArticleFactory(
            authors=[AuthorFactory(display_name=f"Writer {index}")],
            created_by=UserFactory(username=f"creator{index}"),
        )

    filters = sidebar(chief.get(reverse(ARTICLES)))

    assert "Writer 1" not in filters
    assert "creator1" not in filters
    assert 'name="byline"' in filters
    assert 'name="created_by"' in filters


def test_the_article_list_filters_by_byline_and_by_creator(chief):
    mara = AuthorFactory(display_name="Mara Ellison", slug="mara-ellison")
    owen = UserFactory(username="owen")
    ArticleFactory(headline="Bridge reopens", authors=[mara, AuthorFactory()])
    ArticleFactory(headline="Library hours", created_by=owen)

    for value in (str(mara.pk), "mara-ellison"):
        response = chief.get(reverse(ARTICLES), {"byline": value})
        assertContains(response, "Bridge reopens")
        assert rows(response) == 1
    mine = chief.get(reverse(ARTICLES), {"created_by": "Owen"})
    assertContains(mine, "Library hours")
    assertNotContains(mine, "Bridge reopens")
    # The dashboard's "my drafts" link filters by the creator's id.
    assertContains(chief.get(reverse(ARTICLES), {"created_by__id__exact": owen.pk}), "Library")


def test_article_search_finds_headline_standfirst_slug_and_byline_words_once(chief):
    mara = AuthorFactory(display_name="Mara Ellison")
    ArticleFactory(
        headline="Harbour bridge reopens",
        standfirst="Ferries return",
        slug="harbour-bridge-2026",
        authors=[mara, AuthorFactory(display_name="Mara Quinn")],
    )
    ArticleFactory(headline="Library hours")

    for q in ("bridge", "FERRIES", "2026", "mara", "bridge mara", '"harbour bridge"'):
        response = chief.get(reverse(ARTICLES), {"q": q})
        assertContains(response, "Harbour bridge reopens")
        assert rows(response) == 1, q  # two Maras on the byline, still one row
    assertNotContains(chief.get(reverse(ARTICLES), {"q": "bridge library"}), "Harbour")


def test_a_writer_searches_only_their_own_stories(client):
    from tests.factories import staff_user

    writer = staff_user("wanda", "Writer")
    ArticleFactory(headline="Bridge, by Wanda", created_by=writer)
    ArticleFactory(headline="Bridge, by someone else")
    client.force_login(writer)

    response = client.get(reverse(ARTICLES), {"q": "bridge"})

    assertContains(response, "Bridge, by Wanda")
    assertNotContains(response, "someone else")


def test_article_search_can_use_the_trigram_index():
    from articles.admin.articles import ArticleAdmin

    authors = [AuthorFactory(display_name=f"Author {n}") for n in range(3)]
    Article.objects.bulk_create(
        Article(
            headline=f"Routine story number {n} about the council and its budget",
            slug=f"routine-story-{n}",
            standfirst=f"Standfirst {n}: " + "the council met again to discuss the budget. " * 6,
            body="<p>Body</p>",
            status=Article.Status.PUBLISHED,
            published_at=timezone.now(),
        )
        for n in range(5000)
    )
    target = ArticleFactory(headline="Quillwort found in the marsh", authors=authors[:1])
    Byline.objects.bulk_create(
        Byline(article=article, author=authors[1], position=0)
        for article in Article.objects.exclude(pk=target.pk)[:500]
    )
    model_admin = ArticleAdmin(Article, admin_site.admin.site)
    queryset, may_have_duplicates = model_admin.get_search_results(
        None, Article.objects.all(), "quillwort"
    )

    assert list(queryset) == [target]
    assert may_have_duplicates is False  # so no DISTINCT
    sql = str(queryset.query).upper()
    assert "DISTINCT" not in sql and "JOIN" not in sql.split(" IN (")[0]
    if POSTGRES:
        with connection.cursor() as cursor:
            # Rows inserted in one go wait in the GIN indexes' pending lists (which the
            # planner counts as a cost) until a vacuum, which a test's transaction cannot run.
            for index in ("article_headline_trgm", "article_standfirst_trgm", "article_slug_trgm"):
                cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
            cursor.execute("ANALYZE articles_article")
            cursor.execute("ANALYZE articles_byline")
        plan = queryset.explain()
        assert "article_headline_trgm" in plan
        assert "Seq Scan on articles_article" not in plan
    else:
        with connection.cursor() as cursor:
            indexes = connection.introspection.get_constraints(cursor, "articles_article")
        assert "article_headline_trgm" not in indexes  # the migration does nothing here


def test_the_queue_search_can_use_the_trigram_index():
    from accounts.models import User
    from articles.admin.comments import CommentAdmin

    articles = [ArticleFactory() for _ in range(20)]
    readers = User.objects.bulk_create(
        User(username=f"reader{n}", email=f"reader{n}@example.com") for n in range(500)
    )
    article, reader = articles[0], readers[0]
    Comment.objects.bulk_create(
        Comment(
            article=articles[n % 20],
            author=readers[n % 500],
            body=f"Routine remark {n}: " + "I agree with the council about the budget. " * 6,
            body_html="",
        )
        for n in range(5000)
    )
    wanted = CommentFactory(article=article, author=reader, body="Buy quillwort pills")
    model_admin = CommentAdmin(Comment, admin_site.admin.site)
    queryset, may_have_duplicates = model_admin.get_search_results(
        None, Comment.objects.all(), "quillwort"
    )

    assert list(queryset) == [wanted]
    assert may_have_duplicates is False
    if POSTGRES:
        with connection.cursor() as cursor:
            cursor.execute("SELECT gin_clean_pending_list('comment_body_trgm'::regclass)")
            cursor.execute("ANALYZE articles_comment")
            cursor.execute("ANALYZE accounts_user")
        plan = queryset.explain()
        assert "comment_body_trgm" in plan
        assert "Seq Scan on articles_comment" not in plan


# --- Counting -------------------------------------------------------------------------------


def count_queries(context) -> list[str]:
    return [q["sql"] for q in context.captured_queries if "COUNT(*)" in q["sql"]]


def test_a_big_unfiltered_list_is_counted_by_estimate_on_postgresql(client, moderator, monkeypatch):
    monkeypatch.setattr(admin_site, "ESTIMATE_COUNTS_ABOVE", 50)
    article, reader = ArticleFactory(), UserFactory()
    Comment.objects.bulk_create(
        Comment(article=article, author=reader, body=f"Remark {n}", body_html="")
        for n in range(120)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if not POSTGRES else "ANALYZE articles_comment")
    client.force_login(moderator)

    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse(QUEUE))

    paginator = response.context["cl"].paginator
    if POSTGRES:
        assert paginator.is_estimate
        assert count_queries(context) == []
        assertContains(response, "about 120 comments")
        assertNotContains(response, "120 results")  # the search bar's count of a search
    else:
        assert not paginator.is_estimate
        assert len(count_queries(context)) == 1
        assertContains(response, "120 comments")
        assertNotContains(response, "about")


def test_a_filtered_or_small_list_is_counted_exactly(client, moderator, monkeypatch):
    monkeypatch.setattr(admin_site, "ESTIMATE_COUNTS_ABOVE", 50)
    article, reader = ArticleFactory(), UserFactory()
    Comment.objects.bulk_create(
        Comment(article=article, author=reader, body=f"Remark {n}", body_html="", status=status)
        for n, status in enumerate(["visible"] * 110 + ["pending"] * 7)
    )
    if POSTGRES:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE articles_comment")
    client.force_login(moderator)

    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse(QUEUE), {"status__exact": "pending"})

    assert not response.context["cl"].paginator.is_estimate
    assert len(count_queries(context)) == 1
    assertContains(response, "7 comments")
    # The small article list (below the threshold) is exact too.
    listed = client.get(reverse("admin:articles_moderationlogentry_changelist"))
    assert not listed.context["cl"].paginator.is_estimate


def test_no_newsroom_changelist_counts_its_whole_table_a_second_time(chief):
    from django.contrib import admin

    ours = [
        model_admin
        for model_admin in admin.site._registry.values()
        if type(model_admin).__module__.startswith(("articles.", "accounts."))
    ]
    assert len(ours) >= 10
    for model_admin in ours:
        model = model_admin.model
        assert model_admin.show_full_result_count is False, model
        assert model_admin.paginator is admin_site.EstimatedCountPaginator, model


@pytest.mark.parametrize(
    "changelist",
    [
        QUEUE,
        ARTICLES,
        "admin:articles_commentreport_changelist",
        "admin:articles_moderationlogentry_changelist",
    ],
)
def test_a_changelist_page_reads_no_story_body(chief, changelist):
    comment = CommentFactory(article=ArticleFactory(body="<p>A long story body</p>"))
    CommentReport.objects.create(comment=comment, reporter=UserFactory(), reason="spam")
    ModerationLogEntry.objects.create(
        moderator=UserFactory(), action=ModerationLogEntry.Action.REMOVE, comment=comment
    )

    with CaptureQueriesContext(connection) as context:
        response = chief.get(reverse(changelist))

    assert response.status_code == 200
    assert str(comment.article) in response.content.decode()
    page_sql = " ".join(q["sql"] for q in context.captured_queries)
    assert '"articles_article"."body"' not in page_sql
    assert '"articles_article"."body_html"' not in page_sql


def test_a_filtered_list_is_counted_exactly_up_to_the_bound_then_by_the_plan(
    client, moderator, monkeypatch
):
    monkeypatch.setattr(admin_site, "ESTIMATE_COUNTS_ABOVE", 50)
    article, reader = ArticleFactory(), UserFactory()
    Comment.objects.bulk_create(
        Comment(article=article, author=reader, body=f"Remark {n}", body_html="", status=status)
        for n, status in enumerate(["visible"] * 120 + ["pending"] * 3)
    )
    if POSTGRES:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE articles_comment")
    client.force_login(moderator)

    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse(QUEUE), {"status__exact": "visible", "q": "remark"})

    paginator = response.context["cl"].paginator
    if POSTGRES:
        # Counted as far as the bound (51 rows read), then the planner's guess, at least that.
        assert paginator.is_estimate
        assert paginator.count >= 51
        assert "LIMIT 51" in count_queries(context)[0]
        assertContains(response, f"about {paginator.count} results")
    else:
        assert not paginator.is_estimate
        assert paginator.count == 120
        assertContains(response, "120 results")


@pytest.mark.django_db(transaction=True)
def test_the_admin_index_migration_is_reversible_and_postgresql_only():
    """0016 undone and done again, as ``migrate articles 0013`` and ``migrate articles`` run
    it, by the migration executor on that one migration: no other migration touches these
    indexes, and undoing and redoing every migration after 0004 (a walk of seconds through
    the models' states) is test_search.py's reversibility test."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    migration = executor.loader.get_migration("articles", "0016_admin_search_indexes")
    key = (migration.app_label, migration.name)

    def admin_indexes():
        with connection.cursor() as cursor:
            names = {
                name
                for table in ("articles_article", "articles_comment")
                for name in connection.introspection.get_constraints(cursor, table)
            }
        return {"article_headline_trgm", "comment_body_trgm", "comment_created_idx"} & names

    wanted = {"article_headline_trgm", "comment_body_trgm", "comment_created_idx"}
    assert admin_indexes() == (wanted if POSTGRES else set())
    executor.unapply_migration(executor.loader.project_state(key, at_end=True), migration)
    assert admin_indexes() == set()
    executor.apply_migration(executor.loader.project_state(key, at_end=False), migration)
    assert admin_indexes() == (wanted if POSTGRES else set())
    assert key in MigrationExecutor(connection).loader.applied_migrations


@pytest.mark.parametrize("value", ["²", "9" * 30, "'; DROP TABLE x; --", " "])
def test_a_typed_filter_of_no_id_or_name_finds_nothing_and_never_fails(client, moderator, value):
    client.force_login(moderator)
    CommentFactory(body="Some comment")

    for parameter in ("article", "author"):
        response = client.get(reverse(QUEUE), {parameter: value})
        assert response.status_code == 200
        if value.strip():
            assertNotContains(response, "Some comment")
        else:
            assertContains(response, "Some comment")  # an empty box filters nothing


def test_the_picture_library_costs_the_same_with_2_or_12_pictures(chief):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from articles.services import image_create
    from tests.factories import png_bytes

    def add(count):
        for n in range(count):
            image_create(
                file=SimpleUploadedFile(f"p{n}.png", png_bytes(400, 300)),
                alt_text=f"Picture {n}",
                caption="Caption",
                credit="Credit",
            ).make_renditions()

    url = reverse("admin:articles_image_changelist")
    add(2)
    few, response = queries_of(chief, url)
    assertContains(response, 'class="newsroom-thumb"', count=2)
    add(10)
    many, response = queries_of(chief, url)
    assertContains(response, 'class="newsroom-thumb"', count=12)
    assert many == few
