"""Who may do what with a comment: the whole role table through ``CommentPermissions`` and
``ArticlePermissions.comment_refusal``, then proof that the page, the views and the services
all answer from those objects (refuse in the object, and every surface refuses)."""

from datetime import timedelta

from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Comment, CommenterBan, CommentReport, ModerationLogEntry
from articles.permissions import (
    REFUSAL_MESSAGES,
    ArticlePermissions,
    CommentPermissions,
    Refusal,
)
from articles.services import (
    comment_create,
    comment_delete,
    comment_edit,
    comment_moderate,
    comment_report,
)
from tests.factories import (
    CommentFactory,
    UserFactory,
    VerifiedUserFactory,
    staff_user,
)
from tests.helpers import post_comment

pytestmark = pytest.mark.django_db

PREDICATES = ("is_own", "can_edit", "can_delete", "can_reply", "can_report", "can_moderate")


def verified(user):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def make_user(role: str, owner):
    """A user in ``role``; staff roles get a verified address, so the role alone differs."""
    if role == "anonymous":
        return AnonymousUser()
    if role == "author":
        return owner
    if role == "reader":
        return VerifiedUserFactory(username="reader")
    if role == "unverified":
        return UserFactory(username="unverified")
    if role == "no address":
        return UserFactory(username="no-address", email="")
    if role == "banned":
        user = VerifiedUserFactory(username="banned")
        CommenterBan.objects.create(user=user)
        return user
    if role == "moderator":
        user = verified(UserFactory(username="moderator", is_staff=True))
        user.groups.add(Group.objects.get(name="Moderator"))
        return user
    return verified(staff_user(role, role.title()))


# For a visible comment, posted a minute ago by "author", under an open article:
# (comment_refusal, is_own, can_edit, can_delete, can_reply, can_report, can_moderate).
ROLE_TABLE = {
    "anonymous": (Refusal.ANONYMOUS, False, False, False, False, False, False),
    "author": (None, True, True, True, True, False, False),
    "reader": (None, False, False, False, True, True, False),
    "unverified": (Refusal.UNVERIFIED, False, False, False, False, False, False),
    "no address": (Refusal.NO_EMAIL, False, False, False, False, False, False),
    "banned": (Refusal.BANNED, False, False, False, False, False, False),
    "writer": (None, False, False, False, True, True, False),
    "editor": (None, False, False, False, True, True, False),
    "moderator": (None, False, False, False, True, True, True),
}


@pytest.fixture
def owner(db):
    """The comment's author (the ``author`` fixture is the article's byline)."""
    return VerifiedUserFactory(username="owner")


@pytest.fixture
def comment(article, owner):
    return CommentFactory(article=article, author=owner, body="Mine")


@pytest.mark.parametrize("role", sorted(ROLE_TABLE))
def test_role_table(role, owner, comment):
    user = make_user(role, owner)
    refusal, *expected = ROLE_TABLE[role]
    permissions = CommentPermissions(user, comment)

    assert ArticlePermissions(user, comment.article).comment_refusal == refusal
    answers = tuple(
        getattr(permissions, name) if name == "is_own" else getattr(permissions, name)()
        for name in PREDICATES
    )
    assert answers == tuple(expected)
    # Each "can" has its reason: None exactly when allowed.
    for action in ("edit", "delete", "reply", "report"):
        reason = getattr(permissions, f"{action}_refusal")()
        assert (reason is None) is getattr(permissions, f"can_{action}")(), action
    assert permissions.is_reported is False


@pytest.mark.parametrize("refusal", sorted(REFUSAL_MESSAGES))
def test_each_refusal_has_one_message(refusal):
    assert str(REFUSAL_MESSAGES[refusal]).endswith(".")


def test_comments_closed_refuse_every_role_but_deleting_stays(owner, comment):
    comment.article.is_commenting_open = False
    comment.article.save()
    for role in ROLE_TABLE:
        user = make_user(role, owner)
        assert ArticlePermissions(user, comment.article).comment_refusal == Refusal.CLOSED, role
        assert not CommentPermissions(user, comment).can_reply(), role
    permissions = CommentPermissions(owner, comment)
    assert permissions.edit_refusal() == "Comments are closed for this article."
    assert permissions.can_delete()


def test_author_edits_within_the_window_only(owner, comment, settings):
    settings.NEWSROOM_COMMENT_EDIT_MINUTES = 15
    inside = comment.created_at + timedelta(minutes=14)
    after = comment.created_at + timedelta(minutes=15)
    assert CommentPermissions(owner, comment, now=inside).can_edit()
    late = CommentPermissions(owner, comment, now=after)
    assert late.edit_refusal() == "The time to edit this comment has passed."
    assert late.can_delete()


def test_a_banned_author_may_delete_but_not_edit(owner, comment):
    CommenterBan.objects.create(user=owner)
    permissions = CommentPermissions(owner, comment)
    assert permissions.edit_refusal() == "You can no longer comment on this site."
    assert permissions.can_delete()


def test_a_removed_comment_is_nobodys_to_edit_delete_answer_or_report(owner, comment):
    comment.status = Comment.Status.REMOVED
    own = CommentPermissions(owner, comment)
    assert own.edit_refusal() == "This comment is removed: it can no longer be edited."
    assert own.delete_refusal() == "This comment is already removed."
    reader = CommentPermissions(VerifiedUserFactory(username="reader"), comment)
    assert reader.reply_refusal() == "That comment is no longer open for replies."
    assert reader.report_refusal() == "This comment cannot be reported."


def test_a_held_comment_is_its_authors_to_edit_and_nobodys_to_answer(owner, comment):
    comment.status = Comment.Status.PENDING
    own = CommentPermissions(owner, comment)
    assert own.can_edit() and own.can_delete()
    assert not own.can_reply()
    assert not CommentPermissions(VerifiedUserFactory(username="reader"), comment).can_report()


def test_strangers_are_told_why_they_cannot_edit_or_delete(comment):
    stranger = CommentPermissions(VerifiedUserFactory(username="reader"), comment)
    assert stranger.edit_refusal() == "You can only edit your own comments."
    assert stranger.delete_refusal() == "You can only delete your own comments."
    own = CommentPermissions(comment.author, comment)
    assert own.report_refusal() == "You cannot report your own comment."


def test_unverified_and_banned_readers_are_told_why_they_cannot_report(owner, comment, client):
    for role, reason in (
        ("unverified", "Please verify your email address before you report a comment."),
        ("no address", "Please verify your email address before you report a comment."),
        ("banned", "You can no longer report comments on this site."),
    ):
        user = make_user(role, owner)
        assert CommentPermissions(user, comment).report_refusal() == reason, role
        client.force_login(user)
        url = reverse("articles:comment-report", kwargs={"pk": comment.pk})
        assertContains(client.get(url), reason, status_code=403)
        assertContains(client.post(url, {"reason": "spam"}), reason, status_code=403)
        with pytest.raises(PermissionDenied):
            comment_report(comment=comment, by=user, reason="spam")
    assert not CommentReport.objects.exists()


def test_a_deleted_authors_comment_is_not_the_anonymous_readers_own(comment):
    comment.author = None
    assert not CommentPermissions(AnonymousUser(), comment).is_own


def test_reported_once_the_report_link_becomes_a_mark(comment):
    reader = VerifiedUserFactory(username="reader")
    assert CommentPermissions(reader, comment).can_report()
    CommentReport.objects.create(comment=comment, reporter=reader, reason="spam")
    # Asked alone, or with the page's ids of reported comments: the same answer.
    for permissions in (
        CommentPermissions(reader, comment),
        CommentPermissions(reader, comment, reported_ids={comment.pk}),
    ):
        assert permissions.is_reported and not permissions.can_report()
    assert CommentPermissions(reader, comment, reported_ids=set()).can_report()


def test_superusers_moderate_and_staff_without_the_role_do_not():
    assert CommentPermissions(UserFactory(username="root", is_superuser=True)).can_moderate()
    assert not CommentPermissions(UserFactory(username="intern", is_staff=True)).can_moderate()
    inactive = UserFactory(username="gone", is_superuser=True, is_active=False)
    assert not CommentPermissions(inactive).can_moderate()


# Every surface answers from the permission objects --------------------------------------


def refuse(monkeypatch, name: str, reason: str = "Not today."):
    monkeypatch.setattr(CommentPermissions, name, lambda self: reason)


def test_edit_is_refused_everywhere_once_the_object_refuses(
    client, monkeypatch, article, owner, comment
):
    client.force_login(owner)
    edit_url = reverse("articles:comment-edit", kwargs={"pk": comment.pk})
    assertContains(client.get(article.get_absolute_url()), f'href="{edit_url}"')
    assert client.get(edit_url).status_code == 200

    refuse(monkeypatch, "edit_refusal", "Editing is paused.")

    assertNotContains(client.get(article.get_absolute_url()), f'href="{edit_url}"')
    assertContains(client.get(edit_url), "Editing is paused.", status_code=403)
    assert client.post(edit_url, {"body": "Changed"}).status_code == 403
    with pytest.raises(PermissionDenied):
        comment_edit(comment=comment, by=owner, body="Changed")
    comment.refresh_from_db()
    assert comment.body == "Mine"


def test_the_edit_link_follows_can_edit(client, monkeypatch, article, owner, comment):
    client.force_login(owner)
    monkeypatch.setattr(CommentPermissions, "can_edit", lambda self: False)
    edit_url = reverse("articles:comment-edit", kwargs={"pk": comment.pk})
    assertNotContains(client.get(article.get_absolute_url()), f'href="{edit_url}"')


def test_delete_is_refused_everywhere_once_the_object_refuses(
    client, monkeypatch, article, owner, comment
):
    client.force_login(owner)
    delete_url = reverse("articles:comment-delete", kwargs={"pk": comment.pk})
    assertContains(client.get(article.get_absolute_url()), f'href="{delete_url}"')

    refuse(monkeypatch, "delete_refusal", "Deleting is paused.")

    assertNotContains(client.get(article.get_absolute_url()), f'href="{delete_url}"')
    assertContains(client.get(delete_url), "Deleting is paused.", status_code=403)
    assert client.post(delete_url).status_code == 403
    with pytest.raises(PermissionDenied):
        comment_delete(comment=comment, by=owner)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.VISIBLE


def test_reply_is_refused_everywhere_once_the_object_refuses(client, monkeypatch, article, comment):
    reader = VerifiedUserFactory(username="reader")
    client.force_login(reader)
    reply_url = reverse("articles:comment-reply", kwargs={"pk": comment.pk})
    assertContains(client.get(article.get_absolute_url()), f'href="{reply_url}"')

    refuse(monkeypatch, "reply_refusal", "Replies are paused.")

    assertNotContains(client.get(article.get_absolute_url()), f'href="{reply_url}"')
    response = client.get(reply_url)
    assertContains(response, "Replies are paused.", status_code=403)
    assertNotContains(response, 'class="comment-form"', status_code=403)
    response = post_comment(client, article, "A reply", parent=comment)
    assertContains(response, "Replies are paused.", status_code=400)
    with pytest.raises(ValidationError):
        comment_create(article=article, author=reader, body="A reply", parent=comment)
    assert not Comment.objects.filter(parent=comment).exists()


def test_report_is_refused_everywhere_once_the_object_refuses(
    client, monkeypatch, article, comment
):
    reader = VerifiedUserFactory(username="reader")
    client.force_login(reader)
    report_url = reverse("articles:comment-report", kwargs={"pk": comment.pk})
    assertContains(client.get(article.get_absolute_url()), f'href="{report_url}"')

    refuse(monkeypatch, "report_refusal", "Reports are paused.")

    assertNotContains(client.get(article.get_absolute_url()), f'href="{report_url}"')
    assertContains(client.get(report_url), "Reports are paused.", status_code=403)
    assert client.post(report_url, {"reason": "spam"}).status_code == 403
    with pytest.raises(PermissionDenied):
        comment_report(comment=comment, by=reader, reason="spam")
    assert not CommentReport.objects.exists()


def test_commenting_is_refused_everywhere_once_the_article_object_refuses(
    client, monkeypatch, article, owner
):
    client.force_login(owner)
    assertContains(client.get(article.get_absolute_url()), 'class="comment-form"')

    monkeypatch.setattr(ArticlePermissions, "comment_refusal", property(lambda self: "banned"))

    page = client.get(article.get_absolute_url())
    assertContains(page, "You can no longer comment on this site.")
    assertNotContains(page, 'class="comment-form"')
    assertContains(post_comment(client, article, "Hello"), "Hello", status_code=403)
    with pytest.raises(PermissionDenied):
        comment_create(article=article, author=owner, body="Hello")
    assert not Comment.objects.exists()


def test_moderation_is_refused_everywhere_once_the_object_refuses(
    client, monkeypatch, article, comment
):
    moderator = make_user("moderator", None)
    changelist = reverse("admin:articles_comment_changelist")
    client.force_login(moderator)
    assertContains(client.get(changelist), 'value="approve"')

    monkeypatch.setattr(CommentPermissions, "can_moderate", lambda self: False)

    assertNotContains(client.get(changelist), 'value="approve"')
    client.post(
        changelist,
        {"action": "remove", "_selected_action": [comment.pk], "apply": "1", "reason": "spam"},
    )
    with pytest.raises(PermissionDenied):
        comment_moderate(comments=[comment], by=moderator, action="remove", reason="spam")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.VISIBLE
    assert not ModerationLogEntry.objects.exists()


def test_comment_moderate_asks_who_moderates(article, comment, settings):
    # Outside a request (a command, say), links in the mails are built on the base URL.
    settings.NEWSROOM_BASE_URL = "https://news.example.org"
    with pytest.raises(PermissionDenied):
        comment_moderate(
            comments=[comment],
            by=UserFactory(username="intern", is_staff=True),
            action="remove",
            reason="spam",
        )
    moderator = make_user("moderator", None)
    assert comment_moderate(comments=[comment], by=moderator, action="remove", reason="spam") == 1
    assert ModerationLogEntry.objects.get().moderator == moderator


def test_the_page_asks_one_article_object_for_every_comment(client, article, owner):
    """Its two queries (verified addresses, ban) are asked once per page, not per comment."""
    top = CommentFactory(article=article, author=owner)
    CommentFactory.create_batch(3, article=article, parent=top)
    CommentFactory.create_batch(2, article=article)
    client.force_login(owner)
    page = client.get(article.get_absolute_url()).context["comment_page"]
    entries = [e for thread in page.threads for e in (thread.top, *thread.replies)]
    assert len(entries) == 6
    assert {id(e.permissions.article_permissions) for e in entries} == {id(page.permissions)}
