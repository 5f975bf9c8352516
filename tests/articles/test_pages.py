from datetime import UTC, timedelta

from django.urls import reverse
from django.utils import timezone

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article
from tests.factories import ArticleFactory, AuthorFactory

pytestmark = pytest.mark.django_db


def test_home_lists_published_articles_newest_first_with_the_lead_story_larger(client):
    older = ArticleFactory(headline="Older story", published_at=timezone.now() - timedelta(days=2))
    newest = ArticleFactory(
        headline="Newest story", published_at=timezone.now() - timedelta(hours=1)
    )
    ArticleFactory(headline="A draft story", draft=True)
    ArticleFactory(headline="A scheduled story", published_at=timezone.now() + timedelta(days=1))

    response = client.get(reverse("articles:home"))

    assert response.status_code == 200
    assert list(response.context["articles"]) == [newest, older]
    html = response.content.decode()
    assert html.index("Newest story") < html.index("Older story")
    assertNotContains(response, "A draft story")
    assertNotContains(response, "A scheduled story")
    assertContains(
        response,
        f'<h2 class="card__headline card__headline--lead"><a href="{newest.get_absolute_url()}">'
        "Newest story</a></h2>",
        html=True,
    )
    assertContains(
        response,
        f'<h2 class="card__headline"><a href="{older.get_absolute_url()}">Older story</a></h2>',
        html=True,
    )


def test_home_is_paginated_by_position_and_only_page_one_has_a_lead(client, settings):
    settings.NEWSROOM_PAGE_SIZE = 3
    stories = [
        ArticleFactory(
            headline=f"Story {hours}", published_at=timezone.now() - timedelta(hours=hours + 1)
        )
        for hours in range(7)
    ]

    first = client.get(reverse("articles:home"))
    older = (
        f"?before={stories[2].published_at.astimezone(UTC):%Y-%m-%dT%H:%M:%S.%fZ},{stories[2].pk}"
    )
    assertContains(first, f'<a rel="next" href="/{older}">Older stories</a>', html=True)
    assertNotContains(first, 'rel="prev"')
    second = client.get(reverse("articles:home") + older)
    assert [a.headline for a in second.context["articles"]] == ["Story 3", "Story 4", "Story 5"]
    assertNotContains(second, "card--lead")
    # Just below the first page, "newer" is the home page itself.
    assertContains(second, '<a rel="prev" href="/">Newer stories</a>', html=True)
    assertNotContains(second, "Page 2")
    last = client.get(reverse("articles:home") + second.context["page_obj"].older_query)

    assert len(first.context["articles"]) == 3
    assertContains(first, "card--lead", count=1)
    assert [a.headline for a in last.context["articles"]] == ["Story 6"]
    assertNotContains(last, 'rel="next"')
    assert last.context["page_obj"].newer_query.startswith("?after=")


def test_old_numbered_links_show_the_same_stories_and_link_by_position(client, settings):
    settings.NEWSROOM_PAGE_SIZE = 3
    for hours in range(7):
        ArticleFactory(published_at=timezone.now() - timedelta(hours=hours + 1))
    home = reverse("articles:home")
    second = client.get(home, {"before": client.get(home).context["page_obj"].older_query[8:]})

    numbered = client.get(home, {"page": 2})

    assert list(numbered.context["articles"]) == list(second.context["articles"])
    assertContains(numbered, "Page 2")
    assertContains(numbered, "<title>Latest stories, page 2 · Newsroom</title>", html=True)
    assertContains(numbered, f'rel="next" href="/{second.context["page_obj"].older_query}"')
    assert list(client.get(home, {"page": 1}).context["articles"]) == list(
        client.get(home).context["articles"]
    )
    for page in (4, 1001, 10**30, 0, -1, "x", ""):
        assert client.get(home, {"page": page}).status_code == 404, page


def test_home_with_no_stories_says_so(client):
    assertContains(client.get(reverse("articles:home")), "No stories yet.")


def test_article_page_shows_headline_standfirst_bylines_dates_and_body(client):
    first = AuthorFactory(display_name="Mara Ellison", slug="mara-ellison")
    second = AuthorFactory(display_name="Tomas Reyes", slug="tomas-reyes")
    article = ArticleFactory(
        headline="Harbour bridge reopens",
        standfirst="Commuters cheered.",
        body="<p>The bridge <em>reopened</em>.</p>",
        authors=[second, first],
    )

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    assertContains(response, '<h1 class="article__headline">Harbour bridge reopens</h1>', html=True)
    assertContains(response, '<p class="article__standfirst">Commuters cheered.</p>', html=True)
    assertContains(
        response,
        '<p class="byline">By <a rel="author" href="/authors/tomas-reyes/">Tomas Reyes</a> and '
        '<a rel="author" href="/authors/mara-ellison/">Mara Ellison</a></p>',
        html=True,
    )
    assertContains(response, f'<time datetime="{article.published_at.isoformat()}">')
    assertContains(response, "<p>The bridge <em>reopened</em>.</p>", html=True)
    assertContains(response, "<title>Harbour bridge reopens · Newsroom</title>", html=True)


def test_article_page_shows_an_updated_date_only_after_a_real_update(client):
    article = ArticleFactory(published_at=timezone.now() - timedelta(days=1))
    Article.objects.filter(pk=article.pk).update(updated_at=article.published_at)
    assertNotContains(client.get(article.get_absolute_url()), "Updated")

    updated_at = timezone.now()
    Article.objects.filter(pk=article.pk).update(updated_at=updated_at)
    response = client.get(article.get_absolute_url())
    assertContains(response, f'Updated <time datetime="{updated_at.isoformat()}">')


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: ArticleFactory(draft=True), id="draft"),
        pytest.param(
            lambda: ArticleFactory(published_at=timezone.now() + timedelta(minutes=5)),
            id="scheduled",
        ),
    ],
)
def test_unpublished_articles_are_404_for_readers(client, make):
    article = make()
    assert client.get(article.get_absolute_url()).status_code == 404


def test_unknown_article_is_a_404_page_in_the_site_layout(client):
    response = client.get(reverse("articles:detail", kwargs={"slug": "no-such-story"}))
    assert response.status_code == 404
    assertContains(response, "Page not found", status_code=404)


def test_article_with_a_non_latin_slug_is_served(client):
    article = ArticleFactory(headline="Երևանի նորություններ", slug="երևանի-նորություններ")
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assertContains(response, "Երևանի նորություններ")


def test_tag_page_lists_published_articles_with_that_tag(client):
    tagged = ArticleFactory(headline="Tagged story", tags=["Transport"])
    ArticleFactory(headline="Other story", tags=["Sport"])
    ArticleFactory(headline="Draft tagged", tags=["Transport"], draft=True)

    response = client.get(reverse("articles:tag", kwargs={"slug": "transport"}))

    assert response.status_code == 200
    assert list(response.context["articles"]) == [tagged]
    assertContains(response, "<h1>Transport</h1>", html=True)
    assertNotContains(response, "Other story")
    assertNotContains(response, "Draft tagged")


def test_tag_page_is_paginated(client, settings):
    settings.NEWSROOM_PAGE_SIZE = 2
    for _ in range(3):
        ArticleFactory(tags=["Transport"])
    ArticleFactory(tags=["Sport"])
    url = reverse("articles:tag", kwargs={"slug": "transport"})
    first = client.get(url)
    assert len(first.context["articles"]) == 2
    older = client.get(url + first.context["page_obj"].older_query)
    assert len(older.context["articles"]) == 1
    assertNotContains(older, 'rel="next"')
    assertContains(older, f'<a rel="prev" href="{url}">Newer stories</a>', html=True)
    assert len(client.get(url, {"page": 2}).context["articles"]) == 1
    assert client.get(url, {"page": 3}).status_code == 404


def test_unknown_tag_and_tag_used_only_by_drafts_are_404(client):
    ArticleFactory(tags=["Embargoed"], draft=True)
    assert client.get(reverse("articles:tag", kwargs={"slug": "nope"})).status_code == 404
    assert client.get(reverse("articles:tag", kwargs={"slug": "embargoed"})).status_code == 404


def test_author_page_lists_their_published_articles(client):
    author = AuthorFactory(display_name="Priya Natarajan", slug="priya", bio="Sports desk.")
    mine = ArticleFactory(headline="Her story", authors=[author])
    ArticleFactory(headline="Someone else's story")
    ArticleFactory(headline="Her draft", authors=[author], draft=True)

    response = client.get(author.get_absolute_url())

    assert response.status_code == 200
    assert list(response.context["articles"]) == [mine]
    assertContains(response, "<h1>Priya Natarajan</h1>", html=True)
    assertContains(response, "Sports desk.")
    assertNotContains(response, "Her draft")


def test_author_page_is_paginated(client, settings):
    settings.NEWSROOM_PAGE_SIZE = 2
    author = AuthorFactory()
    for _ in range(3):
        ArticleFactory(authors=[author])
    assert len(client.get(author.get_absolute_url(), {"page": 2}).context["articles"]) == 1
    first = client.get(author.get_absolute_url())
    assertContains(first, f'rel="next" href="{author.get_absolute_url()}?before=')
    older = client.get(author.get_absolute_url() + first.context["page_obj"].older_query)
    assert len(older.context["articles"]) == 1


def test_unknown_author_is_404(client):
    assert client.get(reverse("articles:author", kwargs={"slug": "nobody"})).status_code == 404


def test_health_check_answers_ok(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_public_pages_are_indexable_and_account_pages_are_not(client, article):
    assertNotContains(client.get(article.get_absolute_url()), "noindex")
    assertContains(
        client.get(reverse("account_login")), '<meta name="robots" content="noindex">', html=True
    )


def test_every_page_footer_links_the_corrections_page_and_the_feed(client, article):
    for url in (reverse("articles:home"), article.get_absolute_url()):
        response = client.get(url)
        assertContains(
            response, f'<a href="{reverse("articles:corrections")}">Corrections</a>', html=True
        )
        assertContains(response, f'<a href="{reverse("articles:feed")}">RSS feed</a>', html=True)
