"""Revisions: every save keeps one; editors see the history, diff any two, restore one."""

from django.urls import reverse

import pytest
from pytest_django.asserts import assertContains

from articles.models import Article
from articles.services import article_publish
from tests.articles.editorial import article_form_data, change_url
from tests.factories import ArticleFactory, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(db):
    return staff_user("edith", "Editor")


def test_edit_twice_diff_restore_and_the_restored_text_is_live(client, editor):
    article = ArticleFactory(
        headline="Bridge reopens", body="<p>The bridge reopened on Monday.</p>"
    )
    client.force_login(editor)
    client.post(
        change_url(article),
        article_form_data(article, body="<p>The bridge reopened on Tuesday.</p>"),
    )
    article.refresh_from_db()
    client.post(
        change_url(article),
        article_form_data(article, body="<p>The bridge reopened on Tuesday at dawn.</p>"),
    )
    first, second, third = article.history.order_by("history_date")
    assert first.history_user is None  # made by the factory, outside a request
    assert second.history_user == third.history_user == editor

    history = client.get(reverse("admin:articles_article_history", args=[article.pk]))
    assertContains(history, "Compare the chosen revisions")
    assertContains(history, f'value="{first.history_id}"')

    diff = client.get(
        reverse("admin:articles_article_compare", args=[article.pk]),
        {"from": first.history_id, "to": third.history_id},
    )
    assertContains(diff, "<del>Monday.</del>", html=True)
    assertContains(diff, "<ins>Tuesday at dawn.</ins>", html=True)

    restore_url = reverse("admin:articles_article_simple_history", args=[article.pk, first.pk])
    form = client.get(restore_url)
    assertContains(form, "The bridge reopened on Monday.")
    restored_data = article_form_data(
        Article.objects.get(pk=article.pk), body=form.context["adminform"].form.initial["body"]
    )
    response = client.post(restore_url, restored_data)
    assert response.status_code == 302

    client.logout()
    page = client.get(article.get_absolute_url())
    assertContains(page, "The bridge reopened on Monday.")
    assert article.history.count() == 4  # restoring is itself a revision


def test_restoring_a_draft_revision_keeps_the_article_published(client, editor):
    article = ArticleFactory(draft=True, headline="Working title")
    article_publish(article=article, by=editor)
    first = article.history.earliest("history_date")
    assert first.status == Article.Status.DRAFT
    client.force_login(editor)

    restore_url = reverse("admin:articles_article_simple_history", args=[article.pk, first.pk])
    client.post(restore_url, article_form_data(article, status="draft"))

    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert Article.objects.published().filter(pk=article.pk).exists()


def test_every_save_keeps_a_revision_outside_the_admin_too(editor):
    article = ArticleFactory(draft=True)
    article.headline = "Changed by a script"
    article.save()
    article_publish(article=article, by=editor)
    assert article.history.count() == 3


def test_comparing_revisions_of_another_article_is_404(client, editor):
    one, two = ArticleFactory(), ArticleFactory()
    client.force_login(editor)
    response = client.get(
        reverse("admin:articles_article_compare", args=[one.pk]),
        {"from": two.history.first().history_id, "to": one.history.first().history_id},
    )
    assert response.status_code == 404


@pytest.mark.parametrize("query", [{}, {"from": "x", "to": "1"}, {"from": "1"}])
def test_comparing_without_two_revisions_is_404(client, editor, query):
    article = ArticleFactory()
    client.force_login(editor)
    url = reverse("admin:articles_article_compare", args=[article.pk])
    assert client.get(url, query).status_code == 404
