"""Revisions: every save keeps one; editors see the history, diff any two, restore one."""

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article, Byline
from articles.services import article_publish, article_restore_revision, image_create
from tests.articles.editorial import article_form_data, change_url
from tests.factories import ArticleFactory, AuthorFactory, png_bytes, staff_user

pytestmark = pytest.mark.django_db


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


def test_restoring_a_revision_brings_back_its_bylines_and_tags(client, editor):
    mara, tomas = AuthorFactory(display_name="Mara Ellison"), AuthorFactory(display_name="Tomas")
    article = ArticleFactory(authors=[mara], tags=["Harbour"], body="<p>First words.</p>")
    client.force_login(editor)
    client.post(
        change_url(article), article_form_data(article, body="<p>Second.</p>", tags="Harbour")
    )
    with_mara = article.history.latest("history_date")
    assert with_mara.revision_bylines == [
        {"author": mara.pk, "name": "Mara Ellison", "position": 0}
    ]
    assert with_mara.revision_tags == ["Harbour"]
    article.refresh_from_db()
    client.post(
        change_url(article),
        article_form_data(
            article,
            body="<p>Third.</p>",
            tags="Transport, Weather",
            **{"bylines-0-author": tomas.pk},
        ),
    )
    assert [a.display_name for a in Article.objects.get(pk=article.pk).ordered_authors] == ["Tomas"]

    diff = client.get(
        reverse("admin:articles_article_compare", args=[article.pk]),
        {"from": with_mara.history_id, "to": article.history.latest("history_date").history_id},
    )
    assertContains(diff, "<h2>Bylines</h2>", html=True)
    assertContains(diff, "<del>Mara Ellison</del>", html=True)
    assertContains(diff, "<ins>Transport, Weather</ins>", html=True)

    restore_url = reverse(
        "admin:articles_article_simple_history", args=[article.pk, with_mara.history_id]
    )
    form = client.get(restore_url)
    # The editor sees what the restore will bring back before pressing Revert.
    assertContains(form, "<li>Bylines: Mara Ellison</li>", html=True)
    assertContains(form, "<li>Tags: Harbour</li>", html=True)
    assertNotContains(form, 'name="tags"')
    # Restoring keeps the current status and time, so the form does not offer the old ones.
    assertNotContains(form, 'name="status"')
    assertNotContains(form, 'name="published_at_0"')
    response = client.post(
        restore_url, article_form_data(Article.objects.get(pk=article.pk), body="<p>Second.</p>")
    )

    assert response.status_code == 302
    article = Article.objects.get(pk=article.pk)
    assert [a.display_name for a in article.ordered_authors] == ["Mara Ellison"]
    assert sorted(article.tags.names()) == ["Harbour"]
    restored = article.history.latest("history_date")
    assert restored.revision_tags == ["Harbour"]  # the restore's own revision says so
    client.logout()
    page = client.get(article.get_absolute_url())
    assertContains(page, "Mara Ellison")
    assertNotContains(page, "Tomas")
    assertContains(page, "Second.")


def test_a_revision_from_before_bylines_were_recorded_keeps_the_current_ones(client, editor):
    mara, tomas = AuthorFactory(display_name="Mara Ellison"), AuthorFactory(display_name="Tomas")
    article = ArticleFactory(authors=[mara], tags=["Harbour"])
    old = article.history.earliest("history_date")
    article.history.filter(history_id=old.history_id).update(
        revision_bylines=None, revision_tags=None
    )
    Byline.objects.filter(article=article).update(author=tomas)
    article.tags.set(["Transport"])
    client.force_login(editor)

    restore_url = reverse("admin:articles_article_simple_history", args=[article.pk, old.pk])
    assertContains(client.get(restore_url), "restoring it keeps the article")
    client.post(restore_url, article_form_data(article))

    assert [a.display_name for a in article.ordered_authors] == ["Tomas"]
    assert list(article.tags.names()) == ["Transport"]


def test_saves_outside_the_admin_record_bylines_and_tags_on_the_revision(editor):
    article = ArticleFactory(tags=["Harbour"])
    article.tags.add("Weather")
    article.headline = "Changed by a script"
    article.save()

    latest = article.history.latest("history_date")
    assert latest.revision_tags == ["Harbour", "Weather"]
    assert [b["author"] for b in latest.revision_bylines] == [
        b.author_id for b in article.bylines.all()
    ]


def test_only_those_who_may_restore_can_restore_bylines_and_tags(editor):
    article = ArticleFactory(tags=["Harbour"])
    writer = staff_user("wanda", "Writer")
    revision = article.history.latest("history_date")

    with pytest.raises(PermissionDenied):
        article_restore_revision(revision=revision, by=writer)
    article_restore_revision(revision=revision, by=editor)


@pytest.mark.parametrize("value", ["²", "9" * 5000, "9" * 30, "-1"])
def test_an_odd_revision_id_in_a_compare_url_is_404_not_an_error(client, editor, value):
    article = ArticleFactory()
    client.force_login(editor)
    url = reverse("admin:articles_article_compare", args=[article.pk])
    first = article.history.first().history_id
    assert client.get(url, {"from": value, "to": first}).status_code == 404


@pytest.mark.parametrize("kind", ["article", "revision"])
def test_a_typed_history_address_with_a_bad_id_is_404_not_an_error(client, editor, kind):
    article = ArticleFactory()
    client.force_login(editor)
    history = reverse("admin:articles_article_history", args=[article.pk])
    url = history.replace(f"/{article.pk}/", "/abc/") if kind == "article" else f"{history}abc/"
    assert client.get(url).status_code == 404


def test_a_revision_whose_hero_image_was_deleted_since_still_opens(client, editor):
    image = image_create(
        file=SimpleUploadedFile("quay.png", png_bytes(40, 30)),
        alt_text="a",
        caption="c",
        credit="d",
    )
    article = ArticleFactory(hero_image=image)
    revision = article.history.latest("history_date")
    image.delete()
    client.force_login(editor)

    url = reverse("admin:articles_article_simple_history", args=[article.pk, revision.pk])
    response = client.get(url)

    assert response.status_code == 200
    assertNotContains(response, "newsroom-thumb")
