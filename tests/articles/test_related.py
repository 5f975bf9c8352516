"""Related stories: up to four, by shared tags then recency, published only, one query."""

from datetime import timedelta

from django.utils import timezone

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article
from articles.related import related_articles
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def ago(hours):
    return timezone.now() - timedelta(hours=hours)


@pytest.fixture
def story(db):
    return ArticleFactory(
        headline="Harbour bridge reopens", tags=["Transport", "Eastport", "Roads"]
    )


def related_headlines(article) -> list[str]:
    article = Article.objects.with_listing_data().get(pk=article.pk)
    return [related.headline for related in related_articles(article=article)]


def test_ranked_by_shared_tags_then_recency(story):
    ArticleFactory(headline="One tag, newest", tags=["Roads"], published_at=ago(1))
    ArticleFactory(
        headline="Three tags, oldest", tags=["Transport", "Eastport", "Roads"], published_at=ago(50)
    )
    ArticleFactory(headline="Two tags, newer", tags=["Transport", "Eastport"], published_at=ago(5))
    ArticleFactory(headline="Two tags, older", tags=["Eastport", "Roads"], published_at=ago(9))
    ArticleFactory(headline="One tag, older", tags=["Eastport"], published_at=ago(20))
    ArticleFactory(headline="No shared tag", tags=["Culture"], published_at=ago(0.5))

    assert related_headlines(story) == [
        "Three tags, oldest",
        "Two tags, newer",
        "Two tags, older",
        "One tag, newest",
    ]


def test_only_published_stories_and_never_the_story_itself(story):
    ArticleFactory(headline="Draft", tags=["Transport"], draft=True)
    ArticleFactory(
        headline="Scheduled", tags=["Transport"], published_at=timezone.now() + timedelta(hours=2)
    )
    ArticleFactory(headline="Published", tags=["Transport"])
    assert related_headlines(story) == ["Published"]


def test_a_story_without_tags_has_no_related_list(client):
    lonely = ArticleFactory(headline="Lonely story")
    ArticleFactory(headline="Other story", tags=["Transport"])
    assert related_headlines(lonely) == []
    assertNotContains(client.get(lonely.get_absolute_url()), "Related stories")


def test_related_stories_are_listed_under_the_article(client, story):
    other = ArticleFactory(headline="Ferry timetable <changes>", tags=["Transport"])
    response = client.get(story.get_absolute_url())
    assertContains(
        response,
        '<h2 id="related-heading" class="related__heading">Related stories</h2>',
        html=True,
    )
    assertContains(
        response,
        f'<a class="related__headline" href="{other.get_absolute_url()}">'
        "Ferry timetable &lt;changes&gt;</a>",
        html=True,
    )


@pytest.mark.parametrize("candidates", [5, 60])
def test_related_stories_cost_one_query(story, candidates, django_assert_num_queries):
    for n in range(candidates):
        ArticleFactory(tags=["Transport", "Eastport", "Roads"][: 1 + n % 3])
    article = Article.objects.with_listing_data().get(pk=story.pk)
    with django_assert_num_queries(1):
        related = related_articles(article=article)
    assert len(related) == 4
    shared = [r.shared_tags for r in related]
    assert shared == sorted(shared, reverse=True)
    assert shared[0] == 3


def test_candidates_are_the_newest_stories_of_each_tag_not_the_whole_archive(story, monkeypatch):
    monkeypatch.setattr("articles.related.CANDIDATES_PER_TAG", 2)
    ArticleFactory(
        headline="Old, all three tags",
        tags=["Transport", "Eastport", "Roads"],
        published_at=ago(500),
    )
    for n in range(2):
        ArticleFactory(headline=f"Transport {n}", tags=["Transport"], published_at=ago(10 + n))
        ArticleFactory(headline=f"Eastport {n}", tags=["Eastport"], published_at=ago(20 + n))
    ArticleFactory(
        headline="Roads, both others", tags=["Roads", "Eastport", "Transport"], published_at=ago(30)
    )

    # Roads has two stories, so both are candidates; the old one is past the newest two
    # of Transport and Eastport, yet a candidate through Roads, and ranks first.
    assert related_headlines(story)[:2] == ["Roads, both others", "Old, all three tags"]
    assert set(related_headlines(story)[2:]) <= {
        "Transport 0",
        "Transport 1",
        "Eastport 0",
        "Eastport 1",
    }


def test_a_story_older_than_every_tags_candidates_is_not_offered(story, monkeypatch):
    monkeypatch.setattr("articles.related.CANDIDATES_PER_TAG", 1)
    ArticleFactory(headline="Old story", tags=["Transport"], published_at=ago(100))
    ArticleFactory(headline="Newer story", tags=["Transport", "Roads"], published_at=ago(1))
    ArticleFactory(headline="Eastport story", tags=["Eastport"], published_at=ago(2))

    assert related_headlines(story) == ["Newer story", "Eastport story"]
