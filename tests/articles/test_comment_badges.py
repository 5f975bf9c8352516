"""Badges by a commenter's name: "Staff" for staff accounts, "Author" for the accounts of
the article's bylined authors (``Author.user``), worked out once for the page."""

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from tests.factories import ArticleFactory, AuthorFactory, CommentFactory, VerifiedUserFactory

pytestmark = pytest.mark.django_db

STAFF = '<span class="comment__badge">Staff</span>'
AUTHOR = '<span class="comment__badge">Author</span>'


def meta_of(response, comment) -> str:
    html = response.content.decode()
    start = html.index(f'id="comment-{comment.pk}"')
    return html[start : html.index("</header>", start)]


def test_a_staff_account_has_the_staff_badge(client, article):
    staff = VerifiedUserFactory(username="desk", is_staff=True)
    reader = VerifiedUserFactory(username="reader")
    staff_comment = CommentFactory(article=article, author=staff)
    reader_comment = CommentFactory(article=article, author=reader)
    page = client.get(article.get_absolute_url())
    assert STAFF in meta_of(page, staff_comment)
    assert STAFF not in meta_of(page, reader_comment)


def test_the_bylined_authors_account_has_the_author_badge_on_their_article_only(client):
    writer = VerifiedUserFactory(username="mara")
    byline = AuthorFactory(display_name="Mara Ellison", user=writer)
    theirs = ArticleFactory(authors=[byline])
    someone_elses = ArticleFactory(authors=[AuthorFactory()])
    on_theirs = CommentFactory(article=theirs, author=writer)
    on_other = CommentFactory(article=someone_elses, author=writer)

    assert AUTHOR in meta_of(client.get(theirs.get_absolute_url()), on_theirs)
    assert AUTHOR not in meta_of(client.get(someone_elses.get_absolute_url()), on_other)


def test_an_author_who_is_staff_has_both_badges(client):
    writer = VerifiedUserFactory(username="mara", is_staff=True)
    article = ArticleFactory(authors=[AuthorFactory(user=writer)])
    comment = CommentFactory(article=article, author=writer)
    meta = meta_of(client.get(article.get_absolute_url()), comment)
    assert STAFF in meta
    assert AUTHOR in meta


def test_a_byline_without_an_account_badges_nobody(client, article):
    comment = CommentFactory(article=article, author=VerifiedUserFactory())
    page = client.get(article.get_absolute_url())
    assertNotContains(page, AUTHOR)
    assertContains(page, f'id="comment-{comment.pk}"')


def test_a_deleted_accounts_comment_has_no_badge(client, article):
    comment = CommentFactory(article=article, author=None)
    assert "comment__badge" not in meta_of(client.get(article.get_absolute_url()), comment)
