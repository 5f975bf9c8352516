"""Ignoring a commenter: their comments fold away for the reader who ignores them (a
``<details>``, opened without JavaScript), undone from the comment or from the list linked
on the profile; nobody else's page changes."""

from django.urls import reverse

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import IgnoredCommenter
from articles.services import comment_react
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

SUMMARY = "<summary>Comment from an ignored commenter — show</summary>"


@pytest.fixture
def comment(article, stranger):
    return CommentFactory(article=article, author=stranger, body="Loud words")


def ignore_url(comment, query: str = "") -> str:
    return reverse("articles:comment-ignore", kwargs={"pk": comment.pk}) + query


def test_a_reader_ignores_a_commenter_and_their_comments_fold_away(
    client, article, comment, commenter, stranger
):
    another = CommentFactory(article=article, author=stranger, body="More loud words")
    client.force_login(commenter)
    page = client.get(article.get_absolute_url(), {"comments": "newest"})
    assertContains(page, f'action="{ignore_url(comment, "?comments=newest")}"')
    assertNotContains(page, SUMMARY, html=True)

    response = client.post(ignore_url(comment, "?comments=newest"), {"on": "1"})

    assert response["Location"] == (
        f"{article.get_absolute_url()}?comments=newest#comment-{comment.pk}"
    )
    assert IgnoredCommenter.objects.filter(user=commenter, ignored=stranger).exists()
    page = client.get(response["Location"])
    assertContains(page, "You ignore stranger: their comments are folded away for you.")
    html = page.content.decode()
    assert html.count(SUMMARY) == 2
    # Still there, inside the folded element: a click opens it.
    for folded in (comment, another):
        start = html.index(f'id="comment-{folded.pk}"')
        assert html.rfind("<details", 0, start) > html.rfind("</details>", 0, start)
    assertContains(
        page,
        '<button type="submit" class="link-button">Stop ignoring'
        '<span class="visually-hidden"> (stranger)</span></button>',
        html=True,
    )

    # Undone from the comment.
    client.post(ignore_url(comment), {"on": "0"})
    assert not IgnoredCommenter.objects.exists()
    assertNotContains(client.get(article.get_absolute_url()), SUMMARY, html=True)


def test_ignoring_changes_nobody_elses_page(client, article, comment, commenter, stranger):
    IgnoredCommenter.objects.create(user=commenter, ignored=stranger)
    assertNotContains(client.get(article.get_absolute_url()), SUMMARY, html=True)
    client.force_login(UserFactory(username="other"))
    assertNotContains(client.get(article.get_absolute_url()), SUMMARY, html=True)


def test_no_ignoring_oneself_nor_a_deleted_account(client, article, comment):
    client.force_login(comment.author)
    assertNotContains(client.get(article.get_absolute_url()), ignore_url(comment))
    assert client.post(ignore_url(comment), {"on": "1"}).status_code == 403
    orphan = CommentFactory(article=article, author=None)
    assert client.post(ignore_url(orphan), {"on": "1"}).status_code == 403
    assert not IgnoredCommenter.objects.exists()


def test_anonymous_readers_are_sent_to_log_in(client, article, comment):
    assertNotContains(client.get(article.get_absolute_url()), ignore_url(comment))
    response = client.post(ignore_url(comment), {"on": "1"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not IgnoredCommenter.objects.exists()


def test_the_profile_links_the_list_where_ignoring_is_undone(client, commenter, stranger):
    IgnoredCommenter.objects.create(user=commenter, ignored=stranger)
    client.force_login(commenter)
    list_url = reverse("articles:ignored-commenters")
    assertContains(client.get(reverse("accounts:profile")), f'href="{list_url}"')
    page = client.get(list_url)
    assertContains(page, "stranger")
    assertContains(page, f'<input type="hidden" name="user" value="{stranger.pk}">', html=True)

    response = client.post(list_url, {"user": str(stranger.pk)}, follow=True)

    assertContains(response, "You see stranger&#x27;s comments again.")
    assertContains(response, "You ignore nobody.")
    assert not IgnoredCommenter.objects.exists()


def test_the_list_ignores_a_mistyped_id(client, commenter):
    client.force_login(commenter)
    response = client.post(reverse("articles:ignored-commenters"), {"user": "x1"})
    assert response.status_code == 302


def test_the_readers_data_download_lists_their_reactions_and_whom_they_ignore(
    client, article, comment, commenter, stranger
):
    comment_react(comment=comment, by=commenter, on=True)
    IgnoredCommenter.objects.create(user=commenter, ignored=stranger)
    client.force_login(commenter)
    data = client.get(reverse("accounts:data")).json()
    assert [reaction["comment"] for reaction in data["reactions"]] == [comment.pk]
    assert [entry["username"] for entry in data["ignored_commenters"]] == ["stranger"]
