"""The pre-check chain: word rules (hold, revise, reject), links, pre-moderation, email
domains (hold, refuse, disposable), the strongest verdict winning, a custom check from the
setting, "post anyway for review", and the setting's system check."""

from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from articles.checks import check_comment_checks
from articles.models import Comment, EmailDomainRule, ModerationSettings, WordRule
from articles.moderation.checks import (
    Action,
    CheckContext,
    Verdict,
    check_email_domain,
    run_checks,
)
from tests.factories import CommentFactory, VerifiedUserFactory
from tests.helpers import post_comment

pytestmark = pytest.mark.django_db

REVISE_MESSAGE = "This looks like it may break our community guidelines."
POST_ANYWAY = "Post anyway for review"


def set_moderation(**values):
    row = ModerationSettings.load()
    for name, value in values.items():
        setattr(row, name, value)
    row.save()
    ModerationSettings.load()  # cached again, as the next request would find it


# Word rules: revise, then post anyway ----------------------------------------------------


def test_a_revise_rule_asks_the_author_and_keeps_the_text(client, article, commenter):
    WordRule.objects.create(phrase="idiot", action=WordRule.Action.REVISE)
    client.force_login(commenter)
    response = post_comment(client, article, "Only an idiot would close the bridge.")
    assert response.status_code == 200
    assertContains(response, REVISE_MESSAGE)
    assertContains(response, "Only an idiot would close the bridge.</textarea>")
    assertContains(response, POST_ANYWAY)
    # The phrase itself is never named in the message.
    assertNotContains(response, "“idiot”")
    assert not Comment.objects.exists()


def test_a_revised_text_is_published(client, article, commenter):
    WordRule.objects.create(phrase="idiot", action=WordRule.Action.REVISE)
    client.force_login(commenter)
    post_comment(client, article, "Only an idiot would close the bridge.")
    response = post_comment(client, article, "Closing the bridge was unwise.")
    assert response.status_code == 302
    assert Comment.objects.get().status == Comment.Status.VISIBLE


def test_posting_anyway_holds_the_comment_for_review(client, article, commenter):
    WordRule.objects.create(phrase="idiot", action=WordRule.Action.REVISE)
    client.force_login(commenter)
    response = post_comment(client, article, "Only an idiot would do it.", post_anyway="1")
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.held_reason == "It contains words a moderator reviews first."
    assertContains(client.get(response["Location"]), "Your comment is awaiting moderation.")


def test_a_reply_asked_to_revise_offers_post_anyway_on_its_page(client, article, commenter):
    WordRule.objects.create(phrase="idiot", action=WordRule.Action.REVISE)
    parent = CommentFactory(article=article)
    client.force_login(commenter)
    response = post_comment(client, article, "You idiot.", parent=parent)
    assert response.status_code == 200
    assertContains(response, POST_ANYWAY)
    post_comment(client, article, "You idiot.", parent=parent, post_anyway="1")
    reply = Comment.objects.get(parent=parent)
    assert reply.status == Comment.Status.PENDING


def test_an_edit_asked_to_revise_can_be_saved_anyway_for_review(client, article, commenter):
    comment = CommentFactory(article=article, author=commenter, body="Fine words.")
    WordRule.objects.create(phrase="idiot", action=WordRule.Action.REVISE)
    client.force_login(commenter)
    url = reverse("articles:comment-edit", kwargs={"pk": comment.pk})
    response = client.post(url, {"body": "Fine words, idiot."})
    assert response.status_code == 200
    assertContains(response, REVISE_MESSAGE)
    assertContains(response, POST_ANYWAY)
    comment.refresh_from_db()
    assert (comment.body, comment.status) == ("Fine words.", Comment.Status.VISIBLE)
    client.post(url, {"body": "Fine words, idiot.", "post_anyway": "1"})
    comment.refresh_from_db()
    assert (comment.body, comment.status) == ("Fine words, idiot.", Comment.Status.PENDING)


def test_a_normal_form_offers_no_post_anyway(client, article, commenter):
    client.force_login(commenter)
    assertNotContains(client.get(article.get_absolute_url()), POST_ANYWAY)


def test_reject_beats_revise_and_hold(client, article, commenter):
    WordRule.objects.create(phrase="idiot", action=WordRule.Action.REVISE)
    WordRule.objects.create(phrase="casino", action=WordRule.Action.REJECT)
    set_moderation(mode=ModerationSettings.Mode.PRE)
    client.force_login(commenter)
    response = post_comment(client, article, "Casino for every idiot", post_anyway="1")
    assert response.status_code == 400
    assertContains(response, "it uses words this site does not allow", status_code=400)
    assertNotContains(response, POST_ANYWAY, status_code=400)
    assert not Comment.objects.exists()


def test_revise_beats_hold(client, article, commenter):
    WordRule.objects.create(phrase="idiot", action=WordRule.Action.REVISE)
    set_moderation(mode=ModerationSettings.Mode.PRE)
    client.force_login(commenter)
    response = post_comment(client, article, "Idiot.")
    assertContains(response, POST_ANYWAY)
    assert not Comment.objects.exists()


def test_among_holds_the_first_check_gives_the_reason(client, article, commenter):
    WordRule.objects.create(phrase="bridge", action=WordRule.Action.HOLD)
    set_moderation(mode=ModerationSettings.Mode.PRE)
    client.force_login(commenter)
    post_comment(client, article, "The bridge")
    assert Comment.objects.get().held_reason == "All comments are reviewed before they appear."


def test_an_inactive_revise_rule_does_nothing(client, article, commenter):
    WordRule.objects.create(phrase="idiot", action=WordRule.Action.REVISE, is_active=False)
    client.force_login(commenter)
    assert post_comment(client, article, "Idiot.").status_code == 302
    assert Comment.objects.get().status == Comment.Status.VISIBLE


# Email domains ---------------------------------------------------------------------------


def test_a_refused_domain_cannot_comment_and_is_told_why(client, article):
    EmailDomainRule.objects.create(domain="spam.example", action=EmailDomainRule.Action.REFUSE)
    reader = VerifiedUserFactory(username="sam", email="sam@mail.spam.example")
    client.force_login(reader)
    response = post_comment(client, article, "Hello there")
    assert response.status_code == 400
    assertContains(
        response,
        "Comments from addresses at mail.spam.example are not accepted",
        status_code=400,
    )
    assertContains(response, "Hello there</textarea>", status_code=400)
    assert not Comment.objects.exists()


def test_a_held_domain_is_held_with_a_reason(client, article):
    EmailDomainRule.objects.create(domain="@Junk.Example", action=EmailDomainRule.Action.HOLD)
    reader = VerifiedUserFactory(username="jo", email="jo@junk.example")
    client.force_login(reader)
    post_comment(client, article, "Hello there")
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert "email domain" in comment.held_reason


def test_other_domains_are_not_affected(client, article, commenter):
    EmailDomainRule.objects.create(domain="spam.example", action=EmailDomainRule.Action.REFUSE)
    EmailDomainRule.objects.create(domain="junk.example", action=EmailDomainRule.Action.HOLD)
    # notspam.example only ends with the same letters: not a subdomain.
    reader = VerifiedUserFactory(username="ann", email="ann@notspam.example")
    client.force_login(reader)
    post_comment(client, article, "Hello there")
    assert Comment.objects.get().status == Comment.Status.VISIBLE


def test_disposable_addresses_are_held_by_default(client, article):
    reader = VerifiedUserFactory(username="throw", email="throw@mailinator.com")
    client.force_login(reader)
    post_comment(client, article, "Hello there")
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.held_reason == "Comments from disposable email addresses are reviewed first."


def test_the_disposable_list_can_be_turned_off(client, article, settings):
    settings.NEWSROOM_COMMENT_HOLD_DISPOSABLE = False
    reader = VerifiedUserFactory(username="throw", email="throw@mailinator.com")
    client.force_login(reader)
    post_comment(client, article, "Hello there")
    assert Comment.objects.get().status == Comment.Status.VISIBLE


def test_a_domain_rule_replaces_the_disposable_list(article):
    EmailDomainRule.objects.create(domain="yopmail.com", action=EmailDomainRule.Action.REFUSE)
    reader = VerifiedUserFactory(username="y", email="y@yopmail.com")
    verdict = check_email_domain(CheckContext(author=reader, article=article, body="Hi"))
    assert verdict.action == Action.REJECT


def test_a_domain_rule_is_validated_in_the_admin(admin_client):
    response = admin_client.post(
        reverse("admin:articles_emaildomainrule_add"), {"domain": "nodot", "action": "hold"}
    )
    assert response.status_code == 200
    assertContains(response, "Enter a domain such as example.org")
    assert not EmailDomainRule.objects.exists()


# The chain itself ------------------------------------------------------------------------


def hold_everything(ctx):
    return Verdict.hold("A custom check holds everything.")


def reject_long_words(ctx):
    if any(len(word) > 20 for word in ctx.body.split()):
        return Verdict.reject("Please break up very long words.")
    return None


def test_a_check_is_any_callable_named_in_the_setting(client, article, commenter, settings):
    settings.NEWSROOM_COMMENT_CHECKS = [
        *settings.NEWSROOM_COMMENT_CHECKS,
        "tests.articles.test_comment_checks.hold_everything",
    ]
    client.force_login(commenter)
    post_comment(client, article, "Hello")
    comment = Comment.objects.get()
    assert (comment.status, comment.held_reason) == (
        Comment.Status.PENDING,
        "A custom check holds everything.",
    )


def test_a_custom_rejection_shows_its_message(client, article, commenter, settings):
    settings.NEWSROOM_COMMENT_CHECKS = ["tests.articles.test_comment_checks.reject_long_words"]
    client.force_login(commenter)
    response = post_comment(client, article, "a" * 30)
    assertContains(response, "Please break up very long words.", status_code=400)
    assert post_comment(client, article, "short words").status_code == 302


def test_an_empty_chain_publishes_everything(client, article, commenter, settings):
    settings.NEWSROOM_COMMENT_CHECKS = []
    set_moderation(mode=ModerationSettings.Mode.PRE)
    client.force_login(commenter)
    post_comment(client, article, "Hello")
    assert Comment.objects.get().status == Comment.Status.VISIBLE


def test_run_checks_stops_at_the_first_rejection(article, commenter):
    asked = []

    def reject(ctx):
        asked.append("reject")
        return Verdict.reject("No.")

    def later(ctx):
        asked.append("later")

    ctx = CheckContext(author=commenter, article=article, body="Hi")
    assert run_checks(ctx, checks=[reject, later]).is_reject
    assert asked == ["reject"]


# The system check ------------------------------------------------------------------------


def test_the_default_checks_pass_the_system_check():
    assert check_comment_checks(None) == []


def test_a_check_that_cannot_be_imported_stops_the_deploy(settings):
    settings.NEWSROOM_COMMENT_CHECKS = [
        "articles.moderation.checks.check_word_rules",
        "articles.discussion.check_nothing",
        "articles.moderation.checks.WORD_REJECT_MESSAGE",
    ]
    errors = check_comment_checks(None)
    assert [error.id for error in errors] == ["articles.E004", "articles.E004"]
    assert "articles.discussion.check_nothing" in errors[0].msg
    assert "not a callable" in errors[1].msg
    with pytest.raises(SystemCheckError):
        call_command("check")


def test_the_setting_must_be_a_list(settings):
    settings.NEWSROOM_COMMENT_CHECKS = "articles.moderation.checks.check_word_rules"
    assert [error.id for error in check_comment_checks(None)] == ["articles.E003"]


# Cost -------------------------------------------------------------------------------------


def count_check_queries(article, author, django_assert_max_num_queries, limit):
    ctx = CheckContext(author=author, article=article, body="Hello", moderation=None)
    with django_assert_max_num_queries(limit):
        run_checks(ctx)


def test_the_built_in_chain_asks_a_few_queries(article, commenter, django_assert_max_num_queries):
    ModerationSettings.load().save()
    ModerationSettings.load()  # read once, then from the cache
    WordRule.objects.create(phrase="casino", action=WordRule.Action.HOLD)
    EmailDomainRule.objects.create(domain="spam.example", action=EmailDomainRule.Action.HOLD)
    # The discussion's mode (the article's tags' defaults, articles.discussion), word
    # rules, domain rules, the reader's trust, their recent decisions.
    count_check_queries(article, commenter, django_assert_max_num_queries, 5)
    set_moderation(approvals_before_trusted=3)
    # And how many of theirs are approved (counting at most three).
    count_check_queries(article, commenter, django_assert_max_num_queries, 6)
