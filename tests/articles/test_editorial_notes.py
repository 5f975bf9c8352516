"""Editorial notes, @mentions, "return to the writer" and assignment: for both roles,
allowed and denied, with their emails; and notes never reach a reader's page."""

from datetime import timedelta

from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article, ArticleEvent, EditorialNote
from articles.models.notes import mentioned_usernames
from articles.permissions import ArticlePermissions
from articles.services import (
    article_assign,
    article_return_to_writer,
    note_create,
    preview_link_create,
)
from tests.articles.editorial import change_url
from tests.factories import ArticleFactory, AuthorFactory, UserFactory, staff_user

pytestmark = pytest.mark.django_db
SECRET = "Source asked not to be named: Harbourmaster Quill"


@pytest.fixture
def story(writer):
    return ArticleFactory(draft=True, created_by=writer, headline="Ferry fares rise")


@pytest.fixture
def in_review(writer):
    return ArticleFactory(
        status=Article.Status.IN_REVIEW,
        published_at=None,
        created_by=writer,
        headline="Harbour dredging plan",
    )


def note_url(article):
    return reverse("admin:articles_article_note", args=[article.pk])


def return_url(article):
    return reverse("admin:articles_article_return", args=[article.pk])


def assign_url(article):
    return reverse("admin:articles_article_assign", args=[article.pk])


# Mentions


def test_mentions_are_usernames_after_an_at_sign_not_email_addresses():
    text = "Ask @mara.ellison and @ed_2, not ed@example.org; @mara.ellison again. @"
    assert mentioned_usernames(text) == ["mara.ellison", "ed_2"]


# Notes on the change form


def test_a_writer_adds_a_note_to_their_story_and_it_shows_on_its_admin_page(client, writer, story):
    client.force_login(writer)
    response = client.post(note_url(story), {"text": "Photos are\nstill coming."})
    assert response.status_code == 302
    assert response["Location"] == change_url(story) + "#notes"

    page = client.get(change_url(story))
    assertContains(page, "Photos are<br>still coming.")
    assertContains(page, "Desk: assignment and notes")
    note = EditorialNote.objects.get()
    assert (note.article, note.author, note.kind) == (story, writer, EditorialNote.Kind.NOTE)


def test_an_editor_replies_and_a_reply_to_a_reply_joins_the_thread(client, writer, editor, story):
    first = note_create(article=story, by=writer, text="Is the headline right?")
    client.force_login(editor)
    client.post(note_url(story), {"text": "Yes, keep it.", "parent": first.pk})
    reply = EditorialNote.objects.get(text="Yes, keep it.")
    assert reply.parent == first

    client.force_login(writer)
    client.post(note_url(story), {"text": "Thanks!", "parent": reply.pk})
    assert EditorialNote.objects.get(text="Thanks!").parent == first
    page = client.get(change_url(story))
    assertContains(page, 'class="newsroom-notes newsroom-notes--replies"', count=1)


def test_an_empty_note_is_refused_with_a_message_and_a_long_one_keeps_its_text(
    client, writer, story
):
    client.force_login(writer)
    empty = client.post(note_url(story), {"text": "   "})
    assert empty.status_code == 200
    assertContains(empty, "Write the note first.")

    long_text = "word " * 1000
    refused = client.post(note_url(story), {"text": long_text})
    assert refused.status_code == 200
    assertContains(refused, "at most 4000 characters")
    assertContains(refused, long_text.strip()[:200])
    assert not EditorialNote.objects.exists()


def test_a_reply_refused_keeps_its_text_in_its_own_box(client, writer, story):
    first = note_create(article=story, by=writer, text="First")
    client.force_login(writer)
    response = client.post(note_url(story), {"text": "x" * 4001, "parent": first.pk})
    assertContains(response, "x" * 4001)
    assertContains(response, "<details open>", count=1)


def test_a_writer_cannot_see_or_note_another_writers_story(client, other_writer, story):
    client.force_login(other_writer)
    assert client.post(note_url(story), {"text": "Hello"}).status_code == 404
    assert client.get(change_url(story)).status_code in (302, 403, 404)
    with pytest.raises(PermissionDenied):
        note_create(article=story, by=other_writer, text="Hello")
    assert not EditorialNote.objects.exists()


def test_readers_and_anonymous_visitors_cannot_post_notes(client, story):
    assert client.post(note_url(story), {"text": "Hi"}).status_code == 302  # to the login
    reader = UserFactory(username="reader")
    client.force_login(reader)
    assert client.post(note_url(story), {"text": "Hi"}).status_code == 302
    with pytest.raises(PermissionDenied):
        note_create(article=story, by=reader, text="Hi")
    assert not EditorialNote.objects.exists()


def test_the_note_form_only_accepts_a_post(client, writer, story):
    client.force_login(writer)
    assert client.get(note_url(story)).status_code == 405


def test_a_parent_from_another_story_is_refused(client, writer, story):
    other = ArticleFactory(draft=True, created_by=writer)
    elsewhere = note_create(article=other, by=writer, text="Elsewhere")
    client.force_login(writer)
    response = client.post(note_url(story), {"text": "Reply", "parent": elsewhere.pk})
    assertContains(response, "That note is no longer on this story.")
    assertContains(response, "Reply")
    with pytest.raises(ValidationError):
        note_create(article=story, by=writer, text="Reply", parent=elsewhere)


# Mentions email the person named


def test_a_mention_emails_active_staff_who_may_see_the_story_with_its_admin_link(
    client, writer, editor, story, django_capture_on_commit_callbacks, settings
):
    settings.NEWSROOM_BASE_URL = "https://news.example.org"
    stranger = staff_user("walter", "Writer")  # a writer who may not see the story
    reader = UserFactory(username="rita")
    gone = staff_user("gus", "Editor")
    gone.is_active = False
    gone.save()
    client.force_login(writer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            note_url(story),
            {"text": "@edith can you check? cc @walter @rita @gus @nobody @wendy"},
        )

    assert [m.to for m in mail.outbox] == [[editor.email]]
    message = mail.outbox[0]
    assert message.subject == "wendy mentioned you on “Ferry fares rise”"
    assert "@edith can you check?" in message.body
    assert f"https://news.example.org{change_url(story)}" in message.body
    assert list(EditorialNote.objects.get().mentions.all()) == [editor]
    assert stranger.email not in [m.to[0] for m in mail.outbox]
    assert reader.email not in [m.to[0] for m in mail.outbox]


def test_a_note_that_mentions_nobody_sends_no_email(
    writer, story, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        note_create(article=story, by=writer, text="Just a reminder to myself, @wendy.")
    assert mail.outbox == []


# Return to the writer with a note


def test_an_editor_returns_a_story_in_review_with_a_note_and_the_writer_is_emailed(
    client, writer, editor, in_review, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    page = client.get(change_url(in_review))
    assertContains(page, "Return to the writer with a note")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(return_url(in_review), {"text": "Needs a second source."})
    assert response.status_code == 302

    in_review.refresh_from_db()
    assert in_review.status == Article.Status.DRAFT
    note = EditorialNote.objects.get()
    assert (note.kind, note.text, note.author) == ("returned", "Needs a second source.", editor)
    event = in_review.events.first()
    assert (event.action, event.by, event.note) == ("returned", editor, "Needs a second source.")
    assert [m.to for m in mail.outbox] == [[writer.email]]
    assert "“Harbour dredging plan” is back with you" in mail.outbox[0].subject
    assert "Needs a second source." in mail.outbox[0].body
    assert change_url(in_review) in mail.outbox[0].body

    client.force_login(writer)
    page = client.get(change_url(in_review))
    assertContains(page, "Needs a second source.")
    assertContains(page, "Returned to the writer")


def test_the_bylined_authors_account_is_emailed_too_when_it_may_see_the_story(
    editor, in_review, django_capture_on_commit_callbacks
):
    colleague = staff_user("cora", "Editor")
    in_review.bylines.create(author=AuthorFactory(user=colleague), position=1)
    with django_capture_on_commit_callbacks(execute=True):
        article_return_to_writer(article=in_review, by=editor, text="Tighten the top.")
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [in_review.created_by.email, colleague.email]
    )


def test_returning_without_a_note_is_refused_and_the_story_stays_in_review(
    client, editor, in_review
):
    client.force_login(editor)
    response = client.post(return_url(in_review), {"text": ""})
    assert response.status_code == 200
    assertContains(response, "Say what the writer should change: the note is required.")
    in_review.refresh_from_db()
    assert in_review.status == Article.Status.IN_REVIEW
    assert not EditorialNote.objects.exists()


def test_a_writer_cannot_return_a_story(client, writer, in_review):
    client.force_login(writer)
    assertNotContains(client.get(change_url(in_review)), "Return to the writer with a note")
    assert client.post(return_url(in_review), {"text": "Nope"}).status_code == 403
    with pytest.raises(PermissionDenied):
        article_return_to_writer(article=in_review, by=writer, text="Nope")
    in_review.refresh_from_db()
    assert in_review.status == Article.Status.IN_REVIEW


@pytest.mark.parametrize("status", [Article.Status.DRAFT, Article.Status.PUBLISHED])
def test_only_a_story_in_review_can_be_returned(client, editor, writer, status):
    article = ArticleFactory(status=status, created_by=writer)
    client.force_login(editor)
    assertNotContains(client.get(change_url(article)), "Return to the writer with a note")
    response = client.post(return_url(article), {"text": "Back to you"})
    assertContains(response, "Only a story in review can be returned to its writer.")
    assertContains(response, "Back to you")
    article.refresh_from_db()
    assert article.status == status


# Assignee and due time


def test_an_editor_assigns_a_story_with_a_due_time_the_assignee_is_emailed(
    client, writer, editor, story, django_capture_on_commit_callbacks, settings
):
    settings.TIME_ZONE = "Europe/Oslo"
    other = staff_user("walter", "Writer")
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            assign_url(story), {"assignee": other.pk, "due_at": "2030-05-17T16:30"}
        )
    assert response.status_code == 302

    story.refresh_from_db()
    assert story.assignee == other
    assert timezone.localtime(story.due_at).strftime("%Y-%m-%d %H:%M %Z") == (
        "2030-05-17 16:30 CEST"
    )
    event = story.events.first()
    assert (event.action, event.by) == (ArticleEvent.Action.ASSIGNED, editor)
    assert event.note == "to walter, due 2030-05-17 16:30"
    assert [m.to for m in mail.outbox] == [[other.email]]
    assert mail.outbox[0].subject == "You are assigned “Ferry fares rise”"
    assert "It is due" in mail.outbox[0].body
    assert change_url(story) in mail.outbox[0].body

    # The writer sees it, and the assignee now sees and edits the draft as their own.
    for user in (writer, other):
        client.force_login(user)
        page = client.get(change_url(story))
        assertContains(page, "Assigned to:")
        assertContains(page, "walter")
        assertNotContains(page, "Save assignment")
    assert ArticlePermissions(other, story).can_edit()


def test_saving_the_same_assignment_again_sends_no_email_and_logs_nothing(
    editor, story, django_capture_on_commit_callbacks
):
    other = staff_user("walter", "Writer")
    due = timezone.now() + timedelta(hours=3)
    with django_capture_on_commit_callbacks(execute=True):
        article_assign(article=story, by=editor, assignee=other, due_at=due)
        article_assign(article=story, by=editor, assignee=other, due_at=due)
    assert len(mail.outbox) == 1
    assert story.events.filter(action=ArticleEvent.Action.ASSIGNED).count() == 1

    article_assign(article=story, by=editor, assignee=None, due_at=None)
    story.refresh_from_db()
    assert (story.assignee, story.due_at) == (None, None)
    assert story.events.first().note == "unassigned"


def test_an_assignment_is_no_new_revision(editor, story):
    revisions = story.history.count()
    article_assign(article=story, by=editor, assignee=editor)
    assert story.history.count() == revisions


def test_a_writer_cannot_assign(client, writer, story):
    client.force_login(writer)
    assert client.post(assign_url(story), {"assignee": writer.pk}).status_code == 403
    with pytest.raises(PermissionDenied):
        article_assign(article=story, by=writer, assignee=writer)
    story.refresh_from_db()
    assert story.assignee is None


def test_assigning_to_a_reader_or_a_bad_time_is_refused_with_a_message(client, editor, story):
    reader = UserFactory(username="rita")
    client.force_login(editor)
    response = client.post(assign_url(story), {"assignee": reader.pk, "due_at": ""})
    assertContains(response, "Select a valid choice.")
    response = client.post(assign_url(story), {"assignee": editor.pk, "due_at": "soon"})
    assertContains(response, "Enter a valid date/time.")
    story.refresh_from_db()
    assert story.assignee is None
    with pytest.raises(ValidationError):
        article_assign(article=story, by=editor, assignee=reader)


def test_an_assigned_writer_loses_the_story_when_it_is_reassigned(client, editor):
    first = staff_user("walter", "Writer")
    article = ArticleFactory(draft=True, created_by=editor)
    article_assign(article=article, by=editor, assignee=first)
    client.force_login(first)
    assert client.get(change_url(article)).status_code == 200
    article_assign(article=article, by=editor, assignee=None)
    assert client.get(change_url(article)).status_code != 200


# Notes never reach readers


def test_notes_are_on_no_reader_page_feed_search_or_preview(
    client, writer, editor, django_capture_on_commit_callbacks
):
    article = ArticleFactory(created_by=writer, headline="Quay reopens", tags=["harbour"])
    note_create(article=article, by=editor, text=SECRET)
    link = preview_link_create(article=article, by=editor)
    pages = [
        article.get_absolute_url(),
        reverse("articles:home"),
        reverse("articles:feed"),
        reverse("articles:feed-atom"),
        reverse("articles:search") + "?q=Quill",
        reverse("articles:search") + "?q=Quay",
        reverse("articles:tag", kwargs={"slug": "harbour"}),
        link.get_absolute_url(),
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "Source asked not to be named" not in response.content.decode(), path
    assertNotContains(client.get(reverse("articles:search"), {"q": "Quill"}), "Quay reopens")
    assertContains(client.get(article.get_absolute_url()), "application/ld+json")

    client.force_login(writer)
    preview = client.get(reverse("articles:preview", kwargs={"pk": article.pk}))
    assert preview.status_code == 200
    assertNotContains(preview, "Quill")
    # ...and the story's admin page shows it to the staff who may see the story.
    assertContains(client.get(change_url(article)), "Harbourmaster Quill")


# The role table for the pipeline's rights


@pytest.mark.parametrize(
    ("who", "note", "assign", "return_"),
    [
        ("writer", True, False, False),
        ("other_writer", False, False, False),
        ("editor", True, True, True),
        ("reader", False, False, False),
        ("anonymous", False, False, False),
    ],
)
def test_who_may_note_assign_and_return_a_story_in_review(
    request, in_review, who, note, assign, return_
):
    from django.contrib.auth.models import AnonymousUser

    if who == "reader":
        user = UserFactory(username="rita")
    elif who == "anonymous":
        user = AnonymousUser()
    else:
        user = request.getfixturevalue(who)
    permissions = ArticlePermissions(user, in_review)
    assert permissions.can_add_note() is note
    assert permissions.can_assign() is assign
    assert permissions.can_return_to_writer() is return_


def test_an_assigned_writer_may_note_and_edit_the_draft_but_not_once_submitted(
    editor, other_writer, story
):
    assert not ArticlePermissions(other_writer, story).can_add_note()
    article_assign(article=story, by=editor, assignee=other_writer)
    story.refresh_from_db()
    assert ArticlePermissions(other_writer, story).can_add_note()
    assert ArticlePermissions(other_writer, story).can_submit()
    story.status = Article.Status.IN_REVIEW
    assert not ArticlePermissions(other_writer, story).can_edit()
    assert not ArticlePermissions(other_writer, story).can_return_to_writer()
