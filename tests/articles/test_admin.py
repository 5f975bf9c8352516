import re

from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article
from tests.factories import ArticleFactory, AuthorFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    user = UserFactory(username="chief", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def test_changelist_filters_by_status_and_author_and_searches(staff_client):
    mara = AuthorFactory(display_name="Mara Ellison")
    ArticleFactory(headline="Bridge reopens", authors=[mara])
    ArticleFactory(headline="Library hours", draft=True)
    url = reverse("admin:articles_article_changelist")

    response = staff_client.get(url)
    assertContains(response, "Bridge reopens")
    assertContains(response, "Mara Ellison")

    drafts = staff_client.get(url, {"status__exact": "draft"})
    assertContains(drafts, "Library hours")
    assertNotContains(drafts, "Bridge reopens")

    by_author = staff_client.get(url, {"byline": mara.slug})
    assertContains(by_author, "Bridge reopens")
    assertNotContains(by_author, "Library hours")

    searched = staff_client.get(url, {"q": "library"})
    assertContains(searched, "Library hours")
    assertNotContains(searched, "Bridge reopens")


def test_add_form_prefills_the_slug_from_the_headline(staff_client):
    response = staff_client.get(reverse("admin:articles_article_add"))
    assertContains(response, "&quot;dependency_ids&quot;: [&quot;#id_headline&quot;]")


def test_an_editor_creates_an_article_with_tags_and_bylines_in_order(staff_client):
    first, second = AuthorFactory(), AuthorFactory()
    response = staff_client.post(
        reverse("admin:articles_article_add"),
        {
            "headline": "New story",
            "slug": "new-story",
            "standfirst": "Summary",
            "body": '<p>Body <script>alert(1)</script><a href="javascript:x()">x</a></p>',
            "tags": "Transport, Eastport",
            "status": "published",
            "published_at_0": "2024-01-02",
            "published_at_1": "10:00:00",
            "is_commenting_open": "on",
            "bylines-TOTAL_FORMS": "2",
            "bylines-INITIAL_FORMS": "0",
            "bylines-MIN_NUM_FORMS": "1",
            "bylines-MAX_NUM_FORMS": "1000",
            "bylines-0-author": second.pk,
            "bylines-0-position": "0",
            "bylines-1-author": first.pk,
            "bylines-1-position": "1",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(slug="new-story")
    assert sorted(article.tags.names()) == ["Eastport", "Transport"]
    assert article.ordered_authors == [second, first]
    assert "script" not in article.body
    assert "javascript" not in article.body


def test_an_article_needs_at_least_one_byline(staff_client):
    response = staff_client.post(
        reverse("admin:articles_article_add"),
        {
            "headline": "No byline",
            "slug": "no-byline",
            "status": "draft",
            "bylines-TOTAL_FORMS": "0",
            "bylines-INITIAL_FORMS": "0",
            "bylines-MIN_NUM_FORMS": "1",
            "bylines-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 200
    assertContains(response, "Please submit at least 1 form.")
    assertContains(response, 'value="No byline"')
    assert not Article.objects.exists()


def test_author_and_tag_admin_pages_load(staff_client):
    AuthorFactory(display_name="Tomas Reyes")
    ArticleFactory(tags=["Transport"])
    assertContains(staff_client.get(reverse("admin:articles_author_changelist")), "Tomas Reyes")
    assertContains(staff_client.get(reverse("admin:taggit_tag_changelist")), "Transport")
    assertContains(
        staff_client.get(reverse("admin:articles_author_add")),
        "&quot;dependency_ids&quot;: [&quot;#id_display_name&quot;]",
    )


def test_readers_cannot_reach_the_admin(client):
    client.force_login(UserFactory())
    response = client.get(reverse("admin:articles_article_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_admin_carries_the_site_name_not_django_administration(staff_client, settings):
    settings.NEWSROOM_SITE_NAME = "Harbour Herald"

    response = staff_client.get(reverse("admin:index"))

    assertContains(response, "<title>Dashboard | Harbour Herald admin</title>", html=True)
    assertContains(response, '<a href="/admin/">Harbour Herald</a>', html=True)
    assertNotContains(response, "Django administration")
    assertNotContains(response, "Django site admin")
    login = Client().get(reverse("admin:login"))
    assertContains(login, "Harbour Herald")
    assertNotContains(login, "Django administration")


def test_the_slug_help_text_reads_as_written(staff_client):
    response = staff_client.get(reverse("admin:articles_article_add"))

    assertContains(response, "web address, after /articles/. Changed after publication")
    assertNotContains(response, "/articles//")


def test_the_body_editor_has_a_writing_height_from_the_admin_stylesheet(staff_client):
    response = staff_client.get(reverse("admin:articles_article_add"))

    assertContains(response, "css/admin.css")
    with open(finders.find("css/admin.css")) as css:
        stylesheet = css.read()
    assert re.search(r"\.ProseMirror \{[^}]*min-height: \d+rem", stylesheet)


HUGE = "9" * 23  # past any database integer and any year


@pytest.mark.parametrize(
    "params",
    [{"published_at__year": HUGE}, {"published_at__year": "2026", "published_at__month": HUGE}],
    ids=["year", "month"],
)
def test_a_date_out_of_range_gets_the_error_page_or_finds_nothing(staff_client, params):
    # A mistyped or hostile filter in the address is the admin's "?e=1" (a year past what
    # a date holds) or an empty list (a month no date has), never a 500.
    ArticleFactory(headline="Bridge reopens")
    url = reverse("admin:articles_article_changelist")

    response = staff_client.get(url, params)

    if response.status_code == 302:
        assert response.url == f"{url}?e=1"
    else:
        assert response.status_code == 200
        assertNotContains(response, "Bridge reopens")


@pytest.mark.parametrize(
    ("changelist", "params"),
    [
        ("admin:articles_article_changelist", {"comments": HUGE}),
        ("admin:articles_comment_changelist", {"created_at__year": HUGE}),
        ("admin:articles_comment_changelist", {"reports": HUGE}),
        ("admin:articles_author_changelist", {"bylines": HUGE}),
        ("admin:accounts_user_changelist", {"comments": HUGE}),
    ],
)
def test_an_id_out_of_range_finds_nothing_or_gets_the_error_page(staff_client, changelist, params):
    # SQLite cannot hold the number (?e=1); PostgreSQL compares it and finds no row.
    ArticleFactory(headline="Bridge reopens")
    url = reverse(changelist)

    response = staff_client.get(url, params)

    if response.status_code == 302:
        assert response.url == f"{url}?e=1"
    else:
        assert response.status_code == 200
        assertNotContains(response, "Bridge reopens")


@pytest.mark.parametrize(
    "params",
    [{"headline": "a\x00"}, {"status__exact": "\x00"}, {"q": "bridge\x00"}],
    ids=["lookup", "filter", "search"],
)
def test_a_changelist_answers_a_nul_character_with_its_error_page(staff_client, params):
    # PostgreSQL refuses a NUL in a query: a server error there, unless caught first.
    url = reverse("admin:articles_article_changelist")

    response = staff_client.get(url, params)

    assert response.status_code == 302
    assert response.url == f"{url}?e=1"


def test_an_autocomplete_search_with_a_nul_character_finds_nothing(staff_client):
    AuthorFactory(display_name="Mara Ellison")
    params = {"app_label": "articles", "model_name": "byline", "field_name": "author"}
    url = reverse("admin:autocomplete")

    found = staff_client.get(url, {**params, "term": "Mara"})
    refused = staff_client.get(url, {**params, "term": "Mara\x00"})

    assert [item["text"] for item in found.json()["results"]] == ["Mara Ellison"]
    assert refused.status_code == 200
    assert refused.json()["results"] == []


def test_view_on_site_shows_a_draft_only_to_those_who_may_see_it(client):
    from django.contrib.contenttypes.models import ContentType

    from articles.models import Article
    from tests.factories import staff_user

    owner, stranger = staff_user("owen", "Writer"), staff_user("stan", "Writer")
    draft = ArticleFactory(draft=True, created_by=owner, slug="embargoed-merger")
    url = reverse(
        "admin:view_on_site", args=[ContentType.objects.get_for_model(Article).pk, draft.pk]
    )

    client.force_login(stranger)
    refused = client.get(url)
    assert refused.status_code == 404
    assert "embargoed-merger" not in refused.get("Location", "")

    client.force_login(owner)
    assert client.get(url).status_code == 302
