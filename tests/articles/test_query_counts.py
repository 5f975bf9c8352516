"""Pages cost a fixed number of queries, however many articles, tags or comments exist."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest

from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    UserFactory,
    VerifiedUserFactory,
)
from tests.helpers import warm_remembered

pytestmark = pytest.mark.django_db

TAG_NAMES = [f"Tag {n}" for n in range(20)]


def queries_for(client, url) -> int:
    warm_remembered()
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def make_articles(count: int, tags_each: int):
    authors = [AuthorFactory(), AuthorFactory()]
    articles = [ArticleFactory(authors=authors, tags=TAG_NAMES[:tags_each]) for _ in range(count)]
    for article in articles[:3]:
        CommentFactory.create_batch(2, article=article)
    return articles


@pytest.mark.parametrize(("count", "tags_each"), [(3, 1), (50, 20)])
def test_home_page_query_count_is_fixed(client, count, tags_each, django_assert_max_num_queries):
    make_articles(count, tags_each)
    warm_remembered()
    # +1 for the page cache: when the next scheduled story appears (see articles/caching.py).
    with django_assert_max_num_queries(5):
        client.get(reverse("articles:home"))


def test_home_page_costs_the_same_with_3_or_50_articles(client):
    make_articles(3, 1)
    small = queries_for(client, reverse("articles:home"))
    make_articles(47, 20)
    assert queries_for(client, reverse("articles:home")) == small


@pytest.mark.parametrize(("tags_each", "comments"), [(1, 0), (20, 30)])
def test_article_page_query_count_is_fixed(
    client, tags_each, comments, django_assert_max_num_queries
):
    article = make_articles(3, tags_each)[0]
    CommentFactory.create_batch(comments, article=article)
    warm_remembered()
    # Article, bylines, tags; then the page of comments (threads, replies, authors and
    # how many threads, in one); then the related stories.
    # +1 for the page cache: when the next scheduled story appears (see articles/caching.py).
    with django_assert_max_num_queries(8):
        response = client.get(article.get_absolute_url())
    assert response.context["article"].comment_count == comments + 2


def test_article_page_costs_the_same_with_1_or_20_tags(client):
    small = make_articles(3, 1)[0]
    large = make_articles(3, 20)[0]
    assert queries_for(client, small.get_absolute_url()) == queries_for(
        client, large.get_absolute_url()
    )


@pytest.mark.parametrize("view", ["articles:tag", "articles:author"])
def test_listing_pages_cost_the_same_with_3_or_50_articles(client, view):
    author = AuthorFactory()

    def url():
        slug = "tag-0" if view == "articles:tag" else author.slug
        return reverse(view, kwargs={"slug": slug})

    for _ in range(3):
        ArticleFactory(authors=[author], tags=TAG_NAMES[:1])
    small = queries_for(client, url())
    for _ in range(47):
        ArticleFactory(authors=[author, AuthorFactory()], tags=TAG_NAMES)
    assert queries_for(client, url()) == small


def comments_on(article, count: int, reader) -> None:
    """``count`` comments in threads of five, a tenth of them the reader's, some reported
    by the reader."""
    from articles.models import CommentReport

    others = [UserFactory() for _ in range(3)]
    for number in range(count // 5):
        author = reader if number % 10 == 0 else others[number % 3]
        top = CommentFactory(article=article, author=author)
        for reply in range(4):
            CommentFactory(article=article, parent=top, author=others[reply % 3])
        if number % 7 == 3:
            CommentReport.objects.create(comment=top, reporter=reader, reason="spam")


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "logged-in"])
def test_the_article_page_costs_the_same_from_0_to_500_comments(client, logged_in):
    from tests.articles.test_listing_images import picture

    reader = VerifiedUserFactory(username="reader")
    if logged_in:
        client.force_login(reader)
    counts = {}
    hero = picture(width=900, height=600)
    for comments in (0, 50, 500):
        article = ArticleFactory(tags=TAG_NAMES[:3], authors=[AuthorFactory()], hero_image=hero)
        comments_on(article, comments, reader)
        counts[comments] = queries_for(client, article.get_absolute_url())
    # Article, bylines, tags, hero renditions, comments, related stories; logged in also
    # the session, the user, their verified addresses and whether they are banned.
    assert counts[0] == counts[50] == counts[500] <= 10, counts


def test_listing_pages_with_pictures_cost_the_same_with_1_or_12_stories(client):
    from tests.articles.test_listing_images import COUNTED, picture

    author = AuthorFactory()
    ArticleFactory(authors=[author], tags=TAG_NAMES[:2], hero_image=picture(**COUNTED))
    urls = [
        reverse("articles:home"),
        reverse("articles:tag", kwargs={"slug": "tag-0"}),
        reverse("articles:author", kwargs={"slug": author.slug}),
        reverse("articles:feed"),
    ]
    few = [queries_for(client, url) for url in urls]
    for _ in range(11):
        ArticleFactory(
            authors=[author, AuthorFactory()], tags=TAG_NAMES, hero_image=picture(**COUNTED)
        )
    assert [queries_for(client, url) for url in urls] == few
