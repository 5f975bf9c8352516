"""The thread's visible comments in the article's JSON-LD (issue 12, "Structured data")."""

import json
from datetime import timedelta

from django.utils import timezone

import pytest

from articles.models import Comment
from tests.articles.head import HeadParser
from tests.factories import CommentFactory, UserFactory, VerifiedUserFactory
from tests.helpers import warm_remembered

pytestmark = pytest.mark.django_db


def json_ld(client, url) -> dict:
    parser = HeadParser()
    parser.feed(client.get(url).content.decode())
    (script,) = parser.json_ld
    return json.loads(script)


def test_visible_comments_are_schema_org_comments_with_an_exact_count(client, article, settings):
    settings.NEWSROOM_BASE_URL = "https://news.example.org"
    first = CommentFactory(
        article=article, author=UserFactory(username="ana"), body="Great **news** <b>at last</b>"
    )
    reply = CommentFactory(
        article=article, parent=first, author=UserFactory(username="ben"), body="Agreed."
    )
    CommentFactory(article=article, status=Comment.Status.PENDING, body="Held words")
    CommentFactory(article=article, status=Comment.Status.REMOVED, body="Removed words")
    CommentFactory(article=article, status=Comment.Status.SPAM, body="Spam words")

    data = json_ld(client, article.get_absolute_url())

    assert data["@type"] == "NewsArticle"
    assert data["commentCount"] == 2
    first.refresh_from_db()
    reply.refresh_from_db()
    assert data["comment"] == [
        {
            "@type": "Comment",
            "author": {"@type": "Person", "name": "ana"},
            "dateCreated": first.created_at.isoformat(),
            "text": "Great **news** <b>at last</b>",
            "url": f"https://news.example.org/comments/{first.pk}/",
        },
        {
            "@type": "Comment",
            "author": {"@type": "Person", "name": "ben"},
            "dateCreated": reply.created_at.isoformat(),
            "text": "Agreed.",
            "url": f"https://news.example.org/comments/{reply.pk}/",
        },
    ]
    page = client.get(article.get_absolute_url()).content.decode()
    assert "2 comments" in page
    for hidden in ("Held words", "Removed words", "Spam words"):
        assert hidden not in json.dumps(data)


def test_a_comments_markup_cannot_leave_the_script(client, article):
    CommentFactory(article=article, body="</script><script>alert(1)</script> <!-- x")
    page = client.get(article.get_absolute_url()).content.decode()
    parser = HeadParser()
    parser.feed(page)
    (script,) = parser.json_ld
    assert "</script>" not in script and "<!--" not in script
    assert json.loads(script)["comment"][0]["text"] == "</script><script>alert(1)</script> <!-- x"


def test_the_list_is_capped_and_the_count_stays_exact(client, article, settings):
    settings.NEWSROOM_JSONLD_COMMENTS = 3
    comments = CommentFactory.create_batch(5, article=article)
    data = json_ld(client, article.get_absolute_url())
    assert data["commentCount"] == 5
    assert [item["url"].rsplit("/", 2)[-2] for item in data["comment"]] == [
        str(comment.pk) for comment in comments[:3]
    ]


def test_no_comments_no_comment_property(client, article, settings):
    assert "comment" not in json_ld(client, article.get_absolute_url())
    CommentFactory(article=article)
    settings.NEWSROOM_JSONLD_COMMENTS = 0
    data = json_ld(client, article.get_absolute_url())
    assert "comment" not in data and data["commentCount"] == 1


def test_long_comments_are_truncated_plain_text(client, article):
    CommentFactory(article=article, body="word " * 400 + "\n\nhttps://example.org/x")
    (item,) = json_ld(client, article.get_absolute_url())["comment"]
    assert len(item["text"]) <= 500 and item["text"].endswith("…")
    assert "<" not in item["text"]


def test_a_deleted_accounts_comment_is_signed_as_the_page_signs_it(client, article):
    CommentFactory(article=article, author=None)
    (item,) = json_ld(client, article.get_absolute_url())["comment"]
    assert item["author"] == {"@type": "Person", "name": "deleted user"}


def test_the_readers_own_held_comment_is_not_listed(client, article, commenter):
    CommentFactory(article=article, author=commenter, status=Comment.Status.PENDING, body="Mine")
    client.force_login(commenter)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Mine" in page  # they see it in the thread
    parser = HeadParser()
    parser.feed(page)
    data = json.loads(parser.json_ld[0])
    assert "comment" not in data and data["commentCount"] == 0


def test_the_newest_first_page_lists_the_newest(client, article):
    old = CommentFactory(article=article)
    Comment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=1))
    new = CommentFactory(article=article)
    data = json_ld(client, article.get_absolute_url() + "?comments=newest")
    assert [item["url"] for item in data["comment"]] == [
        f"http://testserver/comments/{new.pk}/",
        f"http://testserver/comments/{old.pk}/",
    ]


@pytest.mark.parametrize("logged_in", [False, True])
def test_the_comments_cost_no_query(client, article, logged_in, django_assert_max_num_queries):
    CommentFactory.create_batch(20, article=article)
    if logged_in:
        client.force_login(VerifiedUserFactory(username="reader2"))
    # As tests/articles/test_query_counts.py counts the page, comments or not.
    warm_remembered()
    with django_assert_max_num_queries(10 if logged_in else 6):
        data = json_ld(client, article.get_absolute_url())
    assert len(data["comment"]) == 10
