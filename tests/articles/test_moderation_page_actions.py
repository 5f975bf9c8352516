"""The moderation page's decisions beyond approve/remove/spam, through its forms (no
JavaScript): removal reasons stored and told, feature, dismiss reports, suspend the author,
trust, and the appeals queue with its uphold/reinstate; refused to other staff."""

import re
from datetime import timedelta

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import (
    Appeal,
    Comment,
    CommenterSuspension,
    CommenterTrust,
    CommentReport,
    ModerationLogEntry,
)
from articles.services import (
    appeal_create,
    comment_create,
    comment_moderate,
    commenter_warn,
)
from tests.factories import CommentFactory, UserFactory, VerifiedUserFactory, staff_user

pytestmark = pytest.mark.django_db

PAGE = "admin:articles_moderation"


def url(**params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse(PAGE) + (f"?{query}" if query else "")


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.NEWSROOM_BASE_URL = "https://news.example"


@pytest.fixture
def mod(client, moderator):
    client.force_login(moderator)
    return client


@pytest.fixture
def second_moderator(db):
    user = UserFactory(username="second", email="second@example.com", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderator"))
    return user


def report(comment):
    return CommentReport.objects.create(
        comment=comment, reporter=UserFactory(), reason=CommentReport.Reason.ABUSE
    )


def listed(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-comment="(\d+)"', response.content.decode())]


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def appealed(*, by, text="It was on topic.", body="A sharp but fair point."):
    author = VerifiedUserFactory()
    comment = CommentFactory(author=author, body=body)
    comment_moderate(
        comments=[comment],
        by=by,
        action="remove",
        reason="off_topic",
        explanation="This is about the bridge.",
    )
    comment.refresh_from_db()
    return appeal_create(comment=comment, by=author, text=text)


# --- Who may ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["Editor", "Writer"])
def test_other_staff_cannot_take_any_of_the_decisions(client, moderator, role):
    comment = CommentFactory()
    report(comment)
    appeal = appealed(by=moderator)
    client.force_login(staff_user(role.lower(), role))
    for data in (
        {"act_on": f"feature:{comment.pk}"},
        {"act_on": f"dismiss:{comment.pk}"},
        {"act_on": f"trust:{comment.pk}"},
        {"act_on": f"suspend:{comment.pk}", "suspend_for": "7", "suspend_reason": "Rude."},
        {"decide": f"reinstated:{appeal.pk}"},
    ):
        assert client.post(url(), data).status_code == 403
    assert client.get(url(queue="appeals")).status_code == 403
    comment.refresh_from_db()
    assert not comment.is_featured
    assert comment.reports.filter(resolved_at__isnull=True).exists()
    assert not CommenterSuspension.objects.exists()
    assert not CommenterTrust.objects.exists()
    appeal.refresh_from_db()
    assert appeal.is_open


# --- Remove with a reason --------------------------------------------------------------------


def test_remove_stores_the_reason_and_explanation_and_mails_the_statement_of_reasons(
    mod, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    author = VerifiedUserFactory()
    comment = CommentFactory(author=author, status=Comment.Status.PENDING, body="You fools.")
    with django_capture_on_commit_callbacks(execute=True):
        response = mod.post(
            url(view="focus"),
            {
                "act_on": f"remove:{comment.pk}",
                "reason": "abusive",
                "explanation": "Insults are not arguments.",
                "cursor": comment.pk,
            },
            follow=True,
        )
    assert "1 comment removed." in messages_of(response)
    comment.refresh_from_db()
    assert (comment.status, comment.removal_reason) == ("removed", "abusive")
    assert comment.removal_explanation == "Insults are not arguments."
    entry = ModerationLogEntry.objects.get(comment=comment)
    assert (entry.action, entry.reason, entry.explanation, entry.moderator) == (
        "remove",
        "abusive",
        "Insults are not arguments.",
        moderator,
    )
    [message] = [m for m in mailoutbox if m.to == [author.email]]
    assert message.subject == "Your comment was not published"
    assert "Reason: Abusive or insulting" in message.body
    assert "Insults are not arguments." in message.body


def test_the_reasons_are_the_sites_reasons_and_other_needs_an_explanation(mod):
    comment = CommentFactory(status=Comment.Status.PENDING)
    response = mod.get(url(view="focus"))
    assertContains(response, "Someone&#x27;s personal data")
    assertContains(response, 'name="reason" value="other"')
    response = mod.post(url(view="focus"), {"act_on": f"remove:{comment.pk}", "reason": "other"})
    assertContains(response, "Say what the other reason is.", status_code=400)
    assertContains(response, 'value="other" checked', status_code=400)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_a_bulk_removal_stores_the_reason_on_every_comment(mod):
    one, two = CommentFactory.create_batch(2, status=Comment.Status.PENDING)
    response = mod.post(
        url(), {"action": "remove", "comments": [one.pk, two.pk], "reason": "spam"}, follow=True
    )
    assert "2 comments removed." in messages_of(response)
    assert set(Comment.objects.values_list("removal_reason", flat=True)) == {"spam"}
    assert set(ModerationLogEntry.objects.values_list("reason", flat=True)) == {"spam"}


# --- Feature ---------------------------------------------------------------------------------


def test_feature_toggles_an_editors_pick_of_a_visible_comment(mod, moderator):
    comment = CommentFactory()
    report(comment)
    response = mod.get(url(queue="reported"))
    assertContains(response, 'data-action="feature" aria-keyshortcuts="f"')
    response = mod.post(url(queue="reported"), {"act_on": f"feature:{comment.pk}"}, follow=True)
    assert "1 comment featured." in messages_of(response)
    comment.refresh_from_db()
    assert comment.is_featured and comment.featured_by == moderator
    assertContains(response, 'data-action="unfeature" aria-keyshortcuts="f"')
    assertNotContains(response, 'data-action="feature"')

    response = mod.post(url(queue="reported"), {"act_on": f"unfeature:{comment.pk}"}, follow=True)
    assert "1 comment is no longer an editors&#x27; pick." in response.content.decode()
    comment.refresh_from_db()
    assert not comment.is_featured
    actions = list(ModerationLogEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["feature", "unfeature"]


def test_a_held_comment_cannot_be_featured(mod):
    comment = CommentFactory(status=Comment.Status.PENDING)
    assertNotContains(mod.get(url()), 'data-action="feature"')
    response = mod.post(url(), {"act_on": f"feature:{comment.pk}"}, follow=True)
    assert "Nothing changed: the comments already had that status." in messages_of(response)
    comment.refresh_from_db()
    assert not comment.is_featured


# --- Dismiss reports -------------------------------------------------------------------------


def test_dismiss_keeps_the_comment_closes_its_reports_and_it_leaves_the_queue(mod, moderator):
    kept, other = CommentFactory.create_batch(2)
    report(kept), report(kept), report(other)
    response = mod.get(url(queue="reported"))
    assertContains(response, 'data-action="dismiss" aria-keyshortcuts="d"')
    assertContains(response, '<button type="submit" name="action" value="dismiss"')
    response = mod.post(url(queue="reported"), {"act_on": f"dismiss:{kept.pk}"}, follow=True)
    assert "Reports dismissed: 1 comment kept." in messages_of(response)
    assert listed(response) == [other.pk]
    kept.refresh_from_db()
    assert kept.status == Comment.Status.VISIBLE
    assert not kept.reports.filter(resolved_at__isnull=True).exists()
    assert kept.reports.filter(is_dismissed=True).count() == 2
    entry = ModerationLogEntry.objects.get()
    assert (entry.action, entry.comment, entry.moderator) == ("dismiss", kept, moderator)


def test_dismiss_is_offered_only_where_there_are_reports(mod):
    CommentFactory(status=Comment.Status.PENDING)
    response = mod.get(url())
    assertNotContains(response, 'data-action="dismiss"')
    assertNotContains(response, 'value="dismiss"')


def test_bulk_dismiss_from_the_reported_queue(mod):
    one, two = CommentFactory.create_batch(2)
    report(one), report(two)
    response = mod.post(
        url(queue="reported"), {"action": "dismiss", "comments": [one.pk, two.pk]}, follow=True
    )
    assert "Reports dismissed: 2 comments kept." in messages_of(response)
    assert not CommentReport.objects.filter(resolved_at__isnull=True).exists()
    assert listed(response) == []


# --- Suspend, trust and the author's record --------------------------------------------------


def test_the_author_record_links_the_reader_page_and_shows_their_standing(mod, moderator):
    author = VerifiedUserFactory()
    comment = CommentFactory(author=author, status=Comment.Status.PENDING)
    response = mod.get(url(view="focus"))
    assertContains(response, reverse("admin:articles_comment_reader", args=[author.pk]))
    assertContains(response, "On the trust ladder")
    assertContains(response, f'value="trust:{comment.pk}"')
    assertContains(response, f'value="premoderate:{comment.pk}"')
    assertNotContains(response, f'value="ladder:{comment.pk}"')

    CommenterSuspension.objects.create(
        user=author, until=timezone.now() + timedelta(days=2), reason="Shouting."
    )
    commenter_warn(user=author, by=moderator, message="Mind the tone.")
    response = mod.get(url(view="focus"))
    assertContains(response, "Suspended until")
    assertContains(response, "Shouting.")
    assertContains(response, "Warned, not yet acknowledged: “Mind the tone.”")


def test_trust_and_always_premoderate_from_the_record(mod, moderator):
    author = VerifiedUserFactory()
    comment = CommentFactory(author=author, status=Comment.Status.PENDING)
    response = mod.post(url(view="focus"), {"act_on": f"trust:{comment.pk}"}, follow=True)
    assert "1 commenter is now trusted." in messages_of(response)
    assert CommenterTrust.objects.get(user=author).level == "trusted"
    assertContains(response, "Trusted: never held by the trust ladder")
    assertNotContains(response, f'value="trust:{comment.pk}"')

    mod.post(url(view="focus"), {"act_on": f"premoderate:{comment.pk}"})
    assert CommenterTrust.objects.get(user=author).level == "premoderated"
    mod.post(url(view="focus"), {"act_on": f"ladder:{comment.pk}"})
    assert not CommenterTrust.objects.exists()
    assert ModerationLogEntry.objects.filter(action="trust", target_user=author).count() == 3


def test_no_author_actions_on_ones_own_comment(mod, moderator):
    CommentFactory(author=moderator, status=Comment.Status.PENDING)
    response = mod.get(url(view="focus"))
    assertNotContains(response, 'data-action="suspend"')
    assertNotContains(response, 'data-action="trust"')


def test_suspend_for_a_preset_mails_the_reader_and_refuses_their_comments(
    mod, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    author = VerifiedUserFactory()
    comment = CommentFactory(author=author, status=Comment.Status.PENDING)
    assertContains(mod.get(url(view="focus")), 'data-action="suspend"')
    with django_capture_on_commit_callbacks(execute=True):
        response = mod.post(
            url(view="focus"),
            {
                "act_on": f"suspend:{comment.pk}",
                "suspend_for": "7",
                "suspend_reason": "Repeated insults.",
            },
            follow=True,
        )
    assert "1 commenter suspended." in messages_of(response)
    suspension = CommenterSuspension.objects.get(user=author)
    assert suspension.reason == "Repeated insults."
    assert suspension.suspended_by == moderator
    expected = timezone.now() + timedelta(days=7)
    assert abs((suspension.until - expected).total_seconds()) < 60
    assert [m.to for m in mailoutbox if "Repeated insults." in m.body] == [[author.email]]
    # The comment itself is still to decide on; the record says the author is suspended.
    assertContains(response, "Suspended until")
    with pytest.raises(PermissionDenied):
        comment_create(article=comment.article, author=author, body="Let me back in.")


def test_suspend_until_a_date(mod, time_machine):
    # The clock stands still: "today" is one day for the form and the check, even when
    # the test runs across midnight.
    time_machine.move_to(timezone.now(), tick=False)
    author = VerifiedUserFactory()
    comment = CommentFactory(author=author, status=Comment.Status.PENDING)
    day = (timezone.localdate() + timedelta(days=3)).isoformat()
    mod.post(
        url(view="focus"),
        {
            "act_on": f"suspend:{comment.pk}",
            "suspend_for": "date",
            "suspend_until": day,
            "suspend_reason": "Cool off.",
        },
    )
    until = timezone.localtime(CommenterSuspension.objects.get(user=author).until)
    assert until.date() == timezone.localdate() + timedelta(days=4)
    assert (until.hour, until.minute) == (0, 0)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"suspend_for": "7"}, "Say why: the commenter is told the reason."),
        ({"suspend_reason": "Rude."}, "Choose how long the suspension lasts."),
        ({"suspend_for": "date", "suspend_reason": "Rude."}, "Give the day the suspension ends."),
        (
            {"suspend_for": "date", "suspend_until": "2001-01-01", "suspend_reason": "Rude."},
            "A suspension ends in the future.",
        ),
        (
            {"suspend_for": "date", "suspend_until": "someday", "suspend_reason": "Rude."},
            "Enter a valid date.",
        ),
    ],
)
def test_a_suspension_without_an_end_or_a_reason_is_refused_with_the_text_kept(mod, data, error):
    comment = CommentFactory(author=VerifiedUserFactory(), status=Comment.Status.PENDING)
    response = mod.post(url(view="focus"), {"act_on": f"suspend:{comment.pk}", **data})
    assertContains(response, error, status_code=400)
    if "suspend_reason" in data:
        assertContains(response, "Rude.</textarea>", status_code=400)
    assert not CommenterSuspension.objects.exists()


# --- Appeals ---------------------------------------------------------------------------------


def test_the_appeals_queue_lists_open_appeals_oldest_first_with_a_count(mod, second_moderator):
    first = appealed(by=second_moderator, text="First appeal.")
    second = appealed(by=second_moderator, text="Second appeal.")
    decided = appealed(by=second_moderator, text="Decided already.")
    Appeal.objects.filter(pk=decided.pk).update(outcome=Appeal.Outcome.UPHELD)
    response = mod.get(url())
    assertContains(response, 'id="queue-appeals">Appeals <span class="moderation-count">2</span>')
    response = mod.get(url(queue="appeals"))
    assert listed(response) == [first.comment_id, second.comment_id]
    assertContains(response, "First appeal.")
    assertNotContains(response, "Decided already.")
    assertNotContains(response, 'name="comments"')


def test_one_appeal_at_a_time_shows_the_comment_the_reason_and_the_appeal(mod, second_moderator):
    appeal = appealed(by=second_moderator, text="It was about the bridge, honestly.")
    response = mod.get(url(queue="appeals", view="focus"))
    assertContains(response, "A sharp but fair point.")
    assertContains(response, "Removed for:</strong> Off topic")
    assertContains(response, "This is about the bridge.")
    assertContains(response, "It was about the bridge, honestly.")
    assertContains(response, f'value="upheld:{appeal.pk}"')
    assertContains(response, f'value="reinstated:{appeal.pk}"')
    assertContains(response, reverse("admin:articles_comment_reader", args=[appeal.author_id]))


def test_reinstating_through_the_page(
    mod, moderator, second_moderator, mailoutbox, django_capture_on_commit_callbacks
):
    appeal = appealed(by=second_moderator)
    later = appealed(by=second_moderator, text="The later appeal.")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = mod.post(
            url(queue="appeals", view="focus"),
            {"decide": f"reinstated:{appeal.pk}", "note": "You are right.", "cursor": appeal.pk},
            follow=True,
        )
    assert "Comment reinstated; its author is told." in messages_of(response)
    appeal.refresh_from_db()
    assert (appeal.outcome, appeal.decided_by, appeal.decision_note) == (
        "reinstated",
        moderator,
        "You are right.",
    )
    assert appeal.comment.status == Comment.Status.VISIBLE
    assert ModerationLogEntry.objects.filter(action="reinstate", comment=appeal.comment).exists()
    assert [m.to for m in mailoutbox if "You are right." in m.body] == [[appeal.author.email]]
    # The next appeal is shown.
    assert listed(response) == [later.comment_id]


def test_upholding_through_the_page(mod, moderator, second_moderator):
    appeal = appealed(by=second_moderator)
    data = {"decide": f"upheld:{appeal.pk}", "note": "Still off topic."}
    response = mod.post(url(queue="appeals"), data, follow=True)
    assert "Removal upheld; its author is told." in messages_of(response)
    appeal.refresh_from_db()
    assert appeal.outcome == "upheld"
    assert appeal.comment.status == Comment.Status.REMOVED
    assert listed(response) == []


def test_the_remover_does_not_decide_while_another_moderator_can(mod, moderator, second_moderator):
    appeal = appealed(by=moderator)
    response = mod.get(url(queue="appeals", view="focus"))
    assertContains(response, "You removed this comment: another moderator decides its appeal.")
    assertNotContains(response, f'value="reinstated:{appeal.pk}"')
    response = mod.post(url(queue="appeals", view="focus"), {"decide": f"reinstated:{appeal.pk}"})
    assert response.status_code == 400
    assert "You removed this comment: another moderator decides its appeal." in messages_of(
        response
    )
    appeal.refresh_from_db()
    assert appeal.is_open


@pytest.mark.parametrize("decide", ["reinstated:999999", "maybe:1", "upheld:x", ""])
def test_a_forged_appeal_decision_is_refused(mod, second_moderator, decide):
    appeal = appealed(by=second_moderator)
    response = mod.post(url(queue="appeals"), {"decide": decide})
    assert response.status_code == 400
    if decide:
        assertContains(response, "That appeal does not exist.", status_code=400)
    else:
        assertContains(response, "This field is required.", status_code=400)
    appeal.refresh_from_db()
    assert appeal.is_open


@pytest.mark.parametrize("view", ["list", "focus"])
def test_the_appeals_queue_costs_the_same_whatever_its_size(
    mod, second_moderator, django_assert_max_num_queries, view
):
    for _n in range(2):
        appealed(by=second_moderator)
    with CaptureQueriesContext(connection) as small:
        assert mod.get(url(queue="appeals", view=view)).status_code == 200
    for _n in range(30):
        appealed(by=second_moderator)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = mod.get(url(queue="appeals", view=view))
    assert len(listed(response)) == (25 if view == "list" else 1)


def test_a_suspension_from_the_page_links_the_guidelines_on_the_requests_host(
    mod, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.NEWSROOM_BASE_URL = ""
    author = VerifiedUserFactory()
    comment = CommentFactory(author=author, status=Comment.Status.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        response = mod.post(
            url(view="focus"),
            {"act_on": f"suspend:{comment.pk}", "suspend_for": "1", "suspend_reason": "Spam."},
        )
    assert response.status_code == 302
    [message] = [m for m in mailoutbox if m.to == [author.email]]
    assert "http://testserver" + reverse("articles:guidelines") in message.body
