"""manage.py import_disqus: a Disqus forum's comments under the imported articles."""

from datetime import UTC, datetime
from io import StringIO

from django.core.management import CommandError, call_command

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article, Comment, ImportRecord
from tests.imports.conftest import DATA, run_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(export_path):
    """The WordPress site the forum was under, imported first, its own comments removed."""
    run_import(export_path)
    Comment.objects.all().delete()


def run_disqus(path=DATA / "disqus.xml", **options) -> str:
    out = StringIO()
    call_command("import_disqus", str(path), stdout=out, **options)
    return out.getvalue()


def test_threads_are_matched_to_their_articles_and_replies_keep_their_threads(site):
    output = run_disqus()

    ferry = Article.objects.get(slug="ferry-timetable")
    comments = {c.imported_author_name: c for c in ferry.comments.all()}
    assert set(comments) == {"Olu Ade", "Priya", "Sam Hill"}
    olu, priya, sam = comments["Olu Ade"], comments["Priya"], comments["Sam Hill"]
    assert olu.parent is None
    assert olu.body == "First on Disqus.\n\nSecond paragraph."
    assert olu.created_at == datetime(2019, 3, 4, 10, 0, tzinfo=UTC)
    assert priya.parent == olu and priya.replied_to is None
    # Sam answered Priya's reply: he joins Olu's thread and names whom he answers.
    assert sam.parent == olu and sam.replied_to == priya
    # Matched by the WordPress plugin's identifier when the link changed.
    sea = Article.objects.get(slug="море")
    assert [c.body for c in sea.comments.all()] == ["Тёплая вода!"]
    assert "comment: 4 created, 0 updated, 0 unchanged" in output
    assert "skipped 1: spam" in output
    assert "skipped 1: deleted" in output
    assert "skipped 1: its thread matched no article" in output
    assert "threads matched to no article: 1" in output


def test_readers_see_the_comments_marked_and_defused(site, client):
    run_disqus()
    response = client.get("/articles/ferry-timetable/")
    assertContains(response, "3 comments")
    assertContains(response, "(imported)", count=3)
    assertContains(response, "Priya here, click.")
    for hostile in ("alert(1)", "alert(2)", "x()"):
        assertNotContains(response, hostile)


def test_a_second_run_creates_nothing_twice(site):
    run_disqus()
    before = (Comment.objects.count(), ImportRecord.objects.count())
    output = run_disqus()
    assert (Comment.objects.count(), ImportRecord.objects.count()) == before
    assert "comment: 0 created, 0 updated, 4 unchanged" in output


def test_a_dry_run_changes_nothing(site):
    output = run_disqus(dry_run=True)
    assert Comment.objects.count() == 0
    assert "Dry run: nothing was changed." in output
    assert "comment: 4 created" in output


def test_a_truncated_file_changes_nothing_and_names_the_line(site, tmp_path):
    text = (DATA / "disqus.xml").read_text(encoding="utf-8")
    truncated = tmp_path / "truncated.xml"
    truncated.write_text(text[: text.index('<post dsq:id="9006">')], encoding="utf-8")
    with pytest.raises(CommandError, match=r"line \d+: the file is not well-formed XML"):
        run_disqus(truncated)
    assert Comment.objects.count() == 0


def test_a_wordpress_export_is_not_a_disqus_one(site, export_path):
    with pytest.raises(CommandError, match="not a Disqus export"):
        run_disqus(export_path)
