from datetime import timedelta

from django.utils import timezone

import pytest

from articles.models import Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_published_in_the_past_is_visible():
    article = ArticleFactory(published_at=timezone.now() - timedelta(seconds=1))
    assert list(Article.objects.published()) == [article]


def test_draft_is_not_visible_even_with_a_past_date():
    ArticleFactory(status=Article.Status.DRAFT, published_at=timezone.now() - timedelta(days=1))
    ArticleFactory(draft=True)
    assert not Article.objects.published().exists()


def test_scheduled_article_is_hidden_until_its_time(settings):
    publish_at = timezone.now() + timedelta(hours=1)
    article = ArticleFactory(published_at=publish_at)
    assert not Article.objects.published().exists()

    # Move the clock past the scheduled time: visible with no job having run.
    later = publish_at + timedelta(seconds=1)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(timezone, "now", lambda: later)
        assert list(Article.objects.published()) == [article]


def test_published_without_a_date_is_not_visible():
    ArticleFactory(published_at=None)
    assert not Article.objects.published().exists()


def test_comment_count_counts_visible_comments_only():
    from articles.models import Comment
    from tests.factories import CommentFactory

    article = ArticleFactory()
    CommentFactory.create_batch(2, article=article)
    CommentFactory(article=article, status=Comment.Status.PENDING)
    CommentFactory(article=article, status=Comment.Status.REMOVED)
    CommentFactory(article=article, status=Comment.Status.SPAM)
    assert Article.objects.with_comment_count().get(pk=article.pk).comment_count == 2


def test_body_is_sanitized_on_every_save():
    article = ArticleFactory(
        body='<p onclick="steal()">Hi <script>alert(1)</script>'
        '<a href="javascript:alert(1)">x</a><a href="https://example.org">ok</a></p>'
        '<iframe src="https://evil.example"></iframe><h2 style="color:red">Sub</h2>'
    )
    article.refresh_from_db()
    assert "script" not in article.body
    assert "onclick" not in article.body
    assert "javascript:" not in article.body
    assert "iframe" not in article.body
    assert "style" not in article.body
    assert '<a href="https://example.org" rel="noopener noreferrer">ok</a>' in article.body
    assert "<h2>Sub</h2>" in article.body


def test_body_is_sanitized_when_saving_other_fields_only():
    article = ArticleFactory()
    Article.objects.filter(pk=article.pk).update(body="<script>x</script><p>kept</p>")
    article.refresh_from_db()
    article.headline = "New headline"
    article.save(update_fields=["headline"])
    article.refresh_from_db()
    assert article.body == "<p>kept</p>"
