"""A reader's history for moderators: comments, holds, removals, reports, standing, notes."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Comment, CommentReport, ReaderNote
from articles.services import (
    comment_moderate,
    commenter_ban,
    commenter_suspend,
    commenter_warn,
)
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.NEWSROOM_BASE_URL = "https://news.example.org"


def history_url(user):
    return reverse("admin:articles_comment_reader", args=[user.pk])


def test_the_history_shows_comments_removals_reports_and_standing(
    client, article, commenter, stranger, moderator
):
    kept = CommentFactory(article=article, author=commenter, body="A kept comment")
    CommentFactory(
        article=article,
        author=commenter,
        body="A held comment",
        status=Comment.Status.PENDING,
        held_reason="It contains more links than the site allows without review.",
    )
    gone = CommentFactory(article=article, author=commenter, body="A removed comment")
    comment_moderate(
        comments=[gone], by=moderator, action="remove", reason="hate", explanation="Slur."
    )
    CommentReport.objects.create(comment=kept, reporter=stranger, reason="off_topic", note="Meh")
    their_target = CommentFactory(article=article, author=stranger, body="Stranger's words")
    CommentReport.objects.create(comment=their_target, reporter=commenter, reason="spam")
    commenter_warn(user=commenter, by=moderator, message="Mind your words.")
    commenter_suspend(
        user=commenter, by=moderator, until=timezone.now() + timedelta(days=1), reason="Cool off"
    )
    client.force_login(moderator)
    page = client.get(history_url(commenter))
    for text in (
        "History of commenter",
        "A kept comment",
        "A held comment",
        "It contains more links than the site allows without review.",
        "A removed comment",
        "Hate speech: Slur.",
        "Off topic",
        "Meh",
        "Stranger&#x27;s words",
        "Mind your words.",
        "not acknowledged yet",
        "Cool off",
        "(current)",
    ):
        assertContains(page, text)
    assertNotContains(page, "Banned on")
    commenter_ban(user=commenter, by=moderator, reason="Enough")
    assertContains(client.get(history_url(commenter)), "Banned on")


def test_moderators_add_notes_and_the_text_is_kept_when_empty(client, commenter, moderator):
    client.force_login(moderator)
    response = client.post(history_url(commenter), {"text": "Often sarcastic, never abusive."})
    assert response.status_code == 302
    page = client.get(history_url(commenter))
    assertContains(page, "Often sarcastic, never abusive.")
    assertContains(page, "Note added.")
    note = ReaderNote.objects.get()
    assert (note.user, note.by) == (commenter, moderator)
    response = client.post(history_url(commenter), {"text": "  "})
    assertContains(response, "This field is required.")
    assert ReaderNote.objects.count() == 1


@pytest.mark.parametrize("role", ["editor", "commenter"])
def test_only_moderators_see_a_history(client, commenter, request, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get(history_url(commenter))
    assert response.status_code in (302, 403)
    response = client.post(history_url(commenter), {"text": "Sneaky"})
    assert response.status_code in (302, 403)
    assert not ReaderNote.objects.exists()


def test_an_unknown_reader_is_404(client, moderator):
    client.force_login(moderator)
    assert client.get(reverse("admin:articles_comment_reader", args=[999999])).status_code == 404


def test_the_history_costs_the_same_for_many_comments_and_is_paginated(
    client, article, commenter, moderator, django_assert_max_num_queries
):
    client.force_login(moderator)
    CommentFactory.create_batch(3, article=article, author=commenter)
    with django_assert_max_num_queries(20) as few:
        client.get(history_url(commenter))
    CommentFactory.create_batch(60, article=article, author=commenter, body="Bulk comment")
    for n in range(5):
        CommentReport.objects.create(
            comment=Comment.objects.filter(author=commenter).first(),
            reporter=UserFactory(username=f"r{n}"),
            reason="spam",
        )
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        page = client.get(history_url(commenter))
    assert len(many.captured_queries) == len(few.captured_queries)
    assertContains(page, "Page 1 of 2")
    assert page.content.decode().count("Bulk comment") == 50
    assertContains(client.get(history_url(commenter), {"p": 2}), "Page 2 of 2")
