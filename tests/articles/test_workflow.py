"""Workflow services, scheduling, slug redirects, corrections, the dashboard, sanitizing."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

import pytest
import time_machine
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article, ArticleEvent, Comment, Correction
from articles.services import (
    article_create,
    article_publish,
    article_submit,
    article_unpublish,
    correction_create,
)
from tests.articles.editorial import article_form_data, change_url
from tests.factories import ArticleFactory, CommentFactory, staff_user

pytestmark = pytest.mark.django_db


# Services check the role themselves, whoever calls them.


def test_services_refuse_a_writer_publishing_or_unpublishing(writer):
    article = ArticleFactory(draft=True, created_by=writer)
    with pytest.raises(PermissionDenied):
        article_publish(article=article, by=writer)
    published = ArticleFactory(created_by=writer)
    with pytest.raises(PermissionDenied):
        article_unpublish(article=published, by=writer)
    assert not ArticleEvent.objects.exists()


def test_only_a_draft_can_be_submitted(writer):
    article = ArticleFactory(draft=True, created_by=writer)
    article_submit(article=article, by=writer)
    with pytest.raises((ValidationError, PermissionDenied)):
        article_submit(article=article, by=writer)


def test_republishing_after_a_takedown_goes_out_now(editor):
    article = ArticleFactory(published_at=timezone.now() - timedelta(days=30))
    article_unpublish(article=article, by=editor)
    assert not Article.objects.published().filter(pk=article.pk).exists()

    article_publish(article=article, by=editor)

    assert timezone.now() - article.published_at < timedelta(minutes=1)
    actions = list(article.events.order_by("at", "pk").values_list("action", flat=True))
    assert actions == ["unpublished", "published"]


# Scheduling: no cron job, the clock decides.


def test_a_scheduled_article_appears_when_its_time_comes(client, editor):
    article = ArticleFactory(draft=True, headline="Embargoed budget story")
    at = timezone.now() + timedelta(hours=3)
    article_publish(article=article, by=editor, published_at=at)

    assert client.get(article.get_absolute_url()).status_code == 404
    assertNotContains(client.get(reverse("articles:home")), "Embargoed budget story")

    with time_machine.travel(at + timedelta(seconds=1), tick=False):
        assertContains(client.get(article.get_absolute_url()), "Embargoed budget story")
        assertContains(client.get(reverse("articles:home")), "Embargoed budget story")


# Slug changes after publication keep the old address.


def test_a_published_articles_old_slug_redirects_permanently(client, editor):
    article = ArticleFactory(slug="bridge-closes")
    client.force_login(editor)
    client.post(change_url(article), article_form_data(article, slug="bridge-reopens"))
    client.logout()

    response = client.get(reverse("articles:detail", kwargs={"slug": "bridge-closes"}))

    assert response.status_code == 301
    assert response["Location"] == reverse("articles:detail", kwargs={"slug": "bridge-reopens"})
    assert client.get(response["Location"]).status_code == 200


def test_a_drafts_slug_change_leaves_no_redirect(client, editor):
    article = ArticleFactory(draft=True, slug="working-title")
    client.force_login(editor)
    client.post(change_url(article), article_form_data(article, slug="final-title"))
    assert not article.slug_redirects.exists()


def test_an_old_slug_of_an_unpublished_article_is_404(client, editor):
    article = ArticleFactory(slug="old-name")
    client.force_login(editor)
    client.post(change_url(article), article_form_data(article, slug="new-name"))
    article_unpublish(article=Article.objects.get(pk=article.pk), by=editor)
    client.logout()
    assert client.get(reverse("articles:detail", kwargs={"slug": "old-name"})).status_code == 404


# Corrections


def test_an_editor_appends_a_correction_shown_on_the_article_and_corrections_page(client, editor):
    article = ArticleFactory(headline="Council votes on lanes")
    client.force_login(editor)
    data = article_form_data(
        article,
        **{
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-kind": "correction",
            "corrections-0-text": "An earlier version gave the vote as 22 to 14.",
        },
    )
    response = client.post(change_url(article), data)
    assert response.status_code == 302
    client.logout()

    page = client.get(article.get_absolute_url())
    assertContains(page, "Corrections and clarifications")
    assertContains(page, "An earlier version gave the vote as 22 to 14.")
    listing = client.get(reverse("articles:corrections"))
    assertContains(listing, "Council votes on lanes")
    assertContains(listing, "An earlier version gave the vote as 22 to 14.")
    correction = Correction.objects.get()
    assert correction.created_by == editor
    assert article.events.filter(action=ArticleEvent.Action.CORRECTED).exists()


def test_corrections_cannot_be_edited_or_made_by_writers(client, writer, editor):
    article = ArticleFactory(created_by=writer)
    with pytest.raises(PermissionDenied):
        correction_create(article=article, by=writer, text="Sneaky")
    draft = ArticleFactory(draft=True)
    with pytest.raises(ValidationError):
        correction_create(article=draft, by=editor, text="Too early")
    correction_create(article=article, by=editor, text="Right one")

    client.force_login(editor)
    page = client.get(change_url(article))
    assertContains(page, "Right one")
    assertNotContains(page, 'name="corrections-0-text"')


def test_the_corrections_page_hides_corrections_on_unpublished_articles(client, editor):
    article = ArticleFactory(headline="Pulled story")
    correction_create(article=article, by=editor, text="Hidden note")
    article_unpublish(article=article, by=editor)
    page = client.get(reverse("articles:corrections"))
    assertNotContains(page, "Hidden note")
    assertContains(page, "No corrections so far.")


def test_an_article_without_corrections_shows_no_box(client):
    article = ArticleFactory()
    assertNotContains(client.get(article.get_absolute_url()), "Corrections and clarifications")


# Dashboard


def test_the_dashboard_counts_and_links_what_needs_attention(client, writer, editor):
    ArticleFactory.create_batch(2, draft=True, created_by=editor)
    ArticleFactory(draft=True, created_by=writer, headline="Not editor's draft")
    ArticleFactory.create_batch(3, status=Article.Status.IN_REVIEW, created_by=writer)
    ArticleFactory(published_at=timezone.now() + timedelta(days=1), headline="Tomorrow's story")
    ArticleFactory(headline="Out this morning")
    CommentFactory.create_batch(4, status=Comment.Status.PENDING)
    CommentFactory(status=Comment.Status.VISIBLE)
    client.force_login(editor)

    response = client.get(reverse("admin:index"))

    dash = response.context["dash"]
    assert dash["my_drafts"]["count"] == 2
    assert dash["in_review"]["count"] == 3
    assert dash["scheduled"]["count"] == 1
    assert dash["recently_published"]["count"] == 6  # one per comment, and one more
    assertContains(response, "Tomorrow&#x27;s story")
    assertContains(response, "Out this morning")
    assertNotContains(response, "Not editor&#x27;s draft")
    assertContains(response, "My drafts")
    assertContains(response, "In review")
    assertContains(
        response, f"{reverse('admin:articles_article_changelist')}?status__exact=in_review"
    )


def test_comments_awaiting_moderation_show_only_to_those_who_may_see_comments(
    client, writer, editor
):
    CommentFactory.create_batch(2, status=Comment.Status.PENDING)
    CommentFactory(status=Comment.Status.VISIBLE)
    client.force_login(writer)
    assertNotContains(client.get(reverse("admin:index")), "Comments awaiting moderation")

    client.force_login(editor)
    response = client.get(reverse("admin:index"))
    assertContains(response, "Comments awaiting moderation")
    assert response.context["dash"]["pending_comments"] == 2
    queue = f"{reverse('admin:articles_comment_changelist')}?status__exact=pending"
    assertContains(response, f'href="{queue}"')
    assert client.get(queue).status_code == 200


def test_editors_see_the_comment_queue_but_cannot_moderate(client, editor):
    comment = CommentFactory(status=Comment.Status.PENDING)
    client.force_login(editor)
    change_url = reverse("admin:articles_comment_change", args=[comment.pk])
    response = client.post(
        reverse("admin:articles_comment_changelist"),
        {"action": "approve", "_selected_action": [comment.pk]},
    )
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert response.status_code == 200  # no moderation action is offered to editors
    assertNotContains(response, "Approve selected comments")
    assert client.post(change_url, {"status": "visible"}).status_code == 403


def test_a_writer_dashboard_shows_only_their_own_articles(client, writer, editor):
    ArticleFactory(status=Article.Status.IN_REVIEW, created_by=editor, headline="Editor piece")
    ArticleFactory(status=Article.Status.IN_REVIEW, created_by=writer, headline="Writer piece")
    client.force_login(writer)
    response = client.get(reverse("admin:index"))
    assert response.context["dash"]["in_review"]["count"] == 1
    assertContains(response, "Writer piece")
    assertNotContains(response, "Editor piece")


# Sanitizing: whatever is posted, nothing runs.

HOSTILE = (
    "<p onclick=\"steal()\">Hello <script>alert('x')</script>"
    '<a href="javascript:alert(1)">click</a> <img src=x onerror=alert(1)>'
    '<iframe src="https://evil.example"></iframe><style>body{}</style>'
    '<a href="https://example.org" onmouseover="x()">fine link</a></p>'
    "<h2>Subhead</h2><blockquote>Quote</blockquote><ul><li>item</li></ul>"
)


def test_hostile_html_saved_through_the_admin_comes_out_harmless(client, writer):
    article = ArticleFactory(draft=True, created_by=writer)
    client.force_login(writer)

    response = client.post(change_url(article), article_form_data(article, body=HOSTILE))

    assert response.status_code == 302
    article.refresh_from_db()
    for bad in ("<script", "onclick", "onerror", "javascript:", "<iframe", "<style", "<img"):
        assert bad not in article.body.lower()
    assert '<a href="https://example.org"' in article.body
    for kept in ("<h2>Subhead</h2>", "<blockquote>", "<li>item</li>", "fine link"):
        assert kept in article.body


def test_the_admin_body_field_is_the_rich_text_editor_with_local_assets(client, editor):
    client.force_login(editor)
    page = client.get(reverse("admin:articles_article_add")).content.decode()
    assert "django_prose_editor/editor.js" in page
    assert "data-django-prose-editor" in page
    assets = re.findall(r'<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]+)"', page)
    assert any("django_prose_editor" in asset for asset in assets)
    assert [asset for asset in assets if urlsplit(asset).netloc] == []


def test_saving_a_published_article_records_no_new_publication(client, editor):
    article = ArticleFactory()
    client.force_login(editor)
    client.post(change_url(article), article_form_data(article, headline="Subbed headline"))
    article.refresh_from_db()
    assert article.headline == "Subbed headline"
    assert not article.events.filter(action__in=["published", "scheduled"]).exists()


def test_a_disallowed_status_move_re_renders_the_form_with_a_message(client, editor):
    article = ArticleFactory(headline="Live story")
    client.force_login(editor)

    response = client.post(
        change_url(article), article_form_data(article, status="draft", headline="Edited")
    )

    assert response.status_code == 200
    assertContains(response, "A published article cannot become draft.")
    assertContains(response, 'value="Edited"')
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.headline == "Live story"


def test_the_admin_links_to_history_only_for_editors_and_to_the_preview_for_drafts(
    client, writer, editor
):
    article = ArticleFactory(draft=True, created_by=writer)
    history = reverse("admin:articles_article_history", args=[article.pk])
    preview = reverse("articles:preview", kwargs={"pk": article.pk})

    client.force_login(writer)
    page = client.get(change_url(article))
    assertNotContains(page, history)
    assertContains(page, f'href="{preview}" class="viewsitelink"')

    client.force_login(editor)
    assertContains(client.get(change_url(article)), history)


def test_the_dashboard_links_open_the_matching_lists(client, writer, editor):
    ArticleFactory(draft=True, created_by=editor, headline="Editor draft")
    ArticleFactory(draft=True, created_by=writer, headline="Writer draft")
    ArticleFactory(published_at=timezone.now() + timedelta(days=1), headline="Tomorrow")
    ArticleFactory(headline="Yesterday")
    client.force_login(editor)
    links = client.get(reverse("admin:index")).context["dash"]["links"]

    drafts = client.get(links["my_drafts"])
    assertContains(drafts, "Editor draft")
    assertNotContains(drafts, "Writer draft")
    scheduled = client.get(links["scheduled"])
    assertContains(scheduled, "Tomorrow")
    assertNotContains(scheduled, "Yesterday")


def test_articles_created_by_a_script_leave_the_same_record():
    article = article_create(headline="Wire story", body="<p>Text</p>", authors=[], publish=True)
    assert list(article.events.values_list("action", "by")) == [
        ("published", None),
        ("created", None),
    ]


def test_a_save_over_someone_elses_newer_save_is_refused_and_keeps_the_text(client, editor):
    article = ArticleFactory(body="<p>Original.</p>")
    client.force_login(editor)
    form = client.get(change_url(article)).context["adminform"].form
    loaded = form["loaded_version"].value()
    assert loaded

    article.body = "<p>The other editor's fix.</p>"
    article.save()  # someone else saves meanwhile

    mine = article_form_data(article, body="<p>My late edit.</p>", loaded_version=loaded)
    response = client.post(change_url(article), mine)

    assert response.status_code == 200
    assertContains(response, "Someone else saved this article after you opened it.")
    assertContains(response, "My late edit.")
    article.refresh_from_db()
    assert article.body == "<p>The other editor's fix.</p>"

    fresh = client.get(change_url(article)).context["adminform"].form["loaded_version"].value()
    mine["loaded_version"] = fresh
    assert client.post(change_url(article), mine).status_code == 302
    article.refresh_from_db()
    assert article.body == "<p>My late edit.</p>"


def test_a_moderator_sees_only_comments_awaiting_moderation_with_a_link(client):
    CommentFactory.create_batch(3, status=Comment.Status.PENDING)
    moderator = staff_user("mo", "Moderator")
    client.force_login(moderator)

    response = client.get(reverse("admin:index"))

    link = f"{reverse('admin:articles_comment_changelist')}?status__exact=pending"
    assertContains(response, f'href="{link}"')
    assert response.context["dash"]["pending_comments"] == 3
    assertNotContains(response, "My drafts")
    assert client.get(link).status_code == 200


def test_a_correction_added_while_unpublishing_is_refused_with_the_text_kept(client, editor):
    article = ArticleFactory(headline="Council votes on lanes")
    client.force_login(editor)
    data = article_form_data(
        article,
        status="unpublished",
        **{
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-kind": "correction",
            "corrections-0-text": "An earlier version gave the vote as 22 to 14.",
        },
    )

    response = client.post(change_url(article), data)

    assertContains(response, "A correction is appended to a published article")
    assertContains(response, "An earlier version gave the vote as 22 to 14.")
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert not Correction.objects.exists()
