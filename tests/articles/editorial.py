"""Helpers for the editorial admin tests: role accounts and admin form posts."""

from django.urls import reverse

from articles.models import Article


def article_form_data(article: Article | None = None, **overrides) -> dict:
    """What the admin's article change form posts, with its inline management forms."""
    data = {
        "headline": article.headline if article else "A new story",
        "slug": article.slug if article else "a-new-story",
        "standfirst": article.standfirst if article else "What happened.",
        "body": article.body if article else "<p>First paragraph.</p>",
        "tags": "",
        "is_commenting_open": "on",
        "bylines-TOTAL_FORMS": "0",
        "bylines-INITIAL_FORMS": "0",
        "bylines-MIN_NUM_FORMS": "1",
        "bylines-MAX_NUM_FORMS": "1000",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        "corrections-MIN_NUM_FORMS": "0",
        "corrections-MAX_NUM_FORMS": "1000",
        # The scheduled-update inline (published stories, editors): none posted.
        "scheduled_updates-TOTAL_FORMS": "0",
        "scheduled_updates-INITIAL_FORMS": "0",
        "scheduled_updates-MIN_NUM_FORMS": "0",
        "scheduled_updates-MAX_NUM_FORMS": "1000",
    }
    if article is not None:
        bylines = list(article.bylines.all())
        data["bylines-TOTAL_FORMS"] = data["bylines-INITIAL_FORMS"] = str(len(bylines))
        for n, byline in enumerate(bylines):
            data[f"bylines-{n}-id"] = byline.pk
            data[f"bylines-{n}-article"] = article.pk
            data[f"bylines-{n}-author"] = byline.author_id
            data[f"bylines-{n}-position"] = byline.position
        if article.published_at:
            local = article.published_at
            data["published_at_0"] = local.strftime("%Y-%m-%d")
            data["published_at_1"] = local.strftime("%H:%M:%S")
        data["status"] = article.status
    data.update(overrides)
    return data


def change_url(article: Article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])
