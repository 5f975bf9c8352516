"""The dry run: "Test against recent comments" on a word rule, an email-domain rule and the
moderation settings counts and lists what the typed rule would have done, keeps the form as
typed, saves nothing, and reads in a fixed number of queries."""

from django.urls import reverse

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import (
    CommenterTrust,
    EmailDomainRule,
    ModerationLogEntry,
    ModerationSettings,
    WordRule,
)
from articles.moderation.dry_run import rule_dry_run
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def comments(article):
    """Five recent comments: two mention a casino, one has three links, one is from a
    disposable address."""
    CommentFactory(article=article, body="The casino is closed.")
    CommentFactory(article=article, body="Casino again")
    CommentFactory(
        article=article, body="See https://a.example https://b.example https://c.example"
    )
    CommentFactory(
        article=article,
        body="Hello from a throwaway",
        author=UserFactory(username="throw", email="throw@mailinator.com"),
    )
    return [CommentFactory(article=article, body="A fine bridge.")]


def test_a_proposed_reject_rule_counts_what_it_would_reject(comments):
    result = rule_dry_run(word_rule=WordRule(phrase="casino", action=WordRule.Action.REJECT))
    assert (result.tested, result.held, result.rejected) == (5, 2, 2)
    assert result.summary == ("Against the last 5 comments this would have held 2 and rejected 2.")
    rejected = [entry.comment.body for entry in result.entries if entry.verdict.is_reject]
    assert sorted(rejected) == ["Casino again", "The casino is closed."]
    assert all(entry.is_change for entry in result.entries if entry.verdict.is_reject)
    assert not any(entry.is_change for entry in result.entries if entry.verdict.is_hold)


def test_an_inactive_proposed_rule_changes_nothing(comments):
    result = rule_dry_run(
        word_rule=WordRule(phrase="casino", action=WordRule.Action.REJECT, is_active=False)
    )
    assert (result.held, result.rejected) == (2, 0)


def test_changing_a_saved_rule_replaces_it(comments):
    rule = WordRule.objects.create(phrase="casino", action=WordRule.Action.HOLD)
    rule.action = WordRule.Action.REVISE
    result = rule_dry_run(word_rule=rule)
    assert (result.held, result.revised, result.rejected) == (2, 2, 0)
    assert "asked 2 authors to revise" in result.summary
    rule.is_active = False
    result = rule_dry_run(word_rule=rule)
    assert result.released == 2
    assert "2 comments held or rejected today would have been published." in result.summary


def test_proposed_moderation_settings(comments):
    proposed = ModerationSettings.load()
    proposed.mode = ModerationSettings.Mode.PRE
    assert rule_dry_run(moderation=proposed).held == 5


def test_the_ladder_counts_what_each_author_had_approved_before(article):
    regular = UserFactory(username="regular")
    for body in ("One", "Two", "Three"):
        CommentFactory(article=article, author=regular, body=body)
    proposed = ModerationSettings.load()
    proposed.approvals_before_trusted = 2
    result = rule_dry_run(moderation=proposed)
    assert sorted(entry.comment.body for entry in result.entries) == ["One", "Two"]


def test_trust_and_recent_removals_are_read(article, moderator):
    trusted = UserFactory(username="trusted")
    premoderated = UserFactory(username="premod")
    removed = UserFactory(username="removed")
    CommenterTrust.objects.create(user=trusted, level=CommenterTrust.Level.TRUSTED)
    CommenterTrust.objects.create(user=premoderated, level=CommenterTrust.Level.PREMODERATED)
    for user in (trusted, premoderated, removed):
        CommentFactory(article=article, author=user, body=f"By {user.username}")
    for _ in range(3):
        ModerationLogEntry.objects.create(
            moderator=moderator, action=ModerationLogEntry.Action.REMOVE, target_user=removed
        )
    proposed = ModerationSettings.load()
    proposed.approvals_before_trusted = 5
    held = {entry.comment.body for entry in rule_dry_run(moderation=proposed).entries}
    assert held == {"By premod", "By removed"}


def test_a_proposed_domain_rule(comments):
    result = rule_dry_run(domain_rule=EmailDomainRule(domain="mailinator.com", action="refuse"))
    assert (result.held, result.rejected) == (1, 1)


def test_only_the_newest_comments_are_tested(comments, settings):
    settings.NEWSROOM_DRY_RUN_COMMENTS = 2
    result = rule_dry_run(word_rule=WordRule(phrase="casino", action=WordRule.Action.REJECT))
    assert result.tested == 2


def test_the_dry_run_reads_in_a_fixed_number_of_queries(article, django_assert_max_num_queries):
    for number in range(30):
        CommentFactory(article=article, author=UserFactory(), body=f"casino {number}")
    with django_assert_max_num_queries(7):
        result = rule_dry_run(word_rule=WordRule(phrase="casino", action="reject"))
    assert result.rejected == 30


def test_outside_services_are_not_called(comments, settings):
    settings.NEWSROOM_AKISMET_KEY = "key"
    settings.NEWSROOM_AKISMET_URL = "http://127.0.0.1:9"  # nothing listens there
    assert rule_dry_run().tested == 5


# In the admin ------------------------------------------------------------------------------


def test_testing_a_new_word_rule_in_the_admin_shows_and_saves_nothing(client, moderator, comments):
    client.force_login(moderator)
    response = client.post(
        reverse("admin:articles_wordrule_add"),
        {"phrase": "casino", "action": "reject", "is_active": "on", "_dry_run": "1"},
    )
    assert response.status_code == 200
    assertContains(response, "Against the last 5 comments this would have held 2 and rejected 2.")
    comment = comments[0].__class__.objects.get(body="Casino again")
    assertContains(response, reverse("admin:articles_comment_change", args=[comment.pk]))
    # The form keeps what was typed.
    assertContains(response, 'value="casino"')
    assertContains(response, '<option value="reject" selected>')
    assert not WordRule.objects.exists()
    assert not ModerationLogEntry.objects.exists()


def test_testing_a_change_to_a_word_rule_saves_nothing(client, moderator, comments):
    rule = WordRule.objects.create(phrase="casino", action=WordRule.Action.HOLD)
    client.force_login(moderator)
    url = reverse("admin:articles_wordrule_change", args=[rule.pk])
    assertContains(client.get(url), "Test against recent comments")
    response = client.post(
        url, {"phrase": "casino", "action": "reject", "is_active": "on", "_dry_run": "1"}
    )
    assertContains(response, "rejected 2")
    rule.refresh_from_db()
    assert rule.action == WordRule.Action.HOLD
    assert not ModerationLogEntry.objects.exists()
    # Saving, without the button, saves.
    client.post(url, {"phrase": "casino", "action": "reject", "is_active": "on"})
    rule.refresh_from_db()
    assert rule.action == WordRule.Action.REJECT


def test_an_invalid_rule_shows_its_errors_not_a_result(client, moderator, comments):
    client.force_login(moderator)
    response = client.post(
        reverse("admin:articles_emaildomainrule_add"),
        {"domain": "nodot", "action": "hold", "_dry_run": "1"},
    )
    assert response.status_code == 200
    assertContains(response, "Enter a domain such as example.org")
    assertNotContains(response, "Against the last")
    assertContains(response, 'value="nodot"')


def test_testing_moderation_settings_in_the_admin(admin_client, comments):
    row = ModerationSettings.load()
    row.save()
    response = admin_client.post(
        reverse("admin:articles_moderationsettings_change", args=[row.pk]),
        {
            "mode": "pre",
            "max_links": 2,
            "approvals_before_trusted": 0,
            "rejections_for_premoderation": 3,
            "rejections_window": 5,
            "_dry_run": "1",
        },
    )
    assertContains(response, "would have held 5 and rejected 0")
    row.refresh_from_db()
    assert row.mode == ModerationSettings.Mode.POST


def test_those_who_may_not_change_rules_cannot_test_them(client, editor, comments):
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_wordrule_add"),
        {"phrase": "casino", "action": "reject", "_dry_run": "1"},
    )
    assert response.status_code == 403
