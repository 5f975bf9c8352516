"""The community guidelines page: a default until an editor saves one, sanitized and
rendered once, cached for readers, linked above the comment form and in the emails."""

from django.core import mail
from django.urls import reverse

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Comment, CommunityGuidelines
from articles.services import comment_moderate, guidelines_update
from newsroom import page_cache
from tests.factories import CommentFactory, staff_user

pytestmark = pytest.mark.django_db

URL = "/community-guidelines/"


def test_the_page_has_one_address():
    assert reverse("articles:guidelines") == URL


def test_until_an_editor_saves_them_the_page_shows_the_default_guidelines(client):
    response = client.get(URL)
    assert response.status_code == 200
    assertContains(response, '<h1 class="article__headline">Community guidelines</h1>', html=True)
    assertContains(response, "Be civil.")
    assertContains(response, "What moderators do")
    assert not CommunityGuidelines.objects.exists()


def test_saved_guidelines_replace_the_default_and_are_sanitized_once(client):
    guidelines = guidelines_update(
        title="House rules",
        body='<p>Be <strong>kind</strong>.</p><script>alert("x")</script>',
    )
    assert "<script" not in guidelines.body_html
    assert "<strong>kind</strong>" in guidelines.body_html
    response = client.get(URL)
    assertContains(response, "<title>House rules · Newsroom</title>", html=False)
    assertContains(response, "<strong>kind</strong>", html=False)
    assertNotContains(response, "alert(")
    assertNotContains(response, "What moderators do")


def test_saving_again_keeps_one_page(client):
    guidelines_update(title="First", body="<p>One.</p>")
    guidelines_update(title="Second", body="<p>Two.</p>")
    assert CommunityGuidelines.objects.count() == 1
    assertContains(client.get(URL), "Two.")


def test_the_cached_page_is_refreshed_when_the_guidelines_are_saved(
    client, settings, django_capture_on_commit_callbacks
):
    settings.NEWSROOM_PAGE_CACHE = True
    page_cache._invalidate_everything_when_back = False
    first = client.get(URL)
    assert "public" in first["Cache-Control"]
    assert "guidelines" in first["Cache-Tag"]
    assertContains(client.get(URL), "Be civil.")
    with django_capture_on_commit_callbacks(execute=True):
        guidelines_update(title="Rules", body="<p>No shouting.</p>")
    assertContains(client.get(URL), "No shouting.")


def test_the_comment_form_links_to_the_guidelines(client, article, commenter):
    client.force_login(commenter)
    response = client.get(article.get_absolute_url())
    assertContains(response, f'<a href="{URL}">community guidelines</a>', html=False)


def test_no_form_no_link_for_anonymous_readers(client, article):
    assertNotContains(client.get(article.get_absolute_url()), f'href="{URL}"')


@pytest.mark.parametrize(
    ("status", "action"),
    [(Comment.Status.PENDING, "remove"), (Comment.Status.VISIBLE, "remove")],
    ids=["held-then-refused", "removed"],
)
def test_the_moderation_email_points_at_the_guidelines(
    article, commenter, moderator, settings, django_capture_on_commit_callbacks, status, action
):
    settings.NEWSROOM_BASE_URL = "https://news.example.org"
    comment = CommentFactory(article=article, author=commenter, status=status)
    with django_capture_on_commit_callbacks(execute=True):
        comment_moderate(comments=[comment], by=moderator, action=action, reason="off_topic")
    assert len(mail.outbox) == 1
    assert "https://news.example.org/community-guidelines/" in mail.outbox[0].body


def test_an_approval_email_needs_no_guidelines(
    article, commenter, moderator, settings, django_capture_on_commit_callbacks
):
    settings.NEWSROOM_BASE_URL = "https://news.example.org"
    comment = CommentFactory(article=article, author=commenter, status=Comment.Status.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        comment_moderate(comments=[comment], by=moderator, action="approve")
    assert "community-guidelines" not in mail.outbox[0].body


# Who edits them ------------------------------------------------------------------------


def test_an_editor_writes_the_guidelines_in_the_admin_then_edits_them(
    client, django_capture_on_commit_callbacks
):
    client.force_login(staff_user("edith", "Editor"))
    changelist = reverse("admin:articles_communityguidelines_changelist")
    response = client.get(changelist)
    assert response["Location"] == reverse("admin:articles_communityguidelines_add")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:articles_communityguidelines_add"),
            {"title": "House rules", "body": "<p>Be civil.</p>"},
        )
    assert response.status_code == 302
    guidelines = CommunityGuidelines.objects.get()
    assert client.get(changelist)["Location"] == reverse(
        "admin:articles_communityguidelines_change", args=[guidelines.pk]
    )
    response = client.post(
        reverse("admin:articles_communityguidelines_change", args=[guidelines.pk]),
        {"title": "House rules", "body": "<p>Be civil, stay on topic.</p>"},
    )
    assert response.status_code == 302
    assertContains(client.get(URL), "stay on topic")
    # One page: no second one, no deleting it.
    assert client.get(reverse("admin:articles_communityguidelines_add")).status_code == 403
    delete = reverse("admin:articles_communityguidelines_delete", args=[guidelines.pk])
    assert client.get(delete).status_code == 403


def test_an_empty_body_is_refused_with_the_title_kept(client):
    client.force_login(staff_user("edith", "Editor"))
    response = client.post(
        reverse("admin:articles_communityguidelines_add"), {"title": "House rules", "body": ""}
    )
    assert response.status_code == 200
    assertContains(response, "This field is required.")
    assertContains(response, 'value="House rules"')
    assert not CommunityGuidelines.objects.exists()


@pytest.mark.parametrize("role", ["Writer", "Moderator"])
def test_writers_and_moderators_may_not_edit_the_guidelines(client, role):
    guidelines = guidelines_update(title="House rules", body="<p>Be civil.</p>")
    client.force_login(staff_user("someone", role))
    change = reverse("admin:articles_communityguidelines_change", args=[guidelines.pk])
    assert client.get(change).status_code == 403
    response = client.post(change, {"title": "Anything goes", "body": "<p>Anything.</p>"})
    assert response.status_code == 403
    assert CommunityGuidelines.objects.get().title == "House rules"


def test_the_service_refuses_who_may_not_edit_them():
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        guidelines_update(title="X", body="<p>Y</p>", by=staff_user("wes", "Writer"))
    assert not CommunityGuidelines.objects.exists()


def test_a_deploy_renders_guidelines_made_by_older_renderers_again():
    from articles.apps import render_stale_html

    guidelines_update(title="House rules", body="<p>Be civil.</p>")
    CommunityGuidelines.objects.update(body_html="", html_version=0)
    render_stale_html(sender=None, using="default", verbosity=0)
    assert CommunityGuidelines.objects.get().body_html == "<p>Be civil.</p>"
