"""Removing a comment takes a reason; the author is sent a statement of reasons."""

from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Comment, ModerationLogEntry
from articles.services import comment_moderate
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:articles_comment_changelist")


@pytest.fixture(autouse=True)
def _base_url(settings):
    # Services called outside a request build their mails' links on the base URL.
    settings.NEWSROOM_BASE_URL = "https://news.example.org"


def test_removing_without_a_reason_is_refused_and_changes_nothing(article, commenter, moderator):
    comment = CommentFactory(article=article, author=commenter)
    with pytest.raises(ValidationError) as error:
        comment_moderate(comments=[comment], by=moderator, action="remove")
    assert "Choose why the comment is removed" in str(error.value)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.VISIBLE
    assert not ModerationLogEntry.objects.exists()


def test_an_unknown_reason_is_refused(article, commenter, moderator):
    comment = CommentFactory(article=article, author=commenter)
    with pytest.raises(ValidationError):
        comment_moderate(comments=[comment], by=moderator, action="remove", reason="boring")


def test_removal_keeps_reason_on_comment_and_log_and_mails_statement_of_reasons(
    article, commenter, moderator, settings, django_capture_on_commit_callbacks
):
    settings.NEWSROOM_BASE_URL = "https://news.example.org"
    comment = CommentFactory(article=article, author=commenter, body="You are all idiots.")
    with django_capture_on_commit_callbacks(execute=True):
        count = comment_moderate(
            comments=[comment],
            by=moderator,
            action="remove",
            reason="abusive",
            explanation="Insults are not arguments.",
        )
    assert count == 1
    comment.refresh_from_db()
    assert (comment.status, comment.removal_reason) == (Comment.Status.REMOVED, "abusive")
    assert comment.removal_explanation == "Insults are not arguments."
    assert comment.removed_at is not None
    entry = ModerationLogEntry.objects.get()
    assert (entry.action, entry.reason, entry.explanation) == (
        "remove",
        "abusive",
        "Insults are not arguments.",
    )
    [message] = mail.outbox
    assert message.to == [commenter.email]
    assert message.subject == "Your comment was removed"
    assert "You are all idiots." in message.body
    assert "Reason: Abusive or insulting" in message.body
    assert "The moderator's explanation: Insults are not arguments." in message.body
    appeal = "https://news.example.org" + reverse("articles:comment-appeal", args=[comment.pk])
    assert appeal in message.body
    assert "appeal within 14 days" in message.body


def test_the_statement_links_the_community_guidelines(
    article, commenter, moderator, django_capture_on_commit_callbacks, settings
):
    settings.NEWSROOM_BASE_URL = "https://news.example.org"
    comment = CommentFactory(article=article, author=commenter)
    with django_capture_on_commit_callbacks(execute=True):
        comment_moderate(comments=[comment], by=moderator, action="remove", reason="spam")
    assert (
        "Our community guidelines: https://news.example.org/community-guidelines/"
        in mail.outbox[0].body
    )


def test_spam_implies_the_spam_reason_and_mails_nobody(
    article, commenter, moderator, django_capture_on_commit_callbacks
):
    comment = CommentFactory(article=article, author=commenter)
    with django_capture_on_commit_callbacks(execute=True):
        comment_moderate(comments=[comment], by=moderator, action="spam")
    comment.refresh_from_db()
    assert comment.removal_reason == "spam"
    assert ModerationLogEntry.objects.get().reason == "spam"
    assert mail.outbox == []


def test_approving_again_clears_the_removal(article, commenter, moderator):
    comment = CommentFactory(article=article, author=commenter)
    comment_moderate(comments=[comment], by=moderator, action="remove", reason="hate")
    comment_moderate(comments=[comment], by=moderator, action="approve")
    comment.refresh_from_db()
    assert (comment.status, comment.removal_reason, comment.removed_at) == ("visible", "", None)


# The admin's "remove" action asks for the reason ------------------------------------------


def test_remove_action_asks_for_a_reason_on_a_page_listing_the_comments(client, article, moderator):
    comments = [CommentFactory(article=article, body=f"Comment number {n}") for n in range(2)]
    client.force_login(moderator)
    page = client.post(QUEUE, {"action": "remove", "_selected_action": [c.pk for c in comments]})
    assertContains(page, "You are removing 2 comments.")
    assertContains(page, "Comment number 0")
    assertContains(page, "Comment number 1")
    assertContains(page, '<option value="harassment">Harassment</option>', html=True)
    assert set(Comment.objects.values_list("status", flat=True)) == {"visible"}


def test_remove_action_without_a_reason_shows_the_page_again_with_the_text_kept(
    client, article, moderator
):
    comment = CommentFactory(article=article)
    client.force_login(moderator)
    page = client.post(
        QUEUE,
        {
            "action": "remove",
            "_selected_action": [comment.pk],
            "apply": "1",
            "explanation": "Kept text",
        },
    )
    assertContains(page, "Choose why: the author is told the reason.")
    assertContains(page, "Kept text")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.VISIBLE


def test_other_reason_needs_an_explanation(client, article, moderator):
    comment = CommentFactory(article=article)
    client.force_login(moderator)
    page = client.post(
        QUEUE,
        {"action": "remove", "_selected_action": [comment.pk], "apply": "1", "reason": "other"},
    )
    assertContains(page, "Say what the other reason is.")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.VISIBLE


@pytest.mark.parametrize(
    ("count", "message"), [(1, "1 comment removed."), (2, "2 comments removed.")]
)
def test_remove_action_with_a_reason_removes_and_says_how_many(
    client, article, moderator, count, message
):
    comments = CommentFactory.create_batch(count, article=article)
    client.force_login(moderator)
    response = client.post(
        QUEUE,
        {
            "action": "remove",
            "_selected_action": [c.pk for c in comments],
            "apply": "1",
            "reason": "personal_data",
        },
        follow=True,
    )
    assertContains(response, message)
    assertNotContains(response, "1 comments")
    assert set(Comment.objects.values_list("removal_reason", flat=True)) == {"personal_data"}


@pytest.mark.parametrize(
    ("action", "count", "message"),
    [
        ("approve", 1, "1 comment approved."),
        ("approve", 3, "3 comments approved."),
        ("mark_spam", 1, "1 comment marked as spam."),
        ("mark_spam", 2, "2 comments marked as spam."),
    ],
)
def test_action_messages_are_pluralized(client, article, moderator, action, count, message):
    status = "pending" if action == "approve" else "visible"
    comments = CommentFactory.create_batch(count, article=article, status=status)
    client.force_login(moderator)
    response = client.post(
        QUEUE, {"action": action, "_selected_action": [c.pk for c in comments]}, follow=True
    )
    assertContains(response, message)


def test_the_log_shows_reasons(client, article, moderator):
    comment = CommentFactory(article=article)
    comment_moderate(
        comments=[comment], by=moderator, action="remove", reason="misinformation",
        explanation="The study says the opposite.",
    )  # fmt: skip
    client.force_login(moderator)
    page = client.get(reverse("admin:articles_moderationlogentry_changelist"))
    assertContains(page, "Misinformation")
    assertContains(page, "The study says the opposite.")
