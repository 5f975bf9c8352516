"""What a reader met trying the comments (issue 12, "Fixes from trying it as a reader
would"): a comment typed after the session ended, where messages appear, the posting
address loaded again, invisible comments, and refusals that do not print the banned word."""

from html.parser import HTMLParser
from urllib.parse import unquote

from django.urls import reverse

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Comment, WordRule
from articles.services import comment_create, comment_edit
from tests.factories import ArticleFactory, CommentFactory
from tests.helpers import post_comment

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture
def reader(commenter):
    commenter.set_password(PASSWORD)
    commenter.save()
    return commenter


def log_in(client, response, user) -> str:
    """Follow the login page the site sent the reader to, log in there, and say where the
    site brought them back."""
    login_url = response["Location"]
    assert login_url.startswith(reverse("account_login"))
    next_url = unquote(login_url.split("next=", 1)[1])
    answer = client.post(login_url, {"login": user.username, "password": PASSWORD})
    assert answer.status_code == 302, answer.content[:500]
    assert answer["Location"] == next_url
    return next_url


def test_a_comment_typed_after_the_session_ended_is_there_after_logging_in(client, article, reader):
    words = "I wrote this for twenty minutes.\n\nPlease keep it."
    response = post_comment(client, article, words)
    assert not Comment.objects.exists()

    back = log_in(client, response, reader)

    assert back == f"{article.get_absolute_url()}#comments"
    page = client.get(back)
    assertContains(page, "Your comment was kept while you logged in. Check it, then post it.")
    assertContains(page, "I wrote this for twenty minutes.")
    assert not Comment.objects.exists()  # kept, not posted behind their back
    # Once: the next visit has an empty form.
    assertNotContains(client.get(article.get_absolute_url()), "twenty minutes")


def test_a_reply_typed_after_the_session_ended_comes_back_in_the_reply_form(
    client, article, reader, stranger
):
    parent = CommentFactory(article=article, author=stranger, body="What time?")
    response = post_comment(client, article, "Seven o'clock.", parent=parent)

    back = log_in(client, response, reader)

    assert back == reverse("articles:comment-reply", kwargs={"pk": parent.pk})
    page = client.get(back)
    assertContains(page, "Seven o&#x27;clock.")
    # Not offered under another story, nor as a new thread.
    assertNotContains(client.get(article.get_absolute_url()), "Seven o")


def test_a_kept_comment_is_only_offered_under_its_own_article(client, article, reader):
    other = ArticleFactory(headline="Another story")
    response = post_comment(client, article, "Words for the bridge story")
    log_in(client, response, reader)

    assertNotContains(client.get(other.get_absolute_url()), "Words for the bridge story")
    assertContains(client.get(article.get_absolute_url()), "Words for the bridge story")


class _Sections(HTMLParser):
    """Where the messages box is: inside section#comments or not."""

    def __init__(self):
        super().__init__()
        self.stack, self.messages_in = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-messages" in attrs:
            self.messages_in.append(any(a.get("id") == "comments" for _, a in self.stack))
        self.stack.append((tag, attrs))

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop()[0] != tag:
            pass


def test_after_posting_the_message_is_in_the_comments_where_the_reader_is(
    client, article, commenter
):
    client.force_login(commenter)
    response = post_comment(client, article, "A fine bridge.")
    page = client.get(response["Location"])
    assertContains(page, "Your comment is published.")

    sections = _Sections()
    sections.feed(page.content.decode())
    assert sections.messages_in == [True]  # once, and inside section#comments


def test_the_posting_address_loaded_again_shows_the_article_at_its_comments(client, article):
    url = reverse("articles:comment-post", kwargs={"slug": article.slug})
    response = client.get(url + "?comments=newest")
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}?comments=newest#comments"
    assert client.get(reverse("articles:comment-post", kwargs={"slug": "nope"})).status_code == 404


@pytest.mark.parametrize(
    "invisible",
    [
        "\u200b\u200b\u200b",  # zero-width spaces
        "\u200d\u2060\ufeff",  # joiner, word joiner, byte-order mark
        " \u3164 \u2800 ",  # Hangul filler, blank Braille
        "\u0301\u0301",  # combining marks on nothing
        "\u202e\u200f",  # bidi controls
    ],
)
def test_a_comment_of_invisible_characters_only_is_refused(client, article, commenter, invisible):
    client.force_login(commenter)
    response = post_comment(client, article, invisible)
    assertContains(
        response,
        "Your comment is empty: it has only spaces or invisible characters.",
        status_code=400,
    )
    assert not Comment.objects.exists()
    with pytest.raises(Exception, match="empty"):
        comment_create(article=article, author=commenter, body=invisible)


def test_visible_text_in_any_script_is_a_comment(client, article, commenter):
    client.force_login(commenter)
    for words in ("👍", "ก่", "Ок\u200b", "مرحبا"):
        assert post_comment(client, article, words).status_code == 302
    comment = Comment.objects.filter(author=commenter).first()
    with pytest.raises(Exception, match="empty"):
        comment_edit(comment=comment, by=commenter, body="\u200b")


def test_a_refused_word_is_not_printed_back(client, article, commenter):
    WordRule.objects.create(phrase="slurword", action=WordRule.Action.REJECT)
    client.force_login(commenter)
    response = post_comment(client, article, "You SLURWORD")
    assertContains(response, "uses words this site does not allow.", status_code=400)
    assertNotContains(response, "slurword", status_code=400)
    assertContains(response, "You SLURWORD", count=1, status_code=400)  # their own text


def test_past_the_posting_limit_an_anonymous_post_keeps_nothing(client, article, settings):
    settings.NEWSROOM_COMMENT_RATE = "2/m"
    for n in range(3):
        post_comment(client, article, f"Flood {n}")
    assert client.session.get("newsroom:comment-draft", {}).get("body") == "Flood 1"
