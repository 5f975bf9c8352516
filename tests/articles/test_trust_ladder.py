"""The trust ladder: newcomers held until N approvals, back to pre-moderation after
removals, and moderators' "trusted" and "always pre-moderate"."""

from django.urls import reverse

import pytest
from pytest_django.asserts import assertContains

from articles.models import (
    Comment,
    CommenterTrust,
    ModerationLogEntry,
    ModerationSettings,
    WordRule,
)
from articles.services import comment_moderate, commenter_trust_set
from tests.factories import CommentFactory
from tests.helpers import post_comment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def base_url(settings):
    # comment_moderate, called directly, mails the author links on the site's address.
    settings.NEWSROOM_BASE_URL = "https://news.example.org"
    settings.NEWSROOM_COMMENT_RATE = "100/m"


def set_moderation(**values):
    row = ModerationSettings.load()
    for name, value in values.items():
        setattr(row, name, value)
    row.save()


def posted(client, article, body) -> Comment:
    post_comment(client, article, body)
    return Comment.objects.get(body=body)


def test_nobody_is_held_for_being_new_by_default(client, article, commenter):
    assert ModerationSettings.load().approvals_before_trusted == 0
    client.force_login(commenter)
    assert posted(client, article, "First!").status == Comment.Status.VISIBLE


def test_the_environment_sets_the_ladder(settings):
    settings.NEWSROOM_COMMENT_TRUSTED_AFTER = 3
    assert ModerationSettings.load().approvals_before_trusted == 3


def test_with_two_needed_comments_are_held_until_two_are_approved(
    client, article, commenter, moderator
):
    set_moderation(approvals_before_trusted=2)
    client.force_login(commenter)
    first = posted(client, article, "One")
    assert first.status == Comment.Status.PENDING
    assert first.held_reason == "A moderator approves a commenter's first 2 comments."
    comment_moderate(comments=[first], by=moderator, action="approve")
    second = posted(client, article, "Two")
    assert second.status == Comment.Status.PENDING
    comment_moderate(comments=[second], by=moderator, action="approve")
    assert posted(client, article, "Three").status == Comment.Status.VISIBLE


def test_one_needed_is_the_old_first_comment_hold(client, article, commenter):
    set_moderation(is_first_comment_held=True)
    assert ModerationSettings.load().approvals_before_trusted == 1
    client.force_login(commenter)
    held = posted(client, article, "One")
    assert held.held_reason == "A moderator approves a commenter's first comment."


def test_a_trusted_reader_is_never_held_by_the_ladder(client, article, commenter, moderator):
    set_moderation(approvals_before_trusted=5)
    commenter_trust_set(user=commenter, level=CommenterTrust.Level.TRUSTED, by=moderator)
    client.force_login(commenter)
    assert posted(client, article, "One").status == Comment.Status.VISIBLE


def test_trusted_readers_still_meet_the_word_rules(client, article, commenter, moderator):
    WordRule.objects.create(phrase="casino", action=WordRule.Action.HOLD)
    commenter_trust_set(user=commenter, level=CommenterTrust.Level.TRUSTED, by=moderator)
    client.force_login(commenter)
    assert posted(client, article, "A casino").status == Comment.Status.PENDING


def test_an_always_premoderated_reader_is_always_held(client, article, commenter, moderator):
    # Approved comments and a post-moderated site do not help.
    CommentFactory.create_batch(3, author=commenter, article=article)
    commenter_trust_set(
        user=commenter, level=CommenterTrust.Level.PREMODERATED, by=moderator, note="Trolling"
    )
    client.force_login(commenter)
    held = posted(client, article, "Hello")
    assert held.status == Comment.Status.PENDING
    assert held.held_reason == "A moderator reviews your comments before they appear."
    response = client.get(article.get_absolute_url())
    assertContains(response, "A moderator reviews your comments before they appear.")


def test_an_always_premoderated_readers_edit_is_held_again(client, article, commenter, moderator):
    comment = CommentFactory(author=commenter, article=article, body="Nice bridge.")
    commenter_trust_set(user=commenter, level=CommenterTrust.Level.PREMODERATED, by=moderator)
    client.force_login(commenter)
    client.post(reverse("articles:comment-edit", kwargs={"pk": comment.pk}), {"body": "Edited."})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_an_edit_is_not_held_by_the_newcomer_ladder(client, article, commenter):
    comment = CommentFactory(author=commenter, article=article, body="Nice bridge.")
    set_moderation(approvals_before_trusted=3)
    client.force_login(commenter)
    client.post(reverse("articles:comment-edit", kwargs={"pk": comment.pk}), {"body": "Edited."})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.VISIBLE


def test_a_reader_often_removed_goes_back_to_premoderation(client, article, commenter, moderator):
    set_moderation(rejections_for_premoderation=2, rejections_window=4)
    client.force_login(commenter)
    first, second = posted(client, article, "One"), posted(client, article, "Two")
    assert first.status == second.status == Comment.Status.VISIBLE
    comment_moderate(comments=[first], by=moderator, action="remove", reason="abusive")
    assert posted(client, article, "Three").status == Comment.Status.VISIBLE
    comment_moderate(comments=[second], by=moderator, action="spam")
    held = posted(client, article, "Four")
    assert held.status == Comment.Status.PENDING
    assert "Several of your recent comments were removed" in held.held_reason
    # Approvals push the removals out of the last four decisions: trusted again.
    comment_moderate(comments=[held], by=moderator, action="approve")
    for body in ("Five", "Six"):
        comment = posted(client, article, body)
        assert comment.status == Comment.Status.PENDING
        comment_moderate(comments=[comment], by=moderator, action="approve")
    assert posted(client, article, "Seven").status == Comment.Status.VISIBLE


def test_the_removal_rule_can_be_turned_off(client, article, commenter, moderator):
    set_moderation(rejections_for_premoderation=0)
    client.force_login(commenter)
    for body in ("One", "Two", "Three", "Four"):
        comment_moderate(
            comments=[posted(client, article, body)],
            by=moderator,
            action="remove",
            reason="abusive",
        )
    assert posted(client, article, "Five").status == Comment.Status.VISIBLE


def test_a_trusted_reader_skips_the_removal_rule(client, article, commenter, moderator):
    set_moderation(rejections_for_premoderation=1)
    client.force_login(commenter)
    comment_moderate(
        comments=[posted(client, article, "One")], by=moderator, action="remove", reason="abusive"
    )
    assert posted(client, article, "Two").status == Comment.Status.PENDING
    commenter_trust_set(user=commenter, level=CommenterTrust.Level.TRUSTED, by=moderator)
    assert posted(client, article, "Three").status == Comment.Status.VISIBLE


def test_setting_trust_is_logged_and_can_be_undone(commenter, moderator, client, article):
    set_moderation(approvals_before_trusted=1)
    commenter_trust_set(user=commenter, level="trusted", by=moderator, note="Local historian")
    entry = ModerationLogEntry.objects.get()
    assert (entry.action, entry.target_user, entry.moderator) == ("trust", commenter, moderator)
    assert "Local historian" in entry.details
    commenter_trust_set(user=commenter, level="", by=moderator)
    assert not CommenterTrust.objects.exists()
    assert ModerationLogEntry.objects.count() == 2
    client.force_login(commenter)
    assert posted(client, article, "Back on the ladder").status == Comment.Status.PENDING


def test_only_moderators_set_trust(commenter, stranger):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        commenter_trust_set(user=commenter, level="trusted", by=stranger)
    assert not CommenterTrust.objects.exists()


def test_moderators_set_trust_in_the_admin(client, commenter, moderator):
    client.force_login(moderator)
    response = client.post(
        reverse("admin:articles_commentertrust_add"),
        {"user": commenter.pk, "level": "premoderated", "note": "Spam links"},
    )
    assert response.status_code == 302
    trust = CommenterTrust.objects.get()
    assert (trust.user, trust.level, trust.set_by) == (commenter, "premoderated", moderator)
    assert ModerationLogEntry.objects.get().action == ModerationLogEntry.Action.TRUST
    response = client.post(
        reverse("admin:articles_commentertrust_delete", args=[trust.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not CommenterTrust.objects.exists()
    assert ModerationLogEntry.objects.count() == 2


def test_readers_cannot_open_the_trust_admin(client, commenter):
    client.force_login(commenter)
    response = client.get(reverse("admin:articles_commentertrust_changelist"))
    assert response.status_code == 302  # to the admin's login


def test_the_removal_rule_cannot_need_more_than_it_counts(admin_client):
    row = ModerationSettings.load()
    row.save()
    response = admin_client.post(
        reverse("admin:articles_moderationsettings_change", args=[row.pk]),
        {
            "mode": "post",
            "max_links": 2,
            "approvals_before_trusted": 0,
            "rejections_for_premoderation": 6,
            "rejections_window": 5,
        },
    )
    assertContains(response, "At most the number of decisions counted (5)")
    row.refresh_from_db()
    assert row.rejections_for_premoderation == 3
