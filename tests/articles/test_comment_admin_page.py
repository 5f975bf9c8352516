"""The comment's own admin page: approve, remove with a reason, spam; links that open."""

from django.core import mail
from django.urls import reverse

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Comment, ModerationLogEntry
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db


def change_url(comment):
    return reverse("admin:articles_comment_change", args=[comment.pk])


def moderate_url(comment):
    return reverse("admin:articles_comment_moderate", args=[comment.pk])


def test_moderators_see_the_buttons_editors_do_not(client, article, moderator, editor):
    comment = CommentFactory(article=article, status=Comment.Status.PENDING)
    client.force_login(moderator)
    page = client.get(change_url(comment))
    assertContains(page, 'value="approve"')
    assertContains(page, 'value="remove"')
    assertContains(page, 'value="spam"')
    client.force_login(editor)
    page = client.get(change_url(comment))
    assert page.status_code == 200
    assertNotContains(page, 'value="approve"')


def test_approve_from_the_change_page(client, article, commenter, moderator):
    comment = CommentFactory(article=article, author=commenter, status=Comment.Status.PENDING)
    client.force_login(moderator)
    response = client.post(moderate_url(comment), {"moderation": "approve"}, follow=True)
    assertContains(response, "1 comment approved.")
    assert response.redirect_chain[-1][0] == change_url(comment)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.VISIBLE


def test_remove_from_the_change_page_takes_a_reason(
    client, article, commenter, moderator, django_capture_on_commit_callbacks
):
    comment = CommentFactory(article=article, author=commenter)
    client.force_login(moderator)
    page = client.post(moderate_url(comment), {"moderation": "remove", "explanation": "Kept"})
    assertContains(page, "Choose why: the author is told the reason.")
    assertContains(page, "Kept")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.VISIBLE
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            moderate_url(comment),
            {"moderation": "remove", "reason": "harassment", "explanation": "Targets a person."},
            follow=True,
        )
    assertContains(response, "1 comment removed.")
    comment.refresh_from_db()
    assert (comment.status, comment.removal_reason) == (Comment.Status.REMOVED, "harassment")
    assert "Reason: Harassment" in mail.outbox[0].body


def test_spam_from_the_change_page(client, article, moderator):
    comment = CommentFactory(article=article)
    client.force_login(moderator)
    client.post(moderate_url(comment), {"moderation": "spam"})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.SPAM
    assert ModerationLogEntry.objects.get().action == "spam"


@pytest.mark.parametrize("role", ["editor", "commenter"])
def test_only_moderators_may_post_the_buttons(client, article, request, role):
    comment = CommentFactory(article=article, status=Comment.Status.PENDING)
    client.force_login(request.getfixturevalue(role))
    response = client.post(moderate_url(comment), {"moderation": "approve"})
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert "login" in response["Location"]
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert not ModerationLogEntry.objects.exists()


def test_the_buttons_need_a_post(client, article, moderator):
    comment = CommentFactory(article=article)
    client.force_login(moderator)
    assert client.get(moderate_url(comment)).status_code == 405


def test_the_article_and_author_links_open_for_moderators(client, article, commenter, moderator):
    comment = CommentFactory(article=article, author=commenter)
    client.force_login(moderator)
    page = client.get(change_url(comment))
    history = reverse("admin:articles_comment_reader", args=[commenter.pk])
    assertContains(page, f'href="{article.get_absolute_url()}"')
    assertContains(page, f'href="{history}"')
    # Django's own links to change pages moderators may not open are gone.
    assertNotContains(page, reverse("admin:articles_article_change", args=[article.pk]))
    assertNotContains(page, reverse("admin:accounts_user_change", args=[commenter.pk]))
    assert client.get(article.get_absolute_url()).status_code == 200
    assert client.get(history).status_code == 200


def test_the_changelist_row_links_to_the_reader_history(client, article, commenter, moderator):
    CommentFactory(article=article, author=commenter)
    client.force_login(moderator)
    page = client.get(reverse("admin:articles_comment_changelist"))
    assertContains(page, reverse("admin:articles_comment_reader", args=[commenter.pk]))
