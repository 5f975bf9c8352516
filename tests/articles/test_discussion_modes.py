"""Discussion modes per article and per tag (articles/discussion.py): open, pre-moderated,
read-only, hidden, and inherited from the strictest tag default; both sides of each."""

import json
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest
from pytest_django.asserts import assertContains, assertNotContains
from taggit.models import Tag

from articles.discussion import article_mode, discussion_for, discussion_hold_reason
from articles.models import (
    Article,
    Comment,
    DiscussionMode,
    TagDiscussionDefault,
)
from articles.permissions import ArticlePermissions, Refusal
from articles.services import (
    article_update,
    comment_create,
    comment_delete,
    comment_edit,
    tag_discussion_default_set,
)
from newsroom import page_cache
from tests.factories import ArticleFactory, CommentFactory, staff_user
from tests.helpers import post_comment, warm_remembered

pytestmark = pytest.mark.django_db

Mode = DiscussionMode


def set_mode(article, mode: str) -> Article:
    Article.objects.filter(pk=article.pk).update(discussion_mode=mode)
    article.refresh_from_db()
    return article


def tag_default(name: str, mode: str) -> None:
    TagDiscussionDefault.objects.update_or_create(
        tag=Tag.objects.get(name=name), defaults={"mode": mode}
    )


def page(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response


def json_ld(response) -> dict:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', response.text, re.S)
    return json.loads(found.group(1))


# Open, the default -------------------------------------------------------------------------


def test_an_article_with_no_mode_and_no_tag_default_is_open(client, article, commenter):
    assert article.discussion_mode == ""
    assert article_mode(article) == Mode.OPEN
    client.force_login(commenter)
    assertContains(page(client, article), 'name="body"')
    comment = comment_create(article=article, author=commenter, body="Good news for cyclists.")
    assert comment.status == Comment.Status.VISIBLE
    assert discussion_hold_reason(article) == ""


# Pre-moderated ---------------------------------------------------------------------------


def test_a_premoderated_article_holds_every_comment_and_says_so(client, article, commenter):
    set_mode(article, Mode.PREMODERATED)
    client.force_login(commenter)
    response = page(client, article)
    assertContains(response, "Comments on this article appear once a moderator approves them.")
    assertContains(response, 'name="body"')

    response = post_comment(client, article, "Held, please.")
    assert response.status_code == 302
    response = client.get(response["Location"])
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.held_reason == "Every comment on this article is reviewed before it appears."
    assertContains(response, "Every comment on this article is reviewed before it appears.")


def test_an_open_article_beside_it_still_publishes_at_once(client, article, commenter):
    other = ArticleFactory(discussion_mode=Mode.PREMODERATED)
    assert other.discussion_mode == Mode.PREMODERATED
    comment = comment_create(article=article, author=commenter, body="Straight out.")
    assert comment.status == Comment.Status.VISIBLE


def test_an_edit_on_a_premoderated_article_is_held_again(article, commenter):
    comment = comment_create(article=article, author=commenter, body="First words.")
    set_mode(article, Mode.PREMODERATED)
    comment.article = article
    comment_edit(comment=comment, by=commenter, body="Second words.")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


# Read-only -------------------------------------------------------------------------------


def test_a_read_only_article_shows_its_thread_and_takes_no_comment(client, article, commenter):
    CommentFactory(article=article, body="Said before it closed.")
    set_mode(article, Mode.READ_ONLY)
    client.force_login(commenter)
    response = page(client, article)
    assertContains(response, "Said before it closed.")
    assertContains(response, "Comments are closed for this article.")
    assertContains(response, "1 comment")
    assertNotContains(response, 'name="body"')

    response = post_comment(client, article, "Let me in anyway.")
    assert response.status_code == 403
    assertContains(response, "Let me in anyway.", status_code=403)  # the text is given back
    assertContains(response, "Comments are closed for this article.", status_code=403)
    assert Comment.objects.count() == 1


def test_a_read_only_article_takes_no_reply_nor_edit_but_lets_authors_withdraw(
    client, article, commenter, stranger
):
    own = CommentFactory(article=article, author=commenter, body="Mine.")
    theirs = CommentFactory(article=article, author=stranger, body="Theirs.")
    set_mode(article, Mode.READ_ONLY)
    client.force_login(commenter)
    reply = client.get(reverse("articles:comment-reply", kwargs={"pk": theirs.pk}))
    assert reply.status_code == 403
    assertContains(reply, "Comments are closed for this article.", status_code=403)
    edit = client.get(reverse("articles:comment-edit", kwargs={"pk": own.pk}))
    assert edit.status_code == 403
    own.article = article
    comment_delete(comment=own, by=commenter)
    own.refresh_from_db()
    assert own.status == Comment.Status.REMOVED


def test_closed_comments_are_read_only_whatever_the_mode(article, commenter, settings):
    Article.objects.filter(pk=article.pk).update(
        is_commenting_open=False, discussion_mode=Mode.PREMODERATED
    )
    article.refresh_from_db()
    assert article_mode(article) == Mode.READ_ONLY
    assert ArticlePermissions(commenter, article).comment_refusal == Refusal.CLOSED


def test_comments_closed_by_age_are_read_only(article, commenter, settings):
    settings.NEWSROOM_COMMENTS_CLOSE_AFTER_DAYS = 1
    assert article_mode(article) == Mode.OPEN
    from tests.factories import ago

    Article.objects.filter(pk=article.pk).update(published_at=ago(days=2))
    article.refresh_from_db()
    assert article_mode(article) == Mode.READ_ONLY


# Hidden ----------------------------------------------------------------------------------


def test_a_hidden_article_shows_no_thread_count_or_form(client, article, commenter):
    CommentFactory(article=article, body="Nobody should read this here.")
    set_mode(article, Mode.HIDDEN)
    client.force_login(commenter)
    response = page(client, article)
    assertContains(response, "Comments are switched off for this article.")
    assertNotContains(response, "Nobody should read this here.")
    assertNotContains(response, "1 comment")
    assertNotContains(response, 'name="body"')
    assert "commentCount" not in json_ld(response)

    response = post_comment(client, article, "Hello?")
    assert response.status_code == 403
    assert Comment.objects.count() == 1


def test_a_hidden_article_card_has_no_comment_count_and_the_others_keep_theirs(client, article):
    visible = ArticleFactory(headline="Ferry timetable", tags=["Transport"])
    CommentFactory(article=visible)
    CommentFactory(article=article)
    CommentFactory(article=article)
    set_mode(article, Mode.HIDDEN)
    response = client.get(reverse("articles:home"))
    assertContains(response, "Harbour bridge reopens")
    assertContains(response, "1 comment")
    assertNotContains(response, "2 comments")
    assertNotContains(response, f'href="{article.get_absolute_url()}#comments"')


def test_an_open_article_keeps_its_count_in_the_json_ld(client, article):
    CommentFactory(article=article)
    assert json_ld(page(client, article))["commentCount"] == 1


def test_a_hidden_article_refuses_the_service_too(article, commenter):
    set_mode(article, Mode.HIDDEN)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied, match="switched off"):
        comment_create(article=article, author=commenter, body="Sneaking in.")
    assert not Comment.objects.exists()


def test_closing_a_hidden_article_keeps_it_hidden(article):
    Article.objects.filter(pk=article.pk).update(
        is_commenting_open=False, discussion_mode=Mode.HIDDEN
    )
    article.refresh_from_db()
    assert article_mode(article) == Mode.HIDDEN


# Inherited from tags ---------------------------------------------------------------------


def test_an_article_inherits_its_tags_default(client, article, commenter):
    tag_default("Transport", Mode.PREMODERATED)
    article = Article.objects.with_page_data().get(pk=article.pk)
    assert article_mode(article) == Mode.PREMODERATED
    comment = comment_create(article=article, author=commenter, body="Held by the tag.")
    assert comment.status == Comment.Status.PENDING


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        (Mode.OPEN, Mode.PREMODERATED, Mode.PREMODERATED),
        (Mode.PREMODERATED, Mode.READ_ONLY, Mode.READ_ONLY),
        (Mode.HIDDEN, Mode.OPEN, Mode.HIDDEN),
        (Mode.READ_ONLY, Mode.HIDDEN, Mode.HIDDEN),
    ],
)
def test_the_strictest_tag_default_wins(article, first, second, expected):
    tag_default("Transport", first)
    tag_default("Eastport", second)
    annotated = Article.objects.with_listing_data().get(pk=article.pk)
    assert article_mode(annotated) == expected
    # The same without the annotation (one query).
    fresh = Article.objects.get(pk=article.pk)
    assert article_mode(fresh) == expected


def test_a_tag_default_reaches_only_stories_with_the_tag(article):
    tag_default("Transport", Mode.HIDDEN)
    other = ArticleFactory(tags=["Weather"])
    assert article_mode(Article.objects.with_listing_data().get(pk=other.pk)) == Mode.OPEN


@pytest.mark.parametrize("own", [Mode.OPEN, Mode.PREMODERATED, Mode.READ_ONLY])
def test_the_article_own_mode_overrides_the_tags(article, own):
    tag_default("Transport", Mode.HIDDEN)
    set_mode(article, own)
    assert article_mode(Article.objects.with_page_data().get(pk=article.pk)) == own


def test_the_tag_admin_sets_and_clears_a_tag_default(client, article):
    editor = staff_user("edith", "Editor")
    client.force_login(editor)
    tag = Tag.objects.get(name="Transport")
    url = reverse("admin:taggit_tag_change", args=[tag.pk])
    form = client.get(url)
    assertContains(form, 'name="discussion_mode"')
    inline = {
        f"taggit_taggeditem_items-{name}": value
        for name, value in (
            ("TOTAL_FORMS", "0"),
            ("INITIAL_FORMS", "0"),
            ("MIN_NUM_FORMS", "0"),
            ("MAX_NUM_FORMS", "1000"),
        )
    }
    data = {"name": "Transport", "slug": tag.slug, "discussion_mode": "hidden", **inline}
    response = client.post(url, data)
    assert response.status_code == 302, response.content
    assert TagDiscussionDefault.objects.get(tag=tag).mode == Mode.HIDDEN
    assertContains(client.get(url), '<option value="hidden" selected>', html=False)
    client.post(url, {**data, "discussion_mode": ""})
    assert not TagDiscussionDefault.objects.filter(tag=tag).exists()


def test_only_those_who_change_tags_set_a_tag_default(article):
    from django.core.exceptions import PermissionDenied

    writer = staff_user("wes", "Writer")
    with pytest.raises(PermissionDenied):
        tag_discussion_default_set(tag=Tag.objects.get(name="Transport"), mode="hidden", by=writer)
    assert not TagDiscussionDefault.objects.exists()


def test_a_deleted_tag_takes_its_default_with_it(article):
    tag_default("Transport", Mode.HIDDEN)
    Tag.objects.get(name="Transport").delete()
    assert not TagDiscussionDefault.objects.exists()


# The editor sets a story's mode ----------------------------------------------------------


def test_the_article_admin_offers_the_discussion_mode(client, article):
    client.force_login(staff_user("edith", "Editor"))
    response = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assertContains(response, 'name="discussion_mode"')
    assertContains(response, "As its tags say")


def test_article_update_sets_the_mode_and_refreshes_the_cached_page(
    client, article, settings, django_capture_on_commit_callbacks
):
    settings.NEWSROOM_PAGE_CACHE = True
    page_cache._invalidate_everything_when_back = False
    CommentFactory(article=article, body="A thread to hide.")
    assertContains(page(client, article), "A thread to hide.")
    editor = staff_user("edith", "Editor")
    with django_capture_on_commit_callbacks(execute=True):
        article_update(article=article, by=editor, discussion_mode=Mode.HIDDEN)
    assert Article.objects.get(pk=article.pk).discussion_mode == Mode.HIDDEN
    assertNotContains(page(client, article), "A thread to hide.")


def test_a_tag_default_set_refreshes_the_cached_article_page(
    client, article, settings, django_capture_on_commit_callbacks
):
    settings.NEWSROOM_PAGE_CACHE = True
    page_cache._invalidate_everything_when_back = False
    CommentFactory(article=article, body="A thread to hide.")
    assertContains(page(client, article), "A thread to hide.")
    with django_capture_on_commit_callbacks(execute=True):
        tag_discussion_default_set(tag=Tag.objects.get(name="Eastport"), mode=Mode.HIDDEN)
    assertNotContains(page(client, article), "A thread to hide.")


# What it costs ---------------------------------------------------------------------------


def queries_for(client, url) -> int:
    warm_remembered()
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_tag_defaults_cost_the_home_page_no_query(client):
    for number in range(5):
        ArticleFactory(tags=["Transport", f"Tag {number}"])
    before = queries_for(client, reverse("articles:home"))
    for number in range(5):
        tag_default(f"Tag {number}", Mode.HIDDEN if number % 2 else Mode.PREMODERATED)
    tag_default("Transport", Mode.READ_ONLY)
    assert queries_for(client, reverse("articles:home")) == before


def test_tag_defaults_cost_the_article_page_no_query(client, article):
    before = queries_for(client, article.get_absolute_url())
    tag_default("Transport", Mode.PREMODERATED)
    assert queries_for(client, article.get_absolute_url()) == before


def test_discussion_for_a_read_only_story_asks_no_query(article, django_assert_num_queries):
    article = set_mode(Article.objects.with_listing_data().get(pk=article.pk), Mode.READ_ONLY)
    article = Article.objects.with_listing_data().get(pk=article.pk)
    with django_assert_num_queries(0):
        discussion = discussion_for(article)
    assert not discussion.is_open_for_new


@pytest.mark.parametrize("how", ["article", "tag"])
@pytest.mark.parametrize("name", ["comment", "comment-reply", "comment-report", "comment-edit"])
def test_a_hidden_threads_comments_have_no_page_of_their_own(
    client, article, commenter, stranger, how, name
):
    theirs = CommentFactory(article=article, author=stranger, body="Hidden words.")
    own = CommentFactory(article=article, author=commenter, body="My hidden words.")
    client.force_login(commenter)
    target = own if name == "comment-edit" else theirs
    url = reverse(f"articles:{name}", kwargs={"pk": target.pk})
    assert client.get(url).status_code in (200, 302)
    if how == "article":
        set_mode(article, Mode.HIDDEN)
    else:
        tag_default("Eastport", Mode.HIDDEN)
    response = client.get(url)
    assert response.status_code == 404
    assertNotContains(response, "hidden words", status_code=404)


def test_a_story_setting_its_own_mode_is_not_hidden_by_its_tag(client, article, commenter):
    comment = CommentFactory(article=article, body="Shown words.")
    tag_default("Eastport", Mode.HIDDEN)
    set_mode(article, Mode.OPEN)
    response = client.get(reverse("articles:comment", kwargs={"pk": comment.pk}))
    assert response.status_code == 302
