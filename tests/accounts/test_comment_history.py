"""A reader's own comments, on their profile: newest first, each with its story and what
became of it (shown, held, removed and the appeal, deleted), a page at a time."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Comment
from articles.services import (
    appeal_create,
    article_kill,
    comment_create,
    comment_delete,
    comment_moderate,
)
from tests.factories import ArticleFactory, CommentFactory, VerifiedUserFactory, staff_user

pytestmark = pytest.mark.django_db

URL = reverse("accounts:comments")


@pytest.fixture
def member(db):
    return VerifiedUserFactory(username="member")


@pytest.fixture
def editor(db):
    return staff_user("edith", "Editor")


def items(page) -> list[str]:
    return re.findall(r'<li class="comment-history__item">(.*?)</li>', page.content.decode(), re.S)


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_profile_links_to_the_readers_comments_with_their_number(client, member):
    CommentFactory.create_batch(2, author=member)
    client.force_login(member)
    assertContains(
        client.get(reverse("accounts:profile")), f'<a href="{URL}">Your comments</a> (2)'
    )


def test_own_comments_newest_first_each_linking_to_its_place(client, member):
    first = comment_create(
        article=ArticleFactory(headline="Bridge reopens"), author=member, body="Finally."
    )
    second = comment_create(
        article=ArticleFactory(headline="Ferry fares"), author=member, body="Too dear."
    )
    Comment.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(hours=1))
    CommentFactory(body="Someone else's words")
    client.force_login(member)

    page = client.get(URL)

    shown = items(page)
    assert len(shown) == 2
    assert "Ferry fares" in shown[0] and "Too dear." in shown[0]
    assert "Bridge reopens" in shown[1] and "Finally." in shown[1]
    assert f'<a href="/comments/{second.pk}/">Ferry fares</a>' in shown[0]
    assert "Published." in shown[0]
    assertNotContains(page, "Someone else&#x27;s words")
    assertContains(page, '<meta name="robots" content="noindex">')
    assert "private" in page["Cache-Control"] or "no-cache" in page["Cache-Control"]


def test_what_became_of_each_comment_is_said(client, member, moderator, settings):
    settings.NEWSROOM_APPEAL_DAYS = 14
    settings.NEWSROOM_BASE_URL = "https://news.example.org"  # the statement of reasons
    story = ArticleFactory(headline="Harbour plans")
    held = CommentFactory(
        article=story, author=member, status=Comment.Status.PENDING, held_reason="It has links."
    )
    removed = CommentFactory(article=story, author=member, body="Rude words")
    appealed = CommentFactory(article=story, author=member, body="Fair words")
    old = CommentFactory(article=story, author=member, body="Old words")
    deleted = CommentFactory(article=story, author=member, body="Withdrawn words")
    comment_moderate(
        comments=[removed, appealed, old],
        by=moderator,
        action="remove",
        reason="abusive",
        explanation="Please keep it civil.",
    )
    appealed.refresh_from_db()
    appeal_create(comment=appealed, by=member, text="It was a quote.")
    Comment.objects.filter(pk=old.pk).update(removed_at=timezone.now() - timedelta(days=30))
    comment_delete(comment=deleted, by=member)
    client.force_login(member)

    page = client.get(URL).content.decode()

    def item(comment):
        return re.search(rf'id="history-{comment.pk}".*?</article>', page, re.S).group(0)

    assert "Awaiting moderation: only you can see it for now. It has links." in item(held)
    assert "Removed by a moderator. Reason: Abusive or insulting." in item(removed)
    assert "Please keep it civil." in item(removed)
    appeal_url = reverse("articles:comment-appeal", args=[removed.pk])
    assert f'<a href="{appeal_url}">Appeal this removal</a>' in item(removed)
    assert "Rude words" in item(removed)  # its author may read what was removed
    assert f'href="/comments/{removed.pk}/"' not in item(removed)  # readers cannot
    assert "Your appeal: Awaiting a decision" in item(appealed)
    assert "Appeal this removal" not in item(old)  # past the time to appeal
    assert "You deleted this comment." in item(deleted)
    assert "Withdrawn words" not in item(deleted)


def test_a_comment_under_a_story_gone_is_listed_without_a_link(client, member, editor):
    story = ArticleFactory(headline="Minister named")
    comment = CommentFactory(article=story, author=member, body="Shocking.")
    article_kill(article=story, by=editor, reason="Legal")
    client.force_login(member)

    (shown,) = items(client.get(URL))

    assert "Minister named" in shown
    assert "The story is no longer published." in shown
    assert f'href="/comments/{comment.pk}/"' not in shown


def test_pages_by_position_cost_the_same_queries_however_many_comments(
    client, member, django_assert_num_queries
):
    story = ArticleFactory()
    now = timezone.now()
    comments = CommentFactory.create_batch(45, article=story, author=member)
    for n, comment in enumerate(comments):
        # Two at the same moment: the id settles the order, neither is skipped.
        at = now - timedelta(minutes=n if n != 21 else 20)
        Comment.objects.filter(pk=comment.pk).update(created_at=at)
    client.force_login(member)
    client.get(URL)  # the session's first read

    seen, url = [], URL
    for expected in (20, 20, 5):
        # The session, the user, the comments, the stories published and discussed (and the
        # appeals, for a page with a removed comment).
        with django_assert_num_queries(5):
            page = client.get(url)
        ids = [int(pk) for pk in re.findall(r'id="history-(\d+)"', page.content.decode())]
        assert len(ids) == expected
        seen += ids
        older = re.search(
            r'<a href="(\?before=[^"]+)" rel="next">Older comments</a>', page.content.decode()
        )
        url = URL + older.group(1).replace("&amp;", "&") if older else None
    assert url is None
    assert sorted(seen) == sorted(c.pk for c in comments) and len(set(seen)) == 45
    assert client.get(URL + "?before=nonsense").status_code == 404


def test_each_comment_says_how_many_others_answered_it(client, member, settings):
    settings.NEWSROOM_BASE_URL = "https://news.example.org"  # the reply emails' links
    story = ArticleFactory(headline="Ferry timetable")
    ada, ben = VerifiedUserFactory(username="ada"), VerifiedUserFactory(username="ben")
    top = comment_create(article=story, author=member, body="Top")
    comment_create(article=story, author=ada, body="First answer", parent=top)
    comment_create(article=story, author=ben, body="Second answer", parent=top)
    mine = comment_create(article=story, author=member, body="My own follow-up", parent=top)
    # An answer to the follow-up names it (replied_to): it answers that one, not the top.
    comment_create(article=story, author=ada, body="On your follow-up", parent=mine)
    CommentFactory(article=story, parent=top, status=Comment.Status.PENDING)  # not shown
    client.force_login(member)

    page = client.get(URL).content.decode()

    def item(comment):
        return re.search(rf'id="history-{comment.pk}".*?</article>', page, re.S).group(0)

    assert f'<a href="/comments/{top.pk}/">2 replies</a>' in item(top)
    assert f'<a href="/comments/{mine.pk}/">1 reply</a>' in item(mine)
