from collections import Counter

from django.core.management import CommandError, call_command
from django.db.models import Count

import pytest
from taggit.models import Tag

from accounts.models import User
from articles.management.commands.seed_bench import (
    ADMIN_USERNAME,
    COMMON_WORD,
    RARE_WORD,
    RARE_WORD_STORIES,
    READER_USERNAME,
    SPECIAL_SLUG,
    SPECIAL_VISIBLE,
)
from articles.models import Article, Comment
from articles.models.rendering import article_body_html, comment_body_html
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

ARTICLES = 120
COMMENTS = 1500


@pytest.fixture
def seeded():
    call_command("seed_bench", articles=ARTICLES, comments=COMMENTS, tags=12, authors=8)


def test_seeds_the_counts_asked_for(seeded):
    assert Article.objects.count() == ARTICLES
    assert Comment.objects.count() == COMMENTS
    assert Tag.objects.count() == 12
    assert all(slug.startswith("bench-") for slug in Article.objects.values_list("slug", flat=True))


def test_most_stories_are_published_over_many_years_and_a_few_are_scheduled(seeded):
    published = Article.objects.published()
    assert published.count() > ARTICLES * 0.9
    dates = published.order_by("published_at").values_list("published_at", flat=True)
    assert (dates.last() - dates.first()).days > 365 * 10
    assert Article.objects.scheduled().count() == 3


def test_bylines_have_one_to_three_authors_and_some_have_several(seeded):
    per_story = Counter(Article.objects.annotate(n=Count("bylines")).values_list("n", flat=True))
    assert set(per_story) <= {1, 2, 3}
    assert per_story[1] > per_story.get(2, 0) > 0


def test_tags_are_one_to_three_per_story_and_skewed(seeded):
    per_story = Counter(
        Article.objects.annotate(n=Count("tagged_items")).values_list("n", flat=True)
    )
    assert set(per_story) <= {1, 2, 3}
    assert per_story[2] > 0
    sizes = sorted(
        Tag.objects.annotate(n=Count("articles_taggedarticle_items")).values_list("n", flat=True)
    )
    # The biggest tag is on a good share of the stories, several times the median tag.
    assert sizes[-1] > ARTICLES * 0.2
    assert sizes[-1] > 4 * sizes[len(sizes) // 2]


def test_comments_have_replies_held_and_removed_ones(seeded):
    replies = Comment.objects.filter(parent__isnull=False)
    assert replies.exists()
    assert not replies.filter(parent__parent__isnull=False).exists()  # one level
    assert replies.filter(replied_to__isnull=False).exists()
    mismatched = [
        r for r in replies.select_related("parent") if r.parent.article_id != r.article_id
    ]
    assert mismatched == []
    statuses = Counter(Comment.objects.values_list("status", flat=True))
    assert statuses[Comment.Status.PENDING] > 0
    assert statuses[Comment.Status.REMOVED] > 0
    assert statuses[Comment.Status.VISIBLE] > 0.8 * COMMENTS
    assert Comment.objects.filter(status=Comment.Status.PENDING).exclude(held_reason="").exists()
    assert User.objects.filter(username__startswith="bench-commenter-").count() >= 10


def test_comments_come_after_their_story_and_their_thread(seeded):
    late = Comment.objects.select_related("article", "parent")
    for comment in late.filter(article__slug=SPECIAL_SLUG)[:50]:
        assert comment.created_at > comment.article.published_at
        if comment.parent:
            assert comment.created_at > comment.parent.created_at


def test_one_story_has_exactly_200_visible_comments_all_on_its_first_page(seeded, client):
    article = Article.objects.published().get(slug=SPECIAL_SLUG)
    assert article.comments.visible().count() == SPECIAL_VISIBLE == 200
    assert article.comments.exclude(status=Comment.Status.VISIBLE).exists()

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    shown = {comment.comment.pk for thread in response.context["comment_page"].threads
             for comment in (thread.top, *thread.replies)}  # fmt: skip
    assert len(shown) == 200


def test_rendered_html_is_what_save_would_store(seeded):
    for article in Article.objects.order_by("?")[:5]:
        assert article.body_html
        assert article.body_html == article_body_html(article.body)
    for comment in Comment.objects.order_by("?")[:20]:
        assert comment.body_html == comment_body_html(comment.body)
    assert Comment.objects.filter(body_html__contains='rel="nofollow ugc noopener"').exists()


def test_search_words_are_common_and_rare(seeded, client):
    assert Article.objects.filter(body__contains=RARE_WORD).count() == RARE_WORD_STORIES
    assert Article.objects.filter(body__contains=COMMON_WORD).count() > RARE_WORD_STORIES

    response = client.get("/search/", {"q": RARE_WORD})

    assert response.status_code == 200
    assert RARE_WORD in response.content.decode()


def test_most_stories_have_a_hero_image_from_the_bench_library(seeded, client):
    with_image = Article.objects.filter(hero_image__isnull=False)
    assert with_image.count() > ARTICLES * 0.6
    assert client.get("/").status_code == 200


def test_the_benchmark_accounts_exist_reader_verified_admin_superuser(seeded):
    reader = User.objects.get(username=READER_USERNAME)
    admin = User.objects.get(username=ADMIN_USERNAME)
    assert reader.emailaddress_set.filter(verified=True).exists()
    assert not reader.is_staff
    assert admin.is_superuser and admin.is_staff
    assert not admin.has_usable_password()


def test_running_it_again_replaces_the_bench_data(seeded):
    call_command("seed_bench", articles=ARTICLES, comments=COMMENTS, tags=12, authors=8)

    assert Article.objects.count() == ARTICLES
    assert Comment.objects.count() == COMMENTS
    assert User.objects.filter(username=READER_USERNAME).count() == 1
    assert Article.objects.get(slug=SPECIAL_SLUG).comments.visible().count() == SPECIAL_VISIBLE
    assert not Article.history.filter(history_type="-").exists()


def test_refuses_a_database_with_content_it_did_not_make():
    ArticleFactory(slug="a-real-story")

    with pytest.raises(CommandError, match=r"did not make \(1 articles, 1 authors\)"):
        call_command("seed_bench", articles=ARTICLES, comments=COMMENTS)

    assert Article.objects.count() == 1
    assert not User.objects.filter(username__startswith="bench-").exists()


def test_force_seeds_beside_other_content_and_leaves_it_alone():
    story = ArticleFactory(slug="a-real-story", headline="A real story")

    call_command("seed_bench", articles=ARTICLES, comments=COMMENTS, force=True)
    call_command("seed_bench", articles=ARTICLES, comments=COMMENTS, force=True)

    assert Article.objects.count() == ARTICLES + 1
    story.refresh_from_db()
    assert story.headline == "A real story"


def test_too_few_comments_for_the_200_comment_story_is_an_error():
    with pytest.raises(CommandError, match="--comments"):
        call_command("seed_bench", articles=ARTICLES, comments=100)
