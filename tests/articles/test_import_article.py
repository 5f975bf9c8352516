from django.core.management import CommandError, call_command

import pytest
from pytest_django.asserts import assertContains

from articles.models import Article, Author

pytestmark = pytest.mark.django_db


def sample_paragraphs(path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_import_keeps_every_paragraph_of_the_sample(seed_article_path, client):
    call_command(
        "import_article",
        str(seed_article_path),
        headline="Armenia skips the CSTO summit",
        tags="Armenia, CSTO",
        author=["Desk Reporter"],
        publish=True,
    )

    article = Article.objects.get()
    paragraphs = sample_paragraphs(seed_article_path)
    assert article.body.count("<p>") == len(paragraphs)
    assert article.status == Article.Status.PUBLISHED
    assert sorted(article.tags.names()) == ["Armenia", "CSTO"]
    assert [a.display_name for a in article.authors.all()] == ["Desk Reporter"]

    response = client.get(article.get_absolute_url())
    for paragraph in paragraphs:
        assertContains(response, f"<p>{paragraph}</p>", html=True)


def test_import_escapes_html_in_the_text(tmp_path):
    source = tmp_path / "hostile.txt"
    source.write_text(
        '<script>alert("x")</script>\n\nA <b>bold</b> claim & more\n<img src=x onerror=alert(1)>\n',
        encoding="utf-8",
    )
    call_command("import_article", str(source), headline="Hostile")

    body = Article.objects.get().body
    assert "<script" not in body
    assert "<b>" not in body
    assert "<img" not in body
    assert body == (
        '<p>&lt;script&gt;alert("x")&lt;/script&gt;</p>\n'
        "<p>A &lt;b&gt;bold&lt;/b&gt; claim &amp; more</p>\n"
        "<p>&lt;img src=x onerror=alert(1)&gt;</p>"
    )


def test_import_without_publish_saves_a_draft_under_the_default_byline(tmp_path, settings):
    settings.NEWSROOM_DEFAULT_BYLINE = "Staff"
    source = tmp_path / "story.txt"
    source.write_text("One.\nTwo.\n", encoding="utf-8")
    call_command("import_article", str(source), headline="Draft story")

    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT
    assert article.slug == "draft-story"
    assert [a.display_name for a in article.authors.all()] == ["Staff"]
    assert not Article.objects.published().exists()


def test_import_twice_makes_a_second_slug_and_reuses_the_author(tmp_path):
    source = tmp_path / "story.txt"
    source.write_text("One.\n", encoding="utf-8")
    call_command("import_article", str(source), headline="Same", author=["Ana"])
    call_command("import_article", str(source), headline="Same", author=["ana"])
    assert sorted(Article.objects.values_list("slug", flat=True)) == ["same", "same-2"]
    assert Author.objects.count() == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "No such file"),
        (b"", "has no text"),
        (b"\n  \n", "has no text"),
        (b"\xff\xfe\x00bad", "is not UTF-8"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(tmp_path, content, message):
    source = tmp_path / "story.txt"
    if content is not None:
        source.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("import_article", str(source), headline="Nope")
    assert not Article.objects.exists()
    assert not Author.objects.exists()


def test_a_failed_import_changes_nothing(tmp_path):
    source = tmp_path / "story.txt"
    source.write_text("Text.\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Nothing imported: tags"):
        call_command(
            "import_article",
            str(source),
            headline="Bad tags",
            author=["New Author"],
            tags="x" * 101,
        )
    assert not Article.objects.exists()
    assert not Author.objects.exists()


def test_a_too_long_headline_is_refused(tmp_path):
    source = tmp_path / "story.txt"
    source.write_text("Text.\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Nothing imported: headline"):
        call_command("import_article", str(source), headline="h" * 201)
    assert not Article.objects.exists()
