"""A reader reading "Newest first" who posts, replies, edits, reports or deletes comes back
to newest first; one reading oldest first comes back to oldest first. The test follows
the links and forms of the pages, as a reader would."""

import re
from html import unescape

from django.urls import reverse

import pytest
from pytest_django.asserts import assertContains

from articles.models import Comment, CommentReport
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

NEWEST_CURRENT = '<strong aria-current="true">Newest first</strong>'
OLDEST_CURRENT = '<strong aria-current="true">Oldest first</strong>'
ORDERS = {"oldest": {}, "newest": {"comments": "newest"}}


def form_action(response) -> str:
    """The comment form's address (not the header's log-out form)."""
    html = response.content.decode()
    actions = re.findall(r'<form[^>]*method="post" action="([^"]+)"', html)
    return unescape(next(action for action in actions if "/comments/" in action))


def link(response, name: str, pk: int) -> str:
    path = reverse(f"articles:comment-{name}", kwargs={"pk": pk})
    return unescape(re.search(rf'href="({re.escape(path)}[^"#]*)"', response.content.decode())[1])


def assert_back_in(client, response, order: str):
    assert response.status_code == 302
    location = response["Location"]
    assert ("comments=newest" in location) is (order == "newest"), location
    page = client.get(location)
    assertContains(page, NEWEST_CURRENT if order == "newest" else OLDEST_CURRENT, html=True)


@pytest.fixture
def thread(article, stranger):
    return CommentFactory(article=article, author=stranger, body="Someone's comment")


@pytest.mark.parametrize("order", ORDERS)
def test_posting_keeps_the_order(client, article, commenter, thread, order):
    client.force_login(commenter)
    page = client.get(article.get_absolute_url(), ORDERS[order])
    action = form_action(page)

    response = client.post(action, {"body": "A new thread"})

    assert_back_in(client, response, order)
    assert response["Location"].endswith(f"#comment-{Comment.objects.get(body='A new thread').pk}")


@pytest.mark.parametrize("order", ORDERS)
def test_a_refused_post_rerendered_keeps_the_order(client, article, commenter, thread, order):
    client.force_login(commenter)
    action = form_action(client.get(article.get_absolute_url(), ORDERS[order]))
    response = client.post(action, {"body": "   "})
    assert response.status_code == 400
    current = NEWEST_CURRENT if order == "newest" else OLDEST_CURRENT
    assertContains(response, current, html=True, status_code=400)
    assert form_action(response) == action


@pytest.mark.parametrize("order", ORDERS)
def test_replying_keeps_the_order(client, article, commenter, thread, order):
    client.force_login(commenter)
    page = client.get(article.get_absolute_url(), ORDERS[order])
    reply_page = client.get(link(page, "reply", thread.pk))

    response = client.post(form_action(reply_page), {"body": "A reply", "parent": str(thread.pk)})

    assert_back_in(client, response, order)
    assert Comment.objects.get(body="A reply").parent == thread


@pytest.mark.parametrize("order", ORDERS)
def test_editing_keeps_the_order(client, article, commenter, order):
    own = CommentFactory(article=article, author=commenter, body="Teh words")
    client.force_login(commenter)
    page = client.get(article.get_absolute_url(), ORDERS[order])
    edit_page = client.get(link(page, "edit", own.pk))

    response = client.post(form_action(edit_page), {"body": "The words"})

    assert_back_in(client, response, order)
    own.refresh_from_db()
    assert own.body == "The words"


@pytest.mark.parametrize("order", ORDERS)
def test_reporting_keeps_the_order(client, article, commenter, thread, order):
    client.force_login(commenter)
    page = client.get(article.get_absolute_url(), ORDERS[order])
    report_page = client.get(link(page, "report", thread.pk))

    response = client.post(form_action(report_page), {"reason": "spam"})

    assert_back_in(client, response, order)
    assert CommentReport.objects.filter(comment=thread, reporter=commenter).exists()


@pytest.mark.parametrize("order", ORDERS)
def test_deleting_keeps_the_order(client, article, commenter, thread, order):
    own = CommentFactory(article=article, author=commenter, body="Regrettable")
    client.force_login(commenter)
    page = client.get(article.get_absolute_url(), ORDERS[order])
    delete_page = client.get(link(page, "delete", own.pk))

    response = client.post(form_action(delete_page))

    assert_back_in(client, response, order)
    assert response["Location"].endswith("#comments")
    own.refresh_from_db()
    assert own.status == Comment.Status.REMOVED


def test_redirects_land_on_the_page_holding_the_comment_in_the_readers_order(
    client, article, commenter, settings
):
    settings.NEWSROOM_COMMENTS_PAGE_SIZE = 2
    old = CommentFactory(article=article, author=commenter, body="My old thread")
    CommentFactory.create_batch(4, article=article)
    client.force_login(commenter)
    url = article.get_absolute_url()
    edit = reverse("articles:comment-edit", kwargs={"pk": old.pk})

    newest = client.post(f"{edit}?comments=newest", {"body": "My old thread, fixed"})
    oldest = client.post(edit, {"body": "My old thread, fixed again"})

    # Five threads, two a page: the oldest is on page 3 newest first, on page 1 oldest first.
    assert newest["Location"] == f"{url}?comments=newest&cpage=3#comment-{old.pk}"
    assert oldest["Location"] == f"{url}#comment-{old.pk}"


def test_the_pages_links_carry_the_order_only_when_newest(client, article, commenter, thread):
    client.force_login(commenter)
    oldest = client.get(article.get_absolute_url())
    newest = client.get(article.get_absolute_url(), {"comments": "newest"})
    assert link(oldest, "reply", thread.pk) == reverse("articles:comment-reply", args=[thread.pk])
    assert link(newest, "reply", thread.pk) == (
        reverse("articles:comment-reply", args=[thread.pk]) + "?comments=newest"
    )
