"""The XSS corpus (xss_payloads.txt) through every field a person types, checked on every
page that shows it with an HTML parser (htmlcheck.py).

One site carries the whole corpus, built once for the module: each payload is a story's
headline, standfirst and body, its author's name and bio, its tag, its hero image's alt
text, caption and credit, its correction, a reader's display name and comment; then each
page is rendered once and parsed.
"""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

import pytest
from taggit.models import Tag

from articles.models import Article, Comment
from articles.search import SEARCH_CANDIDATES
from articles.services import article_create, correction_create, image_create
from articles.services.tags import tag_names_clean
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    UserFactory,
    VerifiedUserFactory,
    png_bytes,
    staff_user,
)
from tests.security.htmlcheck import (
    assert_safe_feed,
    assert_safe_html,
    assert_safe_response,
    payloads,
)

PAYLOADS = payloads()
MANY = {
    "NEWSROOM_PAGE_SIZE": 1000,
    "NEWSROOM_FEED_ITEMS": 1000,
    "NEWSROOM_SEARCH_PAGE_SIZE": 1000,
    "NEWSROOM_COMMENTS_PAGE_SIZE": 1000,
}

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("many_per_page")]


def test_the_corpus_is_big_enough():
    assert len(PAYLOADS) >= 150
    assert len(set(PAYLOADS)) == len(PAYLOADS)


@pytest.fixture
def many_per_page(settings):
    for name, value in MANY.items():
        setattr(settings, name, value)


def usable_tag(payload: str) -> str | None:
    try:
        return tag_names_clean([payload[:100]])[0]
    except Exception:
        return None


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker, corpus_media):
    """The corpus site, in a transaction rolled back after the module's tests."""
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=corpus_media, **MANY),
        transaction.atomic(),
    ):
        editor = staff_user("corpus-editor", "Editor")
        picture = png_bytes(40, 30)
        stories, authors, tags = [], [], []
        for n, payload in enumerate(PAYLOADS):
            author = AuthorFactory(display_name=payload[:120], slug=f"author-{n}", bio=payload)
            hero = image_create(
                file=SimpleUploadedFile(f"p{n}.png", picture, content_type="image/png"),
                alt_text=payload[:250],
                caption=payload[:300],
                credit=payload[:120],
            )
            tag = usable_tag(payload)
            story = article_create(
                headline=payload[:200],
                slug=f"story-{n}",
                standfirst=f"Harbour {payload}"[:600],
                body=payload,
                authors=[author],
                tags=[tag] if tag else [],
                status=Article.Status.PUBLISHED,
                published_at=timezone.now() - timezone.timedelta(hours=1, minutes=n),
                hero_image=hero,
            )
            correction_create(article=story, by=editor, text=payload)
            stories.append(story)
            authors.append(author)
            if tag:
                tags.append(Tag.objects.get(name=tag))
        talk = ArticleFactory(
            published_at=timezone.now() - timezone.timedelta(days=1),
            headline="Everyone talks",
            slug="everyone-talks",
            body="\n".join(PAYLOADS),
        )
        # Each reader posts their comment through the comment form, as a reader does.
        poster = Client()
        comments = []
        for n, payload in enumerate(PAYLOADS):
            reader = VerifiedUserFactory(username=f"{payload[:140]} {n}", email=f"c{n}@example.com")
            poster.force_login(reader)
            response = poster.post(
                reverse("articles:comment-post", kwargs={"slug": talk.slug}), {"body": payload}
            )
            assert response.status_code == 302, (payload, response.status_code)
            comments.append(Comment.objects.get(author=reader))
        yield {
            "stories": stories,
            "authors": authors,
            "tags": tags,
            "talk": talk,
            "comments": comments,
        }
        transaction.set_rollback(True)


def test_article_pages(client, site):
    for story in site["stories"]:
        response = client.get(story.get_absolute_url())
        assert_safe_response(response)
    talk = client.get(site["talk"].get_absolute_url())
    assert_safe_response(talk)
    # Every comment is on the page, as text.
    assert talk.content.decode().count('class="comment"') == len(PAYLOADS)


def test_the_body_keeps_no_dangerous_markup_in_storage(site):
    for story in [*site["stories"], site["talk"]]:
        assert_safe_html(story.body_html, where=f"body_html of {story.slug}")


def test_listing_pages(client, site):
    home = client.get(reverse("articles:home"))
    assert_safe_response(home)
    assert home.content.decode().count('href="/articles/story-') >= len(PAYLOADS)
    assert_safe_response(client.get(reverse("articles:corrections")))
    for tag in site["tags"]:
        assert_safe_response(client.get(reverse("articles:tag", kwargs={"slug": tag.slug})))
    for author in site["authors"]:
        assert_safe_response(client.get(author.get_absolute_url()))


def test_search_pages(client, site):
    everything = client.get(reverse("articles:search"), {"q": "harbour"})
    assert_safe_response(everything)
    # Search ranks the newest SEARCH_CANDIDATES matches: the listing shows that many; the
    # older stories' snippets are checked by the searches for their own payloads below.
    shown = min(len(PAYLOADS), SEARCH_CANDIDATES)
    assert everything.content.decode().count('href="/articles/story-') >= shown
    for payload in PAYLOADS:
        assert_safe_response(client.get(reverse("articles:search"), {"q": payload[:200]}))


def test_feeds(client, site):
    for name in ("articles:feed", "articles:feed-atom"):
        assert_safe_feed(client.get(reverse(name)))
    for tag in site["tags"][:20]:
        assert_safe_feed(client.get(reverse("articles:tag-feed", kwargs={"slug": tag.slug})))
    for author in site["authors"][:20]:
        assert_safe_feed(client.get(reverse("articles:author-feed", kwargs={"slug": author.slug})))


def test_mastodon_share_page(client, site):
    url = reverse("articles:share-mastodon", kwargs={"slug": site["stories"][0].slug})
    for payload in PAYLOADS:
        assert_safe_response(client.get(url, {"instance": payload}))


def test_comment_report_pages(client, site):
    client.force_login(VerifiedUserFactory(username="corpus-reader"))
    for comment in site["comments"]:
        assert_safe_response(
            client.get(reverse("articles:comment-report", kwargs={"pk": comment.pk}))
        )


def test_admin_change_lists(client, site):
    client.force_login(UserFactory(username="corpus-chief", is_staff=True, is_superuser=True))
    for name in (
        "admin:articles_article_changelist",
        "admin:articles_comment_changelist",
        "admin:articles_author_changelist",
        "admin:taggit_tag_changelist",
        "admin:articles_image_changelist",
    ):
        assert_safe_response(client.get(reverse(name), {"all": ""}), admin=True)


def test_display_names_through_the_profile_form(client, site):
    """A display name the sign-up rules refuse comes back in the form, as text; one they
    take is shown on the profile page. (The corpus site's readers have their names set
    directly, so the pages show even the names the form refuses.)"""
    reader = VerifiedUserFactory(username="corpus-profile")
    client.force_login(reader)
    for payload in PAYLOADS:
        response = client.post(
            reverse("accounts:profile"), {"username": payload, "is_notified_of_replies": "on"}
        )
        if response.status_code == 302:
            response = client.get(reverse("accounts:profile"))
        else:
            assert response.status_code == 400
            response.status_code = 200  # the form page with its error, checked as any page
        assert_safe_response(response)


def test_a_body_of_the_whole_corpus_through_the_admin_form(client, site):
    client.force_login(UserFactory(username="corpus-admin", is_staff=True, is_superuser=True))
    author = site["authors"][0]
    response = client.post(
        reverse("admin:articles_article_add"),
        {
            "headline": PAYLOADS[0],
            "slug": "admin-corpus",
            "standfirst": PAYLOADS[1],
            "body": "\n".join(PAYLOADS),
            "tags": "corpus",
            "status": "published",
            "published_at_0": "2024-01-02",
            "published_at_1": "10:00:00",
            "bylines-TOTAL_FORMS": "1",
            "bylines-INITIAL_FORMS": "0",
            "bylines-MIN_NUM_FORMS": "1",
            "bylines-MAX_NUM_FORMS": "1000",
            "bylines-0-author": author.pk,
            "bylines-0-position": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    story = Article.objects.get(slug="admin-corpus")

    assert_safe_html(story.body_html, where="body_html saved by the admin")
    assert_safe_response(client.get(story.get_absolute_url()))
    change = client.get(reverse("admin:articles_article_change", args=[story.pk]))
    assert_safe_response(change, admin=True)
