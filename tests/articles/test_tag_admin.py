"""Tags in the admin: merging moves the stories' tags and needs the right to change and
delete tags; editing and deleting go through the tag services."""

from django.urls import reverse

import pytest
from pytest_django.asserts import assertContains
from taggit.models import Tag

from articles.models import TaggedArticle
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

MERGE = "admin:taggit_tag_merge_tags"


def choose(client, *tags):
    """The changelist's "Merge selected tags" action, as an editor's browser sends it."""
    return client.post(
        reverse("admin:taggit_tag_changelist"),
        {"action": "render_tag_form", "_selected_action": [tag.pk for tag in tags]},
    )


def test_an_editor_merges_tags_and_the_stories_follow(client, editor):
    both = ArticleFactory(tags=["Harbor", "Harbour"])
    one = ArticleFactory(tags=["Harbor"])
    other = ArticleFactory(tags=["Weather"])
    harbor, harbour = Tag.objects.get(name="Harbor"), Tag.objects.get(name="Harbour")
    client.force_login(editor)
    choose(client, harbor, harbour)

    response = client.post(reverse(MERGE), {"new_tag_name": "Harbour"}, follow=True)

    assertContains(response, "2 tags merged into “Harbour”.")
    assert list(both.tags.names()) == ["Harbour"]
    assert list(one.tags.names()) == ["Harbour"]
    assert list(other.tags.names()) == ["Weather"]
    assert not Tag.objects.filter(name="Harbor").exists()
    assert TaggedArticle.objects.filter(tag__name="Harbour").count() == 2


def test_merging_into_a_new_name_makes_the_tag(client, editor):
    story = ArticleFactory(tags=["Ferries", "Boats"])
    client.force_login(editor)
    choose(client, *Tag.objects.filter(name__in=["Ferries", "Boats"]))

    client.post(reverse(MERGE), {"new_tag_name": "Shipping"})

    assert list(story.tags.names()) == ["Shipping"]


def test_a_writer_can_neither_see_nor_post_a_merge(client, writer):
    story = ArticleFactory(tags=["Harbor", "Harbour"])
    client.force_login(writer)

    assert client.get(reverse(MERGE)).status_code == 403
    assert client.post(reverse(MERGE), {"new_tag_name": "Created by a writer"}).status_code == 403
    assert not Tag.objects.filter(name="Created by a writer").exists()
    assert sorted(story.tags.names()) == ["Harbor", "Harbour"]


def test_a_moderator_may_not_merge_either(client, moderator):
    client.force_login(moderator)
    assert client.post(reverse(MERGE), {"new_tag_name": "X"}).status_code == 403


def test_a_merge_without_chosen_tags_says_so(client, editor):
    client.force_login(editor)
    response = client.post(reverse(MERGE), {"new_tag_name": "Anything"}, follow=True)
    assertContains(response, "Choose the tags to merge first.")
    assert not Tag.objects.filter(name="Anything").exists()


def test_editing_a_tag_goes_through_the_service(client, editor, monkeypatch):
    from articles.admin import tags as tag_admin

    calls = []
    monkeypatch.setattr(tag_admin, "tag_update", lambda **kwargs: calls.append(kwargs))
    tag = ArticleFactory(tags=["Harbor"]).tags.get()
    client.force_login(editor)

    client.post(
        reverse("admin:taggit_tag_change", args=[tag.pk]),
        {
            "name": "Harbour",
            "slug": "harbour",
            "taggit-taggeditem-content_type-object_id-TOTAL_FORMS": "0",
            "taggit-taggeditem-content_type-object_id-INITIAL_FORMS": "0",
        },
    )

    assert [call["tag"].name for call in calls] == ["Harbour"]
