"""Appeals: the author of a removed comment asks again; a moderator decides; all logged."""

from datetime import timedelta

from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

import pytest
import time_machine
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Appeal, Comment, ModerationLogEntry
from articles.services import appeal_create, appeal_decide, comment_moderate
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.NEWSROOM_BASE_URL = "https://news.example.org"


@pytest.fixture
def second_moderator(db):
    user = UserFactory(username="second", email="second@example.com", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderator"))
    return user


@pytest.fixture
def removed(article, commenter, moderator):
    comment = CommentFactory(article=article, author=commenter, body="A sharp but fair point.")
    comment_moderate(comments=[comment], by=moderator, action="remove", reason="off_topic")
    comment.refresh_from_db()
    return comment


def appeal_url(comment):
    return reverse("articles:comment-appeal", args=[comment.pk])


def test_the_appeal_page_needs_a_login(client, removed):
    response = client.get(appeal_url(removed))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_only_the_author_sees_the_appeal_page(client, removed, stranger):
    client.force_login(stranger)
    assert client.get(appeal_url(removed)).status_code == 404
    assert client.post(appeal_url(removed), {"text": "Let it be"}).status_code == 404
    assert not Appeal.objects.exists()


def test_a_comment_that_was_not_removed_cannot_be_appealed(client, article, commenter):
    comment = CommentFactory(article=article, author=commenter)
    client.force_login(commenter)
    assertContains(client.get(appeal_url(comment)), "This comment was not removed by a moderator.")
    assert client.post(appeal_url(comment), {"text": "Why?"}).status_code == 403


def test_an_empty_appeal_is_refused_with_a_message(client, removed, commenter):
    client.force_login(commenter)
    response = client.post(appeal_url(removed), {"text": "   "})
    assert response.status_code == 400
    assertContains(response, "Please say why the moderators should look again.", status_code=400)
    assert not Appeal.objects.exists()


def test_appeal_round_trip_reinstated(
    client, removed, commenter, moderator, second_moderator, django_capture_on_commit_callbacks
):
    client.force_login(commenter)
    page = client.get(appeal_url(removed))
    assertContains(page, "A sharp but fair point.")
    assertContains(page, "Removed as: Off topic")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(appeal_url(removed), {"text": "It answers the headline."})
    assert response.status_code == 302
    followed = client.get(response["Location"])
    assertContains(followed, "Your appeal was sent.")
    assertContains(followed, "A moderator will look again and email you the outcome.")
    appeal = Appeal.objects.get()
    assert (appeal.author, appeal.text, appeal.outcome) == (
        commenter,
        "It answers the headline.",
        "open",
    )
    # Moderators are told, with a link to the appeal in the admin.
    assert {tuple(m.to) for m in mail.outbox} == {
        (moderator.email,),
        (second_moderator.email,),
    }
    assert "It answers the headline." in mail.outbox[0].body
    assert reverse("admin:articles_appeal_change", args=[appeal.pk]) in mail.outbox[0].body
    mail.outbox.clear()

    # The queue: open appeals.
    client.force_login(second_moderator)
    queue = client.get(reverse("admin:articles_appeal_changelist"), {"decided": "no"})
    assertContains(queue, "A sharp but fair point.")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:articles_appeal_change", args=[appeal.pk]),
            {"outcome": "reinstated", "decision_note": "Fair enough, it is on topic."},
        )
    assert response.status_code == 302
    appeal.refresh_from_db()
    removed.refresh_from_db()
    assert (appeal.outcome, appeal.decided_by) == ("reinstated", second_moderator)
    assert removed.status == Comment.Status.VISIBLE
    [message] = mail.outbox
    assert message.to == [commenter.email]
    assert message.subject == "Your appeal succeeded: your comment is back"
    assert "Fair enough, it is on topic." in message.body
    assert "https://news.example.org" + removed.get_absolute_url() in message.body
    actions = list(ModerationLogEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["remove", "appeal", "approve", "reinstate"]
    # The page (cache invalidated) shows the comment again.
    client.logout()
    assertContains(client.get(removed.article.get_absolute_url()), "A sharp but fair point.")


def test_appeal_round_trip_upheld(
    removed, commenter, second_moderator, django_capture_on_commit_callbacks
):
    appeal = appeal_create(comment=removed, by=commenter, text="Please")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        appeal_decide(appeal=appeal, by=second_moderator, outcome="upheld", note="Still off topic.")
    removed.refresh_from_db()
    assert removed.status == Comment.Status.REMOVED
    [message] = mail.outbox
    assert message.subject == "Your appeal was decided: the removal stands"
    assert "upheld the removal" in message.body
    assert "Still off topic." in message.body
    assert ModerationLogEntry.objects.filter(action="uphold").count() == 1
    with pytest.raises(PermissionDenied, match="already been decided"):
        appeal_decide(appeal=appeal, by=second_moderator, outcome="reinstated")


def test_one_appeal_per_removal(client, removed, commenter):
    appeal_create(comment=removed, by=commenter, text="First")
    with pytest.raises(ValidationError, match="already appealed"):
        appeal_create(comment=removed, by=commenter, text="Second")
    client.force_login(commenter)
    assert client.post(appeal_url(removed), {"text": "Third"}).status_code == 403
    assert Appeal.objects.count() == 1


def test_appeals_close_after_the_window(client, removed, commenter, settings):
    settings.NEWSROOM_APPEAL_DAYS = 2
    client.force_login(commenter)
    with time_machine.travel(removed.removed_at + timedelta(days=1, hours=23)):
        assertNotContains(client.get(appeal_url(removed)), "The time to appeal")
    with time_machine.travel(removed.removed_at + timedelta(days=2, minutes=1)):
        assertContains(
            client.get(appeal_url(removed)), "The time to appeal this removal has passed."
        )
        assert client.post(appeal_url(removed), {"text": "Late"}).status_code == 403
    assert not Appeal.objects.exists()


def test_a_moderator_does_not_decide_the_appeal_of_their_own_removal(
    removed, commenter, moderator, second_moderator
):
    appeal = appeal_create(comment=removed, by=commenter, text="Please")
    with pytest.raises(PermissionDenied, match="another moderator decides"):
        appeal_decide(appeal=appeal, by=moderator, outcome="reinstated")
    appeal_decide(appeal=appeal, by=second_moderator, outcome="upheld")


def test_the_only_moderator_may_decide_their_own_removal(removed, commenter, moderator):
    appeal = appeal_create(comment=removed, by=commenter, text="Please")
    appeal_decide(appeal=appeal, by=moderator, outcome="reinstated")
    removed.refresh_from_db()
    assert removed.status == Comment.Status.VISIBLE


def test_readers_and_editors_cannot_decide_appeals(client, removed, commenter, editor):
    appeal = appeal_create(comment=removed, by=commenter, text="Please")
    with pytest.raises(PermissionDenied):
        appeal_decide(appeal=appeal, by=commenter, outcome="reinstated")
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_appeal_change", args=[appeal.pk]), {"outcome": "reinstated"}
    )
    assert response.status_code == 403
    appeal.refresh_from_db()
    assert appeal.is_open


def test_the_admin_form_refuses_an_open_outcome_and_keeps_the_note(
    client, removed, commenter, second_moderator
):
    appeal = appeal_create(comment=removed, by=commenter, text="Please")
    client.force_login(second_moderator)
    response = client.post(
        reverse("admin:articles_appeal_change", args=[appeal.pk]),
        {"outcome": "open", "decision_note": "Thinking"},
    )
    assertContains(response, "Uphold the removal or reinstate.")
    assertContains(response, "Thinking")
    appeal.refresh_from_db()
    assert appeal.is_open


def test_the_data_download_includes_removal_reasons_and_appeals(client, removed, commenter):
    appeal_create(comment=removed, by=commenter, text="Please look again")
    client.force_login(commenter)
    data = client.get(reverse("accounts:data")).json()
    [comment] = data["comments"]
    assert comment["removal_reason"] == "off_topic"
    assert [a["text"] for a in data["appeals"]] == ["Please look again"]
