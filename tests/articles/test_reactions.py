"""Reactions ("Respect"): one per reader and comment, counted on the comment, given and
taken back with a plain form that comes back to the comment (same page, same order), or
in place with JavaScript (a JSON answer; tests/e2e/test_reactions.py)."""

import re
from html import unescape

from django.urls import reverse

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Comment, Reaction
from articles.services import comment_react
from newsroom import page_cache
from tests.factories import CommentFactory, UserFactory, VerifiedUserFactory

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def comment(article, stranger):
    return CommentFactory(article=article, author=stranger, body="Someone's comment")


def react_url(comment, query: str = "") -> str:
    return reverse("articles:comment-react", kwargs={"pk": comment.pk}) + query


def reaction_form(response, comment) -> tuple[str, dict]:
    """The reaction form under ``comment`` on the page: its address and its fields."""
    html = response.content.decode()
    path = re.escape(reverse("articles:comment-react", kwargs={"pk": comment.pk}))
    form = re.search(rf'<form method="post" action="({path}[^"]*)"[^>]*>(.*?)</form>', html, re.S)
    assert form, "no reaction form"
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form[2]))
    return unescape(form[1]), fields


def test_a_reader_reacts_without_javascript_and_lands_back_at_the_comment(
    client, article, comment, commenter
):
    client.force_login(commenter)
    action, fields = reaction_form(client.get(article.get_absolute_url()), comment)
    assert fields["on"] == "1"

    response = client.post(action, fields)

    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#comment-{comment.pk}"
    comment.refresh_from_db()
    assert comment.reaction_count == 1
    page = client.get(response["Location"])
    assertContains(
        page,
        '<button type="submit" class="reaction__button" aria-pressed="true">Respect '
        '<span class="reaction__count" data-reaction-count>1</span>'
        '<span class="visually-hidden"> (stranger)</span></button>',
        html=True,
    )
    # The same button now takes the reaction back.
    action, fields = reaction_form(page, comment)
    assert fields["on"] == "0"
    client.post(action, fields)
    comment.refresh_from_db()
    assert comment.reaction_count == 0
    assert not Reaction.objects.exists()


def test_one_reaction_per_reader_however_often_they_press(client, comment, commenter):
    client.force_login(commenter)
    for _ in range(3):
        client.post(react_url(comment), {"on": "1"})
    comment.refresh_from_db()
    assert comment.reaction_count == 1
    assert Reaction.objects.filter(comment=comment).count() == 1
    # Taking back one never given changes nothing either.
    client.post(react_url(comment), {"on": "0"})
    client.post(react_url(comment), {"on": "0"})
    comment.refresh_from_db()
    assert comment.reaction_count == 0


def test_readers_reactions_add_up(comment):
    readers = [VerifiedUserFactory() for _ in range(3)]
    for number, reader in enumerate(readers, 1):
        assert comment_react(comment=comment, by=reader, on=True) == (True, number)
    assert comment_react(comment=comment, by=readers[0]) == (False, 2)  # a toggle
    assert comment_react(comment=comment, by=readers[0]) == (True, 3)


def test_the_json_answer_gives_the_new_state_and_count(client, comment, commenter):
    client.force_login(commenter)
    response = client.post(react_url(comment), {"on": "1"}, **JSON)
    assert response.status_code == 200
    assert response.json() == {"reacted": True, "count": 1}
    response = client.post(react_url(comment), {"on": "0"}, **JSON)
    assert response.json() == {"reacted": False, "count": 0}


def test_the_redirect_keeps_the_order_and_the_page(client, article, commenter, settings):
    settings.NEWSROOM_COMMENTS_PAGE_SIZE = 2
    threads = [CommentFactory(article=article, body=f"Thread {n}") for n in range(5)]
    client.force_login(commenter)
    # Newest first, page 2: threads 2 and 1.
    page = client.get(article.get_absolute_url(), {"comments": "newest", "cpage": 2})
    action, fields = reaction_form(page, threads[1])
    assert "comments=newest" in action

    response = client.post(action, fields)

    assert response["Location"] == (
        f"{article.get_absolute_url()}?comments=newest&cpage=2#comment-{threads[1].pk}"
    )


def test_no_button_on_ones_own_comment_and_no_reaction_by_post(client, article, comment):
    client.force_login(comment.author)
    page = client.get(article.get_absolute_url())
    assertNotContains(page, react_url(comment))

    response = client.post(react_url(comment), {"on": "1"})

    assert response.status_code == 403
    assert client.post(react_url(comment), {"on": "1"}, **JSON).json() == {
        "error": "You cannot react to your own comment."
    }
    assert not Reaction.objects.exists()


def test_anonymous_readers_see_the_count_as_a_link_to_log_in_and_no_token(
    client, article, comment, commenter
):
    Comment.objects.filter(pk=comment.pk).update(reaction_count=4)
    page = client.get(article.get_absolute_url())
    login = f"{reverse('account_login')}?next=%2Fcomments%2F{comment.pk}%2F"
    assertContains(
        page,
        f'<p class="reaction"><a class="reaction__button" href="{login}">'
        'Respect <span class="reaction__count">4</span>'
        f'<span class="visually-hidden"> ({comment.author_name}, log in to react)</span></a></p>',
        html=True,
    )
    assertNotContains(page, react_url(comment))
    assertNotContains(page, "csrfmiddlewaretoken")
    assert "Set-Cookie" not in page.headers

    response = client.post(react_url(comment), {"on": "1"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not Reaction.objects.exists()

    # Logged in from the link, the reader is back at the comment, with the button.
    login_page = client.get(login)
    assertContains(login_page, f'value="/comments/{comment.pk}/"')
    client.force_login(commenter)
    back = client.get(f"/comments/{comment.pk}/", follow=True)
    assert back.redirect_chain[-1][0].endswith(f"#comment-{comment.pk}")
    assertContains(back, f'action="{react_url(comment)}"')


@pytest.mark.parametrize("status", [Comment.Status.PENDING, Comment.Status.REMOVED])
def test_held_and_removed_comments_take_no_reactions(client, article, comment, commenter, status):
    Comment.objects.filter(pk=comment.pk).update(status=status)
    client.force_login(commenter)
    assertNotContains(client.get(article.get_absolute_url()), react_url(comment))
    assert client.post(react_url(comment), {"on": "1"}).status_code == 404
    assert not Reaction.objects.exists()


def test_an_unverified_reader_cannot_react(client, article, comment):
    client.force_login(UserFactory(username="unverified"))
    assertNotContains(client.get(article.get_absolute_url()), react_url(comment))
    assert client.post(react_url(comment), {"on": "1"}).status_code == 403
    assert not Reaction.objects.exists()


def test_reactions_are_rate_limited_like_other_reader_writes(client, comment, commenter, settings):
    settings.NEWSROOM_REACTION_RATE = "2/m"
    client.force_login(commenter)
    client.post(react_url(comment), {"on": "1"})
    client.post(react_url(comment), {"on": "0"})

    response = client.post(react_url(comment), {"on": "1"}, **JSON)

    assert response.status_code == 429
    assert "faster than the site allows" in response.json()["error"]
    response = client.post(react_url(comment), {"on": "1"}, follow=True)
    assertContains(response, "You are reacting faster than the site allows.")
    comment.refresh_from_db()
    assert comment.reaction_count == 0


def test_the_button_takes_the_configured_name(client, article, comment, commenter, settings):
    settings.NEWSROOM_REACTION_NAME = "Applause"
    client.force_login(commenter)
    page = client.get(article.get_absolute_url())
    assertContains(page, 'aria-pressed="false">Applause <span')


def test_a_deleted_accounts_reactions_still_count(comment, commenter):
    comment_react(comment=comment, by=commenter, on=True)
    commenter.delete()
    comment.refresh_from_db()
    assert comment.reaction_count == 1
    assert Reaction.objects.get().user is None


def test_the_cached_anonymous_page_shows_a_new_reaction(
    client, article, comment, commenter, settings, django_capture_on_commit_callbacks
):
    settings.NEWSROOM_PAGE_CACHE = True
    page_cache._invalidate_everything_when_back = False
    zero = '<span class="reaction__count">0</span>'
    assertContains(client.get(article.get_absolute_url()), zero)
    # Kept: the next anonymous request is served without a query.
    assertContains(client.get(article.get_absolute_url()), zero)

    with django_capture_on_commit_callbacks(execute=True):
        comment_react(comment=comment, by=commenter, on=True)

    assertContains(
        client.get(article.get_absolute_url()),
        '<span class="reaction__count">1</span>',
    )
