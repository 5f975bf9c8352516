"""ArticlePermissions: the whole role table, and every surface answering from it.

Rows are roles (writer, editor, moderator, reader, anonymous), columns the predicates asked
of one article. The second half changes one answer of the permission object and checks that
the admin, the views and the services change with it: none keeps a rule of its own.
"""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.urls import reverse

import pytest

from articles.models import Article
from articles.permissions import ArticlePermissions
from articles.services import article_publish, article_update, correction_create
from tests.articles.editorial import change_url
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = ("writer", "editor", "moderator", "reader", "anonymous")


@pytest.fixture
def people(db, writer, editor, moderator):
    return {
        "writer": writer,
        "editor": editor,
        "moderator": moderator,
        "reader": UserFactory(username="rita"),
        "anonymous": AnonymousUser(),
    }


@pytest.fixture
def stories(people, other_writer):
    writer = people["writer"]
    return {
        "own draft": ArticleFactory(draft=True, created_by=writer),
        "own in review": ArticleFactory(
            draft=True, status=Article.Status.IN_REVIEW, created_by=writer
        ),
        "own published": ArticleFactory(created_by=writer),
        "another's draft": ArticleFactory(draft=True, created_by=other_writer),
    }


def only(*roles):
    return {role: role in roles for role in ROLES}


# predicate, story, who may
TABLE = [
    ("can_publish", None, only("editor")),
    ("can_edit_others", None, only("editor")),
    ("can_create", None, only("writer", "editor")),
    ("can_view", None, only("writer", "editor")),
    ("can_view", "own draft", only("writer", "editor")),
    ("can_view", "own published", only("writer", "editor")),
    ("can_view", "another's draft", only("editor")),
    ("can_edit", "own draft", only("writer", "editor")),
    ("can_edit", "own in review", only("editor")),
    ("can_edit", "own published", only("editor")),
    ("can_edit", "another's draft", only("editor")),
    ("can_submit", "own draft", only("writer", "editor")),
    ("can_submit", "own in review", only()),
    ("can_submit", "another's draft", only("editor")),
    ("can_delete", "own draft", only("editor")),
    ("can_restore_revision", "own draft", only("editor")),
    ("can_restore_revision", "another's draft", only("editor")),
    ("can_add_correction", "own published", only("editor")),
    ("can_create_preview_link", "own draft", only("editor")),
    ("can_revoke_preview_link", "own draft", only("editor")),
]


@pytest.mark.parametrize(("predicate", "story", "allowed"), TABLE)
@pytest.mark.parametrize("role", ROLES)
def test_the_role_table(people, stories, predicate, story, allowed, role):
    permissions = ArticlePermissions(people[role], stories[story] if story else None)
    assert getattr(permissions, predicate)() is allowed[role]


def test_an_inactive_editor_may_do_nothing(editor, stories):
    editor.is_active = False
    permissions = ArticlePermissions(editor, stories["another's draft"])
    assert not any(
        getattr(permissions, name)()
        for name in ("can_publish", "can_view", "can_edit", "can_delete", "can_create")
    )


def test_a_superuser_may_do_everything(stories):
    boss = UserFactory(username="boss", is_staff=True, is_superuser=True)
    permissions = ArticlePermissions(boss, stories["another's draft"])
    assert all(getattr(permissions, name)() for name, _story, _allowed in TABLE)


# Every surface answers from the object.


def test_refusing_publish_in_the_object_refuses_it_everywhere(client, editor, monkeypatch):
    monkeypatch.setattr(ArticlePermissions, "can_publish", lambda self: False)
    draft = ArticleFactory(draft=True)

    with pytest.raises(PermissionDenied):
        article_publish(article=draft, by=editor)
    with pytest.raises(PermissionDenied):
        article_update(article=draft, by=editor, status=Article.Status.PUBLISHED)
    client.force_login(editor)
    form = client.get(change_url(draft)).context["adminform"].form
    assert "status" not in form.fields  # read-only, as for a writer
    changelist = client.get(reverse("admin:articles_article_changelist"))
    actions = [name for name, _label in changelist.context["action_form"].fields["action"].choices]
    assert "publish_selected" not in actions


def test_refusing_view_in_the_object_refuses_the_admin_and_the_preview(client, editor, monkeypatch):
    draft = ArticleFactory(draft=True)
    client.force_login(editor)
    preview = reverse("articles:preview", kwargs={"pk": draft.pk})
    assert client.get(preview).status_code == 200

    monkeypatch.setattr(ArticlePermissions, "can_view", lambda self: False)

    assert client.get(preview).status_code == 403
    monkeypatch.setattr(ArticlePermissions, "can_edit", lambda self: False)
    assert client.get(change_url(draft)).status_code == 403


def test_refusing_edit_in_the_object_refuses_the_admin_and_the_service(client, editor, monkeypatch):
    article = ArticleFactory()
    monkeypatch.setattr(ArticlePermissions, "can_edit", lambda self: False)

    with pytest.raises(PermissionDenied):
        article_update(article=article, by=editor, headline="No")
    client.force_login(editor)
    page = client.get(change_url(article))
    # Django's admin shows a read-only page to those who may view but not change.
    assert page.status_code == 200 and not page.context["has_change_permission"]


def test_granting_corrections_in_the_object_is_what_the_service_asks(writer, monkeypatch):
    article = ArticleFactory()
    with pytest.raises(PermissionDenied):
        correction_create(article=article, by=writer, text="An earlier version erred.")

    monkeypatch.setattr(ArticlePermissions, "can_add_correction", lambda self: True)

    correction_create(article=article, by=writer, text="An earlier version erred.")
    assert article.corrections.count() == 1


def test_the_dashboard_lists_what_the_object_lets_a_writer_see(client, writer, monkeypatch):
    ArticleFactory(draft=True, headline="The other scoop", status=Article.Status.IN_REVIEW)
    client.force_login(writer)
    assert "The other scoop" not in client.get(reverse("admin:index")).content.decode()

    monkeypatch.setattr(ArticlePermissions, "can_edit_others", lambda self: True)

    assert "The other scoop" in client.get(reverse("admin:index")).content.decode()
