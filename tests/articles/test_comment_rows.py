"""A page of comments is read as rows (``selectors.CommentRow``), its dates written by
``selectors.DateText``: the page prints what it printed when it was read as model instances
and formatted by the ``date`` filter, for every kind of comment a thread holds."""

import datetime
import re

from django.contrib.auth.models import AnonymousUser
from django.utils import dateformat, timezone, translation

import pytest

from articles.models import Comment, IgnoredCommenter, Reaction
from articles.roles import MODERATOR_ROLE
from articles.selectors import CommentRow, DateText, comment_page
from tests.factories import (
    CommentFactory,
    UserFactory,
    VerifiedUserFactory,
    staff_user,
)

pytestmark = pytest.mark.django_db

AT = datetime.datetime(2026, 3, 14, 9, 5, tzinfo=datetime.UTC)


@pytest.fixture
def thread(article, commenter):
    """A thread of every kind: replies, a held one (the reader's), removed and withdrawn
    ones, an imported one, an edited one, reacted, featured, by an ignored commenter, and
    badges (staff, the article's author)."""
    writer = UserFactory(username="mara")
    byline = article.bylines.first().author
    byline.user = writer
    byline.save()
    staff = UserFactory(username="desk", is_staff=True)
    ignored = VerifiedUserFactory(username="loud")
    IgnoredCommenter.objects.create(user=commenter, ignored=ignored)

    def at(minutes):
        return AT + datetime.timedelta(minutes=minutes)

    made_pks = []

    def made(created_at, **fields):
        # created_at is set on save: dated afterwards, for dates the test can name.
        comment = CommentFactory(article=article, **fields)
        Comment.objects.filter(pk=comment.pk).update(created_at=created_at)
        made_pks.append(comment.pk)
        return comment

    top = made(at(0), author=staff, body="Top <b>one</b>")
    by_writer = made(at(1), parent=top, author=writer)
    held = {"status": Comment.Status.PENDING, "held_reason": "Links need a look."}
    made(at(2), parent=top, replied_to=by_writer, author=commenter, **held)
    made(at(3), parent=top, status=Comment.Status.REMOVED)
    made(at(4), parent=top, status=Comment.Status.REMOVED, is_deleted_by_author=True)
    imported = made(at(60), author=None, imported_author_name="Old Reader")
    made(at(65), parent=imported, replied_to=imported, author=ignored, edited_at=at(70))
    kind = UserFactory(username="kind")
    featured = made(at(12 * 60 - 5), author=kind, featured_at=at(800), reaction_count=2)
    Reaction.objects.create(comment=featured, user=commenter)
    gone = made(at(900), status=Comment.Status.REMOVED)
    made(at(901), parent=gone, author=UserFactory(username="late"))
    return made_pks


def page_html(client, url, user) -> str:
    """The comment section as ``user`` (None: an anonymous reader) gets it."""
    if user is not None:
        client.force_login(user)
    html = client.get(url).content.decode()
    return html[
        html.index('<section id="comments"') : html.index(
            "</section>", html.index('class="comment-list"')
        )
    ]


@pytest.fixture
def pages(client, article, thread, commenter):
    moderator = staff_user("moderator", MODERATOR_ROLE)
    # The expected HTML numbers the comments 1, 2, ... in the order they were made (on
    # PostgreSQL the ids go on from earlier tests).
    number = {str(pk): str(position) for position, pk in enumerate(thread, 1)}
    return {
        name: PK.sub(
            lambda m: m[1] + number.get(m[2], m[2]),
            page_html(client, article.get_absolute_url(), user),
        )
        for name, user in (("anonymous", None), ("commenter", commenter), ("moderator", moderator))
    }


PK = re.compile(r"(comment-|/comments/)(\d+)")
TOKEN = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]+">')


def snippets(html: str) -> str:
    return TOKEN.sub("TOKEN", html)


def test_badges_dates_and_the_readers_links(pages):
    html = snippets(pages["commenter"])
    assert (
        '<article class="comment" id="comment-1">\n<header class="comment__meta">\n'
        '<strong class="comment__author">desk</strong> <span class="comment__badge">Staff</span>\n'
        '<a class="comment__permalink" href="/comments/1/">'
        '<time datetime="2026-03-14T09:05:00+00:00">'
        "March 14, 2026, 9:05 a.m.</time></a>\n</header>\n"
        '<div class="comment__body"><p>Top &lt;b&gt;one&lt;/b&gt;</p></div>\n'
        '<form method="post" action="/comments/1/react/" class="reaction" data-reaction>TOKEN'
        '<input type="hidden" name="on" value="1"><button type="submit" class="reaction__button" '
        'aria-pressed="false">Respect <span class="reaction__count" data-reaction-count>0</span>'
        '<span class="visually-hidden"> (desk)</span></button></form>\n'
        '<ul class="comment__actions"><li><a href="/comments/1/reply/">Reply<span '
        'class="visually-hidden"> to desk</span></a></li><li><a href="/comments/1/report/">Report'
        '</a></li><li><form method="post" action="/comments/1/ignore/" class="inline-form">TOKEN'
        '<input type="hidden" name="on" value="1"><button type="submit" class="link-button">Ignore'
        '<span class="visually-hidden"> (desk)</span></button></form></li></ul>\n</article>\n'
        '<ol class="comment-list comment-list--replies">\n<li>\n<article class="comment" '
        'id="comment-2">\n<header class="comment__meta">\n<strong class="comment__author">mara'
        '</strong> <span class="comment__badge">Author</span>\n'
    ) in html
    # Noon and midnight as the date filter writes them, a whole hour without minutes.
    assert "March 14, 2026, 9 p.m.</time>" in html


def test_held_edited_imported_and_ignored(pages):
    html = snippets(pages["commenter"])
    assert (
        '<article class="comment comment--pending" id="comment-3">\n<header class="comment__meta">'
        '\n<strong class="comment__author">commenter</strong>\n<span class="comment__answers">'
        'in reply to <a href="#comment-2">mara</a></span>\n'
        '<a class="comment__permalink" href="/comments/3/">'
        '<time datetime="2026-03-14T09:07:00+00:00">'
        "March 14, 2026, 9:07 a.m.</time></a>\n"
        '<span class="comment__held">Awaiting moderation: only you can see this comment for now. '
        "Links need a look.</span>\n</header>\n"
        '<div class="comment__body"><p>A thoughtful comment.</p></div>\n'
        '<ul class="comment__actions"><li><a href="/comments/3/delete/">Delete</a></li></ul>\n'
        "</article>"
    ) in html
    assert (
        '<strong class="comment__author">Old Reader</strong> '
        '<span class="comment__imported">(imported)</span>\n'
    ) in html
    assert (
        '<details class="comment-ignored"><summary>Comment from an ignored commenter — show'
        '</summary><article class="comment" id="comment-7">\n<header class="comment__meta">\n'
        '<strong class="comment__author">loud</strong>\n<span class="comment__answers">in reply '
        'to <a href="#comment-6">Old Reader</a></span>\n'
        '<a class="comment__permalink" href="/comments/7/">'
        '<time datetime="2026-03-14T10:10:00+00:00">'
        'March 14, 2026, 10:10 a.m.</time></a>\n<span class="comment__edited">edited</span>\n'
    ) in html
    assert (
        '<input type="hidden" name="on" value="0"><button type="submit" class="link-button">'
        'Stop ignoring<span class="visually-hidden"> (loud)</span></button>'
    ) in html


def test_featured_reacted_and_removed(pages):
    html = snippets(pages["commenter"])
    assert (
        '<article class="comment comment--pick" id="comment-8">\n<header class="comment__meta">\n'
        '<strong class="comment__author">kind</strong>\n<a class="comment__permalink" '
        'href="/comments/8/"><time datetime="2026-03-14T21:00:00+00:00">March 14, 2026, 9 p.m.'
        '</time></a>\n<span class="comment__pick-label">Editors&#x27; pick</span>\n</header>\n'
        '<div class="comment__body"><p>A thoughtful comment.</p></div>\n'
        '<form method="post" action="/comments/8/react/" class="reaction" data-reaction>TOKEN'
        '<input type="hidden" name="on" value="0"><button type="submit" class="reaction__button" '
        'aria-pressed="true">Respect <span class="reaction__count" data-reaction-count>2</span>'
    ) in html
    assert (
        '<li><article class="comment comment--featured">\n<header class="comment__meta">'
        '<strong class="comment__author">kind</strong>\n'
    ) in html
    assert (
        '<article class="comment comment--removed" id="comment-9"><p class="comment__placeholder">'
        "This comment was removed by a moderator.</p></article>"
    ) in html
    # Removed and withdrawn replies leave no placeholder (they are not shown at all).
    assert 'id="comment-4"' not in html and 'id="comment-5"' not in html


def test_the_anonymous_page_has_no_reader_links_and_hides_the_held_comment(pages):
    html = pages["anonymous"]
    assert 'id="comment-3"' not in html
    assert "csrfmiddlewaretoken" not in html and "/reply/" not in html
    assert (
        '<p class="reaction reaction--count">Respect <span class="reaction__count">2</span></p>'
    ) in html


def test_a_moderator_gets_the_feature_forms(pages):
    html = snippets(pages["moderator"])
    assert (
        '<form method="post" action="/comments/8/feature/" class="inline-form">TOKEN'
        '<input type="hidden" name="featured" value="0"><button type="submit" class="link-button">'
        'Unfeature<span class="visually-hidden"> (kind)</span></button></form>'
    ) in html


def test_the_page_reads_rows_not_model_instances(article, thread):
    page = comment_page(article, AnonymousUser())
    entries = [entry for thread in page.threads for entry in thread.entries]
    assert entries and all(type(entry.comment) is CommentRow for entry in entries)
    assert {entry.comment.author_name for entry in entries} >= {"desk", "mara", "Old Reader"}


@pytest.mark.parametrize(
    "date_format",
    ["N j, Y, P", "DATETIME_FORMAT", r"D, d M Y H:i:s \a\t jS", "l F j y g:i A a f", "Y-m-d G:i e"],
)
@pytest.mark.parametrize("language", ["en", "de", "fr"])
def test_date_text_writes_what_the_date_filter_writes(date_format, language):
    zone = timezone.get_fixed_timezone(-300)
    values = [
        datetime.datetime(2026, month, day, hour, minute, second, tzinfo=zone)
        for month, day in ((1, 1), (3, 14), (12, 31))
        for hour, minute, second in ((0, 0, 0), (0, 1, 5), (11, 59, 59), (12, 0, 0), (13, 30, 1))
    ]
    with translation.override(language):
        from django.utils.formats import get_format

        fmt = get_format(date_format) if date_format == "DATETIME_FORMAT" else date_format
        text = DateText(fmt)
        assert [text(value) for value in values] == [
            dateformat.format(value, fmt) for value in values
        ]
