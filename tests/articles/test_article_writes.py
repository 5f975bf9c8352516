"""One write path: article_create, article_update and article_restore_revision, whoever calls.

The admin's form, the restore form, management commands and importers all go through these
services, so a rule (a slug change keeps a 301, bylines and tags are recorded on the revision,
a writer cannot publish) holds whichever surface the change comes from.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

import pytest
from pytest_django.asserts import assertContains

from articles.models import Article, ArticleEvent
from articles.services import (
    article_create,
    article_restore_revision,
    article_update,
    author_get_or_create,
)
from tests.articles.editorial import article_form_data, change_url
from tests.factories import ArticleFactory, AuthorFactory

pytestmark = pytest.mark.django_db


def test_a_slug_changed_through_the_service_leaves_a_301(client):
    article = ArticleFactory(slug="bridge-closes")

    article_update(article=article, slug="bridge-reopens")

    response = client.get(reverse("articles:detail", kwargs={"slug": "bridge-closes"}))
    assert response.status_code == 301
    assert response["Location"] == reverse("articles:detail", kwargs={"slug": "bridge-reopens"})


def test_a_slug_changed_back_answers_again_without_a_loop(client):
    article = ArticleFactory(slug="first")
    article_update(article=article, slug="second")
    article_update(article=article, slug="first")

    assert client.get(reverse("articles:detail", kwargs={"slug": "first"})).status_code == 200
    second = client.get(reverse("articles:detail", kwargs={"slug": "second"}))
    assert second["Location"] == reverse("articles:detail", kwargs={"slug": "first"})


def test_update_changes_content_bylines_and_tags_in_one_revision(editor):
    first, second = AuthorFactory(display_name="Ana"), AuthorFactory(display_name="Ben")
    article = ArticleFactory(authors=[first], tags=["Harbour"])
    revisions = article.history.count()

    article_update(
        article=article,
        by=editor,
        headline="Bridge reopens early",
        authors=[second, first],
        tags=["Transport", "Harbour", "Transport"],
    )

    article.refresh_from_db()
    assert article.headline == "Bridge reopens early"
    assert article.ordered_authors == [second, first]
    assert sorted(article.tags.names()) == ["Harbour", "Transport"]
    assert article.history.count() == revisions + 1
    latest = article.history.latest("history_date")
    assert [b["name"] for b in sorted(latest.revision_bylines, key=lambda b: b["position"])] == [
        "Ben",
        "Ana",
    ]
    assert latest.revision_tags == ["Harbour", "Transport"]


def test_update_keeps_the_rows_of_bylines_that_stay():
    stays, goes, comes = AuthorFactory(), AuthorFactory(), AuthorFactory()
    article = ArticleFactory(authors=[stays, goes])
    kept = article.bylines.get(author=stays).pk

    article_update(article=article, authors=[comes, stays])

    assert article.bylines.get(author=stays).pk == kept
    assert [(b.author, b.position) for b in article.bylines.all()] == [(comes, 0), (stays, 1)]


def test_update_refuses_a_field_it_does_not_own():
    article = ArticleFactory()
    with pytest.raises(TypeError, match="created_by"):
        article_update(article=article, created_by=None)


def test_update_refuses_a_tag_too_long_and_changes_nothing():
    article = ArticleFactory(headline="Before", tags=["Harbour"])

    with pytest.raises(ValidationError):
        article_update(article=article, headline="After", tags=["x" * 101])

    article.refresh_from_db()
    assert article.headline == "Before"
    assert list(article.tags.names()) == ["Harbour"]


def test_a_writer_updates_their_draft_but_not_anothers(writer, other_writer):
    own = ArticleFactory(draft=True, created_by=writer, headline="Mine")
    theirs = ArticleFactory(draft=True, created_by=other_writer, headline="Theirs")

    article_update(article=own, by=writer, headline="Mine, better")
    with pytest.raises(PermissionDenied):
        article_update(article=theirs, by=writer, headline="Taken over")

    theirs.refresh_from_db()
    assert theirs.headline == "Theirs"


def test_a_writer_cannot_publish_through_update_and_nothing_is_saved(writer):
    draft = ArticleFactory(draft=True, created_by=writer, headline="Draft")

    with pytest.raises(PermissionDenied):
        article_update(article=draft, by=writer, headline="Published?", status="published")

    draft.refresh_from_db()
    assert (draft.headline, draft.status) == ("Draft", Article.Status.DRAFT)


def test_an_editor_publishes_through_update_and_the_workflow_records_it(editor):
    draft = ArticleFactory(draft=True)

    article_update(article=draft, by=editor, status=Article.Status.PUBLISHED, published_at=None)

    draft.refresh_from_db()
    assert draft.status == Article.Status.PUBLISHED and draft.published_at is not None
    assert draft.events.filter(action=ArticleEvent.Action.PUBLISHED, by=editor).exists()


def test_create_checks_the_creator_and_records_relations_on_the_first_revision(writer):
    author = author_get_or_create(display_name="Mara Ellison")

    article = article_create(by=writer, headline="Ferry strike", authors=[author], tags=["Port"])

    assert article.created_by == writer
    assert article.status == Article.Status.DRAFT
    first = article.history.earliest("history_date")
    assert first.revision_tags == ["Port"]
    assert [b["author"] for b in first.revision_bylines] == [author.pk]


def test_a_writer_creating_a_published_story_is_refused(writer):
    with pytest.raises(PermissionDenied):
        article_create(by=writer, headline="Scoop", publish=True)
    assert not Article.objects.filter(headline="Scoop").exists()


def test_restoring_the_first_revision_of_a_created_story_keeps_its_tags(editor):
    # The bug: the first revision recorded no tags (they were set after it was made), and
    # restoring it deleted them all.
    article = article_create(headline="Bridge", body="<p>One.</p>", tags=["Transport"])
    article_update(article=article, by=editor, body="<p>Two.</p>")
    first = article.history.earliest("history_date")

    article_restore_revision(revision=first, by=editor)

    article.refresh_from_db()
    assert article.body == "<p>One.</p>"
    assert list(article.tags.names()) == ["Transport"]


def test_restoring_the_first_revision_of_an_imported_story_keeps_its_tags(
    editor, seed_article_path
):
    call_command(
        "import_article",
        str(seed_article_path),
        headline="Imported",
        tags="Harbour, Weather",
        publish=True,
    )
    article = Article.objects.get(headline="Imported")
    article_update(article=article, by=editor, headline="Imported, edited")

    article_restore_revision(revision=article.history.earliest("history_date"), by=editor)

    article.refresh_from_db()
    assert article.headline == "Imported"
    assert sorted(article.tags.names()) == ["Harbour", "Weather"]
    assert article.status == Article.Status.PUBLISHED


def test_restore_never_drops_relations_the_revision_did_not_record(editor):
    author = AuthorFactory()
    article = ArticleFactory(authors=[author], tags=["Harbour"])
    revision = article.history.earliest("history_date")
    type(revision).objects.filter(pk=revision.pk).update(revision_bylines=[], revision_tags=None)
    revision.refresh_from_db()

    article_restore_revision(revision=revision, by=editor)

    assert article.ordered_authors == [author]
    assert list(article.tags.names()) == ["Harbour"]


def test_restore_records_the_step_and_keeps_the_status(editor):
    article = ArticleFactory(headline="Old")
    article_update(article=article, headline="New")

    article_restore_revision(revision=article.history.earliest("history_date"), by=editor)

    article.refresh_from_db()
    assert (article.headline, article.status) == ("Old", Article.Status.PUBLISHED)
    assert article.events.filter(action=ArticleEvent.Action.REVERTED, by=editor).exists()


def spy_on_admin(monkeypatch, name: str) -> list[dict]:
    """Record each call the article admin makes to the service ``name`` (and make it)."""
    from articles.admin import articles as article_admin

    calls, real = [], getattr(article_admin, name)

    def spy(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(article_admin, name, spy)
    return calls


def test_the_admin_form_writes_through_the_update_service(client, editor, monkeypatch):
    calls = spy_on_admin(monkeypatch, "article_update")
    article = ArticleFactory(slug="old-address")
    client.force_login(editor)

    response = client.post(
        change_url(article), article_form_data(article, slug="new-address", tags="Harbour")
    )

    assert response.status_code == 302
    assert len(calls) == 1
    assert calls[0]["by"] == editor and calls[0]["slug"] == "new-address"
    assert calls[0]["tags"] == ["Harbour"]
    assertContains(client.get("/articles/old-address/", follow=True), article.headline)


def test_the_admin_restore_form_writes_through_the_restore_service(client, editor, monkeypatch):
    calls = spy_on_admin(monkeypatch, "article_restore_revision")
    article = ArticleFactory(headline="Old")
    article_update(article=article, headline="New")
    revision = article.history.earliest("history_date")
    client.force_login(editor)
    url = reverse("admin:articles_article_simple_history", args=[article.pk, revision.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data["is_commenting_open"] = "on"

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert [call["revision"].pk for call in calls] == [revision.pk]
    article.refresh_from_db()
    assert article.headline == "Old"


def test_the_migration_marks_revisions_without_bylines_as_not_recorded(editor):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("articles.migrations.0012_revisions_recorded_before_relations")
    article = ArticleFactory(tags=["Harbour"])
    early = article.history.earliest("history_date")
    History = type(early)
    History.objects.filter(pk=early.pk).update(revision_bylines=[], revision_tags=[])
    article_update(article=article, headline="Later")
    later = article.history.latest("history_date")

    migration.forget_relations_recorded_too_early(apps, None)

    early.refresh_from_db()
    later.refresh_from_db()
    assert (early.revision_bylines, early.revision_tags) == (None, None)
    assert later.revision_tags == ["Harbour"] and later.revision_bylines
