"""A save refused because the story changed meanwhile, or because the form's CSRF token is
out of date (logged in again in another tab), keeps what was typed and says what to do."""

from django.test import Client
from django.urls import reverse

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article, ArticleDraft, EditPresence
from tests.articles.editorial import article_form_data, change_url
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(writer):
    return ArticleFactory(
        draft=True, created_by=writer, body="<p>Saved text.</p>", tags=["Transport"]
    )


def csrf_client(user) -> Client:
    # A browser's form post from our own page says where it comes from.
    client = Client(enforce_csrf_checks=True, headers={"Origin": "http://testserver"})
    client.force_login(user)
    return client


def test_a_save_over_a_newer_version_keeps_body_tags_and_headline(client, writer, editor, story):
    client.force_login(writer)
    loaded = client.get(change_url(story)).context["adminform"].form["loaded_version"].value()
    story.headline = "The editor's headline"
    story.save()

    mine = article_form_data(
        story,
        headline="The writer's headline",
        body="<p>A paragraph typed for an hour.</p>",
        tags="Transport, Harbour night shift",
        loaded_version=loaded,
    )
    response = client.post(change_url(story), mine)

    assert response.status_code == 200
    assertContains(response, "Someone else saved this article after you opened it.")
    assertContains(response, "merge your changes there")
    form = response.context["adminform"].form
    assert form["headline"].value() == "The writer's headline"
    assert form["body"].value() == "<p>A paragraph typed for an hour.</p>"
    assert form["tags"].value() == "Transport, Harbour night shift"
    assertContains(response, "A paragraph typed for an hour.")
    assertContains(response, "Harbour night shift")
    story.refresh_from_db()
    assert story.headline == "The editor's headline"
    assert list(story.tags.names()) == ["Transport"]


def test_a_stale_csrf_token_shows_the_typed_text_back_and_writes_nothing(writer, story):
    client = csrf_client(writer)
    revisions = Article.history.count()
    data = article_form_data(
        story,
        headline="Late-night headline",
        body="<p>An hour of <strong>work</strong> <script>alert(1)</script></p>",
        tags="Transport, Night",
        csrfmiddlewaretoken="a" * 64,
    )

    response = client.post(change_url(story), data)

    assert response.status_code == 403
    assertContains(response, "Not saved: your text is below", status_code=403)
    assertContains(response, "the form’s security token is out of date", status_code=403)
    assertContains(response, "Late-night headline", status_code=403)
    assertContains(
        response,
        "&lt;p&gt;An hour of &lt;strong&gt;work&lt;/strong&gt; "
        "&lt;script&gt;alert(1)&lt;/script&gt;&lt;/p&gt;",
        status_code=403,
    )
    assertNotContains(response, "<script>alert(1)</script>", status_code=403)
    assertContains(response, "Transport, Night", status_code=403)
    assertContains(response, f'href="{change_url(story)}"', status_code=403)
    # Nothing written: not the story, not a draft, not a revision, not a presence.
    story.refresh_from_db()
    assert story.body == "<p>Saved text.</p>"
    assert Article.history.count() == revisions
    assert not ArticleDraft.objects.exists()
    assert not EditPresence.objects.exists()


def test_a_stale_csrf_token_on_the_add_form_shows_the_new_story_back(writer):
    client = csrf_client(writer)

    response = client.post(
        reverse("admin:articles_article_add"),
        article_form_data(None, headline="A scoop", body="<p>Only copy.</p>"),
    )

    assert response.status_code == 403
    assertContains(response, "Your new story was not saved", status_code=403)
    assertContains(response, "&lt;p&gt;Only copy.&lt;/p&gt;", status_code=403)
    assert not Article.objects.exists()
    assert not ArticleDraft.objects.exists()


def test_someone_who_may_not_edit_the_story_gets_djangos_page_without_the_text(other_writer, story):
    client = csrf_client(other_writer)

    response = client.post(change_url(story), article_form_data(story, headline="Planted"))

    assert response.status_code == 403
    assertContains(response, "CSRF verification failed", status_code=403)
    assertNotContains(response, "Planted", status_code=403)


def test_a_post_from_another_site_echoes_nothing_even_with_a_session(writer, story):
    client = Client(enforce_csrf_checks=True, headers={"Origin": "https://evil.example"})
    client.force_login(writer)

    response = client.post(change_url(story), article_form_data(story, headline="Planted"))

    assert response.status_code == 403
    assertContains(response, "CSRF verification failed", status_code=403)
    assertNotContains(response, "Planted", status_code=403)
    assert not ArticleDraft.objects.exists()


def test_a_post_that_says_nothing_of_its_origin_echoes_nothing(writer, story):
    client = Client(enforce_csrf_checks=True)
    client.force_login(writer)

    response = client.post(change_url(story), article_form_data(story, headline="Planted"))

    assert response.status_code == 403
    assertNotContains(response, "Planted", status_code=403)


def test_a_cross_site_post_without_a_session_echoes_nothing(story):
    client = Client(enforce_csrf_checks=True)

    response = client.post(change_url(story), article_form_data(story, headline="Planted"))

    assert response.status_code == 403
    assertNotContains(response, "Planted", status_code=403)
    story.refresh_from_db()
    assert story.headline != "Planted"


def test_other_posts_keep_djangos_csrf_page(writer, story):
    client = csrf_client(writer)

    response = client.post(reverse("admin:articles_article_submit", args=[story.pk]))

    assert response.status_code == 403
    assertContains(response, "CSRF verification failed", status_code=403)
    story.refresh_from_db()
    assert story.status == Article.Status.DRAFT


def test_a_crafted_path_is_a_403_not_a_500(writer):
    client = csrf_client(writer)
    response = client.post("/admin/articles/article/99999999999999999999999/change/", {})
    assert response.status_code == 403
