"""The moderation page's keyboard shortcuts in a browser: j/k move, a approves, r picks a
reason (1-9, Enter) and removes with it, f features and unfeatures, d dismisses reports,
z undoes, ? shows the help, and nothing fires while typing."""

from importlib import import_module

from django.apps import apps
from django.contrib.auth.models import Group

import pytest
from playwright.sync_api import expect

from articles.models import Comment, CommentReport, ModerationLogEntry
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery staple"


def moderator():
    if not Group.objects.filter(name="Moderator").exists():
        # Transactional tests flush the database, the migration's groups with it.
        import_module("accounts.migrations.0003_moderator_group").create_group(apps, None)
    user = UserFactory(username="mona", is_staff=True)
    user.set_password(PASSWORD)
    user.save()
    user.groups.add(Group.objects.get(name="Moderator"))
    return user


def log_in(page):
    page.goto("/admin/login/?next=/admin/articles/moderation/")
    page.get_by_label("Username").fill("mona")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Moderation")).to_be_visible()


def press(page, key: str) -> None:
    """A shortcut, once the page's script listens (it marks the page ``has-shortcuts``): a
    key pressed while a new page's deferred script is still loading would go nowhere."""
    expect(page.locator(".moderation.has-shortcuts")).to_be_attached()
    page.keyboard.press(key)


def status(comment) -> str:
    comment.refresh_from_db()
    return comment.status


def test_a_moderator_works_the_queue_from_the_keyboard(page, settings):
    settings.NEWSROOM_BASE_URL = "http://testserver"
    moderator()
    article = ArticleFactory(headline="Harbour bridge reopens")
    first, second, third = (
        CommentFactory(article=article, status=Comment.Status.PENDING, body=f"Held number {n}")
        for n in (1, 2, 3)
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page)
    items = page.locator(".moderation-item")
    live = page.locator("#moderation-live")
    expect(items).to_have_count(3)
    expect(page.locator('button[data-action="approve"] kbd').first).to_have_text("a")

    press(page, "j")
    expect(items.nth(0)).to_have_class("moderation-item is-current")
    expect(items.nth(0)).to_be_focused()
    expect(live).to_have_text("Comment 1 of 3, by " + first.author.username)
    press(page, "j")
    expect(items.nth(1)).to_have_class("moderation-item is-current")
    press(page, "k")
    expect(items.nth(0)).to_have_class("moderation-item is-current")
    expect(items.nth(1)).not_to_have_class("moderation-item is-current")

    # a approves the current comment; the page comes back without it.
    press(page, "a")
    expect(page.locator(".messagelist")).to_contain_text("1 comment approved.")
    expect(items).to_have_count(2)
    assert status(first) == Comment.Status.VISIBLE

    # Typing in the explanation box is typing, not shortcuts.
    page.locator("#id_explanation").fill("")
    page.locator("#id_explanation").press_sequentially("as")
    expect(page.locator("#id_explanation")).to_have_value("as")
    assert status(second) == Comment.Status.PENDING
    page.locator("#id_explanation").fill("")
    page.locator("h1").click()

    # r opens the reasons, 2 picks the second, Enter removes.
    press(page, "j")
    expect(items.nth(0)).to_have_class("moderation-item is-current")
    press(page, "r")
    expect(page.locator("#moderation-reasons")).to_have_class("moderation-reasons is-open")
    expect(live).to_contain_text("Choose a reason")
    press(page, "2")
    expect(page.locator('input[name="reason"][value="harassment"]')).to_be_checked()
    press(page, "Enter")
    expect(page.locator(".messagelist")).to_contain_text("1 comment removed.")
    expect(items).to_have_count(1)
    assert status(second) == Comment.Status.REMOVED
    assert second.removal_reason == "harassment"
    entry = ModerationLogEntry.objects.get(comment=second, action=ModerationLogEntry.Action.REMOVE)
    assert entry.reason == "harassment"
    assert status(third) == Comment.Status.PENDING

    # z takes the removal back: the comment is in the queue again.
    expect(page.locator("#moderation-undo button")).to_contain_text("Undo Remove")
    press(page, "z")
    expect(page.locator(".messagelist")).to_contain_text("Undone: 1 comment is back as it was.")
    expect(items).to_have_count(2)
    assert status(second) == Comment.Status.PENDING
    assert ModerationLogEntry.objects.filter(action=ModerationLogEntry.Action.UNDO).count() == 1
    expect(live).to_contain_text("Undone")

    # ? shows the shortcuts; f says feature is not available yet.
    press(page, "?")
    expect(page.locator("#moderation-help")).to_have_attribute("open", "")
    page.locator("h1").click()
    press(page, "f")
    expect(live).to_contain_text("not available")
    assert errors == []


def test_one_at_a_time_the_keys_act_on_the_comment_shown(page, settings):
    settings.NEWSROOM_BASE_URL = "http://testserver"
    moderator()
    first, second = (
        CommentFactory(status=Comment.Status.PENDING, body=f"Held number {n}") for n in (1, 2)
    )
    log_in(page)
    page.goto("/admin/articles/moderation/?view=focus")
    expect(page.locator(".moderation-body")).to_have_text("Held number 1")
    press(page, "s")
    expect(page.locator(".moderation-body")).to_have_text("Held number 2")
    assert status(first) == Comment.Status.SPAM
    press(page, "z")
    expect(page.locator(".moderation-body")).to_have_text("Held number 1")
    assert status(first) == Comment.Status.PENDING
    assert status(second) == Comment.Status.PENDING


def test_in_the_reported_queue_f_features_and_d_dismisses(page, settings):
    settings.NEWSROOM_BASE_URL = "http://testserver"
    moderator()
    first, second = (CommentFactory(body=f"Reported number {n}") for n in (1, 2))
    for comment in (first, second):
        CommentReport.objects.create(
            comment=comment, reporter=UserFactory(), reason=CommentReport.Reason.ABUSE
        )
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page)
    page.goto("/admin/articles/moderation/?queue=reported")
    items = page.locator(".moderation-item")
    expect(items).to_have_count(2)

    press(page, "j")
    press(page, "f")
    expect(page.locator(".messagelist")).to_contain_text("1 comment featured.")
    first.refresh_from_db()
    assert first.is_featured
    expect(items.nth(0).locator('button[data-action="unfeature"]')).to_be_visible()
    # f again on the same comment takes the pick back.
    press(page, "j")
    press(page, "f")
    expect(page.locator(".messagelist")).to_contain_text("no longer an editors")
    first.refresh_from_db()
    assert not first.is_featured

    # d keeps the comment and closes its reports: it leaves the queue.
    press(page, "j")
    press(page, "d")
    expect(page.locator(".messagelist")).to_contain_text("Reports dismissed: 1 comment kept.")
    expect(items).to_have_count(1)
    assert status(first) == Comment.Status.VISIBLE
    assert not first.reports.filter(resolved_at__isnull=True).exists()
    assert errors == []
