"""Three orders of threads: oldest first, newest first, most reacted ("best": most
reactions, then oldest). The reader's choice stays after every form and across pages."""

import re

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest
from pytest_django.asserts import assertContains

from articles.models import Article, Comment
from articles.selectors import BEST, comment_page, comment_page_number
from tests.articles.test_comment_order import form_action, link
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

BEST_CURRENT = '<strong aria-current="true">Most reacted</strong>'


def with_reactions(article, counts: list[int]) -> list[Comment]:
    """Threads posted in this order, with these reaction counts."""
    threads = []
    for number, count in enumerate(counts):
        thread = CommentFactory(article=article, body=f"Thread {number}")
        Comment.objects.filter(pk=thread.pk).update(reaction_count=count)
        thread.reaction_count = count
        threads.append(thread)
    return threads


def bodies(response) -> list[str]:
    return re.findall(r'<div class="comment__body"><p>(Thread \d+)</p>', response.content.decode())


def test_most_reacted_puts_the_most_reacted_threads_first_then_the_oldest(client, article):
    with_reactions(article, [1, 5, 0, 5, 2])
    response = client.get(article.get_absolute_url(), {"comments": "best"})
    assert bodies(response) == ["Thread 1", "Thread 3", "Thread 4", "Thread 0", "Thread 2"]
    assertContains(response, BEST_CURRENT, html=True)


def test_the_three_orders_are_links_with_the_current_one_marked(client, article):
    with_reactions(article, [0])
    url = article.get_absolute_url()
    response = client.get(url)
    assertContains(response, '<strong aria-current="true">Oldest first</strong>', html=True)
    assertContains(
        response, f'<a href="{url}?comments=newest#comments">Newest first</a>', html=True
    )
    assertContains(response, f'<a href="{url}?comments=best#comments">Most reacted</a>', html=True)
    assert bodies(client.get(url, {"comments": "nonsense"})) == ["Thread 0"]


def test_most_reacted_goes_on_across_the_pages(client, article, settings):
    settings.NEWSROOM_COMMENTS_PAGE_SIZE = 2
    with_reactions(article, [1, 5, 0, 5, 2])
    first = client.get(article.get_absolute_url(), {"comments": "best"})
    assert bodies(first) == ["Thread 1", "Thread 3"]
    next_url = re.search(r'<a rel="next" href="([^"]+)"', first.content.decode())[1]
    assert next_url == f"{article.get_absolute_url()}?comments=best&amp;cpage=2#comments"
    assert bodies(client.get(next_url.replace("&amp;", "&"))) == ["Thread 4", "Thread 0"]


def test_the_page_holding_a_comment_in_the_best_order(article, settings):
    settings.NEWSROOM_COMMENTS_PAGE_SIZE = 2
    threads = with_reactions(article, [1, 5, 0, 5, 2])
    reader = UserFactory()
    reply = CommentFactory(article=article, parent=threads[2])
    pages = [comment_page_number(t, reader, order=BEST) for t in threads]
    assert pages == [2, 1, 3, 1, 2]
    assert comment_page_number(reply, reader, order=BEST) == 3


def test_the_permalink_in_the_best_order_finds_the_page(client, article, settings):
    settings.NEWSROOM_COMMENTS_PAGE_SIZE = 2
    threads = with_reactions(article, [1, 5, 0, 5, 2])
    permalink = reverse("articles:comment", kwargs={"pk": threads[2].pk})
    response = client.get(permalink, {"comments": "best"})
    assert response["Location"] == (
        f"{article.get_absolute_url()}?comments=best&cpage=3#comment-{threads[2].pk}"
    )


def test_posting_replying_and_editing_keep_most_reacted(client, article, commenter):
    with_reactions(article, [3])
    thread = Comment.objects.get()
    client.force_login(commenter)
    page = client.get(article.get_absolute_url(), {"comments": "best"})

    posted = client.post(form_action(page), {"body": "A new thread"})
    assert "comments=best" in posted["Location"]
    reply_page = client.get(link(page, "reply", thread.pk))
    replied = client.post(form_action(reply_page), {"body": "A reply", "parent": str(thread.pk)})
    assert "comments=best" in replied["Location"]
    own = Comment.objects.get(body="A new thread")
    edit_page = client.get(link(client.get(replied["Location"]), "edit", own.pk))
    edited = client.post(form_action(edit_page), {"body": "A new thread, fixed"})
    assert "comments=best" in edited["Location"]
    assertContains(client.get(edited["Location"]), BEST_CURRENT, html=True)


@pytest.mark.parametrize("order", ["oldest", "newest", "best"])
def test_a_page_of_threads_in_any_order_is_one_query(article, order):
    with_reactions(article, [2, 0, 1])
    article = Article.objects.with_page_data().get(pk=article.pk)
    with CaptureQueriesContext(connection) as queries:
        page = comment_page(article, AnonymousUser(), order=order)
    # Threads, replies, picks and the count in one; the badges from the prefetched bylines.
    assert len(queries) == 1
    assert len(page.threads) == 3
