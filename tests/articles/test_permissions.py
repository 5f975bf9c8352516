"""The permission matrix: each role and each action through the admin, allowed and denied.

Denied actions are tried the way an attacker would, with crafted POSTs to the admin
URLs, not only by checking that a button is hidden.
"""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article, ArticleEvent
from tests.articles.editorial import article_form_data, change_url
from tests.factories import ArticleFactory, AuthorFactory, UserFactory, staff_user

pytestmark = pytest.mark.django_db

ADD_URL = "admin:articles_article_add"
CHANGELIST = "admin:articles_article_changelist"


def draft_by(user, **kwargs):
    return ArticleFactory(draft=True, created_by=user, **kwargs)


def new_article_data(author, **overrides):
    return article_form_data(
        **{
            "bylines-TOTAL_FORMS": "1",
            "bylines-0-author": author.pk,
            "bylines-0-position": "0",
            "status": "draft",
            **overrides,
        }
    )


# Create


@pytest.mark.parametrize("role", ["Writer", "Editor"])
def test_writers_and_editors_create_articles_they_own(client, role):
    user = staff_user("someone", role)
    client.force_login(user)
    assert client.get(reverse(ADD_URL)).status_code == 200

    response = client.post(reverse(ADD_URL), new_article_data(AuthorFactory()))

    assert response.status_code == 302
    article = Article.objects.get(slug="a-new-story")
    assert article.created_by == user
    assert article.status == Article.Status.DRAFT
    assert article.events.filter(action=ArticleEvent.Action.CREATED, by=user).exists()


def test_staff_without_a_role_cannot_create_articles(client):
    client.force_login(UserFactory(username="intern", is_staff=True))
    assert client.get(reverse(ADD_URL)).status_code == 403
    response = client.post(reverse(ADD_URL), new_article_data(AuthorFactory()))
    assert response.status_code == 403
    assert not Article.objects.exists()


def test_a_writer_creating_an_article_cannot_publish_it_with_a_crafted_status(client, writer):
    client.force_login(writer)
    form = client.get(reverse(ADD_URL))
    assertNotContains(form, 'name="status"')
    assertNotContains(form, 'name="published_at_0"')

    client.post(
        reverse(ADD_URL),
        new_article_data(
            AuthorFactory(),
            status="published",
            published_at_0="2024-01-01",
            published_at_1="10:00:00",
        ),
    )

    article = Article.objects.get(slug="a-new-story")
    assert article.status == Article.Status.DRAFT
    assert article.published_at is None
    assert not Article.objects.published().exists()


# Edit own / edit others'


def test_a_writer_edits_their_own_draft(client, writer):
    article = draft_by(writer, headline="Old headline")
    client.force_login(writer)

    response = client.post(change_url(article), article_form_data(article, headline="New one"))

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "New one"


def test_a_writer_cannot_see_or_edit_another_writers_article(client, writer, other_writer):
    article = draft_by(other_writer, headline="Walter's scoop")
    client.force_login(writer)

    assertNotContains(client.get(reverse(CHANGELIST)), "Walter&#x27;s scoop")
    response = client.get(change_url(article))
    assert response.status_code == 302  # the admin's "does not exist" answer
    assert response["Location"] == reverse("admin:index")

    crafted = client.post(change_url(article), article_form_data(article, headline="Hijacked"))
    assert crafted.status_code == 302
    article.refresh_from_db()
    assert article.headline == "Walter's scoop"


def test_a_writer_cannot_edit_their_article_once_submitted_or_published(client, writer):
    for status in (Article.Status.IN_REVIEW, Article.Status.PUBLISHED):
        article = ArticleFactory(status=status, created_by=writer, headline="Locked")
        client.force_login(writer)

        page = client.get(change_url(article))
        assert page.status_code == 200  # read-only view
        assertNotContains(page, 'name="_save"')

        crafted = client.post(change_url(article), article_form_data(article, headline="Changed"))
        assert crafted.status_code == 403
        article.refresh_from_db()
        assert article.headline == "Locked"


def test_an_editor_edits_every_article(client, writer, editor):
    article = ArticleFactory(status=Article.Status.IN_REVIEW, created_by=writer)
    client.force_login(editor)

    assertContains(client.get(reverse(CHANGELIST)), article.headline)
    response = client.post(change_url(article), article_form_data(article, headline="Subbed"))

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "Subbed"
    assert article.status == Article.Status.IN_REVIEW


# Submit


def test_a_writer_submits_their_draft_for_review(client, writer):
    article = draft_by(writer)
    client.force_login(writer)
    assertContains(client.get(change_url(article)), "Submit for review")

    response = client.post(reverse("admin:articles_article_submit", args=[article.pk]))

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW
    event = article.events.get(action=ArticleEvent.Action.SUBMITTED)
    assert event.by == writer


def test_a_writer_cannot_submit_someone_elses_draft(client, writer, other_writer):
    article = draft_by(other_writer)
    client.force_login(writer)

    response = client.post(reverse("admin:articles_article_submit", args=[article.pk]))

    assert response.status_code == 404
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_submit_needs_a_post(client, writer):
    article = draft_by(writer)
    client.force_login(writer)
    assert (
        client.get(reverse("admin:articles_article_submit", args=[article.pk])).status_code == 405
    )


# Publish, schedule, unpublish


def test_an_editor_publishes_from_the_form(client, editor, writer):
    article = ArticleFactory(status=Article.Status.IN_REVIEW, created_by=writer, published_at=None)
    client.force_login(editor)
    now = timezone.now()

    client.post(
        change_url(article),
        article_form_data(
            article,
            status="published",
            published_at_0=now.strftime("%Y-%m-%d"),
            published_at_1=(now - timedelta(minutes=1)).strftime("%H:%M:%S"),
        ),
    )

    assert Article.objects.published().filter(pk=article.pk).exists()
    assert article.events.get(action=ArticleEvent.Action.PUBLISHED).by == editor


def test_a_writer_cannot_publish_their_draft_with_a_crafted_post(client, writer):
    article = draft_by(writer)
    client.force_login(writer)

    client.post(
        change_url(article),
        article_form_data(
            article, status="published", published_at_0="2024-01-01", published_at_1="10:00:00"
        ),
    )
    client.post(
        reverse(CHANGELIST),
        {"action": "publish_selected", "post": "yes", "_selected_action": [article.pk]},
    )

    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert not ArticleEvent.objects.filter(action=ArticleEvent.Action.PUBLISHED).exists()


def test_only_editors_see_the_publish_actions(client, writer, editor):
    draft_by(writer)
    client.force_login(writer)
    assertNotContains(client.get(reverse(CHANGELIST)), "publish_selected")
    client.force_login(editor)
    assertContains(client.get(reverse(CHANGELIST)), "publish_selected")


def test_an_editor_publishes_and_unpublishes_in_bulk(client, editor):
    drafts = [ArticleFactory(draft=True) for _ in range(3)]
    client.force_login(editor)
    pks = [a.pk for a in drafts]

    client.post(
        reverse(CHANGELIST), {"action": "publish_selected", "post": "yes", "_selected_action": pks}
    )
    assert Article.objects.published().count() == 3

    client.post(
        reverse(CHANGELIST),
        {"action": "unpublish_selected", "post": "yes", "_selected_action": pks},
    )
    assert not Article.objects.published().exists()
    assert Article.objects.filter(status=Article.Status.UNPUBLISHED).count() == 3
    assert (
        ArticleEvent.objects.filter(action=ArticleEvent.Action.UNPUBLISHED, by=editor).count() == 3
    )


def test_publish_now_in_bulk_publishes_scheduled_stories_now_not_later(client, editor):
    later = timezone.now() + timedelta(days=2)
    scheduled = ArticleFactory(published_at=later)
    draft_for_later = ArticleFactory(draft=True, published_at=later)
    client.force_login(editor)

    client.post(
        reverse(CHANGELIST),
        {
            "action": "publish_selected",
            "post": "yes",
            "_selected_action": [scheduled.pk, draft_for_later.pk],
        },
    )

    visible = Article.objects.published()
    assert set(visible.values_list("pk", flat=True)) == {scheduled.pk, draft_for_later.pk}
    assert all(article.published_at <= timezone.now() for article in visible)


def test_an_editor_schedules_and_a_writer_cannot(client, editor, writer):
    article = draft_by(writer)
    later = timezone.now() + timedelta(days=2)
    data = article_form_data(
        article,
        status="published",
        published_at_0=later.strftime("%Y-%m-%d"),
        published_at_1=later.strftime("%H:%M:%S"),
    )

    client.force_login(writer)
    client.post(change_url(article), data)
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT

    client.force_login(editor)
    client.post(change_url(article), data)
    article.refresh_from_db()
    assert article.is_scheduled
    assert article.events.get(action=ArticleEvent.Action.SCHEDULED).by == editor
    assert not Article.objects.published().filter(pk=article.pk).exists()


def test_a_writer_cannot_unpublish(client, writer):
    article = ArticleFactory(created_by=writer)
    client.force_login(writer)

    client.post(
        reverse(CHANGELIST),
        {"action": "unpublish_selected", "post": "yes", "_selected_action": [article.pk]},
    )

    assert Article.objects.published().filter(pk=article.pk).exists()


# Delete


def test_a_writer_cannot_delete_and_an_editor_can(client, writer, editor):
    article = draft_by(writer)
    delete_url = reverse("admin:articles_article_delete", args=[article.pk])

    client.force_login(writer)
    assert client.get(delete_url).status_code == 403
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert Article.objects.filter(pk=article.pk).exists()

    client.force_login(editor)
    assert client.post(delete_url, {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()


def test_the_bulk_delete_action_is_the_editors_alone(client, writer, editor):
    own, theirs = draft_by(writer), draft_by(editor)
    crafted = {"action": "delete_selected", "_selected_action": [own.pk, theirs.pk], "post": "yes"}

    client.force_login(writer)
    assertNotContains(client.get(reverse(CHANGELIST)), 'value="delete_selected"')
    client.post(reverse(CHANGELIST), crafted)
    assert Article.objects.filter(pk__in=[own.pk, theirs.pk]).count() == 2

    client.force_login(editor)
    assertContains(client.get(reverse(CHANGELIST)), 'value="delete_selected"')
    assert client.post(reverse(CHANGELIST), crafted).status_code == 302
    assert not Article.objects.filter(pk__in=[own.pk, theirs.pk]).exists()


# Restore a revision


def test_an_editor_restores_a_revision_and_a_writer_cannot(client, writer, editor):
    article = draft_by(writer, headline="First words")
    client.force_login(writer)
    client.post(change_url(article), article_form_data(article, headline="Second words"))
    first = article.history.earliest("history_date")
    history_url = reverse("admin:articles_article_history", args=[article.pk])
    restore_url = reverse("admin:articles_article_simple_history", args=[article.pk, first.pk])
    article.refresh_from_db()

    assert client.get(history_url).status_code == 403
    assert client.get(restore_url).status_code == 403
    crafted = client.post(restore_url, article_form_data(article, headline="First words"))
    assert crafted.status_code == 403
    article.refresh_from_db()
    assert article.headline == "Second words"

    client.force_login(editor)
    assertContains(client.get(history_url), "First words")
    response = client.post(restore_url, article_form_data(article, headline="First words"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "First words"
    assert article.events.filter(action=ArticleEvent.Action.REVERTED, by=editor).exists()


# Tags and authors


def test_editors_manage_tags_and_authors_and_writers_do_not(client, writer, editor):
    author_add = reverse("admin:articles_author_add")
    tag_add = reverse("admin:taggit_tag_add")

    client.force_login(writer)
    assert client.get(author_add).status_code == 403
    assert client.post(tag_add, {"name": "Crafted", "slug": "crafted"}).status_code == 403

    client.force_login(editor)
    assert client.get(author_add).status_code == 200
    assert client.post(tag_add, {"name": "Weather", "slug": "weather"}).status_code == 302


# The whole matrix in one table: (role, action) -> allowed. Each action is attempted
# through the admin with a POST, whether or not the admin shows the button.

ACTIONS = (
    "create",
    "edit_own",
    "edit_others",
    "submit",
    "publish",
    "schedule",
    "unpublish",
    "delete",
    "restore_revision",
)
MATRIX = {
    ("Writer", "create"): True,
    ("Writer", "edit_own"): True,
    ("Writer", "edit_others"): False,
    ("Writer", "submit"): True,
    ("Writer", "publish"): False,
    ("Writer", "schedule"): False,
    ("Writer", "unpublish"): False,
    ("Writer", "delete"): False,
    ("Writer", "restore_revision"): False,
    ("Editor", "create"): True,
    ("Editor", "edit_own"): True,
    ("Editor", "edit_others"): True,
    ("Editor", "submit"): True,
    ("Editor", "publish"): True,
    ("Editor", "schedule"): True,
    ("Editor", "unpublish"): True,
    ("Editor", "delete"): True,
    ("Editor", "restore_revision"): True,
    # Moderators (the comments role) are staff too, but touch no article.
    **{("Moderator", action): False for action in ACTIONS},
}


def _attempt(client, user, action) -> bool:
    """Try ``action`` as ``user`` through the admin; True when it took effect."""
    other = staff_user("olga", "Writer")
    own = draft_by(user, headline="Own words")
    others = draft_by(other, headline="Other words")
    later = timezone.now() + timedelta(days=1)
    client.force_login(user)
    if action == "create":
        client.post(reverse(ADD_URL), new_article_data(AuthorFactory()))
        return Article.objects.filter(slug="a-new-story", created_by=user).exists()
    if action == "edit_own":
        client.post(change_url(own), article_form_data(own, headline="Edited"))
        own.refresh_from_db()
        return own.headline == "Edited"
    if action == "edit_others":
        client.post(change_url(others), article_form_data(others, headline="Edited"))
        others.refresh_from_db()
        return others.headline == "Edited"
    if action == "submit":
        client.post(reverse("admin:articles_article_submit", args=[own.pk]))
        own.refresh_from_db()
        return own.status == Article.Status.IN_REVIEW
    if action in ("publish", "schedule"):
        when = later if action == "schedule" else timezone.now() - timedelta(minutes=1)
        data = article_form_data(
            own,
            status="published",
            published_at_0=when.strftime("%Y-%m-%d"),
            published_at_1=when.strftime("%H:%M:%S"),
        )
        client.post(change_url(own), data)
        client.post(
            reverse(CHANGELIST),
            {"action": "publish_selected", "post": "yes", "_selected_action": [own.pk]},
        )
        own.refresh_from_db()
        return own.status == Article.Status.PUBLISHED
    if action == "unpublish":
        live = ArticleFactory(created_by=user)
        client.post(
            reverse(CHANGELIST),
            {"action": "unpublish_selected", "post": "yes", "_selected_action": [live.pk]},
        )
        live.refresh_from_db()
        return live.status == Article.Status.UNPUBLISHED
    if action == "delete":
        # The changelist's bulk action first, then the delete page.
        bulk = {"action": "delete_selected", "_selected_action": [own.pk], "post": "yes"}
        client.post(reverse(CHANGELIST), bulk)
        if Article.objects.filter(pk=own.pk).exists():
            client.post(reverse("admin:articles_article_delete", args=[own.pk]), {"post": "yes"})
        return not Article.objects.filter(pk=own.pk).exists()
    if action == "restore_revision":
        first = own.history.earliest("history_date")
        own.headline = "Changed later"
        own.save()
        restore = reverse("admin:articles_article_simple_history", args=[own.pk, first.pk])
        client.post(restore, article_form_data(own, headline=first.headline))
        own.refresh_from_db()
        return own.headline == "Own words"
    raise AssertionError(action)


@pytest.mark.parametrize(("role", "action"), sorted(MATRIX))
def test_permission_matrix(client, role, action):
    user = staff_user(f"{role.lower()}-user", role)
    assert _attempt(client, user, action) is MATRIX[(role, action)]
