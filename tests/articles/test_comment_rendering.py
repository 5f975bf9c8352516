"""The comment list costs little per comment: no include, no URL reversal, no translation
per comment, and readers still get every link and date they got before."""

from django.urls import URLResolver, reverse
from django.utils import timezone
from django.utils.functional import Promise

import pytest
from pytest_django.asserts import assertContains

from articles.models import CommentReport
from articles.permissions import CommentPermissions
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def count_reverse(monkeypatch):
    """Every URL reversal (``reverse()``, ``{% url %}``, ``get_absolute_url()``) counted."""
    calls = []
    real = URLResolver._reverse_with_prefix

    def counting(self, lookup_view, *args, **kwargs):
        calls.append(lookup_view)
        return real(self, lookup_view, *args, **kwargs)

    monkeypatch.setattr(URLResolver, "_reverse_with_prefix", counting)
    return calls


def test_the_comment_links_are_reversed_once_a_page_not_once_a_comment(
    client, article, commenter, count_reverse
):
    for _ in range(3):
        top = CommentFactory(article=article)
        CommentFactory.create_batch(2, article=article, parent=top)
    client.force_login(commenter)
    client.get(article.get_absolute_url())
    few = len(count_reverse)
    count_reverse.clear()
    for _ in range(10):
        top = CommentFactory(article=article)
        CommentFactory.create_batch(2, article=article, parent=top)

    client.get(article.get_absolute_url())

    assert len(count_reverse) == few


def test_no_template_is_included_per_comment(client, article):
    CommentFactory.create_batch(3, article=article)
    few = len(client.get(article.get_absolute_url()).templates)
    CommentFactory.create_batch(30, article=article)

    response = client.get(article.get_absolute_url())

    assert len(response.templates) == few
    assert "articles/_comment.html" not in {t.name for t in response.templates}


def test_each_comment_keeps_its_links_date_and_reply_words(client, article, commenter, stranger):
    own = CommentFactory(article=article, author=commenter, body="Mine.")
    theirs = CommentFactory(article=article, author=stranger, body="Theirs.")
    reported = CommentFactory(article=article, author=stranger, body="Spam.")
    reply = CommentFactory(article=article, author=stranger, parent=own, replied_to=own)
    CommentReport.objects.create(comment=reported, reporter=commenter, reason="spam")
    client.force_login(commenter)
    query = "?comments=newest"

    response = client.get(article.get_absolute_url() + query)

    when = timezone.localtime(own.created_at)
    assertContains(
        response,
        f'<a class="comment__permalink" href="{own.get_absolute_url()}{query}">'
        f'<time datetime="{when.isoformat()}">'
        f"{when.strftime('%B')[:3]}",
    )
    for name, comment in (("edit", own), ("delete", own), ("report", theirs)):
        url = reverse(f"articles:comment-{name}", kwargs={"pk": comment.pk}) + query
        assertContains(response, f'href="{url}"')
    for name, comment in (("edit", theirs), ("report", own), ("report", reported)):
        url = reverse(f"articles:comment-{name}", kwargs={"pk": comment.pk})
        assert url not in response.content.decode()
    reply_url = reverse("articles:comment-reply", kwargs={"pk": theirs.pk}) + query
    assertContains(
        response,
        f'<a href="{reply_url}">Reply<span class="visually-hidden"> to stranger</span></a>',
        html=True,
    )
    assertContains(response, "<li>Reported</li>", html=True)
    assertContains(
        response,
        f'<span class="comment__answers">in reply to <a href="#{own.anchor}">commenter</a></span>',
        html=True,
    )
    assertContains(response, f'id="{reply.anchor}"')


def test_an_anonymous_reader_gets_no_action_links(client, article):
    comment = CommentFactory(article=article)

    response = client.get(article.get_absolute_url())

    assert "comment__actions" not in response.content.decode()
    assertContains(response, f'href="{comment.get_absolute_url()}"')


def test_asking_whether_a_reader_may_act_translates_no_refusal(article, commenter, stranger):
    comment = CommentFactory(article=article, author=stranger)
    permissions = CommentPermissions(commenter, comment)

    assert not permissions.can_edit() and not permissions.can_delete()
    refusal = permissions.edit_refusal()
    assert isinstance(refusal, Promise)  # translated only when printed
    assert str(refusal) == "You can only edit your own comments."
    assert CommentPermissions(stranger, comment).edit_refusal() is None


@pytest.mark.parametrize(
    ("asked", "shown"), [("2", 2), ("9", 3), ("0", 3), ("-1", 3), ("two", 1), ("", 1)]
)
def test_a_stale_or_mistyped_comment_page_shows_the_nearest_one(
    client, article, settings, asked, shown
):
    settings.NEWSROOM_COMMENTS_PAGE_SIZE = 2
    comments = CommentFactory.create_batch(5, article=article)

    response = client.get(f"{article.get_absolute_url()}?cpage={asked}")

    assertContains(response, f"Page {shown} of 3")
    on_page = comments[(shown - 1) * 2 : shown * 2]
    for comment in comments:
        if comment in on_page:
            assertContains(response, f'id="{comment.anchor}"')
        else:
            assert f'id="{comment.anchor}"' not in response.content.decode()
