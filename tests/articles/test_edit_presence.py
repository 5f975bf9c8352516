"""Edit presence: "Mara Ellison is editing this story (since 10:02)" on the form and in the
list, kept by heartbeats, released on save, on leaving or after inactivity; editors may
take a story over, and the displaced person's save is then refused with their text kept."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article, EditPresence
from articles.services import edit_presence_heartbeat
from tests.articles.editorial import article_form_data, change_url
from tests.factories import ArticleFactory, staff_user

pytestmark = pytest.mark.django_db


def presence_url(article) -> str:
    return reverse("admin:articles_article_presence", args=[article.pk])


def hhmm(moment) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


@pytest.fixture
def mara(db):
    user = staff_user("mara", "Writer")
    user.first_name, user.last_name = "Mara", "Ellison"
    user.save()
    return user


@pytest.fixture
def story(mara):
    return ArticleFactory(draft=True, created_by=mara, body="<p>Saved text.</p>")


def test_a_heartbeat_makes_the_writer_the_one_editing(client, mara, story):
    client.force_login(mara)

    response = client.post(presence_url(story))

    assert response.status_code == 200
    assert response.json() == {"state": "editing", "notice": ""}
    presence = EditPresence.objects.get(article=story)
    assert presence.user == mara


def test_others_see_who_is_editing_on_the_form(client, mara, editor, story):
    presence = edit_presence_heartbeat(article=story, user=mara)
    client.force_login(editor)

    page = client.get(change_url(story))

    assertContains(page, f"Mara Ellison is editing this story (since {hhmm(presence.since)}).")
    # Editors are offered to take it over.
    assertContains(page, reverse("admin:articles_article_take_over", args=[story.pk]))
    answer = client.post(presence_url(story)).json()
    assert answer["state"] == "other"
    assert answer["notice"].startswith("Mara Ellison is editing this story (since")
    assert EditPresence.objects.get(article=story).user == mara


def test_the_one_editing_sees_no_notice(client, mara, story):
    edit_presence_heartbeat(article=story, user=mara)
    client.force_login(mara)

    assertNotContains(client.get(change_url(story)), "is editing this story")


def test_a_writer_sees_the_notice_but_cannot_take_over(client, mara, editor, story):
    edit_presence_heartbeat(article=story, user=editor)
    client.force_login(mara)

    page = client.get(change_url(story))

    assertContains(page, "edith is editing this story (since")
    assertNotContains(page, reverse("admin:articles_article_take_over", args=[story.pk]))
    response = client.post(reverse("admin:articles_article_take_over", args=[story.pk]))
    assert response.status_code == 403
    assert EditPresence.objects.get(article=story).user == editor


def test_presence_lapses_after_inactivity(client, mara, editor, story, settings):
    settings.NEWSROOM_PRESENCE_SECONDS = 120
    edit_presence_heartbeat(article=story, user=mara)
    EditPresence.objects.update(seen_at=timezone.now() - timedelta(seconds=121))
    client.force_login(editor)

    assertNotContains(client.get(change_url(story)), "is editing this story")
    assertNotContains(client.get(reverse("admin:articles_article_changelist")), "is editing")
    # The next heartbeat is the editor's: the story is theirs now.
    assert client.post(presence_url(story)).json()["state"] == "editing"
    assert EditPresence.objects.get(article=story).user == editor


def test_saving_releases_the_story(client, mara, story):
    edit_presence_heartbeat(article=story, user=mara)
    client.force_login(mara)

    response = client.post(change_url(story), article_form_data(story, headline="New headline"))

    assert response.status_code == 302
    assert not EditPresence.objects.exists()


def test_leaving_releases_only_ones_own_presence(client, mara, editor, story):
    edit_presence_heartbeat(article=story, user=editor)
    release = reverse("admin:articles_article_presence_release", args=[story.pk])
    client.force_login(mara)

    assert client.post(release).status_code == 200
    assert EditPresence.objects.get(article=story).user == editor

    client.force_login(editor)
    assert client.post(release).status_code == 200
    assert not EditPresence.objects.exists()


def test_a_writer_gets_no_presence_on_someone_elses_story(client, writer, mara, story):
    client.force_login(writer)

    assert client.post(presence_url(story)).status_code == 403
    release = reverse("admin:articles_article_presence_release", args=[story.pk])
    assert client.post(release).status_code == 403
    assert not EditPresence.objects.exists()


def test_presence_endpoints_are_post_only(client, mara, story):
    client.force_login(mara)
    assert client.get(presence_url(story)).status_code == 405


def test_an_editor_takes_over_and_the_writers_save_is_refused_with_the_text_kept(
    client, mara, editor, story
):
    from django.test import Client

    writer_client = Client()
    writer_client.force_login(mara)
    writer_client.post(presence_url(story))
    loaded = writer_client.get(change_url(story)).context["adminform"].form
    loaded_version = loaded["loaded_version"].value()

    client.force_login(editor)
    response = client.post(reverse("admin:articles_article_take_over", args=[story.pk]))
    assert response.status_code == 302
    assert response["Location"] == change_url(story)
    page = client.get(change_url(story))
    assertContains(page, "You took over this story from Mara Ellison.")
    presence = EditPresence.objects.get(article=story)
    assert (presence.user, presence.taken_over_from) == (editor, mara)

    # The writer's next heartbeat says so (their script then saves their draft).
    answer = writer_client.post(presence_url(story)).json()
    assert answer["state"] == "taken_over"
    at = hhmm(presence.taken_over_at)
    assert answer["notice"].startswith(
        f"edith took over at {at}; your changes are saved as a draft"
    )
    assert EditPresence.objects.get(article=story).user == editor

    # Their save is refused, everything they typed still in the form.
    mine = article_form_data(
        story,
        body="<p>The writer's late paragraph.</p>",
        tags="Harbour, Late",
        loaded_version=loaded_version,
    )
    response = writer_client.post(change_url(story), mine)
    assert response.status_code == 200
    assertContains(response, f"edith took over this story at {at}, so your save was refused.")
    assertContains(response, "The writer&#x27;s late paragraph.")
    assertContains(response, "Harbour, Late")
    story.refresh_from_db()
    assert story.body == "<p>Saved text.</p>"

    # Once the editor has left without saving, the writer's save goes through.
    client.post(reverse("admin:articles_article_presence_release", args=[story.pk]))
    assert writer_client.post(change_url(story), mine).status_code == 302
    story.refresh_from_db()
    assert story.body == "<p>The writer's late paragraph.</p>"


def test_taking_over_a_free_story_just_claims_it(client, editor, story):
    client.force_login(editor)

    client.post(reverse("admin:articles_article_take_over", args=[story.pk]))

    presence = EditPresence.objects.get(article=story)
    assert presence.user == editor and presence.taken_over_from is None


def test_the_article_list_shows_who_is_editing(client, mara, editor, story):
    presence = edit_presence_heartbeat(article=story, user=mara)
    client.force_login(editor)

    page = client.get(reverse("admin:articles_article_changelist"))

    assertContains(page, f"Mara Ellison is editing (since {hhmm(presence.since)})")


def changelist_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:articles_article_changelist"))
    assert response.status_code == 200
    return len(queries)


def test_the_article_list_costs_the_same_queries_with_more_people_editing(client, editor):
    client.force_login(editor)
    first = ArticleFactory.create_batch(2)
    for n, article in enumerate(first):
        edit_presence_heartbeat(article=article, user=staff_user(f"editor{n}", "Editor"))
    few = changelist_queries(client)

    more = ArticleFactory.create_batch(6)
    for n, article in enumerate(more):
        edit_presence_heartbeat(article=article, user=staff_user(f"other{n}", "Editor"))
    page = client.get(reverse("admin:articles_article_changelist"))
    assert page.content.decode().count("is editing (since") == 8

    assert changelist_queries(client) == few


def test_the_restore_form_of_a_revision_has_no_autosave(client, editor, story):
    client.force_login(editor)
    revision = story.history.first()
    url = reverse("admin:articles_article_simple_history", args=[story.pk, revision.history_id])

    page = client.get(url)

    assert page.status_code == 200
    assertNotContains(page, "js/article-form.js")
    assert Article.objects.count() == 1
