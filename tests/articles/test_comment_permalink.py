"""A comment has one address, ``/comments/<pk>/``: it finds the article page holding the
comment, in the order the reader chose, and every email links to it."""

import re

from django.core import mail
from django.urls import reverse

import pytest
from pytest_django.asserts import assertContains

from articles.models import Comment
from tests.factories import ArticleFactory, CommentFactory, from_now
from tests.helpers import post_comment

pytestmark = pytest.mark.django_db


def permalink(comment) -> str:
    return reverse("articles:comment", kwargs={"pk": comment.pk})


@pytest.fixture
def long_thread(article, settings):
    """Ten threads, two a page: five pages, whichever the order."""
    settings.NEWSROOM_COMMENTS_PAGE_SIZE = 2
    return [CommentFactory(article=article, body=f"Thread {n}") for n in range(10)]


def test_get_absolute_url_is_the_permalink(article):
    comment = CommentFactory(article=article)
    assert comment.get_absolute_url() == f"/comments/{comment.pk}/"


@pytest.mark.parametrize(
    ("order", "query"), [("oldest", "?cpage=3"), ("newest", "?comments=newest&cpage=3")]
)
def test_permalink_lands_on_the_page_holding_the_comment(
    client, article, long_thread, order, query
):
    # Thread 5 is on page 3 both ways: [4, 5] oldest first, [5, 4] newest first.
    comment = long_thread[5]
    params = {"comments": "newest"} if order == "newest" else {}

    response = client.get(permalink(comment), params)

    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}{query}#comment-{comment.pk}"
    page = client.get(response["Location"])
    assertContains(page, f'id="comment-{comment.pk}"')
    assertContains(page, "<p>Thread 5</p>", html=True)
    assertContains(page, "Page 3 of 5")
    newest = '<strong aria-current="true">Newest first</strong>'
    assertContains(page, newest, html=True, count=1 if order == "newest" else 0)


@pytest.mark.parametrize("order", ["oldest", "newest"])
def test_a_reply_is_found_on_its_threads_page(client, article, long_thread, order):
    reply = CommentFactory(article=article, parent=long_thread[2], body="Late reply")
    params = {"comments": "newest"} if order == "newest" else {}
    response = client.get(permalink(reply), params, follow=True)
    assertContains(response, f'id="comment-{reply.pk}"')
    # Oldest first thread 2 is on page 2; newest first [9, 8], [7, 6], [5, 4], [3, 2]: page 4.
    assertContains(response, "Page 2 of 5" if order == "oldest" else "Page 4 of 5")


def test_first_page_needs_no_page_number(client, article):
    comment = CommentFactory(article=article)
    response = client.get(permalink(comment))
    assert response["Location"] == f"{article.get_absolute_url()}#comment-{comment.pk}"


def test_an_unknown_comment_is_404(client, article):
    assert client.get(reverse("articles:comment", kwargs={"pk": 999999})).status_code == 404


@pytest.mark.parametrize("status", [Comment.Status.REMOVED, Comment.Status.SPAM])
def test_a_removed_comment_is_404_even_to_its_author(client, article, commenter, status):
    comment = CommentFactory(article=article, author=commenter, status=status)
    CommentFactory(article=article, parent=comment)  # kept as a placeholder: still hidden
    assert client.get(permalink(comment)).status_code == 404
    client.force_login(commenter)
    assert client.get(permalink(comment)).status_code == 404


@pytest.mark.parametrize("article_state", ["draft", "scheduled"])
def test_a_comment_on_an_unpublished_article_is_404(client, commenter, article_state):
    if article_state == "draft":
        article = ArticleFactory(draft=True)
    else:
        article = ArticleFactory(published_at=from_now(days=1))
    comment = CommentFactory(article=article, author=commenter)
    assert client.get(permalink(comment)).status_code == 404
    client.force_login(commenter)
    assert client.get(permalink(comment)).status_code == 404


def test_a_held_comment_is_found_by_its_author_only(client, article, commenter, stranger):
    CommentFactory(article=article, body="Earlier")
    held = CommentFactory(
        article=article, author=commenter, body="Held words", status=Comment.Status.PENDING
    )

    assert client.get(permalink(held)).status_code == 404
    client.force_login(stranger)
    assert client.get(permalink(held)).status_code == 404

    client.force_login(commenter)
    response = client.get(permalink(held))
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#comment-{held.pk}"
    page = client.get(response["Location"])
    assertContains(page, "Held words")
    assertContains(page, "Awaiting moderation: only you can see this comment for now.")


def test_the_permalink_answer_is_never_cached(client, article, commenter):
    """It depends on who asks (a held comment is its author's) and moves as threads come."""
    comment = CommentFactory(article=article)
    for user in (None, commenter):
        if user:
            client.force_login(user)
        assert "no-store" in client.get(permalink(comment))["Cache-Control"]


def test_the_article_page_links_each_comment_by_its_permalink(client, article):
    comment = CommentFactory(article=article)
    response = client.get(article.get_absolute_url())
    assertContains(response, f'<a class="comment__permalink" href="{permalink(comment)}">')
    # The page itself stays the same for every anonymous reader.
    assert not response.cookies


# Emails carry the permalink, absolute ----------------------------------------------------


def report(client, comment):
    return client.post(
        reverse("articles:comment-report", kwargs={"pk": comment.pk}), {"reason": "spam"}
    )


def email_link(message) -> str:
    return re.search(r"https?://\S+/comments/\d+/", message.body).group(0)


def test_a_reply_email_link_lands_on_the_page_holding_the_reply(
    client, article, commenter, stranger, settings, django_capture_on_commit_callbacks
):
    """The bug: the email linked to the article's first page, where a reply in a later
    thread is not."""
    settings.NEWSROOM_COMMENTS_PAGE_SIZE = 2
    CommentFactory.create_batch(2, article=article)
    answered = CommentFactory(article=article, author=stranger, body="On page two")
    client.force_login(commenter)
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, article, "Answering you", parent=answered)
    reply = Comment.objects.get(body="Answering you")
    link = re.search(r"Read and answer it here: http://testserver(\S+)", mail.outbox[0].body)[1]

    client.force_login(stranger)
    page = client.get(link, follow=True)

    assertContains(page, f'id="comment-{reply.pk}"')
    assertContains(page, "Answering you")
    assert link == permalink(reply)
    assert page.redirect_chain == [
        (f"{article.get_absolute_url()}?cpage=2#comment-{reply.pk}", 302)
    ]


def test_reply_email_link_is_absolute_on_the_base_url(
    client, article, commenter, stranger, settings, django_capture_on_commit_callbacks
):
    settings.NEWSROOM_BASE_URL = "https://news.example.org"
    answered = CommentFactory(article=article, author=stranger)
    client.force_login(commenter)
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, article, "Answering you", parent=answered)
    reply = Comment.objects.get(body="Answering you")
    body = mail.outbox[0].body
    assert f"https://news.example.org{permalink(reply)}\n" in body
    assert f"https://news.example.org{reverse('accounts:profile')}\n" in body


def test_approval_email_carries_the_permalink_on_the_base_url(
    client, article, commenter, moderator, settings, django_capture_on_commit_callbacks
):
    settings.NEWSROOM_BASE_URL = "https://news.example.org"
    held = CommentFactory(article=article, author=commenter, status=Comment.Status.PENDING)
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:articles_comment_changelist"),
            {"action": "approve", "_selected_action": [held.pk]},
        )
    assert [m.subject for m in mail.outbox] == ["Your comment is now published"]
    assert email_link(mail.outbox[0]) == f"https://news.example.org{permalink(held)}"


def test_report_email_carries_the_permalink_and_the_admin_page_on_the_base_url(
    client, article, commenter, stranger, moderator, settings, django_capture_on_commit_callbacks
):
    settings.NEWSROOM_BASE_URL = "https://news.example.org"
    comment = CommentFactory(article=article, author=stranger)
    client.force_login(commenter)
    with django_capture_on_commit_callbacks(execute=True):
        report(client, comment)
    (message,) = mail.outbox
    assert message.to == [moderator.email]
    assert f"On the page: https://news.example.org{permalink(comment)}\n" in message.body
    admin_page = reverse("admin:articles_comment_change", args=[comment.pk])
    assert f"Moderate it: https://news.example.org{admin_page}\n" in message.body


def test_email_links_without_a_base_url_use_the_requests_host(
    client, article, commenter, stranger, moderator, django_capture_on_commit_callbacks
):
    comment = CommentFactory(article=article, author=stranger)
    client.force_login(commenter)
    with django_capture_on_commit_callbacks(execute=True):
        report(client, comment)
    assert email_link(mail.outbox[0]) == f"http://testserver{permalink(comment)}"
