"""Live blogs (issue 13): a story of kind "live" with timestamped updates posted from the
admin, newest first on its page, the "new updates" notice, the JSON-LD and the cache."""

import json
import re
from datetime import timedelta
from html import unescape

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article, LiveUpdate
from articles.permissions import ArticlePermissions
from articles.services import (
    article_kill,
    live_update_create,
    live_update_delete,
    live_update_edit,
)
from newsroom import page_cache
from tests.articles.test_query_counts import queries_for
from tests.factories import ArticleFactory, AuthorFactory, VerifiedUserFactory, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def live_blog(writer):
    return ArticleFactory(
        headline="Election night",
        slug="election-night",
        kind=Article.Kind.LIVE,
        created_by=writer,
    )


def post(article, body="<p>Polls are closed.</p>", *, at=None, **kwargs) -> LiveUpdate:
    update = live_update_create(article=article, by=None, body=body, **kwargs)
    if at is not None:
        LiveUpdate.objects.filter(pk=update.pk).update(posted_at=at)
        update.refresh_from_db()
    return update


def pinned_and_stream(article, count: int) -> tuple[LiveUpdate, list[LiveUpdate]]:
    """A pinned update from hours ago, and ``count`` others a minute apart, newest first."""
    now = timezone.now()
    pinned = post(article, "<p>How to vote.</p>", is_pinned=True, at=now - timedelta(hours=3))
    stream = [
        post(article, f"<p>Update {n}.</p>", at=now - timedelta(minutes=n)) for n in range(count)
    ]
    return pinned, stream


def updates_url(article) -> str:
    return reverse("admin:articles_article_live_updates", args=[article.pk])


def live_url(article, **params) -> str:
    url = reverse("articles:update-live", kwargs={"slug": article.slug})
    if params:
        from urllib.parse import urlencode

        url += "?" + urlencode(params)
    return url


def page(client, article, query="") -> str:
    response = client.get(article.get_absolute_url() + query)
    assert response.status_code == 200
    return response.content.decode()


def update_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<li class="live-update" id="update-(\d+)"', html)]


def json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def notice_box(html: str) -> dict | None:
    match = re.search(r"<div class=\"live-comments live-comments--updates\"([^>]*)>", html)
    if match is None:
        return None
    return {k: unescape(v) for k, v in re.findall(r'data-([a-z-]+)="([^"]*)"', match.group(1))}


# Who may post, edit and delete -------------------------------------------------------------


def test_the_writer_of_the_story_may_post_and_another_writer_may_not(
    client, live_blog, writer, other_writer
):
    client.force_login(writer)
    response = client.post(updates_url(live_blog), {"headline": "Turnout", "body": "<p>62%.</p>"})
    update = LiveUpdate.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{updates_url(live_blog)}#update-{update.pk}"
    assert update.author == writer and update.headline == "Turnout"

    client.force_login(other_writer)
    # Another writer's story is not there for them, as in the article list.
    assert client.get(updates_url(live_blog)).status_code == 404
    assert client.post(updates_url(live_blog), {"body": "<p>Mine.</p>"}).status_code == 404
    assert LiveUpdate.objects.count() == 1
    with pytest.raises(PermissionDenied):
        live_update_create(article=live_blog, by=other_writer, body="<p>Mine.</p>")


def test_a_writer_with_a_byline_on_the_story_may_post(client, live_blog, other_writer):
    author = AuthorFactory(user=other_writer)
    live_blog.bylines.create(author=author, position=1)
    assert ArticlePermissions(other_writer, live_blog).can_post_update()
    update = live_update_create(article=live_blog, by=other_writer, body="<p>From the count.</p>")
    assert update.byline == author.display_name


def test_an_editor_may_post_to_any_live_blog_and_edit_or_delete_any_update(
    client, live_blog, writer, editor
):
    mine = live_update_create(article=live_blog, by=writer, body="<p>First.</p>")
    client.force_login(editor)
    assert client.get(updates_url(live_blog)).status_code == 200
    client.post(updates_url(live_blog), {"body": "<p>From the desk.</p>"})
    assert LiveUpdate.objects.count() == 2

    edit = reverse("admin:articles_article_live_update_edit", args=[live_blog.pk, mine.pk])
    response = client.post(edit, {"headline": "Fixed", "body": "<p>First, corrected.</p>"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.headline == "Fixed" and mine.edited_at is not None
    assert str(mine.body_html) == "<p>First, corrected.</p>"

    delete = reverse("admin:articles_article_live_update_delete", args=[live_blog.pk, mine.pk])
    assert "leaves the live blog" in client.get(delete).content.decode()
    assert client.post(delete).status_code == 302
    assert not LiveUpdate.objects.filter(pk=mine.pk).exists()


def test_a_writer_edits_their_own_updates_only(client, live_blog, writer, editor):
    theirs = live_update_create(article=live_blog, by=editor, body="<p>The desk's.</p>")
    mine = live_update_create(article=live_blog, by=writer, body="<p>Mine.</p>")
    client.force_login(writer)
    listing = client.get(updates_url(live_blog)).content.decode()
    edit = "admin:articles_article_live_update_edit"
    assert reverse(edit, args=[live_blog.pk, mine.pk]) in listing
    assert reverse(edit, args=[live_blog.pk, theirs.pk]) not in listing
    response = client.post(reverse(edit, args=[live_blog.pk, theirs.pk]), {"body": "<p>x</p>"})
    assert response.status_code == 403
    delete = reverse("admin:articles_article_live_update_delete", args=[live_blog.pk, theirs.pk])
    assert client.post(delete).status_code == 403
    theirs.refresh_from_db()
    assert theirs.body == "<p>The desk's.</p>"
    with pytest.raises(PermissionDenied):
        live_update_edit(update=theirs, by=writer, body="<p>x</p>")
    with pytest.raises(PermissionDenied):
        live_update_delete(update=theirs, by=writer)


def test_readers_are_sent_to_the_admin_login_and_a_story_takes_no_updates(
    client, live_blog, editor, reader
):
    response = client.get(updates_url(live_blog))
    assert response.status_code == 302 and "/login/" in response["Location"]
    client.force_login(reader)
    assert "/login/" in client.post(updates_url(live_blog), {"body": "<p>x</p>"})["Location"]
    assert not LiveUpdate.objects.exists()

    story = ArticleFactory()
    client.force_login(editor)
    assert client.get(updates_url(story)).status_code == 403
    assert client.post(updates_url(story), {"body": "<p>x</p>"}).status_code == 403
    assert not LiveUpdate.objects.exists()


def test_an_empty_update_is_refused_with_the_headline_kept(client, live_blog, editor):
    client.force_login(editor)
    response = client.post(updates_url(live_blog), {"headline": "Kept headline", "body": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert "This field is required." in html
    assert 'value="Kept headline"' in html
    assert not LiveUpdate.objects.exists()


def test_the_change_form_links_to_the_live_updates_for_those_who_may_post(
    client, live_blog, editor, other_writer
):
    client.force_login(editor)
    change = reverse("admin:articles_article_change", args=[live_blog.pk])
    assert updates_url(live_blog) in client.get(change).content.decode()
    story = ArticleFactory()
    change = reverse("admin:articles_article_change", args=[story.pk])
    assert updates_url(story) not in client.get(change).content.decode()


def test_the_article_form_makes_a_story_a_live_blog_and_ends_its_coverage(client, editor):
    from tests.articles.editorial import article_form_data

    story = ArticleFactory()
    client.force_login(editor)
    change = reverse("admin:articles_article_change", args=[story.pk])
    data = article_form_data(story, kind="live")
    assert client.post(change, data).status_code == 302
    story.refresh_from_db()
    assert story.kind == Article.Kind.LIVE and story.coverage_ended_at is None
    ended = timezone.localtime(timezone.now()).replace(microsecond=0)
    data.update(
        coverage_ended_at_0=ended.strftime("%Y-%m-%d"),
        coverage_ended_at_1=ended.strftime("%H:%M:%S"),
    )
    assert client.post(change, data).status_code == 302
    story.refresh_from_db()
    assert story.coverage_ended_at == ended
    # A form posted without the type keeps it.
    data.pop("kind")
    client.post(change, data)
    story.refresh_from_db()
    assert story.kind == Article.Kind.LIVE


# The page ------------------------------------------------------------------------------------


def test_updates_are_newest_first_each_at_its_anchor_and_sanitized(client, live_blog):
    now = timezone.now()
    old = post(live_blog, "<p>Doors open.</p>", at=now - timedelta(hours=2))
    new = post(
        live_blog,
        '<p>First result <script>alert(1)</script><a href="javascript:x">in</a>.</p>',
        headline="Result",
        at=now - timedelta(minutes=5),
    )
    html = page(client, live_blog)
    assert update_ids(html) == [new.pk, old.pk]
    assert f'<a href="/updates/{new.pk}/"><time datetime="' in html
    assert '<h3 class="live-update__headline">Result</h3>' in html
    assert "<script>alert" not in html and "javascript:" not in html
    assert "Live: the newest updates are first." in html
    assert new.get_absolute_url() == f"/updates/{new.pk}/"


def test_older_updates_are_read_a_page_at_a_time_by_position(client, live_blog, settings):
    settings.NEWSROOM_LIVE_UPDATES_PAGE_SIZE = 3
    now = timezone.now()
    updates = [
        post(live_blog, f"<p>Update {n}.</p>", at=now - timedelta(minutes=n)) for n in range(7)
    ]
    # Two updates at the same moment: the id settles the order, none is skipped.
    LiveUpdate.objects.filter(pk=updates[3].pk).update(posted_at=updates[2].posted_at)
    first = page(client, live_blog)
    seen = update_ids(first)
    assert seen == [updates[0].pk, updates[1].pk, updates[3].pk]
    query = unescape(re.search(r'<a href="(\?updates_before=[^"#]+)#updates" rel="next"', first)[1])
    second = page(client, live_blog, query)
    assert "Newest updates" in second
    assert notice_box(second) is None  # the notice runs on the newest page only
    seen += update_ids(second)
    third = page(
        client, live_blog, unescape(re.search(r'href="(\?updates_before=[^"#]+)#', second)[1])
    )
    seen += update_ids(third)
    assert seen == [updates[n].pk for n in (0, 1, 3, 2, 4, 5, 6)]
    assert "Older updates" not in third
    assert client.get(live_blog.get_absolute_url() + "?updates_before=nonsense").status_code == 404


def test_an_updates_permalink_finds_it_however_many_updates_came_after(
    client, live_blog, settings, django_assert_max_num_queries
):
    settings.NEWSROOM_LIVE_UPDATES_PAGE_SIZE = 3
    pinned, updates = pinned_and_stream(live_blog, 8)
    # A tie in time: the id settles which page holds which.
    LiveUpdate.objects.filter(pk=updates[4].pk).update(posted_at=updates[3].posted_at)

    for update in [*updates, pinned]:
        with django_assert_max_num_queries(2):
            response = client.get(update.get_absolute_url())
        assert response.status_code == 302
        location = response["Location"]
        assert location.startswith("/articles/election-night/")
        assert location.endswith(f"#update-{update.pk}")
        path, _, anchor = location.partition("#")
        html = client.get(path).content.decode()
        assert f'id="{anchor}"' in html, update
    # The newest ones and the pinned one are on the live blog's own page.
    assert client.get(updates[2].get_absolute_url())["Location"] == (
        f"/articles/election-night/#update-{updates[2].pk}"
    )
    assert "?" not in client.get(pinned.get_absolute_url())["Location"]
    assert "updates_before" in client.get(updates[3].get_absolute_url())["Location"]
    assert client.get(reverse("articles:update", args=[10**6])).status_code == 404


def test_a_draft_or_killed_live_blogs_permalinks_reach_no_reader(client, live_blog, editor):
    update = post(live_blog)
    draft = ArticleFactory(draft=True, kind=Article.Kind.LIVE)
    hidden = post(draft, "<p>Rehearsal.</p>")
    assert client.get(hidden.get_absolute_url()).status_code == 404

    article_kill(article=live_blog, by=editor, reason="Legal")
    assert client.get(update.get_absolute_url()).status_code == 410


def test_a_story_has_no_live_section(client, article):
    html = page(client, article)
    assert 'id="updates"' not in html
    assert json_ld(html)["@type"] == "NewsArticle"


def test_the_page_costs_one_query_more_for_its_updates(client, live_blog, editor):
    for n in range(30):
        post(live_blog, f"<p>Update {n}.</p>", headline=f"Update {n}")
    story = ArticleFactory()
    plain = queries_for(client, story.get_absolute_url())
    assert queries_for(client, live_blog.get_absolute_url()) == plain + 1
    assert plain + 1 <= 7  # the page's 6 queries, and one for the updates
    client.force_login(VerifiedUserFactory())
    plain = queries_for(client, story.get_absolute_url())
    assert queries_for(client, live_blog.get_absolute_url()) == plain + 1
    assert plain + 1 <= 10  # the page's queries logged in, and one for the updates


def test_ended_coverage_shows_its_time_and_stops_the_notice(client, live_blog):
    post(live_blog)
    assert notice_box(page(client, live_blog)) is not None
    Article.objects.filter(pk=live_blog.pk).update(coverage_ended_at=timezone.now())
    html = page(client, live_blog)
    assert "Live coverage ended" in html
    assert notice_box(html) is None


def test_a_draft_live_blogs_updates_reach_no_reader(client, writer):
    draft = ArticleFactory(draft=True, kind=Article.Kind.LIVE, created_by=writer)
    live_update_create(article=draft, by=writer, body="<p>Rehearsal.</p>")
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(live_url(draft, since=0)).status_code == 404


def test_feeds_list_the_live_blog_like_any_story(client, live_blog):
    post(live_blog)
    feed = client.get(reverse("articles:feed")).content.decode()
    assert "Election night" in feed
    assert "Election night" in client.get(reverse("articles:home")).content.decode()


# JSON-LD -----------------------------------------------------------------------------------


def test_json_ld_is_a_live_blog_posting_with_its_updates(client, live_blog, settings):
    settings.NEWSROOM_BASE_URL = "https://news.example.org"
    now = timezone.now()
    old = post(live_blog, "<p>Doors <em>open</em>.</p>", at=now - timedelta(hours=1))
    new = post(live_blog, "<p>First result.</p>", headline="Result", at=now - timedelta(minutes=1))
    data = json_ld(page(client, live_blog))
    assert data["@type"] == "LiveBlogPosting"
    assert data["coverageStartTime"] == live_blog.published_at.isoformat()
    assert "coverageEndTime" not in data
    assert data["liveBlogUpdate"] == [
        {
            "@type": "BlogPosting",
            "headline": "Result",
            "datePublished": new.posted_at.isoformat(),
            "articleBody": "First result.",
            "url": f"https://news.example.org/updates/{new.pk}/",
        },
        {
            "@type": "BlogPosting",
            "headline": "Doors open.",
            "datePublished": old.posted_at.isoformat(),
            "articleBody": "Doors open.",
            "url": f"https://news.example.org/updates/{old.pk}/",
        },
    ]
    assert data["dateModified"] >= new.posted_at.isoformat()

    ended = now.replace(microsecond=0)
    Article.objects.filter(pk=live_blog.pk).update(coverage_ended_at=ended)
    assert json_ld(page(client, live_blog))["coverageEndTime"] == ended.isoformat()


# The "new updates" notice --------------------------------------------------------------------


def test_the_notice_counts_updates_posted_after_the_page_was_made(client, live_blog):
    assert notice_box(page(client, live_blog))["since"] == "0"
    first = post(live_blog)
    box = notice_box(page(client, live_blog))
    assert box["since"] == str(first.pk)
    assert box["url"] == live_url(live_blog)
    assert box["one"] == "1 new update:"
    assert client.get(live_url(live_blog, since=first.pk)).json() == {
        "count": 0,
        "url": "/articles/election-night/#updates",
    }
    second, third = post(live_blog), post(live_blog)
    post(ArticleFactory(kind=Article.Kind.LIVE))  # another live blog's
    data = client.get(live_url(live_blog, since=first.pk)).json()
    assert data == {
        "count": 2,
        "url": f"/articles/election-night/?update={third.pk}#update-{third.pk}",
    }
    assert second.pk < third.pk
    # A time works too; nonsense is a 400, a story that is no live blog a 404.
    since = (timezone.now() - timedelta(hours=1)).isoformat()
    assert client.get(live_url(live_blog, since=since)).json()["count"] == 3
    assert client.get(live_url(live_blog, since="soon")).status_code == 400
    assert client.get(live_url(ArticleFactory(), since=0)).status_code == 404


def test_the_notice_endpoint_is_one_query_public_with_an_etag_and_304(
    client, live_blog, django_assert_num_queries
):
    post(live_blog)
    with django_assert_num_queries(1):
        response = client.get(live_url(live_blog, since=0))
    assert response.json()["count"] == 1
    cache_control = response["Cache-Control"]
    assert "public" in cache_control and "max-age=15" in cache_control
    assert response["Cache-Tag"] == f"article-{live_blog.pk}"
    assert not response.cookies
    again = client.get(live_url(live_blog, since=0), headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304
    client.force_login(VerifiedUserFactory())
    assert "private" in client.get(live_url(live_blog, since=0))["Cache-Control"]


def test_post_edit_and_delete_make_the_cached_page_and_notice_stale(
    client, live_blog, editor, settings, committed, django_assert_num_queries
):
    settings.NEWSROOM_PAGE_CACHE = True
    page_cache._invalidate_everything_when_back = False
    first = post(live_blog, "<p>First.</p>")
    url = live_url(live_blog, since=first.pk)
    assert client.get(url).json()["count"] == 0
    assert update_ids(page(client, live_blog)) == [first.pk]
    with django_assert_num_queries(0):
        assert client.get(url).json()["count"] == 0
        assert update_ids(page(client, live_blog)) == [first.pk]

    with committed():
        second = live_update_create(article=live_blog, by=editor, body="<p>Second.</p>")
    assert client.get(url).json()["count"] == 1
    assert update_ids(page(client, live_blog)) == [second.pk, first.pk]

    with committed():
        live_update_edit(update=second, by=editor, body="<p>Second, corrected.</p>")
    assert "Second, corrected." in page(client, live_blog)

    with committed():
        live_update_delete(update=second, by=editor)
    assert client.get(url).json()["count"] == 0
    assert update_ids(page(client, live_blog)) == [first.pk]
    # The home page's card is stale too: the lists are invalidated with the story.
    assert "site" in {*page_cache._response_tags(client.get(reverse("articles:home")))}


def test_a_trusted_caller_may_post_but_only_to_a_live_blog(article):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        live_update_create(article=article, by=None, body="<p>x</p>")


def test_a_staff_account_outside_the_newsroom_may_not_post(live_blog):
    moderator = staff_user("mo", "Moderator")
    assert not ArticlePermissions(moderator, live_blog).can_post_update()


def test_migrate_renders_updates_stored_without_html_or_by_older_renderers():
    from django.apps import apps

    from articles.apps import render_stale_html

    live_blog = ArticleFactory(kind=Article.Kind.LIVE)
    update = post(live_blog, "<p>Doors <em>open</em>.</p>")
    LiveUpdate.objects.filter(pk=update.pk).update(body_html="", html_version=0)
    render_stale_html(None, using="default", apps=apps, verbosity=0)
    update.refresh_from_db()
    assert str(update.body_html) == "<p>Doors <em>open</em>.</p>"
    assert update.html_version > 0


def test_pinned_updates_stay_above_the_others_on_the_newest_page_only(
    client, live_blog, editor, settings
):
    settings.NEWSROOM_LIVE_UPDATES_PAGE_SIZE = 2
    pinned, stream = pinned_and_stream(live_blog, 3)
    html = page(client, live_blog)
    assert html.index(f'id="update-{pinned.pk}"') < html.index(f'id="update-{stream[0].pk}"')
    assert '<span class="live-update__pin">Pinned</span>' in html
    assert update_ids(html) == [stream[0].pk, stream[1].pk]
    # Updates are numbered as posted: the highest number shown is the newest.
    assert notice_box(html)["since"] == str(max(pinned.pk, stream[0].pk, stream[1].pk))
    data = json_ld(html)
    assert [u["url"].rstrip("/").rsplit("/", 1)[1] for u in data["liveBlogUpdate"]] == [
        str(pinned.pk),
        str(stream[0].pk),
        str(stream[1].pk),
    ]
    query = unescape(re.search(r'<a href="(\?updates_before=[^"#]+)#updates" rel="next"', html)[1])
    older = page(client, live_blog, query)
    assert update_ids(older) == [stream[2].pk]
    assert f'id="update-{pinned.pk}"' not in older

    # Unpinned from the admin's edit form, it takes its place in time.
    client.force_login(editor)
    edit = reverse("admin:articles_article_live_update_edit", args=[live_blog.pk, pinned.pk])
    client.post(edit, {"headline": "", "body": "<p>How to vote.</p>"})
    pinned.refresh_from_db()
    assert not pinned.is_pinned


def test_the_staff_preview_shows_a_draft_live_blogs_updates(client, writer):
    draft = ArticleFactory(draft=True, kind=Article.Kind.LIVE, created_by=writer)
    update = live_update_create(article=draft, by=writer, body="<p>Rehearsal.</p>")
    client.force_login(writer)
    html = client.get(reverse("articles:preview", args=[draft.pk])).content.decode()
    assert update_ids(html) == [update.pk]


def test_the_admin_list_marks_live_blogs_and_filters_them(client, live_blog, editor):
    ended = ArticleFactory(
        headline="Storm live", kind=Article.Kind.LIVE, coverage_ended_at=timezone.now()
    )
    ArticleFactory(headline="Plain story")
    client.force_login(editor)
    changelist = reverse("admin:articles_article_changelist")

    page = client.get(changelist)

    assertContains(page, '<span class="newsroom-badge newsroom-badge--live">Live blog</span>')
    assertContains(
        page, '<span class="newsroom-badge newsroom-badge--live-ended">Live blog, ended</span>'
    )
    only_live = client.get(changelist, {"kind": "live"})
    assertContains(only_live, "Election night")
    assertContains(only_live, ended.headline)
    assertNotContains(only_live, "Plain story")
