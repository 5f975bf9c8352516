"""Posting, replying, editing, deleting and reporting comments: both sides of every rule."""

import re
from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Comment, CommentReport
from tests.factories import ArticleFactory, CommentFactory, UserFactory
from tests.helpers import comment_count_label, post_comment

pytestmark = pytest.mark.django_db


# The form and who gets it ---------------------------------------------------------------


def test_verified_reader_gets_the_form_with_csrf_protection(client, article, commenter):
    client.force_login(commenter)
    response = client.get(article.get_absolute_url())
    assertContains(response, 'name="csrfmiddlewaretoken"')
    assertContains(response, '<label for="id_body">Your comment</label>', html=True)
    assertNotContains(response, "You need to login to leave a comment.")


def test_anonymous_post_saves_nothing_and_goes_to_login(client, article):
    response = post_comment(client, article, "Anonymous words")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not Comment.objects.exists()


def test_unverified_reader_is_told_to_verify_and_offered_the_link_again(client, article):
    reader = UserFactory(username="unverified")
    client.force_login(reader)
    response = client.get(article.get_absolute_url())
    assertContains(response, "Please verify your email address before you comment")
    assertContains(response, 'name="action_send"')
    assertContains(response, f'action="{reverse("accounts:resend-verification")}"')
    assertContains(
        response, f'<input type="hidden" name="next" value="{article.get_absolute_url()}#comments">'
    )
    assertNotContains(response, 'name="body"')


def test_form_answers_at_the_comment_section(client, article, commenter):
    """Posting lands on #comments, where a re-rendered form shows its errors."""
    client.force_login(commenter)
    action = reverse("articles:comment-post", kwargs={"slug": article.slug})
    assertContains(client.get(article.get_absolute_url()), f'action="{action}#comments"')


def test_reader_without_an_email_address_is_asked_to_add_one(client, article):
    client.force_login(UserFactory(username="no-address", email=""))
    response = client.get(article.get_absolute_url())
    assertContains(response, "Please add an email address and verify it before you comment.")
    assertContains(response, f'href="{reverse("account_email")}"')
    assertNotContains(response, "we sent to")


def test_unverified_post_saves_nothing_and_keeps_the_text(client, article):
    client.force_login(UserFactory(username="unverified"))
    response = post_comment(client, article, "My unverified words")
    assert response.status_code == 403
    assertContains(response, "My unverified words", status_code=403)
    # Sending it again cannot work: the text is there to copy, with no button to send it.
    assertContains(response, "Your text (not sent)", status_code=403)
    assertNotContains(response, 'class="comment-form"', status_code=403)
    assert not Comment.objects.exists()


def test_post_redirects_to_the_new_comment_and_the_count_goes_up(client, article, commenter):
    client.force_login(commenter)
    assert comment_count_label(client.get(article.get_absolute_url())) == "0 comments"

    response = post_comment(client, article, "Good to see the bridge open.\n\nIt took long enough.")

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#comment-{comment.pk}"
    page = client.get(article.get_absolute_url())
    assertContains(page, "<p>Good to see the bridge open.</p><p>It took long enough.</p>")
    assertContains(page, "Your comment is published.")
    assert comment_count_label(page) == "1 comment"
    assert comment.author == commenter and comment.status == Comment.Status.VISIBLE


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("   ", "This field is required."),
        ("x" * 3001, "Comments are at most 3000 characters; this one has 3001."),
    ],
)
def test_invalid_comment_rerenders_the_article_with_the_text_kept(
    client, article, commenter, body, message
):
    client.force_login(commenter)
    response = post_comment(client, article, body)
    assert response.status_code == 400
    assertContains(response, message, status_code=400)
    assertContains(response, "Harbour bridge reopens", status_code=400)
    if body.strip():
        assertContains(response, body, status_code=400)
    assert not Comment.objects.exists()


def test_rerendered_article_page_still_shows_its_corrections(client, article, commenter):
    from articles.models import Correction

    Correction.objects.create(article=article, text="An earlier version misspelled the bridge.")
    client.force_login(commenter)
    response = post_comment(client, article, "   ")
    assert response.status_code == 400
    assertContains(response, "An earlier version misspelled the bridge.", status_code=400)


def test_comment_length_limit_is_configurable(client, article, commenter, settings):
    settings.NEWSROOM_COMMENT_MAX_LENGTH = 10
    client.force_login(commenter)
    assertContains(client.get(article.get_absolute_url()), 'maxlength="10"')
    assert post_comment(client, article, "x" * 11).status_code == 400
    # Browsers send line breaks as CRLF but count them as one character, as we do.
    assert post_comment(client, article, "xxxxx\r\nxxxx").status_code == 302
    assert post_comment(client, article, "x" * 10).status_code == 302


# Replies ------------------------------------------------------------------------------


def test_reply_joins_the_thread(client, article, commenter, stranger):
    first = CommentFactory(article=article, author=stranger, body="Top comment")
    client.force_login(commenter)
    reply_page = client.get(reverse("articles:comment-reply", kwargs={"pk": first.pk}))
    assertContains(reply_page, "Reply to stranger")
    assertContains(reply_page, f'name="parent" value="{first.pk}"')

    response = post_comment(client, article, "A reply", parent=first)

    reply = Comment.objects.get(body="A reply")
    assert reply.parent == first and reply.replied_to is None
    assert response["Location"].endswith(f"#comment-{reply.pk}")


def test_reply_to_a_reply_attaches_to_the_thread_and_names_who_it_answers(
    client, article, commenter, stranger
):
    top = CommentFactory(article=article, body="Top")
    middle = CommentFactory(article=article, parent=top, author=stranger, body="Middle")
    client.force_login(commenter)

    post_comment(client, article, "Answering the middle", parent=middle)

    reply = Comment.objects.get(body="Answering the middle")
    assert reply.parent == top
    assert reply.replied_to == middle
    page = client.get(article.get_absolute_url())
    assertContains(
        page,
        f'<span class="comment__answers">in reply to <a href="#comment-{middle.pk}">stranger</a>'
        "</span>",
        html=True,
    )


@pytest.mark.parametrize("gone", ["deleted", "removed", "held"])
def test_a_reply_to_a_reply_no_longer_shown_names_it_without_a_dead_link(
    client, article, commenter, stranger, gone
):
    top = CommentFactory(article=article, body="Top")
    middle = CommentFactory(article=article, parent=top, author=stranger, body="Middle")
    client.force_login(commenter)
    post_comment(client, article, "Answering the middle", parent=middle)
    if gone == "deleted":
        client.force_login(stranger)
        client.post(reverse("articles:comment-delete", kwargs={"pk": middle.pk}))
        client.force_login(commenter)
    else:
        status = Comment.Status.REMOVED if gone == "removed" else Comment.Status.PENDING
        Comment.objects.filter(pk=middle.pk).update(status=status)

    page = client.get(article.get_absolute_url())

    assertNotContains(page, "Middle")
    assertContains(page, '<span class="comment__answers">in reply to stranger</span>', html=True)
    assertNotContains(page, f'href="#comment-{middle.pk}"')
    if gone == "held":
        # Its author still sees their held reply, so the link leads somewhere for them.
        client.force_login(stranger)
        assertContains(client.get(article.get_absolute_url()), f'href="#comment-{middle.pk}"')


def test_reply_to_a_comment_of_another_article_is_refused(client, article, commenter):
    elsewhere = CommentFactory(article=ArticleFactory())
    client.force_login(commenter)
    response = post_comment(client, article, "Lost reply", parent=elsewhere)
    assert response.status_code == 400
    assertContains(response, "no longer available", status_code=400)
    assert not Comment.objects.filter(body="Lost reply").exists()


@pytest.mark.parametrize("parent", ["abc", "²", "1.5", "-1", "99999999999999999999", "0x1"])
def test_a_malformed_parent_is_a_message_not_an_error_page(client, article, commenter, parent):
    client.force_login(commenter)
    response = post_comment(client, article, "Hello there", parent=parent)
    assert response.status_code == 400
    assertContains(
        response,
        '<div class="form-errors" role="alert">'
        "<p>The comment you replied to is no longer available.</p></div>",
        html=True,
        status_code=400,
    )
    assertContains(response, "Hello there", status_code=400)
    assert not Comment.objects.exists()


def test_reply_notifies_the_parent_author_unless_they_opted_out(
    client, article, commenter, stranger, django_capture_on_commit_callbacks
):
    top = CommentFactory(article=article, author=stranger)
    client.force_login(commenter)
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, article, "Replying to you", parent=top)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [stranger.email]
    assert "commenter replied to your comment" in mail.outbox[0].subject
    assert "Replying to you" in mail.outbox[0].body
    reply = Comment.objects.get(body="Replying to you")
    # The reply's permalink, which finds the page holding it (test_comment_permalink.py).
    assert f"http://testserver{reverse('articles:comment', kwargs={'pk': reply.pk})}\n" in (
        mail.outbox[0].body
    )

    stranger.is_notified_of_replies = False
    stranger.save()
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, article, "Another reply", parent=top)
    assert len(mail.outbox) == 1


def test_replying_to_yourself_sends_no_email(
    client, article, commenter, django_capture_on_commit_callbacks
):
    top = CommentFactory(article=article, author=commenter)
    client.force_login(commenter)
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, article, "Adding to my own point", parent=top)
    assert mail.outbox == []


# Editing ------------------------------------------------------------------------------


def test_owner_edits_within_the_window_and_it_is_marked_edited(client, article, commenter):
    comment = CommentFactory(article=article, author=commenter, body="Teh bridge")
    client.force_login(commenter)
    url = reverse("articles:comment-edit", kwargs={"pk": comment.pk})
    assertContains(client.get(url), "Teh bridge")

    response = client.post(url, {"body": "The bridge"})

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == "The bridge" and comment.edited_at is not None
    assertContains(
        client.get(article.get_absolute_url()), '<span class="comment__edited">edited</span>'
    )


def test_edit_window_is_configurable_and_closes(client, article, commenter, settings):
    settings.NEWSROOM_COMMENT_EDIT_MINUTES = 15
    comment = CommentFactory(article=article, author=commenter, body="Original")
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    client.force_login(commenter)
    url = reverse("articles:comment-edit", kwargs={"pk": comment.pk})

    assert client.get(url).status_code == 403
    assert client.post(url, {"body": "Changed"}).status_code == 403
    assertNotContains(client.get(article.get_absolute_url()), url)
    comment.refresh_from_db()
    assert comment.body == "Original"

    settings.NEWSROOM_COMMENT_EDIT_MINUTES = 30
    assert client.post(url, {"body": "Changed"}).status_code == 302


def test_stranger_cannot_edit_or_delete_and_nothing_changes(client, article, commenter, stranger):
    comment = CommentFactory(article=article, author=commenter, body="Mine")
    client.force_login(stranger)
    page = client.get(article.get_absolute_url())
    assertNotContains(page, reverse("articles:comment-edit", kwargs={"pk": comment.pk}))
    assertNotContains(page, reverse("articles:comment-delete", kwargs={"pk": comment.pk}))

    for name in ("articles:comment-edit", "articles:comment-delete"):
        url = reverse(name, kwargs={"pk": comment.pk})
        assert client.get(url).status_code == 404
        assert client.post(url, {"body": "Hijacked"}).status_code == 404
    comment.refresh_from_db()
    assert comment.body == "Mine" and comment.status == Comment.Status.VISIBLE


def test_anonymous_edit_or_delete_goes_to_login(client, article):
    comment = CommentFactory(article=article)
    for name in ("articles:comment-edit", "articles:comment-delete", "articles:comment-report"):
        response = client.post(reverse(name, kwargs={"pk": comment.pk}), {"body": "x"})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    comment.refresh_from_db()
    assert comment.status == Comment.Status.VISIBLE and comment.body == "A thoughtful comment."


def test_a_late_edit_is_refused_and_gives_the_text_back(client, article, commenter):
    comment = CommentFactory(article=article, author=commenter, body="Original")
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(hours=1))
    client.force_login(commenter)

    response = client.post(
        reverse("articles:comment-edit", kwargs={"pk": comment.pk}), {"body": "My careful fix"}
    )

    assert response.status_code == 403
    assertContains(response, "The time to edit this comment has passed.", status_code=403)
    assertContains(response, "My careful fix", status_code=403)
    assertContains(response, "readonly", status_code=403)
    assertNotContains(response, 'class="comment-form"', status_code=403)
    comment.refresh_from_db()
    assert comment.body == "Original"


@pytest.mark.parametrize("rule", ["banned", "closed"])
def test_banned_or_closed_cannot_edit_even_inside_the_window(
    client, article, commenter, moderator, rule
):
    from articles.services import commenter_ban

    comment = CommentFactory(article=article, author=commenter, body="Original")
    if rule == "banned":
        commenter_ban(user=commenter, by=moderator)
        message = "You can no longer comment on this site."
    else:
        article.is_commenting_open = False
        article.save()
        message = "Comments are closed for this article."
    client.force_login(commenter)
    url = reverse("articles:comment-edit", kwargs={"pk": comment.pk})

    assertNotContains(client.get(article.get_absolute_url()), url)
    response = client.post(url, {"body": "Sneaky abuse"})

    assert response.status_code == 403
    assertContains(response, message, status_code=403)
    comment.refresh_from_db()
    assert comment.body == "Original"
    # Deleting one's own words stays possible.
    assertContains(
        client.get(article.get_absolute_url()),
        reverse("articles:comment-delete", kwargs={"pk": comment.pk}),
    )


def test_edit_that_adds_a_held_word_goes_back_to_moderation(client, article, commenter):
    from articles.models import WordRule

    WordRule.objects.create(phrase="casino", action=WordRule.Action.HOLD)
    comment = CommentFactory(article=article, author=commenter, body="Fine words")
    client.force_login(commenter)
    client.post(reverse("articles:comment-edit", kwargs={"pk": comment.pk}), {"body": "Casino!"})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


# Deleting -----------------------------------------------------------------------------


def test_owner_deletes_and_a_placeholder_keeps_the_thread(client, article, commenter):
    comment = CommentFactory(article=article, author=commenter, body="Regrettable")
    CommentFactory(article=article, parent=comment, body="A reply that stays")
    client.force_login(commenter)
    url = reverse("articles:comment-delete", kwargs={"pk": comment.pk})
    assertContains(client.get(url), "Delete your comment?")

    response = client.post(url)

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Comment.Status.REMOVED
    page = client.get(article.get_absolute_url())
    assertNotContains(page, "Regrettable")
    assertContains(page, "This comment was deleted by its author.")
    assertContains(page, "A reply that stays")
    assert comment_count_label(page) == "1 comment"


def test_deleted_comment_without_replies_leaves_no_placeholder(client, article, commenter):
    comment = CommentFactory(article=article, author=commenter, body="Gone")
    client.force_login(commenter)
    client.post(reverse("articles:comment-delete", kwargs={"pk": comment.pk}))
    page = client.get(article.get_absolute_url())
    assertNotContains(page, "Gone")
    assertNotContains(page, "This comment was deleted")


# Reporting ----------------------------------------------------------------------------


def test_reader_reports_once_and_moderators_are_emailed(
    client, article, commenter, stranger, django_capture_on_commit_callbacks
):
    from django.contrib.auth.models import Group

    moderator = UserFactory(username="mod", email="mod@example.com")
    moderator.groups.add(Group.objects.get(name="Moderator"))
    comment = CommentFactory(article=article, author=stranger, body="Rude words")
    client.force_login(commenter)
    url = reverse("articles:comment-report", kwargs={"pk": comment.pk})

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "abuse", "note": "Personal attack"})

    assert response.status_code == 302
    report = CommentReport.objects.get()
    assert (report.comment, report.reporter, report.reason) == (comment, commenter, "abuse")
    assert [m.to for m in mail.outbox] == [["mod@example.com"]]
    assert "Personal attack" in mail.outbox[0].body
    page = client.get(article.get_absolute_url())
    assertContains(page, "<li>Reported</li>", html=True)
    assertNotContains(page, url)

    second = client.post(url, {"reason": "spam"})
    assert second.status_code == 400
    assertContains(second, "You have already reported this comment", status_code=400)
    assert CommentReport.objects.count() == 1


def test_report_note_counts_line_breaks_as_the_browser_does_and_says_when_too_long(
    client, article, commenter, stranger
):
    comment = CommentFactory(article=article, author=stranger)
    client.force_login(commenter)
    url = reverse("articles:comment-report", kwargs={"pk": comment.pk})

    too_long = client.post(url, {"reason": "other", "note": "x" * 501})
    assert too_long.status_code == 400
    assertContains(too_long, "Ensure this value has at most 500 characters", status_code=400)
    assertContains(too_long, "x" * 501, status_code=400)
    # 500 characters in the browser's count: 100 lines of four, with CRLF line breaks.
    response = client.post(url, {"reason": "other", "note": "\r\n".join(["abcd"] * 100)})
    assert response.status_code == 302
    assert CommentReport.objects.get().note == "\n".join(["abcd"] * 100)


def test_reporting_your_own_comment_is_refused(client, article, commenter):
    comment = CommentFactory(article=article, author=commenter)
    client.force_login(commenter)
    response = client.post(
        reverse("articles:comment-report", kwargs={"pk": comment.pk}), {"reason": "spam"}
    )
    assert response.status_code == 403
    assert not CommentReport.objects.exists()


# Counts, closing, ordering ------------------------------------------------------------


def test_count_agrees_on_listings_and_the_article_and_counts_visible_only(client, article):
    CommentFactory.create_batch(2, article=article)
    for status in (Comment.Status.PENDING, Comment.Status.REMOVED, Comment.Status.SPAM):
        CommentFactory(article=article, status=status)
    home = client.get(reverse("articles:home")).content.decode()
    assert re.search(r'class="card__comments"[^>]*>\s*2 comments\s*<span class="visually-h', home)
    page = client.get(article.get_absolute_url())
    assert comment_count_label(page) == "2 comments"
    assert len(re.findall(r'class="comment"', page.content.decode())) == 2


def test_closed_article_refuses_comments_and_says_so(client, commenter):
    article = ArticleFactory(is_commenting_open=False)
    CommentFactory(article=article, body="Said before closing")
    client.force_login(commenter)
    page = client.get(article.get_absolute_url())
    assertContains(page, "Comments are closed for this article.")
    assertContains(page, "Said before closing")
    assertNotContains(page, 'name="body"')
    response = post_comment(client, article, "Too late")
    assert response.status_code == 403
    assert not Comment.objects.filter(body="Too late").exists()


def test_comments_close_automatically_after_the_configured_days(client, commenter, settings):
    settings.NEWSROOM_COMMENTS_CLOSE_AFTER_DAYS = 7
    old = ArticleFactory(published_at=timezone.now() - timedelta(days=8))
    recent = ArticleFactory(published_at=timezone.now() - timedelta(days=6))
    client.force_login(commenter)
    assertContains(client.get(old.get_absolute_url()), "Comments are closed for this article.")
    assert post_comment(client, old, "Late").status_code == 403
    assert post_comment(client, recent, "In time").status_code == 302
    assert list(Comment.objects.values_list("body", flat=True)) == ["In time"]


def test_threads_are_oldest_first_newest_on_request_and_paginated(client, article, settings):
    settings.NEWSROOM_COMMENTS_PAGE_SIZE = 2
    for n in range(5):
        CommentFactory(article=article, body=f"Comment {n}")
    url = article.get_absolute_url()

    def bodies(response):
        return re.findall(r"<p>(Comment \d)</p>", response.content.decode())

    assert bodies(client.get(url)) == ["Comment 0", "Comment 1"]
    assert bodies(client.get(url, {"cpage": 3})) == ["Comment 4"]
    assert bodies(client.get(url, {"comments": "newest"})) == ["Comment 4", "Comment 3"]
    assertContains(client.get(url), "Page 1 of 3")
    # The links work from any page that shows the section, such as a re-rendered form.
    assertContains(client.get(url), f'href="{url}?cpage=2#comments"')
    assertContains(client.get(url), f'href="{url}?comments=newest#comments"')


def test_post_redirects_to_the_page_holding_the_new_comment(client, article, commenter, settings):
    settings.NEWSROOM_COMMENTS_PAGE_SIZE = 2
    CommentFactory.create_batch(2, article=article)
    client.force_login(commenter)
    response = post_comment(client, article, "On the second page")
    comment = Comment.objects.get(body="On the second page")
    assert response["Location"] == f"{article.get_absolute_url()}?cpage=2#comment-{comment.pk}"


def test_anonymous_page_with_comments_still_sets_no_cookie_and_has_no_csrf(client, article):
    top = CommentFactory(article=article)
    CommentFactory(article=article, parent=top)
    response = client.get(article.get_absolute_url())
    assert not response.cookies
    assertNotContains(response, "csrfmiddlewaretoken")
    assertNotContains(response, "comment__actions")
    assert "private" not in response.get("Cache-Control", "")


def test_logged_in_page_is_private_to_caches(client, article, commenter):
    client.force_login(commenter)
    response = client.get(article.get_absolute_url())
    assert "private" in response["Cache-Control"]


def test_held_or_removed_comments_take_no_replies(client, article, commenter):
    held = CommentFactory(article=article, author=commenter, status=Comment.Status.PENDING)
    removed = CommentFactory(article=article, status=Comment.Status.REMOVED)
    client.force_login(commenter)
    for parent in (held, removed):
        assert (
            client.get(reverse("articles:comment-reply", kwargs={"pk": parent.pk})).status_code
            == 404
        )
        assert (
            post_comment(client, article, f"Reply to {parent.pk}", parent=parent).status_code == 400
        )
    assert Comment.objects.filter(parent__isnull=False).count() == 0


def test_held_comment_of_a_deleted_account_stays_hidden(client, article, commenter, stranger):
    """A held comment is its author's alone, also once the author is gone: "no account"
    must not read as "the anonymous reader's own"."""
    top = CommentFactory(article=article, author=stranger, body="Held words")
    CommentFactory(article=article, parent=top, body="A visible reply")
    Comment.objects.filter(pk=top.pk).update(status=Comment.Status.PENDING)
    stranger.delete()
    for viewer in (None, commenter):
        if viewer:
            client.force_login(viewer)
        page = client.get(article.get_absolute_url())
        assertNotContains(page, "Held words")
        assertContains(page, "This comment is awaiting moderation.")
        assertContains(page, "A visible reply")


@pytest.mark.parametrize(
    ("status", "placeholder"),
    [
        (Comment.Status.SPAM, "This comment was removed by a moderator."),
        (Comment.Status.PENDING, "This comment is awaiting moderation."),
    ],
)
def test_every_counted_reply_has_a_place_even_under_a_hidden_comment(
    client, article, status, placeholder
):
    top = CommentFactory(article=article, body="Top words")
    CommentFactory(article=article, parent=top, body="Visible reply")
    Comment.objects.filter(pk=top.pk).update(status=status)
    page = client.get(article.get_absolute_url())
    assert comment_count_label(page) == "1 comment"
    assertContains(page, "Visible reply")
    assertContains(page, placeholder)
    assertNotContains(page, "Top words")
