"""Autosave and restore: what an editor types is kept as their own draft, never a revision,
offered back when they return, and gone once they save."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article, ArticleDraft
from articles.services import article_draft_save
from tests.articles.editorial import article_form_data, change_url
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def autosave_url(article=None) -> str:
    if article is None:
        return reverse("admin:articles_article_autosave_new")
    return reverse("admin:articles_article_autosave", args=[article.pk])


def typed(**fields) -> dict:
    return {
        "headline": "Harbour bridge reopens",
        "slug": "harbour-bridge-reopens",
        "standfirst": "Buses first.",
        "body": "<p>The first buses crossed at six.</p>",
        "tags": "Transport, Eastport",
        **fields,
    }


@pytest.fixture
def own_draft(writer):
    return ArticleFactory(draft=True, created_by=writer, body="<p>Saved text.</p>")


def test_a_writer_autosaves_their_own_draft_and_the_form_says_when(client, writer, own_draft):
    client.force_login(writer)

    response = client.post(autosave_url(own_draft), typed(body="<p>Typed, not saved.</p>"))

    assert response.status_code == 200
    answer = response.json()
    saved_at = timezone.localtime(ArticleDraft.objects.get().saved_at).strftime("%H:%M")
    assert answer["message"] == f"Saved a draft at {saved_at}"
    draft = ArticleDraft.objects.get(user=writer, article=own_draft)
    assert draft.fields["body"] == "<p>Typed, not saved.</p>"
    assert draft.fields["tags"] == "Transport, Eastport"
    own_draft.refresh_from_db()
    assert own_draft.body == "<p>Saved text.</p>"


def test_autosaving_again_overwrites_the_one_draft_and_makes_no_revision(client, writer, own_draft):
    client.force_login(writer)
    revisions = own_draft.history.count()

    for word in ("one", "two", "three"):
        assert client.post(autosave_url(own_draft), typed(body=f"<p>{word}</p>")).status_code == 200

    assert ArticleDraft.objects.count() == 1
    assert ArticleDraft.objects.get().fields["body"] == "<p>three</p>"
    assert own_draft.history.count() == revisions
    assert Article.history.count() == revisions


def test_a_writer_cannot_autosave_another_writers_article(client, writer, other_writer):
    theirs = ArticleFactory(draft=True, created_by=other_writer)
    client.force_login(writer)

    response = client.post(autosave_url(theirs), typed())

    assert response.status_code == 403
    assert not ArticleDraft.objects.exists()


def test_a_writer_cannot_autosave_their_story_once_submitted(client, writer):
    submitted = ArticleFactory(
        status=Article.Status.IN_REVIEW, published_at=None, created_by=writer
    )
    client.force_login(writer)

    assert client.post(autosave_url(submitted), typed()).status_code == 403
    assert not ArticleDraft.objects.exists()


def test_an_editor_autosaves_anyones_story(client, editor, own_draft):
    client.force_login(editor)

    assert client.post(autosave_url(own_draft), typed()).status_code == 200
    assert ArticleDraft.objects.filter(user=editor, article=own_draft).exists()


def test_readers_and_visitors_cannot_autosave(client, reader, own_draft):
    assert client.post(autosave_url(own_draft), typed()).status_code == 302  # to the login
    client.force_login(reader)
    response = client.post(autosave_url(own_draft), typed())
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert not ArticleDraft.objects.exists()


def test_autosave_is_post_only_and_needs_the_csrf_token(writer, own_draft):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(writer)

    assert client.get(autosave_url(own_draft)).status_code == 405
    assert client.post(autosave_url(own_draft), typed()).status_code == 403
    assert not ArticleDraft.objects.exists()


def test_an_unknown_article_is_404(client, writer):
    client.force_login(writer)
    url = reverse("admin:articles_article_autosave", args=[999999])
    assert client.post(url, typed()).status_code == 404


def test_a_new_story_is_autosaved_per_person_and_offered_on_the_add_form(client, writer):
    client.force_login(writer)

    assert client.post(autosave_url(), typed(headline="A story not saved yet")).status_code == 200

    draft = ArticleDraft.objects.get()
    assert draft.article is None and draft.user == writer
    page = client.get(reverse("admin:articles_article_add"))
    assertContains(page, "You have unsaved changes from")
    assertContains(page, "A story not saved yet")  # in the form's restore data


def test_the_form_offers_to_restore_a_newer_draft_that_differs(client, writer, own_draft):
    client.force_login(writer)
    client.post(autosave_url(own_draft), typed(body="<p>Typed, not saved.</p>"))
    at = timezone.localtime(ArticleDraft.objects.get().saved_at).strftime("%H:%M")

    page = client.get(change_url(own_draft))

    assertContains(page, f"You have unsaved changes from {at}.")
    assertContains(page, 'id="newsroom-draft-restore"')
    assertContains(page, reverse("admin:articles_article_draft", args=[own_draft.pk]))
    assertContains(page, "Discard")
    assertContains(page, "Typed, not saved.")
    assertNotContains(page, "The story has been saved since")
    # The page loads the form's script, the status line is there for it to fill.
    assertContains(page, "js/article-form.js")
    assertContains(page, 'id="newsroom-autosave-status"')


def test_no_offer_when_the_draft_is_what_is_saved(client, writer, own_draft):
    client.force_login(writer)
    same = typed(
        headline=own_draft.headline,
        slug=own_draft.slug,
        standfirst=own_draft.standfirst,
        body=own_draft.body,
        tags="",
    )
    client.post(autosave_url(own_draft), same)

    assertNotContains(client.get(change_url(own_draft)), "You have unsaved changes")


def test_no_offer_of_someone_elses_draft(client, writer, editor, own_draft):
    article_draft_save(user=editor, article=own_draft, fields=typed(body="<p>Edith's.</p>"))
    client.force_login(writer)

    page = client.get(change_url(own_draft))

    assertNotContains(page, "You have unsaved changes")
    assertNotContains(page, "Edith&#x27;s.")


def test_a_draft_older_than_the_limit_is_ignored_and_cleaned(client, writer, own_draft, settings):
    settings.NEWSROOM_DRAFT_DAYS = 30
    article_draft_save(user=writer, article=own_draft, fields=typed(body="<p>Old words.</p>"))
    ArticleDraft.objects.update(saved_at=timezone.now() - timedelta(days=31))
    client.force_login(writer)

    assertNotContains(client.get(change_url(own_draft)), "You have unsaved changes")
    draft_page = client.get(reverse("admin:articles_article_draft", args=[own_draft.pk]))
    assertContains(draft_page, "No unsaved changes are kept for this story.")

    other = ArticleFactory(draft=True, created_by=writer)
    client.post(change_url(other), article_form_data(other, headline="Saved for real"))
    assert not ArticleDraft.objects.exists()


def test_a_draft_typed_before_someone_elses_save_is_offered_with_a_warning(
    client, writer, editor, own_draft
):
    article_draft_save(user=writer, article=own_draft, fields=typed(body="<p>Mine.</p>"))
    ArticleDraft.objects.update(saved_at=timezone.now() - timedelta(minutes=10))
    own_draft.headline = "Edith's fix"
    own_draft.save()
    client.force_login(writer)

    page = client.get(change_url(own_draft))

    assertContains(page, "You have unsaved changes from")
    assertContains(page, "The story has been saved since")


def test_the_draft_page_shows_the_text_to_copy_without_javascript(client, writer, own_draft):
    client.force_login(writer)
    client.post(autosave_url(own_draft), typed(body="<p>Typed <script>alert(1)</script> text.</p>"))

    page = client.get(reverse("admin:articles_article_draft", args=[own_draft.pk]))

    assert page.status_code == 200
    assertContains(page, "Your unsaved changes from")
    assertContains(page, "&lt;p&gt;Typed &lt;script&gt;alert(1)&lt;/script&gt; text.&lt;/p&gt;")
    assertNotContains(page, "<script>alert(1)</script>")
    assertContains(page, change_url(own_draft))


def test_the_draft_page_is_refused_to_a_writer_on_someone_elses_story(client, writer, other_writer):
    theirs = ArticleFactory(draft=True, created_by=other_writer)
    article_draft_save(user=other_writer, article=theirs, fields=typed())
    client.force_login(writer)

    assert client.get(reverse("admin:articles_article_draft", args=[theirs.pk])).status_code == 403


def test_discard_forgets_only_ones_own_draft(client, writer, editor, own_draft):
    article_draft_save(user=writer, article=own_draft, fields=typed(body="<p>Mine.</p>"))
    article_draft_save(user=editor, article=own_draft, fields=typed(body="<p>Edith's.</p>"))
    client.force_login(writer)

    url = reverse("admin:articles_article_draft_discard", args=[own_draft.pk])
    response = client.post(url, HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert response.json()["message"] == "Your unsaved changes were discarded."
    assert list(ArticleDraft.objects.values_list("user__username", flat=True)) == ["edith"]

    # Without JavaScript the button posts a form and comes back to the story.
    article_draft_save(user=writer, article=own_draft, fields=typed(body="<p>Again.</p>"))
    response = client.post(url, follow=True)
    assertContains(response, "Your unsaved changes were discarded.")
    assert not ArticleDraft.objects.filter(user=writer).exists()


def test_a_successful_save_deletes_the_draft(client, writer, own_draft):
    client.force_login(writer)
    client.post(autosave_url(own_draft), typed(body="<p>Typed.</p>"))

    response = client.post(
        change_url(own_draft), article_form_data(own_draft, body="<p>Typed.</p>")
    )

    assert response.status_code == 302
    assert not ArticleDraft.objects.exists()
    assertNotContains(client.get(change_url(own_draft)), "You have unsaved changes")


def test_adding_the_story_deletes_the_new_story_draft(client, writer, author):
    client.force_login(writer)
    client.post(autosave_url(), typed(headline="A new story"))
    data = article_form_data(
        None,
        **{"bylines-TOTAL_FORMS": "1", "bylines-0-author": author.pk, "bylines-0-position": "0"},
    )

    response = client.post(reverse("admin:articles_article_add"), data)

    assert response.status_code == 302
    assert Article.objects.filter(headline="A new story").exists()
    assert not ArticleDraft.objects.exists()


def test_a_form_refused_by_validation_keeps_the_draft(client, writer, own_draft):
    client.force_login(writer)
    client.post(autosave_url(own_draft), typed())

    response = client.post(change_url(own_draft), article_form_data(own_draft, headline=""))

    assert response.status_code == 200
    assert ArticleDraft.objects.filter(user=writer).exists()


def test_an_autosave_too_large_is_refused_with_a_message(client, writer, own_draft):
    client.force_login(writer)

    response = client.post(autosave_url(own_draft), typed(body="x" * 1_000_001))

    assert response.status_code == 400
    assert response.json()["error"] == "This draft could not be kept."
    assert not ArticleDraft.objects.exists()


def test_the_preview_opens_in_a_new_tab(client, editor, own_draft):
    client.force_login(editor)

    page = client.get(change_url(own_draft))

    preview = reverse("articles:preview", kwargs={"pk": own_draft.pk})
    assertContains(page, f'href="{preview}" target="_blank" rel="noopener"')
