"""Kill / legal takedown: 410 Gone at every address of the story, gone from every list at
once, kept in the admin for the legal record; editors only, with a logged reason."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article, ArticleEvent
from articles.services import (
    article_kill,
    article_kill_lift,
    article_update,
)
from newsroom import page_cache
from tests.articles.editorial import article_form_data, change_url
from tests.factories import ArticleFactory, AuthorFactory, CommentFactory

pytestmark = pytest.mark.django_db

HEADLINE = "Minister named in court papers"


def reader_surfaces(client, article) -> dict[str, bool]:
    """Where readers find the story: every list, feed, sitemap, search and related list."""
    tag = article.tags.first()
    author = article.bylines.first().author
    related_to = Article.objects.exclude(pk=article.pk).filter(tags=tag).first()
    pages = {
        "home": reverse("articles:home"),
        "feed": reverse("articles:feed"),
        "atom": reverse("articles:feed-atom"),
        "author": reverse("articles:author", kwargs={"slug": author.slug}),
        "author feed": reverse("articles:author-feed", kwargs={"slug": author.slug}),
        "tag feed": reverse("articles:tag-feed", kwargs={"slug": tag.slug}),
        "sitemap": reverse("sitemap-section", kwargs={"section": "articles"}),
        "news sitemap": reverse("sitemap-section", kwargs={"section": "news"}),
        "search": reverse("articles:search") + "?q=Minister",
        "related": related_to.get_absolute_url(),
    }
    found = {}
    for name, url in pages.items():
        response = client.get(url)
        found[name] = response.status_code == 200 and (
            HEADLINE in response.content.decode() or article.slug in response.content.decode()
        )
    return found


@pytest.fixture
def story(db):
    author = AuthorFactory(display_name="Court Reporter", slug="court-reporter")
    story = ArticleFactory(
        headline=HEADLINE, slug="minister-court-papers", tags=["Courts"], authors=[author]
    )
    # A second story on the same tag shows the first among its related stories.
    ArticleFactory(headline="Court week ahead", tags=["Courts"], authors=[AuthorFactory()])
    return story


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_a_writer_cannot_kill_or_lift_a_kill(writer, editor, story):
    story.created_by = writer
    story.save()
    with pytest.raises(PermissionDenied):
        article_kill(article=story, by=writer, reason="Legal")
    article_kill(article=story, by=editor, reason="Legal")
    with pytest.raises(PermissionDenied):
        article_kill_lift(article=story, by=writer)
    story.refresh_from_db()
    assert story.killed_at is not None


def test_a_kill_needs_a_reason(editor, story):
    with pytest.raises(ValidationError) as error:
        article_kill(article=story, by=editor, reason="   ")
    assert "Say why" in str(error.value)
    story.refresh_from_db()
    assert story.killed_at is None


def test_a_killed_story_answers_410_with_the_editors_notice(client, editor, story):
    CommentFactory(article=story, body="A comment that must not stay up")
    article_kill(
        article=story,
        by=editor,
        reason="Injunction from the High Court, case 123",
        notice="This article has been removed following a court order.",
    )
    response = client.get(story.get_absolute_url())
    assert response.status_code == 410
    assertContains(response, "removed following a court order", status_code=410)
    assertNotContains(response, HEADLINE, status_code=410)
    assertNotContains(response, "A comment that must not stay up", status_code=410)
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assertContains(response, '<meta name="robots" content="noindex">', status_code=410)


def test_without_a_notice_the_410_says_the_story_was_withdrawn(client, editor, story):
    article_kill(article=story, by=editor, reason="Legal")
    assertContains(client.get(story.get_absolute_url()), "withdrawn", status_code=410)


def test_old_slugs_and_comment_permalinks_of_a_killed_story_answer_410(client, editor, story):
    article_update(article=story, by=editor, slug="minister-court-papers-2")
    comment = CommentFactory(article=story)
    article_kill(article=story, by=editor, reason="Legal")
    assert client.get("/articles/minister-court-papers/").status_code == 410
    assert client.get("/articles/minister-court-papers-2/").status_code == 410
    assert client.get(comment.get_absolute_url()).status_code == 410
    # Unknown addresses stay 404s.
    assert client.get("/articles/never-was/").status_code == 404
    assert client.get(reverse("articles:comment", args=[10**6])).status_code == 404


LONG_REPLY = "I was at the hearing. " * 40


def test_a_comment_posted_as_the_story_is_killed_answers_410_and_gives_the_text_back(
    client, editor, commenter, story
):
    """The reader had the page open and typed a long reply; the story went meanwhile."""
    article_update(article=story, by=editor, slug="minister-court-papers-2")
    article_kill(article=story, by=editor, reason="Legal", notice="Removed on legal advice.")
    client.force_login(commenter)

    for slug in ("minister-court-papers-2", "minister-court-papers"):  # current and old
        response = client.post(
            reverse("articles:comment-post", kwargs={"slug": slug}), {"body": LONG_REPLY}
        )

        assertContains(response, "Removed on legal advice.", status_code=410)
        assertContains(response, "Your comment was not posted", status_code=410)
        assertContains(response, LONG_REPLY.strip(), status_code=410)
    assert not story.comments.exists()


def test_every_comment_action_under_a_killed_story_answers_410(client, editor, commenter, story):
    own = CommentFactory(article=story, author=commenter, body="Mine")
    other = CommentFactory(article=story, body="Someone else's")
    article_kill(article=story, by=editor, reason="Legal")
    client.force_login(commenter)

    for name, comment, method in [
        ("articles:comment-reply", other, "get"),
        ("articles:comment-edit", own, "post"),
        ("articles:comment-delete", own, "post"),
        ("articles:comment-report", other, "get"),
        ("articles:comment-react", other, "post"),
        ("articles:comment-ignore", other, "post"),
    ]:
        url = reverse(name, args=[comment.pk])
        response = getattr(client, method)(url, {"body": "Edited"} if method == "post" else {})
        assert response.status_code == 410, name
    own.refresh_from_db()
    assert own.body == "Mine"
    # An edit posted there shows its text back, as a new comment does.
    edit = client.post(reverse("articles:comment-edit", args=[own.pk]), {"body": LONG_REPLY})
    assertContains(edit, LONG_REPLY.strip(), status_code=410)
    # A comment that never was stays a 404.
    assert client.post(reverse("articles:comment-react", args=[10**6])).status_code == 404


def test_a_killed_story_leaves_every_list_feed_sitemap_search_and_related_list(
    client, editor, story
):
    before = reader_surfaces(client, story)
    assert all(before.values()), before
    article_kill(article=story, by=editor, reason="Legal")
    after = reader_surfaces(client, story)
    assert not any(after.values()), after
    # The tag page: its only other story keeps it up, without the killed one.
    assertNotContains(client.get(reverse("articles:tag", kwargs={"slug": "courts"})), HEADLINE)


def test_the_kill_makes_cached_pages_stale_at_once(client, editor, story, settings, committed):
    settings.NEWSROOM_PAGE_CACHE = True
    page_cache._invalidate_everything_when_back = False
    home = reverse("articles:home")
    related = Article.objects.get(headline="Court week ahead").get_absolute_url()
    # Kept pages, older than the replica margin, as a reader would find them.
    settings.NEWSROOM_REPLICA_LAG_SECONDS = 0
    assertContains(client.get(home), HEADLINE)
    assertContains(client.get(related), HEADLINE)
    with committed():
        article_kill(article=story, by=editor, reason="Legal")
    assertNotContains(client.get(home), HEADLINE)
    assertNotContains(client.get(related), HEADLINE)
    assert client.get(story.get_absolute_url()).status_code == 410


def test_a_killed_story_stays_in_the_admin_with_its_revisions_and_logged_reason(
    admin_client, client, editor, story
):
    revisions = story.history.count()
    article_kill(article=story, by=editor, reason="Injunction, case 123")
    story.refresh_from_db()
    assert story.kill_reason == "Injunction, case 123"
    assert story.history.count() >= revisions  # nothing deleted
    event = ArticleEvent.objects.get(article=story, action=ArticleEvent.Action.KILLED)
    assert event.by == editor and event.note == "Injunction, case 123"
    client.force_login(editor)
    response = client.get(change_url(story))
    assertContains(response, "Killed")
    assertContains(response, "410 Gone")
    assertContains(client.get(reverse("admin:articles_article_changelist")), "Killed")


def test_lifting_a_kill_brings_the_story_back_and_is_logged(client, editor, story):
    article_kill(article=story, by=editor, reason="Legal")
    article_kill_lift(article=story, by=editor, note="Injunction lifted")
    assertContains(client.get(story.get_absolute_url()), HEADLINE)
    actions = list(story.events.order_by("at", "pk").values_list("action", flat=True))
    assert actions[-2:] == ["killed", "kill_lifted"]


def test_an_editor_kills_from_the_change_form_with_a_reason(client, editor, story):
    client.force_login(editor)
    data = article_form_data(story, kill="on", takedown_reason="", takedown_notice="")
    response = client.post(change_url(story), data)
    assertContains(response, "Say why the story is killed")
    story.refresh_from_db()
    assert story.killed_at is None

    data.update(takedown_reason="Court order", takedown_notice="Removed by court order.")
    response = client.post(change_url(story), data)
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.killed_at is not None and story.kill_notice == "Removed by court order."
    assert client.logout() is None
    assertContains(client.get(story.get_absolute_url()), "Removed by court order.", status_code=410)


def test_the_change_form_offers_the_kill_to_editors_only(client, editor, writer):
    own = ArticleFactory(draft=True, created_by=writer)
    client.force_login(writer)
    assertNotContains(client.get(change_url(own)), 'name="kill"')
    client.force_login(editor)
    assertContains(client.get(change_url(own)), 'name="kill"')


def test_a_writer_posting_a_kill_changes_nothing(client, writer):
    own = ArticleFactory(draft=True, created_by=writer)
    client.force_login(writer)
    client.post(change_url(own), article_form_data(own, kill="on", takedown_reason="Because"))
    own.refresh_from_db()
    assert own.killed_at is None


def test_the_editor_lifts_a_kill_from_the_change_form(client, editor, story):
    article_kill(article=story, by=editor, reason="Legal")
    client.force_login(editor)
    response = client.post(change_url(story), article_form_data(story, lift_kill="on"))
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.killed_at is None


def test_an_imported_sites_old_address_of_a_killed_story_answers_410(client, editor, story):
    from articles.services.imports import legacy_redirect_set

    legacy_redirect_set(path="/2019/05/minister/", source="wordpress:1", article=story)
    legacy_redirect_set(path="/?p=41", source="wordpress:2", article=story)
    assert client.get("/2019/05/minister/").status_code == 301
    article_kill(article=story, by=editor, reason="Legal")
    assert client.get("/2019/05/minister/").status_code == 410
    assert client.get("/?p=41").status_code == 410
