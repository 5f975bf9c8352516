"""manage.py import_wordpress: what a WordPress site becomes, seen as readers and editors
see it."""

import re
import zoneinfo
from datetime import UTC, datetime

from django.core.management import CommandError
from django.urls import reverse

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from articles.importers.wxr import parse_date
from articles.models import Article, Author, Comment, Image, ImportRecord, LegacyRedirect
from tests.imports.conftest import run_import

pytestmark = pytest.mark.django_db


def article(slug: str) -> Article:
    return Article.objects.get(slug=slug)


def everything() -> dict:
    """Every row an import writes, counted: what "changes nothing" compares."""
    return {
        model.__name__: model.objects.count()
        for model in (Article, Author, Comment, Image, ImportRecord, LegacyRedirect)
    }


# --- Posts ---------------------------------------------------------------------------------


def test_posts_come_in_with_the_status_readers_had_there(export_path):
    output = run_import(export_path)

    published = set(Article.objects.published().values_list("slug", flat=True))
    assert published == {"ferry-timetable", "море"}
    drafts = Article.objects.filter(status=Article.Status.DRAFT)
    assert {a.headline for a in drafts} == {
        "Budget draft",
        "Council vote, pending review",
        "Staff only notes",
        "Members only briefing",  # password-protected there
    }
    scheduled = article("election-night")
    assert scheduled.status == Article.Status.PUBLISHED
    assert scheduled.published_at == datetime(2099, 5, 6, 21, 0, tzinfo=UTC)
    # The bin and the site's pages are not stories.
    assert not Article.objects.filter(headline__in=["Old rubbish", "About us"]).exists()
    assert "post: 7 created, 0 updated, 0 unchanged" in output
    assert "skipped 1: a page, not a story" in output
    assert "skipped 1: status 'trash'" in output
    assert "password-protected posts imported as drafts: 1" in output


def test_fields_keep_what_the_old_site_showed(export_path):
    run_import(export_path)

    ferry = article("ferry-timetable")
    assert ferry.headline == "Ferry timetable changes for winter"
    assert ferry.standfirst == "Boats leave earlier from March."
    assert ferry.published_at == datetime(2019, 3, 4, 8, 30, tzinfo=UTC)
    assert ferry.updated_at == datetime(2019, 3, 5, 10, 0, tzinfo=UTC)
    assert [a.display_name for a in ferry.authors.all()] == ["Marta Reyes"]
    assert sorted(ferry.tags.names()) == ["Ferries", "Harbour & Docks"]
    assert ferry.is_commenting_open

    sea = article("море")  # the Unicode slug, kept exactly
    assert sea.headline == "Море у Истпорта"
    assert sea.tags.names()[0] == "Море"  # "Uncategorized" is not a tag
    assert [a.display_name for a in sea.authors.all()] == ["Tunde Okafor"]
    assert sea.published_at == datetime(2020, 7, 1, 10, 0, tzinfo=UTC)  # post_date_gmt
    assert not sea.is_commenting_open

    draft = Article.objects.get(headline="Budget draft")  # no slug, no date yet
    assert draft.slug == "budget-draft"
    assert draft.published_at is None


def test_classic_content_gets_paragraphs_and_shortcodes_become_html(export_path, uploads):
    run_import(export_path, media_dir=uploads)
    body = article("ferry-timetable").body

    assert body.startswith(
        "<p>The harbour authority changed the winter timetable.<br>\nBoats now leave at seven.</p>"
    )
    assert "<p>Passengers were told in <strong>February</strong> [sic].</p>" in body
    # [caption]: a figure of the picture (now from the library) and its caption.
    assert re.search(
        r'<figure><img src="/media/images/\d{4}/\d{2}/ferry[^"]*\.jpg" alt="The morning ferry">'
        r"\s*<figcaption>The morning ferry leaves Eastport.</figcaption>\s*</figure>",
        body,
    ), body
    assert "[caption" not in body and "[contact-form-7" not in body
    # [embed] and [audio]: links (a body holds no players); [gallery]: a figure a picture.
    assert '<a href="https://video.example.com/watch/ferry"' in body
    assert "Listen: horn.mp3" in body
    assert body.count("<figure>") == 3


def test_block_markup_loses_its_comments_and_hostile_html_its_teeth(export_path, client):
    run_import(export_path)
    sea = article("море")

    assert "wp:" not in sea.body
    assert "<h2>Beaches</h2>" in sea.body
    assert "<p>Вода <em>тёплая</em> this summer.</p>" in sea.body
    page = client.get(sea.get_absolute_url())
    for hostile in ("onmouseover", "<iframe", "onerror", "steal()", "evil.example.com"):
        assert hostile not in sea.body
        assertNotContains(page, hostile)


def test_unknown_shortcodes_are_dropped_and_counted(export_path):
    output = run_import(export_path)
    assert "shortcode [contact-form-7] dropped (its text kept): 1" in output


def test_dates_recorded_only_in_local_time_are_read_in_the_site_time_zone():
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    assert parse_date("0000-00-00 00:00:00", "2021-07-01 12:00:00", zone=berlin) == datetime(
        2021, 7, 1, 10, 0, tzinfo=UTC
    )
    assert parse_date("2021-07-01 09:00:00", "2021-07-01 11:00:00", zone=berlin) == datetime(
        2021, 7, 1, 9, 0, tzinfo=UTC
    )
    assert parse_date("0000-00-00 00:00:00", "0000-00-00 00:00:00", zone=berlin) is None


# --- Pictures ------------------------------------------------------------------------------


def test_the_featured_image_comes_from_the_uploads_folder_with_its_alt_text(
    export_path, uploads, client
):
    run_import(export_path, media_dir=uploads)
    ferry = article("ferry-timetable")

    hero = ferry.hero_image
    assert hero.alt_text == "The ferry at the quay at dawn"
    assert hero.caption == "The morning ferry leaves Eastport."
    assert hero.credit == "Eastport Gazette"
    assert (hero.width, hero.height) == (1600, 1200)  # the original, not the 800px copy
    # One library picture per file, however many places show it.
    assert Image.objects.count() == 2
    assertContains(client.get(ferry.get_absolute_url()), 'alt="The ferry at the quay at dawn"')


def test_without_the_uploads_folder_pictures_stay_links_to_the_old_site(export_path):
    output = run_import(export_path)
    ferry = article("ferry-timetable")

    assert ferry.hero_image is None
    assert Image.objects.count() == 0
    assert (
        '<a href="https://gazette.example.org/wp-content/uploads/2019/03/ferry-800x600.jpg"'
        in ferry.body
    )
    assert "featured images not copied (no file in --media-dir): 1" in output


# --- Comments ------------------------------------------------------------------------------


def test_approved_comments_keep_their_threads_names_and_times(export_path):
    output = run_import(export_path)
    ferry = article("ferry-timetable")
    comments = {c.imported_author_name: c for c in ferry.comments.all()}

    assert set(comments) == {"Ann Lee", "Tunde Okafor", "Ben Ortiz", "Dee"}
    ann, tunde, ben = comments["Ann Lee"], comments["Tunde Okafor"], comments["Ben Ortiz"]
    assert ann.parent is None
    assert ann.body == "Seven is too early & the cafe is shut.\nPlease reconsider."
    assert ann.created_at == datetime(2019, 3, 4, 9, 0, tzinfo=UTC)
    assert tunde.parent == ann and tunde.replied_to is None
    # Ben answered Tunde's reply: he joins Ann's thread and names whom he answers.
    assert ben.parent == ann and ben.replied_to == tunde
    assert all(c.author is None for c in comments.values())
    # Unapproved there: held for our moderators, not shown.
    assert comments["Dee"].status == Comment.Status.PENDING
    assert ann.status == tunde.status == ben.status == Comment.Status.VISIBLE
    assert "skipped 1: pingbacks" in output
    assert "skipped 1: spam" in output
    assert "skipped 1: trash" in output


def test_readers_see_imported_comments_marked_and_defused(export_path, client):
    run_import(export_path)
    ferry = article("ferry-timetable")

    response = client.get(ferry.get_absolute_url())
    assertContains(response, "3 comments")
    assertContains(response, "Ann Lee")
    assertContains(response, "(imported)", count=3)
    assertContains(response, "We asked the harbour authority.")
    # Ben answered Tunde's reply: the page names whom, as recorded.
    assert re.search(r"in reply to\s*<a[^>]*>Tunde Okafor</a>", response.content.decode())
    assertNotContains(response, "Not yet approved.")
    for hostile in ('alert("xss")', "javascript:", "steal()"):
        assertNotContains(response, hostile)


# --- Old addresses -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "old, slug",
    [
        ("/2019/03/04/ferry-timetable/", "ferry-timetable"),  # its <link>
        ("/?p=101", "ferry-timetable"),  # its <guid>, and WordPress's short link
        ("/2019/03/ferry-timetable/", "ferry-timetable"),  # month-and-name permalinks
        ("/ferry-timetable/", "ferry-timetable"),  # post-name permalinks
        ("/2019/03/04/ferry-timetable", "ferry-timetable"),  # no trailing slash
        ("/2019/03/04/ferry-timetable/feed/", "ferry-timetable"),  # its comments feed
        ("/2020/07/01/%D0%BC%D0%BE%D1%80%D0%B5/", "море"),  # a Unicode link, percent-encoded
    ],
)
def test_every_old_address_of_a_story_answers_301(export_path, client, old, slug):
    run_import(export_path)
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == reverse("articles:detail", kwargs={"slug": slug})


@pytest.mark.parametrize(
    "old, name, slug",
    [
        ("/category/harbour/", "articles:tag", "harbour"),
        ("/category/news/harbour/", "articles:tag", "harbour"),  # through its parent
        ("/category/harbour/page/3/", "articles:tag", "harbour"),
        ("/tag/ferries/", "articles:tag", "ferries"),
        ("/tag/ferries/feed/", "articles:tag-feed", "ferries"),
        ("/author/mreyes/", "articles:author", "marta-reyes"),
        ("/author/tokafor/feed/", "articles:author-feed", "tunde-okafor"),
    ],
)
def test_old_category_tag_and_author_addresses_answer_301(export_path, client, old, name, slug):
    run_import(export_path)
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == reverse(name, kwargs={"slug": slug})


@pytest.mark.parametrize("old", ["/feed/rss2/", "/comments/feed/", "/?feed=rss2"])
def test_old_feed_addresses_answer_301_to_the_feed(export_path, client, old):
    run_import(export_path)
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == reverse("articles:feed")


def test_old_addresses_of_drafts_reveal_nothing(export_path, client):
    run_import(export_path)
    assert client.get("/?p=103").status_code == 200  # the home page, not the draft
    assert client.get("/staff-notes/").status_code == 404
    assert client.get("/2099/05/06/election-night/").status_code == 404  # not yet


def test_an_old_address_follows_a_later_change_of_slug(export_path, client):
    run_import(export_path)
    ferry = article("ferry-timetable")
    Article.objects.filter(pk=ferry.pk).update(slug="winter-ferries")

    response = client.get("/2019/03/04/ferry-timetable/")
    assert response["Location"] == "/articles/winter-ferries/"


# --- Running it again ----------------------------------------------------------------------


def test_a_second_run_creates_nothing_twice(export_path, uploads):
    run_import(export_path, media_dir=uploads)
    before = everything()

    output = run_import(export_path, media_dir=uploads)

    assert everything() == before
    assert "post: 0 created, 0 updated, 7 unchanged" in output
    assert "comment: 0 created, 0 updated, 4 unchanged" in output


def test_a_second_run_updates_what_the_export_changed(export_path, tmp_path):
    run_import(export_path)
    ferry = article("ferry-timetable")
    edited = tmp_path / "edited.xml"
    edited.write_text(
        export_path.read_text(encoding="utf-8")
        .replace("Ferry timetable changes for winter", "Ferry timetable changes, again")
        .replace("Please reconsider.", "Please, please reconsider."),
        encoding="utf-8",
    )

    output = run_import(edited)

    ferry.refresh_from_db()
    assert ferry.headline == "Ferry timetable changes, again"
    assert ferry.slug == "ferry-timetable"
    assert "post: 0 created, 1 updated, 6 unchanged" in output
    assert "comment: 0 created, 1 updated, 3 unchanged" in output
    assert ferry.comments.get(imported_author_name="Ann Lee").body.endswith(
        "Please, please reconsider."
    )


def test_a_dry_run_changes_nothing_and_says_what_it_would_do(export_path, uploads):
    output = run_import(export_path, media_dir=uploads, dry_run=True)

    assert everything() == dict.fromkeys(everything(), 0)
    assert not any(uploads.parent.joinpath("media").rglob("*.*"))
    assert "Dry run: nothing was changed." in output
    assert "post: 7 created" in output
    assert "comment: 4 created" in output
    assert "image: 2 created" in output


def test_create_staff_gives_each_author_a_writer_account_without_a_password(
    export_path, django_user_model
):
    reader = django_user_model.objects.create_user("tokafor", password="a-reader's-password")
    run_import(export_path, create_staff=True)

    marta = django_user_model.objects.get(username="mreyes")
    assert marta.is_staff and not marta.has_usable_password()
    assert list(marta.groups.values_list("name", flat=True)) == ["Writer"]
    assert Author.objects.get(display_name="Marta Reyes").user == marta
    # An account of that name already exists (perhaps a reader's): it is left alone.
    reader.refresh_from_db()
    assert not reader.is_staff and reader.check_password("a-reader's-password")
    assert Author.objects.get(display_name="Tunde Okafor").user is None


# --- Files that cannot be imported ---------------------------------------------------------


def test_a_truncated_file_changes_nothing_and_names_the_line(export_path, tmp_path, uploads):
    text = export_path.read_text(encoding="utf-8")
    truncated = tmp_path / "truncated.xml"
    truncated.write_text(text[: text.index("<title>Budget draft</title>")], encoding="utf-8")

    with pytest.raises(CommandError, match=r"line \d+: the file is not well-formed XML"):
        run_import(truncated, media_dir=uploads)

    assert everything() == dict.fromkeys(everything(), 0)
    assert not any(uploads.parent.joinpath("media").rglob("*.*"))


def test_a_file_that_expands_entities_is_refused(tmp_path):
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        "<rss><channel><title>&b;</title></channel></rss>",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="entities"):
        run_import(bomb)


def test_a_file_that_is_not_a_wordpress_export_is_refused(tmp_path):
    feed = tmp_path / "feed.xml"
    feed.write_text("<rss><channel><title>Feed</title><item/></channel></rss>", encoding="utf-8")
    with pytest.raises(CommandError, match="not a WordPress export"):
        run_import(feed)
    with pytest.raises(CommandError, match="No such file"):
        run_import(tmp_path / "missing.xml")


@pytest.mark.parametrize(
    "version, scheme",
    [("1.0", "http"), ("1.1", "http"), ("1.2", "https")],  # https: WordPress.com's exports
)
def test_every_export_version_reads_the_same(export_path, tmp_path, version, scheme):
    text = (
        export_path.read_text(encoding="utf-8")
        .replace("http://wordpress.org/export/1.2/", f"{scheme}://wordpress.org/export/{version}/")
        .replace("http://purl.org/", f"{scheme}://purl.org/")
    )
    variant = tmp_path / "variant.xml"
    variant.write_text(text, encoding="utf-8")
    run_import(variant)
    assert Article.objects.count() == 7
    assert Comment.objects.count() == 4


def test_an_old_address_claimed_again_leads_to_its_latest_owner():
    from articles.services.imports import legacy_redirect_set
    from tests.factories import ArticleFactory

    first, second = ArticleFactory(), ArticleFactory()
    assert legacy_redirect_set(path="/old/", source="wordpress:x", article=first)
    assert not legacy_redirect_set(path="/old/", source="wordpress:x", article=first)
    assert legacy_redirect_set(path="/old/", source="wordpress:y", article=second)
    redirect = LegacyRedirect.objects.get(path="/old/")
    assert (redirect.article, redirect.source) == (second, "wordpress:y")
    assert not legacy_redirect_set(path="/x" * 300, source="wordpress:x", article=first)
