"""Dismissing the reports on a comment that stays; report reasons shown to moderators."""

from django.core.exceptions import PermissionDenied
from django.urls import reverse

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Comment, CommentReport, ModerationLogEntry
from articles.services import comment_reports_dismiss
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:articles_comment_changelist")


@pytest.fixture
def reported(article):
    comment = CommentFactory(article=article, body="Unpopular but fine")
    CommentReport.objects.create(
        comment=comment, reporter=UserFactory(), reason="off_topic", note="Not about the bridge"
    )
    CommentReport.objects.create(comment=comment, reporter=UserFactory(), reason="abuse")
    return comment


def test_dismissing_closes_open_reports_keeps_the_comment_and_logs(reported, moderator):
    assert comment_reports_dismiss(comment=reported, by=moderator, note="Robust, not abusive") == 2
    reported.refresh_from_db()
    assert reported.status == Comment.Status.VISIBLE
    assert set(CommentReport.objects.values_list("is_dismissed", flat=True)) == {True}
    assert CommentReport.objects.filter(resolved_at__isnull=True).count() == 0
    entry = ModerationLogEntry.objects.get()
    assert (entry.action, entry.comment, entry.explanation) == (
        "dismiss",
        reported,
        "Robust, not abusive",
    )
    # Nothing left to dismiss: nothing logged.
    assert comment_reports_dismiss(comment=reported, by=moderator) == 0
    assert ModerationLogEntry.objects.count() == 1


def test_only_moderators_dismiss(reported, editor, commenter):
    for user in (editor, commenter):
        with pytest.raises(PermissionDenied):
            comment_reports_dismiss(comment=reported, by=user)
    assert CommentReport.objects.filter(resolved_at__isnull=True).count() == 2


def test_a_dismissed_comment_leaves_the_reported_queue(client, reported, moderator):
    client.force_login(moderator)
    assertContains(client.get(QUEUE, {"reported": "open"}), "Unpopular but fine")
    response = client.post(
        QUEUE,
        {"action": "dismiss_reports", "_selected_action": [reported.pk]},
        follow=True,
    )
    assertContains(response, "2 reports dismissed.")
    assertNotContains(client.get(QUEUE, {"reported": "open"}), "Unpopular but fine")
    assertContains(client.get(QUEUE, {"reported": "any"}), "Unpopular but fine")


def test_the_queue_shows_report_reasons_and_notes(client, reported, moderator):
    client.force_login(moderator)
    page = client.get(QUEUE, {"reported": "open"})
    assertContains(page, "Off topic: “Not about the bridge”")
    assertContains(page, "Abusive or harassing")


def test_the_change_page_shows_report_reasons_and_dismisses(client, reported, moderator):
    client.force_login(moderator)
    change = reverse("admin:articles_comment_change", args=[reported.pk])
    page = client.get(change)
    assertContains(page, "Not about the bridge")
    assertContains(page, "Abusive or harassing")
    response = client.post(
        reverse("admin:articles_comment_moderate", args=[reported.pk]),
        {"moderation": "dismiss", "note": "Fine"},
        follow=True,
    )
    assertContains(response, "2 reports dismissed.")
    reported.refresh_from_db()
    assert reported.status == Comment.Status.VISIBLE


def test_one_report_dismissed_is_singular(client, article, moderator):
    comment = CommentFactory(article=article)
    CommentReport.objects.create(comment=comment, reporter=UserFactory(), reason="spam")
    client.force_login(moderator)
    response = client.post(
        QUEUE, {"action": "dismiss_reports", "_selected_action": [comment.pk]}, follow=True
    )
    assertContains(response, "1 report dismissed.")
