"""Suspensions (until a time, ending by themselves) and warnings (acknowledged before the
next comment), beside the ban."""

from datetime import timedelta

from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

import pytest
import time_machine
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Comment, CommenterSuspension, CommenterWarning, ModerationLogEntry
from articles.permissions import ArticlePermissions, Refusal
from articles.services import (
    commenter_suspend,
    commenter_warn,
    commenter_warning_acknowledge,
)
from tests.factories import CommentFactory
from tests.helpers import post_comment, warm_remembered

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site_address(settings):
    """The services below mail from outside a request: their links are on the site's address."""
    settings.NEWSROOM_BASE_URL = "https://news.example.org"


# Suspensions ---------------------------------------------------------------------------


def test_a_suspended_reader_cannot_comment_until_then_and_is_told_when(
    client, article, commenter, moderator
):
    until = timezone.now() + timedelta(days=3)
    commenter_suspend(user=commenter, by=moderator, until=until, reason="Flame war")
    assert ArticlePermissions(commenter, article).comment_refusal == Refusal.SUSPENDED
    client.force_login(commenter)
    page = client.get(article.get_absolute_url())
    assertContains(page, "You are suspended from commenting until")
    assertNotContains(page, 'class="comment-form"')
    response = post_comment(client, article, "Let me in")
    assert response.status_code == 403
    assertContains(response, "You are suspended from commenting until", status_code=403)
    assertContains(response, "Let me in", status_code=403)
    assert not Comment.objects.exists()
    entry = ModerationLogEntry.objects.get()
    assert (entry.action, entry.target_user, entry.explanation) == (
        "suspend",
        commenter,
        "Flame war",
    )


def test_the_suspended_reader_is_emailed_why_and_until_when(
    commenter, moderator, django_capture_on_commit_callbacks
):
    until = timezone.now() + timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        commenter_suspend(user=commenter, by=moderator, until=until, reason="Personal attacks")
    [message] = mail.outbox
    assert message.to == [commenter.email]
    assert message.subject == "You are suspended from commenting"
    assert "Reason: Personal attacks" in message.body
    assert str(timezone.localtime(until).year) in message.body


def test_a_suspension_ends_by_itself(client, article, commenter, moderator):
    until = timezone.now() + timedelta(hours=2)
    commenter_suspend(user=commenter, by=moderator, until=until, reason="Cool off")
    client.force_login(commenter)
    with time_machine.travel(until - timedelta(minutes=1)):
        assert post_comment(client, article, "Too early").status_code == 403
    with time_machine.travel(until + timedelta(minutes=1)):
        assert ArticlePermissions(commenter, article).comment_refusal is None
        assert post_comment(client, article, "Back again").status_code == 302
    assert Comment.objects.get().body == "Back again"


def test_a_suspended_reader_cannot_report_either(article, commenter, moderator):
    from articles.permissions import CommentPermissions

    other = CommentFactory(article=article)
    commenter_suspend(
        user=commenter, by=moderator, until=timezone.now() + timedelta(days=1), reason="x"
    )
    assert not CommentPermissions(commenter, other).can_report()


def test_suspend_checks_who_and_when(article, commenter, moderator, stranger):
    with pytest.raises(PermissionDenied):
        commenter_suspend(
            user=commenter, by=stranger, until=timezone.now() + timedelta(days=1), reason="x"
        )
    with pytest.raises(ValidationError):
        commenter_suspend(
            user=commenter, by=moderator, until=timezone.now() - timedelta(days=1), reason="x"
        )
    with pytest.raises(ValidationError):
        commenter_suspend(
            user=moderator, by=moderator, until=timezone.now() + timedelta(days=1), reason="x"
        )
    assert not CommenterSuspension.objects.exists()


def test_moderators_suspend_from_the_admin_by_username(client, commenter, moderator):
    client.force_login(moderator)
    add = reverse("admin:articles_commentersuspension_add")
    assertContains(client.get(add, {"user": "commenter"}), 'value="commenter"')
    until = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    response = client.post(
        add,
        {
            "user": "commenter",
            "until_0": until.strftime("%Y-%m-%d"),
            "until_1": until.strftime("%H:%M:%S"),
            "reason": "Personal attacks",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    suspension = CommenterSuspension.objects.get()
    assert (suspension.user, suspension.suspended_by) == (commenter, moderator)
    bad = client.post(
        add, {"user": "nobody", "until_0": "2000-01-01", "until_1": "00:00", "reason": "x"}
    )
    assertContains(bad, "No reader has that username.")
    assert CommenterSuspension.objects.count() == 1


def test_readers_and_editors_cannot_suspend_in_the_admin(client, editor, commenter):
    client.force_login(editor)
    assert client.get(reverse("admin:articles_commentersuspension_add")).status_code == 403


# Warnings ------------------------------------------------------------------------------


def test_a_warned_reader_acknowledges_before_commenting_again_without_js(
    client, article, commenter, moderator
):
    warning = commenter_warn(user=commenter, by=moderator, message="Please keep it civil.")
    client.force_login(commenter)
    page = client.get(article.get_absolute_url())
    assertContains(page, "Please keep it civil.")
    assertContains(page, "I understand")
    assertNotContains(page, 'class="comment-form"')
    acknowledge = reverse("articles:warning-acknowledge", args=[warning.pk])
    assertContains(page, f'action="{acknowledge}"')
    assert post_comment(client, article, "Not yet").status_code == 403

    response = client.post(acknowledge, {"next": article.get_absolute_url() + "#comments"})
    assert response.status_code == 302
    assert response["Location"] == article.get_absolute_url() + "#comments"
    page = client.get(response["Location"])
    assertContains(page, "You can comment again.")
    assertContains(page, 'class="comment-form"')
    assertNotContains(page, "Please keep it civil.")
    assert post_comment(client, article, "Civil now").status_code == 302
    warning.refresh_from_db()
    assert warning.acknowledged_at is not None
    assert list(ModerationLogEntry.objects.order_by("pk").values_list("action", flat=True)) == [
        "warn",
        "acknowledge",
    ]


def test_acknowledging_needs_a_post_and_only_the_warned_reader(
    client, commenter, stranger, moderator
):
    warning = commenter_warn(user=commenter, by=moderator, message="Mind the tone.")
    url = reverse("articles:warning-acknowledge", args=[warning.pk])
    client.force_login(commenter)
    assert client.get(url).status_code == 405
    client.force_login(stranger)
    assert client.post(url).status_code == 404
    with pytest.raises(PermissionDenied):
        commenter_warning_acknowledge(warning=warning, by=stranger)
    warning.refresh_from_db()
    assert warning.acknowledged_at is None


def test_acknowledging_does_not_redirect_off_site(client, commenter, moderator):
    warning = commenter_warn(user=commenter, by=moderator, message="Mind the tone.")
    client.force_login(commenter)
    response = client.post(
        reverse("articles:warning-acknowledge", args=[warning.pk]),
        {"next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("articles:home")


def test_warn_is_for_moderators(commenter, stranger):
    with pytest.raises(PermissionDenied):
        commenter_warn(user=commenter, by=stranger, message="Boo")
    assert not CommenterWarning.objects.exists()


def test_moderators_warn_from_the_admin(client, commenter, moderator):
    client.force_login(moderator)
    response = client.post(
        reverse("admin:articles_commenterwarning_add"),
        {"user": "commenter", "message": "Stay on topic."},
    )
    assert response.status_code == 302
    assert CommenterWarning.objects.get().message == "Stay on topic."


def test_the_article_page_asks_ban_suspension_and_warning_in_one_query(
    client, article, commenter, moderator, django_assert_max_num_queries
):
    commenter_warn(user=commenter, by=moderator, message="Read me.")
    commenter_suspend(
        user=commenter, by=moderator, until=timezone.now() + timedelta(hours=1), reason="x"
    )
    CommentFactory.create_batch(3, article=article)
    client.force_login(commenter)
    warm_remembered()
    with django_assert_max_num_queries(10):
        response = client.get(article.get_absolute_url())
    assertContains(response, "You are suspended from commenting until")
